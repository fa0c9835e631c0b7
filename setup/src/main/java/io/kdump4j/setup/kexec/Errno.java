package io.kdump4j.setup.kexec;

/**
 * The errno values kexec_file_load(2) returns, with the Linux numbers (the same on x86_64 and
 * arm64: both use include/uapi/asm-generic/errno-base.h and errno.h), each with what it means
 * for loading a capture kernel and what to do. See kexec_file_load(2) and kernel/kexec_file.c.
 */
public enum Errno {
    EPERM(1, "not permitted",
            "run as root (CAP_SYS_BOOT); under lockdown/Secure Boot the kernel must also be signed by a trusted key "
                    + "(kexec.load_disabled=1 in sysctl also gives EPERM until the next boot)"),
    ENOENT(2, "no such file", "give an existing kernel and initramfs"),
    ENOEXEC(8, "not a kernel image this kernel can load",
            "give a bzImage (x86_64) or Image/vmlinuz (arm64) of the same architecture; an ELF vmlinux or a "
                    + "compressed Image.gz without a PE/zboot wrapper is refused"),
    EBADF(9, "bad file descriptor", "the kernel or initramfs could not be opened for reading"),
    ENOMEM(12, "out of memory: the crashkernel= reservation is too small for kernel + initramfs",
            "reserve more (kdump4j estimate gives the size; then GRUB_CMDLINE_LINUX crashkernel=...) or make the "
                    + "initramfs smaller (fewer modules, --compression zstd)"),
    EFAULT(14, "bad address", "a bug in kdump4j: please report it"),
    EBUSY(16, "busy: another load or unload is in progress, or the capture kernel is in use",
            "wait and retry; kdump4j unload first if a load keeps failing"),
    EINVAL(22, "invalid argument: a flag this kernel does not know, a command line longer than the kernel "
            + "accepts (COMMAND_LINE_SIZE, 2048 on x86_64), or an initramfs given with KEXEC_FILE_NO_INITRAMFS",
            "shorten --append; check the kernel is new enough for kexec_file_load (Linux 3.17+ on x86_64, 5.0+ on arm64)"),
    ENOSYS(38, "kexec_file_load is not in this kernel (CONFIG_KEXEC_FILE is not set)",
            "kdump4j load falls back to kexec_load by itself (--syscall auto); --syscall kexec_file_load was given"),
    EBADMSG(74, "the kernel image's signature could not be parsed (CONFIG_KEXEC_SIG_FORCE)",
            "load a signed kernel; kdump4j load falls back to kexec_load by itself (--syscall auto)"),
    EMSGSIZE(90, "a segment is larger than the kernel allows", "make the initramfs smaller"),
    /**
     * kernel/kexec_file.c kexec_locate_mem_hole(): no hole in the reservation for a segment. Seen
     * in the QEMU cycle at crashkernel=64M with an 8 MB kernel and a 1.7 MB initramfs.
     */
    EADDRNOTAVAIL(99, "no room in the crashkernel= reservation for the kernel, initramfs and boot data",
            "reserve more (kdump4j estimate gives the size; then GRUB_CMDLINE_LINUX crashkernel=...) or make the "
                    + "initramfs smaller (kdump4j initramfs --no-java, fewer modules)"),
    ENOKEY(126, "the kernel's signature key is not known", "load a kernel signed by a key in the kernel's keyrings"),
    EKEYREJECTED(129, "the kernel image's signature was rejected (lockdown or CONFIG_KEXEC_SIG_FORCE)",
            "load the distribution's signed kernel, or sign yours (sbsign) and enrol the key (mokutil --import)");

    private final int value;
    private final String meaning;
    private final String advice;

    Errno(int value, String meaning, String advice) {
        this.value = value;
        this.meaning = meaning;
        this.advice = advice;
    }

    public int value() {
        return value;
    }

    public String meaning() {
        return meaning;
    }

    public String advice() {
        return advice;
    }

    /** The known errno with this number, or null. */
    public static Errno of(int value) {
        for (Errno e : values()) {
            if (e.value == value) {
                return e;
            }
        }
        return null;
    }

    /** One line: name, number, meaning and what to do; for unknown numbers, just the number. */
    public static String describe(int value) {
        Errno e = of(value);
        return e == null ? "errno " + value : e.name() + " (" + value + "): " + e.meaning + ". Fix: " + e.advice;
    }
}
