package io.kdump4j.format.kdump;

import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.Bytes;
import io.kdump4j.format.io.Cursor;
import io.kdump4j.format.io.DumpFormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code struct disk_dump_header} (makedumpfile {@code diskdump_mod.h}), the first block of a
 * kdump-compressed or diskdump file. Offsets in the LP64 layout (x86_64, arm64, ...) and, in
 * brackets, the ILP32 one (i386, arm, ...), which differs only by the size of the timeval:
 *
 * <pre>
 *   0  char signature[8]        "KDUMP   " or "DISKDUMP"
 *   8  int32 header_version     0..6
 *  12  struct new_utsname       6 x char[65]
 * 408  struct timeval           long tv_sec, long tv_usec            [404, 2 x int32]
 * 424  uint32 status            DUMP_DH_* flags                       [412]
 * 428  int32 block_size         the unit of the file layout           [416]
 * 432  int32 sub_hdr_size       in blocks                             [420]
 * 436  uint32 bitmap_blocks     both bitmaps together                 [424]
 * 440  uint32 max_mapnr         v6 keeps the full value in the sub-header [428]
 * 444  uint32 total_ram_blocks, device_blocks, written_blocks, current_cpu (unused)
 * 460  int32 nr_cpus                                                  [448]
 * 464  (sizeof)                                                       [452]
 * </pre>
 *
 * <p>The file has no word-size field and its integers are in the dumped machine's byte order;
 * both are chosen by which reading gives a consistent header (the approach of libkdumpfile's
 * {@code try_header_32/64()}): a known header_version, a power-of-two block_size, a
 * sub-header of at least one block from version 1 on, and bitmaps large enough for max_mapnr
 * that fit in the file. LP64 is tried before ILP32, little-endian before big-endian.
 */
public record DiskDumpHeader(
        String signature,
        ByteOrder order,
        int wordSize,
        int headerVersion,
        List<String> utsname,
        long timestampSeconds,
        long timestampMicros,
        int status,
        int blockSize,
        int subHdrSize,
        long bitmapBlocks,
        long maxMapnr32,
        int nrCpus) {

    public static final String KDUMP_SIGNATURE = "KDUMP   ";
    public static final String DISKDUMP_SIGNATURE = "DISKDUMP";
    /** sizeof(struct disk_dump_header) on LP64, without the empty tasks[] array. */
    public static final int SIZE_64 = 464;
    /** sizeof(struct disk_dump_header) on ILP32. */
    public static final int SIZE_32 = 452;
    /** The newest header version this reader knows; makedumpfile and QEMU write 6. */
    public static final int MAX_VERSION = 6;

    /** {@code DUMP_DH_COMPRESSED_INCOMPLETE}: the writer ran out of space or was told to stop. */
    public static final int STATUS_INCOMPLETE = 0x8;
    /** {@code DUMP_DH_EXCLUDED_VMEMMAP}: makedumpfile --exclude-unused-vm. */
    public static final int STATUS_EXCLUDED_VMEMMAP = 0x10;

    private static final int MIN_BLOCK = 512;
    private static final int MAX_BLOCK = 1 << 24;

    public static boolean matches(byte[] head) {
        if (head.length < 8) {
            return false;
        }
        String sig = new String(head, 0, 8, java.nio.charset.StandardCharsets.ISO_8859_1);
        return sig.equals(KDUMP_SIGNATURE) || sig.equals(DISKDUMP_SIGNATURE);
    }

    public boolean incomplete() {
        return (status & STATUS_INCOMPLETE) != 0;
    }

    /** The version the writer ({@link #forWriting}) writes: makedumpfile's current one. */
    public static final int WRITE_VERSION = 6;
    private static final int UTS_FIELD = 65;

    /**
     * A 64-bit "KDUMP   " header as makedumpfile's {@code write_kdump_header()} fills it for
     * {@link #encode}: version 6, {@code max_mapnr} and {@code bitmap_blocks} clipped to 32 bits
     * (the full values live in the sub-header), {@code total_ram_blocks}, {@code device_blocks},
     * {@code written_blocks} and {@code current_cpu} left 0.
     */
    public static DiskDumpHeader forWriting(ByteOrder order, List<String> utsname, long timestampSeconds,
            long timestampMicros, int status, int blockSize, int subHdrBlocks, long bitmapBlocks, long maxMapnr,
            int nrCpus) {
        if (utsname.size() != 6) {
            throw new IllegalArgumentException("utsname has 6 fields, not " + utsname.size());
        }
        return new DiskDumpHeader(KDUMP_SIGNATURE, order, 8, WRITE_VERSION, List.copyOf(utsname), timestampSeconds,
                timestampMicros, status, blockSize, subHdrBlocks, Math.min(bitmapBlocks, 0xffff_ffffL),
                Math.min(maxMapnr, 0xffff_ffffL), nrCpus);
    }

    /** This header with another {@code status}. */
    public DiskDumpHeader withStatus(int s) {
        return new DiskDumpHeader(signature, order, wordSize, headerVersion, utsname, timestampSeconds,
                timestampMicros, s, blockSize, subHdrSize, bitmapBlocks, maxMapnr32, nrCpus);
    }

    /**
     * The header in the 64-bit layout {@link #read} parses (offsets in the class comment),
     * padded to a whole block: block 0 of the file. utsname fields are NUL-terminated C strings
     * of at most 64 characters.
     */
    public byte[] encode() {
        if (wordSize != 8) {
            throw new IllegalStateException("only the 64-bit layout is written");
        }
        byte[] b = new byte[blockSize];
        System.arraycopy(signature.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, b, 0, 8);
        Bytes.put32(b, 8, order, headerVersion);
        for (int i = 0; i < 6; i++) {
            byte[] u = utsname.get(i).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            System.arraycopy(u, 0, b, 12 + i * UTS_FIELD, Math.min(u.length, UTS_FIELD - 1));
        }
        Bytes.put64(b, 408, order, timestampSeconds);
        Bytes.put64(b, 416, order, timestampMicros);
        Bytes.put32(b, 424, order, status);
        Bytes.put32(b, blockSizeOffset(), order, blockSize);
        Bytes.put32(b, subHdrSizeOffset(), order, subHdrSize);
        Bytes.put32(b, bitmapBlocksOffset(), order, (int) bitmapBlocks);
        Bytes.put32(b, 440, order, (int) maxMapnr32);
        Bytes.put32(b, 460, order, nrCpus);
        return b;
    }

    /**
     * This header with {@link #STATUS_INCOMPLETE} set: for a file that ends before its writer
     * finished (a flattened stream cut short) whatever its header claims, so that what it holds
     * is read and the rest is lost, not refused.
     */
    public DiskDumpHeader markedIncomplete() {
        return new DiskDumpHeader(signature, order, wordSize, headerVersion, utsname, timestampSeconds,
                timestampMicros, status | STATUS_INCOMPLETE, blockSize, subHdrSize, bitmapBlocks, maxMapnr32, nrCpus);
    }

    public boolean isDiskdump() {
        return signature.equals(DISKDUMP_SIGNATURE);
    }

    /** The offset of block_size in this header's layout (for messages). */
    public int blockSizeOffset() {
        return wordSize == 8 ? 428 : 416;
    }

    /** The offset of sub_hdr_size in this header's layout (for messages). */
    public int subHdrSizeOffset() {
        return blockSizeOffset() + 4;
    }

    /** The offset of bitmap_blocks in this header's layout (for messages). */
    public int bitmapBlocksOffset() {
        return blockSizeOffset() + 8;
    }

    public static DiskDumpHeader read(ByteSource src) throws IOException {
        String name = src.name();
        src.checkRange(0, SIZE_32, "a disk_dump_header");
        byte[] raw = src.read(0, (int) Math.min(SIZE_64, src.size()), "disk_dump_header");
        if (!matches(raw)) {
            throw new DumpFormatException(name, 0, "expected the signature \"KDUMP   \" or \"DISKDUMP\"");
        }
        DiskDumpHeader fallback = null;
        for (int word : new int[] {8, 4}) {
            if (word == 8 && raw.length < SIZE_64) {
                continue;
            }
            for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                int v = Bytes.s32(raw, 8, o);
                int bs = Bytes.s32(raw, word == 8 ? 428 : 416, o);
                if (v < 0 || v > MAX_VERSION || !plausibleBlockSize(bs)) {
                    continue;
                }
                DiskDumpHeader h = parse(name, raw, o, word);
                if (h.consistent(src.size())) {
                    return h;
                }
                if (fallback == null) {
                    fallback = h;
                }
            }
        }
        if (fallback != null) {
            // Plausible version and block size but inconsistent sizes: report the real problem
            // (a truncated file, a corrupt bitmap size) from the LP64 reading.
            return fallback;
        }
        int v = Bytes.s32(raw, 8, ByteOrder.LITTLE_ENDIAN);
        if (v < 0 || v > MAX_VERSION) {
            throw new DumpFormatException(name, 8, "header_version is " + v + " (little-endian) / "
                    + Bytes.s32(raw, 8, ByteOrder.BIG_ENDIAN) + " (big-endian); this reader knows versions 0-"
                    + MAX_VERSION);
        }
        throw new DumpFormatException(name, 428, "block_size is " + Bytes.s32(raw, 428, ByteOrder.LITTLE_ENDIAN)
                + " (64-bit layout) / " + Bytes.s32(raw, 416, ByteOrder.LITTLE_ENDIAN)
                + " (32-bit layout); expected a power of two from " + MIN_BLOCK + " to " + MAX_BLOCK);
    }

    private boolean consistent(long fileSize) {
        if (headerVersion >= 1 && subHdrSize < 1) {
            return false;
        }
        long oneBitmap = ((maxMapnr32 + 7) / 8 + blockSize - 1) / blockSize;
        if (bitmapBlocks < oneBitmap) {
            return false;
        }
        long end = (1L + subHdrSize + bitmapBlocks) * blockSize;
        return subHdrSize >= 0 && end <= fileSize;
    }

    private static DiskDumpHeader parse(String name, byte[] raw, ByteOrder order, int word) throws DumpFormatException {
        Cursor c = new Cursor(name, raw, 0, order, "disk_dump_header");
        String signature = c.ascii(8, "signature");
        int version = c.s32("header_version");
        List<String> uts = new ArrayList<>(6);
        for (int i = 0; i < 6; i++) {
            uts.add(c.fixedString(65, "utsname field " + i));
        }
        long sec;
        long usec;
        if (word == 8) {
            c.seek(408);
            sec = c.s64("timestamp.tv_sec");
            usec = c.s64("timestamp.tv_usec");
        } else {
            c.seek(404);
            sec = c.s32("timestamp.tv_sec");
            usec = c.s32("timestamp.tv_usec");
        }
        int status = c.s32("status");
        int blockSize = c.s32("block_size");
        int subHdrSize = c.s32("sub_hdr_size");
        long bitmapBlocks = c.u32("bitmap_blocks");
        long maxMapnr = c.u32("max_mapnr");
        c.skip(16);
        int nrCpus = c.s32("nr_cpus");
        return new DiskDumpHeader(signature, order, word, version, List.copyOf(uts), sec, usec, status, blockSize,
                subHdrSize, bitmapBlocks, maxMapnr, nrCpus);
    }

    private static boolean plausibleBlockSize(int bs) {
        return bs >= MIN_BLOCK && bs <= MAX_BLOCK && Integer.bitCount(bs) == 1;
    }
}
