package io.kdump4j.setup.load;

import io.kdump4j.setup.check.HostFiles;
import io.kdump4j.setup.config.CaptureCommandLine;
import io.kdump4j.setup.config.KernelCommandLine;
import io.kdump4j.setup.kexec.Errno;
import io.kdump4j.setup.kexec.KexecException;
import io.kdump4j.setup.kexec.KexecFileLoadSyscall;
import io.kdump4j.setup.kexec.KexecLoadSyscall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code kdump4j load}: the capture kernel and initramfs into the crashkernel= reservation with
 * the command line derived from the running one. Checks what it can before the system call so
 * that the common mistakes get a precise message rather than an errno.
 */
public final class CaptureLoader {
    /** What was loaded, and through which system call. */
    public record Loaded(Path kernel, Path initrd, String cmdline, long kernelBytes, long initrdBytes, long reservedBytes,
            String syscall) {
    }

    /** Which system call loads: on x86_64 {@code AUTO} tries kexec_file_load, then kexec_load. */
    public enum Syscall {
        AUTO, KEXEC_FILE_LOAD, KEXEC_LOAD
    }

    /**
     * kexec_file_load errors after which kexec_load may still work: ENOSYS (no CONFIG_KEXEC_FILE),
     * ENOEXEC (no loader for this image format), EKEYREJECTED and EBADMSG (signature checks of
     * CONFIG_KEXEC_SIG_FORCE; kexec_load is not signature-checked, though lockdown refuses it,
     * with EPERM, which is not retried).
     */
    static final Set<Integer> FILE_LOAD_FALLBACK = Set.of(Errno.ENOSYS.value(), Errno.ENOEXEC.value(),
            Errno.EKEYREJECTED.value(), Errno.EBADMSG.value());

    private CaptureLoader() {
    }

    /** The command line the capture kernel gets: derived from /proc/cmdline plus {@code append}. */
    public static String commandLine(HostFiles host, String arch, List<String> append) throws IOException {
        String running = host.read("/proc/cmdline").orElseThrow(() -> new IOException("cannot read /proc/cmdline"));
        return CaptureCommandLine.derive(KernelCommandLine.parse(running), arch, append);
    }

    public static Loaded load(HostFiles host, String arch, Path kernel, Path initrd, String cmdline) throws IOException {
        return load(host, arch, kernel, initrd, cmdline, Syscall.AUTO);
    }

    public static Loaded load(HostFiles host, String arch, Path kernel, Path initrd, String cmdline, Syscall syscall)
            throws IOException {
        if (!Files.isReadable(kernel)) {
            throw new IOException(kernel + ": capture kernel not found or not readable (give --kernel)");
        }
        if (initrd != null && !Files.isReadable(initrd)) {
            throw new IOException(initrd + ": initramfs not found or not readable (make it with kdump4j initramfs -o "
                    + initrd + ")");
        }
        CaptureStatus st = CaptureStatus.read(host);
        if (st.reservedBytes() == 0) {
            throw new KexecException("no memory is reserved for a capture kernel (kexec_crash_size is 0): add crashkernel= "
                    + "to the boot command line (kdump4j check says how)");
        }
        long k = Files.size(kernel);
        long i = initrd == null ? 0 : Files.size(initrd);
        String used;
        if (arch.equals("aarch64")) {
            // Debian's arm64 kernels have no kexec_file_load: kexec_load with our own device
            // tree, ELF core header and purgatory.
            Arm64Loader.load(Arm64Loader.plan(host, kernel, initrd, cmdline, null));
            used = "kexec_load";
        } else if (syscall == Syscall.KEXEC_LOAD) {
            X86Loader.load(X86Loader.plan(host, kernel, initrd, cmdline));
            used = "kexec_load";
        } else {
            try {
                new KexecFileLoadSyscall(arch).load(kernel, initrd, cmdline, true);
                used = "kexec_file_load";
            } catch (KexecException e) {
                if (syscall == Syscall.KEXEC_FILE_LOAD || !FILE_LOAD_FALLBACK.contains(e.errno())) {
                    throw e;
                }
                X86Loader.load(X86Loader.plan(host, kernel, initrd, cmdline));
                used = "kexec_load (kexec_file_load: " + e.getMessage() + ")";
            }
        }
        return new Loaded(kernel, initrd, cmdline, k, i, st.reservedBytes(), used);
    }

    public static void unload(String arch) throws KexecException {
        if (arch.equals("aarch64")) {
            Arm64Loader.unload();
            return;
        }
        // Either call unloads what either loaded (both clear the same kexec_crash_image); only
        // kexec_file_load works under lockdown, only kexec_load without CONFIG_KEXEC_FILE.
        try {
            new KexecFileLoadSyscall(arch).unload(true);
        } catch (KexecException e) {
            if (e.errno() != Errno.ENOSYS.value()) {
                throw e;
            }
            new KexecLoadSyscall(arch).unload(true);
        }
    }

    /** Larger than any capture initramfs kdump4j makes (kexec_load holds it in memory as a segment). */
    static final long MAX_INITRD = 1L << 30;

    /** The initramfs for a kexec_load segment, or null; its size checked before it is read. */
    static byte[] readInitrd(Path initrd) throws IOException {
        if (initrd == null) {
            return null;
        }
        long size = Files.size(initrd);
        if (size > MAX_INITRD) {
            throw new IOException(initrd + ": " + size + " bytes, more than a capture initramfs can be");
        }
        return Files.readAllBytes(initrd);   // one array of the file's size, not a growing buffer
    }
}
