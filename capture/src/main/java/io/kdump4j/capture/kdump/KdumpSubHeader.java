package io.kdump4j.capture.kdump;

import io.kdump4j.format.io.Bytes;
import java.nio.ByteOrder;

/**
 * {@code struct kdump_sub_header} version 6 (makedumpfile {@code diskdump_mod.h}), 64-bit layout,
 * at offset {@code block_size}. The source's ELF note blob follows it directly
 * ({@code offset_note = block_size + sizeof(kdump_sub_header)}), and {@code offset_vmcoreinfo}
 * points inside that blob at the VMCOREINFO descriptor, as {@code write_kdump_header()} does.
 *
 * <pre>
 *   0  unsigned long phys_base
 *   8  int    dump_level          (v1)
 *  12  int    split               (v2) 0: this writer does not split
 *  16  unsigned long start_pfn    (v2) 32-bit-era copies, 0 unless split
 *  24  unsigned long end_pfn
 *  32  off_t  offset_vmcoreinfo   (v3)
 *  40  unsigned long size_vmcoreinfo
 *  48  off_t  offset_note         (v4)
 *  56  unsigned long size_note
 *  64  off_t  offset_eraseinfo    (v5) 0: no eraseinfo
 *  72  unsigned long size_eraseinfo
 *  80  unsigned long long start_pfn_64  (v6)
 *  88  unsigned long long end_pfn_64
 *  96  unsigned long long max_mapnr_64
 * 104  (sizeof)
 * </pre>
 */
public record KdumpSubHeader(long physBase, int dumpLevel, long offsetVmcoreinfo, long sizeVmcoreinfo,
        long offsetNote, long sizeNote, long maxMapnr) {

    public static final int SIZE = 104;

    public byte[] encode(ByteOrder o) {
        byte[] b = new byte[SIZE];
        Bytes.put64(b, 0, o, physBase);
        Bytes.put32(b, 8, o, dumpLevel);
        Bytes.put64(b, 32, o, offsetVmcoreinfo);
        Bytes.put64(b, 40, o, sizeVmcoreinfo);
        Bytes.put64(b, 48, o, offsetNote);
        Bytes.put64(b, 56, o, sizeNote);
        Bytes.put64(b, 96, o, maxMapnr);
        return b;
    }
}
