package io.kdump4j.format.kdump;

import static io.kdump4j.format.kdump.SubHeaderLayout.*;

import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.Bytes;
import io.kdump4j.format.io.Checked;
import io.kdump4j.format.io.DumpFormatException;
import java.io.IOException;
import java.nio.ByteOrder;

/**
 * {@code struct kdump_sub_header} (makedumpfile {@code diskdump_mod.h}), at offset
 * {@code block_size}. Fields are gated by the header version (older headers simply end
 * earlier) and placed by one of three C layouts ({@link SubHeaderLayout}).
 *
 * <p>Version 6 (makedumpfile 1.5.4) added the 64-bit PFN fields because {@code max_mapnr} and
 * the v2 PFN fields are 32-bit on the header side and overflow above 16 TiB of 4 KiB pages.
 *
 * @param layout the C layout the fields were read with
 * @param dumpLevel the makedumpfile dump level, or -1 when the version predates it
 * @param startPfn the first PFN of a split part (v2+; 0 otherwise)
 * @param endPfn one past the last PFN of a split part, or -1 when not recorded
 * @param maxMapnr the number of PFNs the bitmaps describe (v6 value, else the header's)
 */
public record KdumpSubHeader(
        SubHeaderLayout layout,
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

    /** A version-6 LP64 sub-header of a file that is not split, for {@link #encode}. */
    public static KdumpSubHeader forWriting(long physBase, int dumpLevel, long offsetVmcoreinfo, long sizeVmcoreinfo,
            long offsetNote, long sizeNote, long maxMapnr) {
        return new KdumpSubHeader(LP64, physBase, dumpLevel, false, 0, -1, offsetVmcoreinfo, sizeVmcoreinfo, offsetNote,
                sizeNote, 0, 0, maxMapnr);
    }

    /** The bytes of a version-6 sub-header in the LP64 layout {@link #read} parses ({@link SubHeaderLayout#LP64}). */
    public static int encodedSize() {
        return LP64.bytesFor(DiskDumpHeader.WRITE_VERSION);
    }

    /**
     * The sub-header, version 6, in the LP64 layout, at the offsets {@link SubHeaderLayout}
     * gives: the inverse of {@link #read}. A file that is not split leaves split, the 32-bit
     * PFN copies and {@code start_pfn_64}/{@code end_pfn_64} 0, as makedumpfile does.
     */
    public byte[] encode(ByteOrder o) {
        if (layout != LP64) {
            throw new IllegalStateException("only the LP64 layout is written");
        }
        byte[] b = new byte[encodedSize()];
        Bytes.put64(b, LP64.offset(SubHeaderLayout.PHYS_BASE), o, physBase);
        Bytes.put32(b, LP64.offset(SubHeaderLayout.DUMP_LEVEL), o, dumpLevel);
        if (split) {
            Bytes.put32(b, LP64.offset(SubHeaderLayout.SPLIT), o, 1);
            Bytes.put64(b, LP64.offset(SubHeaderLayout.START_PFN_64), o, startPfn);
            Bytes.put64(b, LP64.offset(SubHeaderLayout.END_PFN_64), o, endPfn);
        }
        Bytes.put64(b, LP64.offset(SubHeaderLayout.OFFSET_VMCOREINFO), o, offsetVmcoreinfo);
        Bytes.put64(b, LP64.offset(SubHeaderLayout.SIZE_VMCOREINFO), o, sizeVmcoreinfo);
        Bytes.put64(b, LP64.offset(SubHeaderLayout.OFFSET_NOTE), o, offsetNote);
        Bytes.put64(b, LP64.offset(SubHeaderLayout.SIZE_NOTE), o, sizeNote);
        Bytes.put64(b, LP64.offset(SubHeaderLayout.OFFSET_ERASEINFO), o, offsetEraseinfo);
        Bytes.put64(b, LP64.offset(SubHeaderLayout.SIZE_ERASEINFO), o, sizeEraseinfo);
        Bytes.put64(b, LP64.offset(SubHeaderLayout.MAX_MAPNR_64), o, maxMapnr);
        return b;
    }

    public static KdumpSubHeader read(ByteSource src, DiskDumpHeader h) throws IOException {
        String name = src.name();
        int version = h.headerVersion();
        SubHeaderLayout provisional = h.wordSize() == 8 ? LP64 : I386_PACKED;
        if (version < 1) {
            return new KdumpSubHeader(provisional, 0, -1, false, 0, -1, 0, 0, 0, 0, 0, 0, h.maxMapnr32());
        }
        long start = h.blockSize();
        long area = Checked.mul(h.subHdrSize(), h.blockSize(), name, h.subHdrSizeOffset(), "sub-header size in bytes");
        int most = Math.max(provisional.bytesFor(version), h.wordSize() == 8 ? 0 : ILP32_PADDED.bytesFor(version));
        int need = provisional.bytesFor(version);
        if (area < need) {
            throw new DumpFormatException(name, h.subHdrSizeOffset(), "sub_hdr_size is " + h.subHdrSize()
                    + " blocks, too small for the " + need + "-byte kdump_sub_header of version " + version);
        }
        src.checkRange(start, need, "the kdump_sub_header (version " + version + ")");
        byte[] raw = src.read(start, (int) Math.min(most, Math.min(area, src.size() - start)), "kdump_sub_header");
        SubHeaderLayout layout = provisional;
        if (h.wordSize() == 4 && version >= 3) {
            layout = packedOrPadded(raw, h, area);
        }
        if (raw.length < layout.bytesFor(version)) {
            throw new DumpFormatException(name, start, "expected a " + layout.bytesFor(version)
                    + "-byte kdump_sub_header of version " + version + ", but only " + raw.length + " bytes remain");
        }
        Reader r = new Reader(name, raw, start, h, layout);
        long physBase = r.raw(PHYS_BASE);
        int dumpLevel = (int) r.raw(DUMP_LEVEL);
        boolean split = r.has(SPLIT) && r.raw(SPLIT) != 0;
        long startPfn = r.has(START_PFN) ? r.size(START_PFN) : 0;
        long endPfn = r.has(END_PFN) ? r.size(END_PFN) : -1;
        long maxMapnr = h.maxMapnr32();
        if (r.has(START_PFN_64)) {
            startPfn = r.size(START_PFN_64);
            endPfn = r.size(END_PFN_64);
            maxMapnr = r.size(MAX_MAPNR_64);
            // Writers store min(max_mapnr, UINT_MAX) in the header (makedumpfile, QEMU create_header64()).
            if (maxMapnr <= 0xffff_ffffL && maxMapnr != h.maxMapnr32()) {
                throw new DumpFormatException(name, r.at(MAX_MAPNR_64), "max_mapnr_64 (" + maxMapnr
                        + ") disagrees with the header's 32-bit max_mapnr (" + h.maxMapnr32() + ")");
            }
        }
        return new KdumpSubHeader(layout, physBase, dumpLevel, split, startPfn, endPfn, r.size(OFFSET_VMCOREINFO),
                r.size(SIZE_VMCOREINFO), r.size(OFFSET_NOTE), r.size(SIZE_NOTE), r.size(OFFSET_ERASEINFO),
                r.size(SIZE_ERASEINFO), maxMapnr);
    }

    /** The file offset of a field, for messages. */
    long fieldOffset(DiskDumpHeader h, int field) {
        return h.blockSize() + layout.offset(field);
    }

    /**
     * i386 packs the u64 fields at 4-byte alignment; other 32-bit ABIs align them to 8. Both
     * writers point offset_vmcoreinfo (or offset_note) into the sub-header area, so the layout
     * under which that holds is the one used (libkdumpfile {@code read_sub_hdr_32()}).
     */
    private static SubHeaderLayout packedOrPadded(byte[] raw, DiskDumpHeader h, long area) {
        long lo = h.blockSize();
        long hi = lo + area;
        for (SubHeaderLayout l : new SubHeaderLayout[] {I386_PACKED, ILP32_PADDED}) {
            for (int f : new int[] {OFFSET_VMCOREINFO, OFFSET_NOTE}) {
                if (SubHeaderLayout.present(f, h.headerVersion()) && l.offset(f) + 8 <= raw.length) {
                    long v = Bytes.s64(raw, l.offset(f), h.order());
                    if (v >= lo && v < hi) {
                        return l;
                    }
                }
            }
        }
        return I386_PACKED;
    }

    /** Reads fields by index in one layout, zero for fields the version lacks. */
    private record Reader(String name, byte[] raw, long base, DiskDumpHeader h, SubHeaderLayout layout) {
        boolean has(int field) {
            return SubHeaderLayout.present(field, h.headerVersion());
        }

        long at(int field) {
            return base + layout.offset(field);
        }

        long raw(int field) {
            if (!has(field)) {
                return field == DUMP_LEVEL ? -1 : 0;
            }
            int off = layout.offset(field);
            return layout.size(field) == 8 ? Bytes.s64(raw, off, h.order()) : field == DUMP_LEVEL || field == SPLIT
                    ? Bytes.s32(raw, off, h.order()) : Bytes.u32(raw, off, h.order());
        }

        /** A size, offset or PFN: must not be negative as a signed 64-bit value. */
        long size(int field) throws DumpFormatException {
            long v = raw(field);
            if (v < 0) {
                throw new DumpFormatException(name, at(field), "kdump_sub_header: " + NAMES[field] + " is 0x"
                        + Long.toUnsignedString(v, 16) + ", too large to be a size, offset or PFN");
            }
            return v;
        }
    }
}
