package io.kdump4j.setup.kexec;

/**
 * What kexec_load(2)'s errors mean for a capture kernel (kernel/kexec.c, kernel/kexec_core.c),
 * where they differ from kexec_file_load's ({@link Errno}).
 */
public final class KexecLoadErrno {
    private KexecLoadErrno() {
    }

    public static String describe(int errno) {
        return switch (errno) {
            case 1 -> "EPERM (1): not permitted. Fix: run as root (CAP_SYS_BOOT); kexec_load is refused under "
                    + "lockdown (Secure Boot) and after sysctl kernel.kexec_load_disabled=1";
            case 22 -> "EINVAL (22): the kernel refused the arguments: more than 16 segments, overlapping or "
                    + "unaligned segments, a buffer larger than its destination, or a KEXEC_ARCH flag of another "
                    + "architecture. Fix: a bug in kdump4j's plan; run kdump4j load --dry-run and report it";
            case 99 -> "EADDRNOTAVAIL (99): a segment or the entry point lies outside the crashkernel= reservation. "
                    + "Fix: a bug in kdump4j's plan if the reservation did not change since boot; run kdump4j load "
                    + "--dry-run";
            case 12 -> "ENOMEM (12): the kernel could not allocate the image's pages. Fix: free memory and retry";
            case 16 -> "EBUSY (16): another load or unload is in progress. Fix: wait and retry";
            case 38 -> "ENOSYS (38): this kernel has no kexec_load (CONFIG_KEXEC is not set). Fix: a kernel with "
                    + "CONFIG_KEXEC=y or CONFIG_KEXEC_FILE=y";
            default -> Errno.describe(errno);
        };
    }
}
