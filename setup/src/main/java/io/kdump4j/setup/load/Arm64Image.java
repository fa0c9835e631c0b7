package io.kdump4j.setup.load;

import io.kdump4j.format.io.Cursor;
import io.kdump4j.format.io.DumpFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * An arm64 kernel {@code Image} and its 64-byte header (Documentation/arch/arm64/booting.rst):
 * <pre>
 * u32 code0;          executable code (a branch to stext, or the "MZ" of the EFI stub)
 * u32 code1;
 * u64 text_offset;    image load offset from a 2 MiB aligned base, little-endian
 * u64 image_size;     effective image size including BSS, little-endian (0 before v3.17)
 * u64 flags;          bit 0 big-endian kernel; bits 1-2 page size (1 = 4K, 2 = 16K, 3 = 64K);
 *                     bit 3 may be placed anywhere in memory (else near the start of DRAM)
 * u64 res2, res3, res4;
 * u32 magic;          0x644d5241, "ARM\x64"
 * u32 res5;           offset of the PE header (EFI stub)
 * </pre>
 * Debian ships {@code /boot/vmlinuz-*} for arm64 as a gzip-compressed Image: kexec_load(2) gets
 * raw segments, so it is decompressed here (into the heap: a kernel, bounded by
 * {@link #MAX_IMAGE}, not a dump).
 *
 * @param bytes      the raw Image
 * @param textOffset {@code text_offset}
 * @param imageSize  {@code image_size}, or the file size rounded up when the header has 0
 * @param flags      {@code flags}
 */
public record Arm64Image(byte[] bytes, long textOffset, long imageSize, long flags) {
    public static final int MAGIC = 0x644d5241;
    /** Larger than any arm64 kernel Debian builds (~35 MiB with BSS). */
    public static final int MAX_IMAGE = 256 << 20;

    /** Reads an Image, gzip-compressed or not. */
    public static Arm64Image read(Path file) throws IOException {
        byte[] raw;
        try (InputStream in = Files.newInputStream(file)) {
            raw = in.readNBytes(MAX_IMAGE + 1);
        }
        if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                raw = in.readNBytes(MAX_IMAGE + 1);
            }
        }
        if (raw.length > MAX_IMAGE) {
            throw new DumpFormatException(file.toString(), MAX_IMAGE, "kernel image larger than " + MAX_IMAGE + " bytes");
        }
        return parse(file.toString(), raw);
    }

    public static Arm64Image parse(String name, byte[] raw) throws DumpFormatException {
        Cursor c = new Cursor(name, raw, 0, ByteOrder.LITTLE_ENDIAN, "arm64 Image header");
        c.skip(8);
        long textOffset = c.u64AsLong("text_offset");
        long imageSize = c.u64AsLong("image_size");
        long flags = c.s64("flags");
        c.skip(24);
        int magic = c.s32("magic");
        if (magic != MAGIC) {
            throw c.error(56, "magic is 0x" + Integer.toHexString(magic) + ", expected 0x644d5241 (\"ARM\\x64\"): "
                    + "not an arm64 Image (a zboot/EFI-compressed or x86 kernel?)");
        }
        if ((flags & 1) != 0) {
            throw c.error(24, "big-endian kernel image; only little-endian arm64 is supported");
        }
        if (textOffset > (2 << 20) || (textOffset & 0xfff) != 0) {
            throw c.error(8, "text_offset 0x" + Long.toHexString(textOffset) + " is not a page-aligned offset below 2 MiB");
        }
        if (imageSize == 0) {
            // Before v3.17 (commit a2c1d73b94ed "arm64: Update the Image header") the header had no
            // size; the BSS is then unknown, and kexec-tools uses the file size plus a margin too.
            imageSize = raw.length + (1L << 20);
        }
        if (imageSize < raw.length || imageSize > 4L * MAX_IMAGE) {
            throw c.error(16, "image_size " + imageSize + " is smaller than the image (" + raw.length
                    + " bytes) or implausibly large");
        }
        return new Arm64Image(raw, textOffset, imageSize, flags);
    }

    /** Page size the kernel was built for (bits 1-2 of flags), 0 when unspecified. */
    public int pageSize() {
        return switch ((int) (flags >>> 1) & 3) {
            case 1 -> 4096;
            case 2 -> 16384;
            case 3 -> 65536;
            default -> 0;
        };
    }
}
