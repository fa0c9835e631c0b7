package io.kdump4j.setup.check;

import io.kdump4j.setup.initramfs.CpioNewcReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * {@code kdump4j estimate}: the crashkernel= a capture initramfs needs, from numbers measured
 * in the QEMU cycle (tests/e2e, Debian 6.1.0-56-amd64, x86_64, 1 GiB guest, TCG):
 *
 * <pre>
 * capture kernel "Memory: A/T available" line: T - A = K + compressed initramfs, K = 59-60 MiB
 *     (96M: 38224K/98932K with a 1.7 MB image; 192M: 108232K/197236K with 27.7 MB)
 * then the kernel allocates X more before and while unpacking; the archive must fit in A - X:
 *     160M, Java image:    "Initramfs unpacking failed" with A = 73.7 MiB, archive 52.4  => X > 21
 *     80M, raw-copy image:  out of memory before user space, A = 21.3 MiB, archive 4.8  => X > 16
 *     96M, raw-copy image:  dd saved the dump with A = 37.3 MiB, archive 4.8             => X < 32
 * smallest that worked: 192M with Java (whole image; the JVM started), 96M without Java
 * 128M with Java: out of memory while unpacking, no dump; 64M: kexec_file_load refused (EADDRNOTAVAIL)
 * </pre>
 *
 * After the unpack the compressed copy is freed, so: reserve = K + X + archive + max(compressed,
 * user space), rounded up to 16 MiB, with K = 60 MiB, X = 24 MiB. User space is the JVM of
 * {@code kdump4j save} when the image carries Java: 48 MiB (at 192M about 54 MiB were left after
 * the unpack and the JVM started in it; -Xmx64m is a ceiling a streaming save should not reach,
 * not yet measured since save does not exist yet), else 8 MiB for busybox dd. Numbers for other
 * kernels and architectures differ: rerun the QEMU test (tests/e2e) with
 * -Dkdump4j.e2e.crashkernel= to measure them.
 */
public record CrashkernelEstimate(long compressedBytes, long archiveBytes, boolean java, long kernelBytes,
                                  long userSpaceBytes, long requiredBytes, long recommendedBytes) {
    static final long MIB = 1 << 20;
    /** K: T - A - compressed initrd at capture boot (x86_64 6.1, measured 59.3-59.9 MiB at 96M-192M). */
    public static final long KERNEL_AT_BOOT = 60 * MIB;
    /** X: kernel allocations after mem_init, before user space (x86_64 6.1, bracketed 21-32 MiB above). */
    public static final long KERNEL_AFTER_BOOT = 24 * MIB;
    public static final long JVM = 48 * MIB;
    public static final long BUSYBOX = 8 * MIB;

    /** Estimates for the initramfs file (gzip, zstd or plain cpio). */
    public static CrashkernelEstimate of(Path initramfs) throws IOException {
        long compressed = Files.size(initramfs);
        CpioNewcReader.Listing l;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(initramfs))) {
            raw.mark(4);
            byte[] m = raw.readNBytes(4);
            raw.reset();
            InputStream in;
            if (m.length >= 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b) {
                in = new GZIPInputStream(raw, 1 << 16);
            } else if (m.length == 4 && (m[0] & 0xff) == 0x28 && (m[1] & 0xff) == 0xb5 && (m[2] & 0xff) == 0x2f && (m[3] & 0xff) == 0xfd) {
                in = new io.airlift.compress.v3.zstd.ZstdInputStream(raw);
            } else {
                in = raw;
            }
            l = CpioNewcReader.list(initramfs.toString(), in);
        }
        boolean java = l.has("opt/kdump4j/java/bin/java");
        return compute(compressed, l.archiveBytes(), java);
    }

    public static CrashkernelEstimate compute(long compressed, long archive, boolean java) {
        long user = java ? JVM : BUSYBOX;
        long kernel = KERNEL_AT_BOOT + KERNEL_AFTER_BOOT;
        long required = kernel + Math.max(compressed + archive, archive + user);
        long recommended = (required + 16 * MIB - 1) / (16 * MIB) * (16 * MIB);
        return new CrashkernelEstimate(compressed, archive, java, kernel, user, required, recommended);
    }

    /** "crashkernel=240M". */
    public String parameter() {
        return "crashkernel=" + (recommendedBytes / MIB) + "M";
    }
}
