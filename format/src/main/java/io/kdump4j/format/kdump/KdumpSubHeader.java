package io.kdump4j.format.kdump;

import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.Checked;
import io.kdump4j.format.io.Cursor;
import io.kdump4j.format.io.DumpFormatException;
import java.io.IOException;

/**
 * {@code struct kdump_sub_header} (makedumpfile {@code diskdump_mod.h}), at offset
 * {@code block_size}, LP64 layout. Each field exists from the header version in brackets;
 * older headers simply end earlier (values read as absent):
 *
 * <pre>
 *  0 phys_base [0]        8 dump_level [1]      12 split [2]
 * 16 start_pfn [2]       24 end_pfn [2]         32 offset_vmcoreinfo [3]  40 size_vmcoreinfo [3]
 * 48 offset_note [4]     56 size_note [4]       64 offset_eraseinfo [5]   72 size_eraseinfo [5]
 * 80 start_pfn_64 [6]    88 end_pfn_64 [6]      96 max_mapnr_64 [6]       (104 bytes)
 * </pre>
 *
 * Version 6 (makedumpfile 1.5.4) added the 64-bit PFN fields because {@code max_mapnr} and the
 * v2 PFN fields are 32-bit on the header side and overflow above 16 TiB of 4 KiB pages.
 *
 * @param dumpLevel the makedumpfile dump level, or -1 when the version predates it
 * @param startPfn the first PFN of a split part (v2+; 0 otherwise)
 * @param endPfn one past the last PFN of a split part, or -1 when not recorded
 * @param maxMapnr the number of PFNs the bitmaps describe (v6 value, else the header's)
 */
public record KdumpSubHeader(
        long physBase,
        int dumpLevel,
        boolean split,
        long startPfn,
        long endPfn,
        long offsetVmcoreinfo,
        long sizeVmcoreinfo,
        long offsetNote,
        long sizeNote,
        long offsetEraseinfo,
        long sizeEraseinfo,
        long maxMapnr) {

    public static final int SIZE_64 = 104;

    public static KdumpSubHeader read(ByteSource src, DiskDumpHeader h) throws IOException {
        String name = src.name();
        int version = h.headerVersion();
        if (version < 1) {
            return new KdumpSubHeader(0, -1, false, 0, -1, 0, 0, 0, 0, 0, 0, h.maxMapnr32());
        }
        long start = h.blockSize();
        long area = Checked.mul(h.subHdrSize(), h.blockSize(), name, 432, "sub-header size in bytes");
        int need = switch (version) {
            case 1 -> 12;
            case 2 -> 32;
            case 3 -> 48;
            case 4 -> 64;
            case 5 -> 80;
            default -> SIZE_64;
        };
        if (area < need) {
            throw new DumpFormatException(name, 432, "sub_hdr_size is " + h.subHdrSize() + " blocks, too small for the "
                    + need + "-byte kdump_sub_header of version " + version);
        }
        src.checkRange(start, need, "the kdump_sub_header (version " + version + ")");
        Cursor c = Cursor.at(src, start, need, h.order(), "kdump_sub_header");
        long physBase = c.s64("phys_base");
        int dumpLevel = c.s32("dump_level");
        boolean split = false;
        long startPfn = 0;
        long endPfn = -1;
        long offVi = 0;
        long sizeVi = 0;
        long offNote = 0;
        long sizeNote = 0;
        long offErase = 0;
        long sizeErase = 0;
        long maxMapnr = h.maxMapnr32();
        if (version >= 2) {
            split = c.s32("split") != 0;
            startPfn = c.u64AsLong("start_pfn");
            endPfn = c.u64AsLong("end_pfn");
        }
        if (version >= 3) {
            offVi = c.u64AsLong("offset_vmcoreinfo");
            sizeVi = c.u64AsLong("size_vmcoreinfo");
        }
        if (version >= 4) {
            offNote = c.u64AsLong("offset_note");
            sizeNote = c.u64AsLong("size_note");
        }
        if (version >= 5) {
            offErase = c.u64AsLong("offset_eraseinfo");
            sizeErase = c.u64AsLong("size_eraseinfo");
        }
        if (version >= 6) {
            startPfn = c.u64AsLong("start_pfn_64");
            endPfn = c.u64AsLong("end_pfn_64");
            long at = c.offset();
            maxMapnr = c.u64AsLong("max_mapnr_64");
            // Writers store min(max_mapnr, UINT_MAX) in the header (makedumpfile, QEMU create_header64()).
            if (maxMapnr <= 0xffff_ffffL && maxMapnr != h.maxMapnr32()) {
                throw new DumpFormatException(name, at, "max_mapnr_64 (" + maxMapnr + ") disagrees with the header's"
                        + " 32-bit max_mapnr (" + h.maxMapnr32() + ")");
            }
        }
        return new KdumpSubHeader(physBase, dumpLevel, split, startPfn, endPfn, offVi, sizeVi, offNote, sizeNote,
                offErase, sizeErase, maxMapnr);
    }
}
