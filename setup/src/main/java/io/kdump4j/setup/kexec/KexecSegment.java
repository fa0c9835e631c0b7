package io.kdump4j.setup.kexec;

/**
 * One {@code struct kexec_segment} of kexec_load(2) (include/uapi/linux/kexec.h):
 * <pre>
 * struct kexec_segment { const void *buf; size_t bufsz; const void *mem; size_t memsz; };
 * </pre>
 * {@code bytes} become {@code buf}/{@code bufsz}; {@code mem} is the physical destination and
 * {@code memsz} the page-aligned size there (the rest is zero-filled by the kernel). For a
 * capture kernel every segment must lie inside the crash reservation
 * (kernel/kexec_core.c sanity_check_segment_list()).
 *
 * @param name what it is, for the plan
 */
public record KexecSegment(String name, byte[] bytes, long mem, long memsz) {
    /** The kernel places segments by page (kernel/kexec_core.c sanity_check_segment_list()). */
    public static final long PAGE = 4096;

    public KexecSegment {
        if (bytes.length > memsz || (mem & (PAGE - 1)) != 0 || (memsz & (PAGE - 1)) != 0) {
            throw new IllegalArgumentException(name + ": segment of " + bytes.length + " bytes at 0x"
                    + Long.toHexString(mem) + " size 0x" + Long.toHexString(memsz) + " is not page-aligned or too small");
        }
    }

    public long end() {
        return mem + memsz;
    }

    /** One line of a dry-run plan. */
    public String describe() {
        return "segment %-20s mem 0x%09x-0x%09x memsz %9d bufsz %9d".formatted(name, mem, end() - 1, memsz, bytes.length);
    }

    /** {@code v} rounded up to a multiple of {@code align}, a power of two. */
    public static long alignUp(long v, long align) {
        return Math.addExact(v, align - 1) & -align;
    }
}
