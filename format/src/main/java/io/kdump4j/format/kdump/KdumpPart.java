package io.kdump4j.format.kdump;

import io.kdump4j.format.Note;
import io.kdump4j.format.elf.NoteParser;
import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.Checked;
import io.kdump4j.format.io.Cursor;
import io.kdump4j.format.io.DumpFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One kdump-compressed file, parsed down to its page descriptor table: a whole dump, or one
 * part of a split set ({@code makedumpfile --split}). Layout, in blocks of {@code block_size}
 * (makedumpfile {@code IMPLEMENTATION}, {@code write_kdump_header()}):
 *
 * <pre>
 * 0                  disk_dump_header
 * 1                  kdump_sub_header, then the ELF note blob (sub_hdr_size blocks in all)
 * 1+S                1st bitmap: PFN is RAM          \ bitmap_blocks blocks, split in half
 * 1+S+B/2            2nd bitmap: PFN is in the dump  /
 * 1+S+B              page_desc[], one per set bit of the 2nd bitmap within [start_pfn, end_pfn)
 * (anywhere after)   page data, eraseinfo
 * </pre>
 *
 * A file whose bitmap_blocks only holds one bitmap (old diskdump) uses it for both, as crash's
 * {@code dump_is_partial()} does.
 */
final class KdumpPart {
    /** Page descriptors read to guess the codec when the header's status names none (QEMU). */
    private static final int CODEC_PROBE = 16;

    final ByteSource src;
    final DiskDumpHeader header;
    final KdumpSubHeader sub;
    final List<Note> notes;
    final String eraseinfo;
    final DumpBitmap ram;
    final DumpBitmap dumped;
    final long descBase;
    final long startPfn;
    final long endPfn;
    private final long rankBase;
    private final long descCount;

    private KdumpPart(ByteSource src, DiskDumpHeader header, KdumpSubHeader sub, List<Note> notes, String eraseinfo,
            DumpBitmap ram, DumpBitmap dumped, long descBase, long startPfn, long endPfn) throws IOException {
        this.src = src;
        this.header = header;
        this.sub = sub;
        this.notes = notes;
        this.eraseinfo = eraseinfo;
        this.ram = ram;
        this.dumped = dumped;
        this.descBase = descBase;
        this.startPfn = startPfn;
        this.endPfn = endPfn;
        this.rankBase = dumped.rank(startPfn);
        this.descCount = dumped.rank(endPfn) - rankBase;
    }

    static KdumpPart read(ByteSource src) throws IOException {
        String name = src.name();
        DiskDumpHeader h = DiskDumpHeader.read(src);
        if (src instanceof FlattenedByteSource f && f.cutShort()) {
            h = h.markedIncomplete();
        }
        KdumpSubHeader sub = KdumpSubHeader.read(src, h);
        long block = h.blockSize();
        if (h.subHdrSize() < 0) {
            throw new DumpFormatException(name, h.subHdrSizeOffset(),
                    "sub_hdr_size is negative (" + h.subHdrSize() + ")");
        }
        long maxMapnr = sub.maxMapnr();
        long oneBitmapBlocks = ((maxMapnr + 7) / 8 + block - 1) / block;
        long bitmapStart = Checked.mul(1L + h.subHdrSize(), block, name, h.subHdrSizeOffset(), "the bitmap offset");
        long bitmapBytes = Checked.mul(h.bitmapBlocks(), block, name, h.bitmapBlocksOffset(), "the bitmap size");
        long dumpedStart;
        if (h.bitmapBlocks() >= 2 * oneBitmapBlocks) {
            dumpedStart = bitmapStart + bitmapBytes / 2;
        } else if (h.bitmapBlocks() >= oneBitmapBlocks) {
            dumpedStart = bitmapStart;
        } else {
            throw new DumpFormatException(name, h.bitmapBlocksOffset(), "bitmap_blocks is " + h.bitmapBlocks()
                    + ", but " + maxMapnr
                    + " PFNs (max_mapnr) need " + oneBitmapBlocks + " blocks of " + block + " bytes per bitmap");
        }
        long descBase = Checked.add(bitmapStart, bitmapBytes, name, h.bitmapBlocksOffset(),
                "the page descriptor table offset");
        if (descBase > src.size()) {
            throw new DumpFormatException(name, bitmapStart, "expected " + h.bitmapBlocks() + " bitmap blocks of "
                    + block + " bytes for " + maxMapnr + " PFNs, but the file ends at " + src.size()
                    + " (truncated, or a corrupt max_mapnr/bitmap_blocks)");
        }
        long startPfn = 0;
        long endPfn = maxMapnr;
        if (sub.split()) {
            if (sub.startPfn() > sub.endPfn() || sub.endPfn() > maxMapnr) {
                int field = h.headerVersion() >= 6 ? SubHeaderLayout.START_PFN_64 : SubHeaderLayout.START_PFN;
                throw new DumpFormatException(name, sub.fieldOffset(h, field), "split part range [" + sub.startPfn() + ", "
                        + sub.endPfn() + ") does not lie within the " + maxMapnr + " PFNs of the dump");
            }
            startPfn = sub.startPfn();
            endPfn = sub.endPfn();
        }
        List<Note> notes = readNotes(src, h, sub);
        String eraseinfo = readEraseinfo(src, h, sub);
        DumpBitmap ram = DumpBitmap.scan(src, bitmapStart, maxMapnr, "1st bitmap (RAM)");
        DumpBitmap dumped = dumpedStart == bitmapStart ? ram
                : DumpBitmap.scan(src, dumpedStart, maxMapnr, "2nd bitmap (dumped pages)");
        KdumpPart part = new KdumpPart(src, h, sub, notes, eraseinfo, ram, dumped, descBase, startPfn, endPfn);
        long tableEnd = Checked.add(descBase, Checked.mul(part.descCount, PageDesc.SIZE, name, descBase,
                "the page descriptor table size"), name, descBase, "the page descriptor table end");
        if (tableEnd > src.size() && !h.incomplete()) {
            throw new DumpFormatException(name, descBase, "expected " + part.descCount + " page descriptors ("
                    + (tableEnd - descBase) + " bytes), but the file ends at " + src.size()
                    + " and the dump is not marked incomplete (truncated?)");
        }
        return part;
    }

    /**
     * The notes: for v4+ the blob at offset_note (all of /proc/vmcore's PT_NOTE: NT_PRSTATUS per
     * CPU, VMCOREINFO, QEMU notes); v3 only records VMCOREINFO, which becomes one note.
     */
    private static List<Note> readNotes(ByteSource src, DiskDumpHeader h, KdumpSubHeader sub) throws IOException {
        String name = src.name();
        long remaining = src.size();
        if (h.headerVersion() >= 4 && sub.sizeNote() > 0) {
            long room = sub.offsetNote() > remaining ? 0 : remaining - sub.offsetNote();
            int n = Checked.allocation(sub.sizeNote(), room, name, sub.fieldOffset(h, SubHeaderLayout.SIZE_NOTE),
                    "the ELF note blob");
            return NoteParser.parse(Cursor.at(src, sub.offsetNote(), n, h.order(), "ELF note blob"));
        }
        if (h.headerVersion() >= 3 && sub.sizeVmcoreinfo() > 0) {
            long room = sub.offsetVmcoreinfo() > remaining ? 0 : remaining - sub.offsetVmcoreinfo();
            int n = Checked.allocation(sub.sizeVmcoreinfo(), room, name,
                    sub.fieldOffset(h, SubHeaderLayout.SIZE_VMCOREINFO), "VMCOREINFO");
            return List.of(new Note("VMCOREINFO", 0, sub.offsetVmcoreinfo(),
                    src.read(sub.offsetVmcoreinfo(), n, "VMCOREINFO")));
        }
        return List.of();
    }

    /** makedumpfile --config erasure records: text lines after the page data (v5+). */
    private static String readEraseinfo(ByteSource src, DiskDumpHeader h, KdumpSubHeader sub) throws IOException {
        if (h.headerVersion() < 5 || sub.sizeEraseinfo() == 0) {
            return null;
        }
        long room = sub.offsetEraseinfo() > src.size() ? 0 : src.size() - sub.offsetEraseinfo();
        if (h.incomplete() && sub.sizeEraseinfo() > room) {
            return null;
        }
        int n = Checked.allocation(sub.sizeEraseinfo(), room, src.name(),
                sub.fieldOffset(h, SubHeaderLayout.SIZE_ERASEINFO), "eraseinfo");
        return new String(src.read(sub.offsetEraseinfo(), n, "eraseinfo"), StandardCharsets.ISO_8859_1);
    }

    boolean covers(long pfn) {
        return pfn >= startPfn && pfn < endPfn;
    }

    long pagesDumped() {
        return descCount;
    }

    long pagesExcluded() throws IOException {
        long inRam = ram.rank(endPfn) - ram.rank(startPfn);
        return Math.max(0, inRam - descCount);
    }

    /**
     * The descriptor of a dumped PFN of this part, or null when an incomplete dump ends before
     * it (the page was never written).
     */
    PageDesc desc(long pfn) throws IOException {
        long index = dumped.rank(pfn) - rankBase;
        return descAt(index);
    }

    private PageDesc descAt(long index) throws IOException {
        long at = descBase + index * PageDesc.SIZE;
        if (at > src.size() - PageDesc.SIZE) {
            if (header.incomplete()) {
                return null;
            }
            src.checkRange(at, PageDesc.SIZE, "page descriptor " + index);
        }
        return PageDesc.decode(src.read(at, PageDesc.SIZE, "page descriptor " + index), 0, header.order());
    }

    /** File offset of the descriptor of a PFN, for messages. */
    long descOffset(long pfn) throws IOException {
        return descBase + (dumped.rank(pfn) - rankBase) * PageDesc.SIZE;
    }

    /** The codec flags of the first few written pages, for dumps whose status names no codec. */
    int probeCodecFlags() throws IOException {
        int flags = 0;
        for (long i = 0; i < Math.min(CODEC_PROBE, descCount); i++) {
            PageDesc d = descAt(i);
            if (d != null) {
                flags |= d.flags();
            }
        }
        return flags;
    }
}
