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
 * kdump-compressed or diskdump file, in the 64-bit (LP64) layout that x86_64 and arm64 writers
 * use:
 *
 * <pre>
 *   0  char signature[8]        "KDUMP   " or "DISKDUMP"
 *   8  int32 header_version     1..6
 *  12  struct new_utsname       6 x char[65]
 * 408  struct timeval           int64 tv_sec, int64 tv_usec (6 bytes of padding before it)
 * 424  uint32 status            DUMP_DH_* flags
 * 428  int32 block_size         the unit of the file layout (= page size, QEMU: see below)
 * 432  int32 sub_hdr_size       in blocks
 * 436  uint32 bitmap_blocks     both bitmaps together
 * 440  uint32 max_mapnr         truncated to 32 bits; v6 keeps the real value in the sub-header
 * 444  uint32 total_ram_blocks, device_blocks, written_blocks, current_cpu (unused)
 * 460  int32 nr_cpus
 * </pre>
 *
 * <p>The file has no word-size field and its integers are in the dumped machine's byte order;
 * the order is chosen by which reading gives a plausible header_version and block_size (the
 * approach of libkdumpfile's {@code try_header_64()}). 32-bit layouts (i386, arm) are not read.
 */
public record DiskDumpHeader(
        String signature,
        ByteOrder order,
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

    public boolean isDiskdump() {
        return signature.equals(DISKDUMP_SIGNATURE);
    }

    public static DiskDumpHeader read(ByteSource src) throws IOException {
        String name = src.name();
        src.checkRange(0, SIZE_64, "a disk_dump_header");
        byte[] raw = src.read(0, SIZE_64, "disk_dump_header");
        if (!matches(raw)) {
            throw new DumpFormatException(name, 0, "expected the signature \"KDUMP   \" or \"DISKDUMP\"");
        }
        ByteOrder order = null;
        for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            int v = Bytes.s32(raw, 8, o);
            int bs = Bytes.s32(raw, 428, o);
            if (v >= 0 && v <= MAX_VERSION && plausibleBlockSize(bs)) {
                order = o;
                break;
            }
        }
        if (order == null) {
            int v = Bytes.s32(raw, 8, ByteOrder.LITTLE_ENDIAN);
            if (v < 0 || v > MAX_VERSION) {
                throw new DumpFormatException(name, 8, "header_version is " + v + " (little-endian) / "
                        + Bytes.s32(raw, 8, ByteOrder.BIG_ENDIAN) + " (big-endian); this reader knows versions 0-"
                        + MAX_VERSION);
            }
            throw new DumpFormatException(name, 428, "block_size is " + Bytes.s32(raw, 428, ByteOrder.LITTLE_ENDIAN)
                    + "; expected a power of two from " + MIN_BLOCK + " to " + MAX_BLOCK
                    + " (or a 32-bit dump, which this reader does not support)");
        }
        Cursor c = new Cursor(name, raw, 0, order, "disk_dump_header");
        String signature = c.ascii(8, "signature");
        int version = c.s32("header_version");
        List<String> uts = new ArrayList<>(6);
        for (int i = 0; i < 6; i++) {
            uts.add(c.fixedString(65, "utsname field " + i));
        }
        c.seek(408);
        long sec = c.s64("timestamp.tv_sec");
        long usec = c.s64("timestamp.tv_usec");
        int status = c.s32("status");
        int blockSize = c.s32("block_size");
        long subOffset = c.offset();
        int subHdrSize = c.s32("sub_hdr_size");
        long bitmapBlocks = c.u32("bitmap_blocks");
        long maxMapnr = c.u32("max_mapnr");
        c.skip(16);
        int nrCpus = c.s32("nr_cpus");
        if (subHdrSize < 0) {
            throw new DumpFormatException(name, subOffset, "sub_hdr_size is negative (" + subHdrSize + ")");
        }
        return new DiskDumpHeader(signature, order, version, List.copyOf(uts), sec, usec, status, blockSize,
                subHdrSize, bitmapBlocks, maxMapnr, nrCpus);
    }

    private static boolean plausibleBlockSize(int bs) {
        return bs >= MIN_BLOCK && bs <= MAX_BLOCK && Integer.bitCount(bs) == 1;
    }
}
