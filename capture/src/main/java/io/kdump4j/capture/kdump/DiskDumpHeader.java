package io.kdump4j.capture.kdump;

import io.kdump4j.format.io.Bytes;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code struct disk_dump_header} (makedumpfile {@code diskdump_mod.h}), 64-bit layout, as
 * makedumpfile's {@code write_kdump_header()} fills it: version 6, block size = page size,
 * {@code bitmap_blocks} counting both bitmaps, {@code max_mapnr} clipped to 32 bits (the full
 * value is in the sub-header), {@code total_ram_blocks}, {@code device_blocks},
 * {@code written_blocks} and {@code current_cpu} left 0.
 *
 * <pre>
 *   0  char   signature[8]     "KDUMP   "
 *   8  int    header_version   6
 *  12  struct new_utsname      6 x char[65]
 * 402  (6 bytes of padding to align the timeval)
 * 408  struct timeval timestamp  tv_sec, tv_usec (2 x 64 bits)
 * 424  unsigned int status     DUMP_DH_COMPRESSED_* | DUMP_DH_COMPRESSED_INCOMPLETE
 * 428  int    block_size
 * 432  int    sub_hdr_size     in blocks
 * 436  unsigned int bitmap_blocks
 * 440  unsigned int max_mapnr
 * 444  unsigned int total_ram_blocks, device_blocks, written_blocks, current_cpu
 * 460  int    nr_cpus
 * 464  (struct task_struct *tasks[0]: sizeof = 464)
 * </pre>
 */
public record DiskDumpHeader(List<String> utsname, long timestampSeconds, long timestampMicros, int status,
        int blockSize, int subHdrBlocks, long bitmapBlocks, long maxMapnr, int nrCpus) {

    public static final String SIGNATURE = "KDUMP   ";
    public static final int VERSION = 6;
    public static final int SIZE = 464;
    /** DUMP_DH_COMPRESSED_INCOMPLETE: the dump stopped early (ENOSPC, failed read). */
    public static final int STATUS_INCOMPLETE = 0x8;
    static final int UTS_FIELD = 65;

    public DiskDumpHeader {
        utsname = List.copyOf(utsname);
        if (utsname.size() != 6) {
            throw new IllegalArgumentException("utsname has 6 fields, not " + utsname.size());
        }
    }

    public DiskDumpHeader withStatus(int s) {
        return new DiskDumpHeader(utsname, timestampSeconds, timestampMicros, s, blockSize, subHdrBlocks,
                bitmapBlocks, maxMapnr, nrCpus);
    }

    /** The header padded to a whole block (block 0 of the file). */
    public byte[] encode(ByteOrder o) {
        byte[] b = new byte[blockSize];
        byte[] sig = SIGNATURE.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(sig, 0, b, 0, 8);
        Bytes.put32(b, 8, o, VERSION);
        for (int i = 0; i < 6; i++) {
            byte[] s = utsname.get(i).getBytes(StandardCharsets.ISO_8859_1);
            // new_utsname fields are NUL-terminated C strings of at most 64 characters.
            System.arraycopy(s, 0, b, 12 + i * UTS_FIELD, Math.min(s.length, UTS_FIELD - 1));
        }
        Bytes.put64(b, 408, o, timestampSeconds);
        Bytes.put64(b, 416, o, timestampMicros);
        Bytes.put32(b, 424, o, status);
        Bytes.put32(b, 428, o, blockSize);
        Bytes.put32(b, 432, o, subHdrBlocks);
        Bytes.put32(b, 436, o, (int) Math.min(bitmapBlocks, 0xffff_ffffL));
        Bytes.put32(b, 440, o, (int) Math.min(maxMapnr, 0xffff_ffffL));
        Bytes.put32(b, 460, o, nrCpus);
        return b;
    }
}
