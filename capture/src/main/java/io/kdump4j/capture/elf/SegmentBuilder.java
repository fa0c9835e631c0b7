package io.kdump4j.capture.elf;

import java.io.IOException;

/**
 * Cuts a {@link LoadRegion} into PT_LOAD segments as pages arrive in PFN order, dumped or not,
 * with makedumpfile {@code -E}'s rule ({@code write_elf_pages_cyclic()}): a run of at least
 * {@value #PFN_EXCLUDED} excluded pages ({@code PFN_EXCLUDED}) ends a segment, whose
 * {@code p_memsz} then runs on over them beyond its {@code p_filesz} (readers take such memory as
 * zeros: excluded); a shorter run stays inside the segment's file data. A long run opening a
 * region makes a segment with no file data.
 *
 * <p>One difference: makedumpfile writes the real contents of the pages in a short excluded run,
 * so a filtered page (user data, say) can still reach the file; here they are written as zeros,
 * which is what a reader gets for every other excluded page too.
 *
 * <p>Why not one segment per run of dumped pages, with no excluded tails? Readers then fault on
 * excluded zero pages ({@code makedumpfile --dump-dmesg} fails reading the printk descriptor
 * ring across one). Why not a tail after every run, however short? makedumpfile 1.7.2 reading
 * such a file takes {@code p_memsz} as the extent of a segment's file data
 * ({@code offset_to_pt_load_end()} in elf_info.c) and crashed (SIGSEGV in {@code readmem()})
 * re-filtering our level-1 ELF of the 6.1 fixture; with its own rule it does not.
 */
final class SegmentBuilder {
    /** makedumpfile's PFN_EXCLUDED: shorter runs of excluded pages do not split a segment. */
    static final int PFN_EXCLUDED = 256;

    /** Receives segments and their data. */
    interface Emitter {
        /** Bytes of the current segment's file data, in order. */
        void data(byte[] b, int off, int len) throws IOException;

        /** Zero bytes of the current segment's file data (a short run of excluded pages). */
        void zeros(long len) throws IOException;

        /** A finished segment; its file data were the last {@code filesz} bytes given. */
        void segment(long paddr, long vaddr, long filesz, long memsz) throws IOException;
    }

    private final int pageSize;
    private final Emitter emitter;
    private LoadRegion region;
    private boolean open;
    private long segPaddr;
    private long filesz;
    /** Bytes of excluded pages since the last dumped page of the open segment. */
    private long pending;
    private long pendingPages;

    SegmentBuilder(int pageSize, Emitter emitter) {
        this.pageSize = pageSize;
        this.emitter = emitter;
    }

    void startRegion(LoadRegion r) {
        region = r;
        open = false;
    }

    /** First and one-past-last frame of a region. */
    long firstPfn(LoadRegion r) {
        return Long.divideUnsigned(r.paddr(), pageSize);
    }

    long endPfn(LoadRegion r) {
        return Long.divideUnsigned(r.end() + pageSize - 1, pageSize);
    }

    /**
     * The next frame of the region.
     *
     * @param page the array holding the page's bytes when {@code dumped} (only the part inside the
     *     region is used); null while planning
     * @param offset where the page starts in {@code page}
     */
    void page(long pfn, boolean dumped, byte[] page, int offset) throws IOException {
        long base = pfn * pageSize;
        long lo = Math.max(base, region.paddr());
        long hi = Math.min(base + pageSize, region.end());
        if (hi <= lo) {
            return;
        }
        int len = (int) (hi - lo);
        if (!open) {
            open = true;
            segPaddr = lo;
            filesz = 0;
            pending = 0;
            pendingPages = 0;
        }
        if (!dumped) {
            pending += len;
            pendingPages++;
            return;
        }
        if (pending > 0) {
            if (pendingPages >= PFN_EXCLUDED) {
                // A long excluded run ends the segment (one with no file data, when the run opened
                // the region); p_memsz covers the run.
                emitter.segment(segPaddr, vaddr(segPaddr), filesz, filesz + pending);
                segPaddr = lo;
                filesz = 0;
            } else {
                emitter.zeros(pending);
                filesz += pending;
            }
            pending = 0;
            pendingPages = 0;
        }
        emitter.data(page, offset + (int) (lo - base), len);
        filesz += len;
    }

    /**
     * A frame of the region that could not be read: it ends the open segment, so that the frame
     * lies in no PT_LOAD and readers fault on it instead of reading zeros. Excluded frames just
     * before it are settled by the usual rule (a long run becomes the ended segment's
     * {@code p_memsz} tail, a short one zeros in its file data); the next dumped frame opens a new
     * segment.
     */
    void lost(long pfn) throws IOException {
        long base = pfn * pageSize;
        if (Math.min(base + pageSize, region.end()) <= Math.max(base, region.paddr()) || !open) {
            return;
        }
        if (pending > 0 && pendingPages < PFN_EXCLUDED) {
            emitter.zeros(pending);
            filesz += pending;
            pending = 0;
        }
        emitter.segment(segPaddr, vaddr(segPaddr), filesz, filesz + pending);
        open = false;
    }

    /** Whether a segment is open (started, not yet given to {@link Emitter#segment}). */
    boolean segmentOpen() {
        return open;
    }

    /** The open segment's physical start. */
    long openPaddr() {
        return segPaddr;
    }

    /** The open segment's virtual start. */
    long openVaddr() {
        return vaddr(segPaddr);
    }

    /** The bytes of file data given for the open segment so far. */
    long openFilesz() {
        return filesz;
    }

    void endRegion() throws IOException {
        if (open) {
            emitter.segment(segPaddr, vaddr(segPaddr), filesz, filesz + pending);
            open = false;
        }
    }

    private long vaddr(long paddr) {
        return region.vaddr() + (paddr - region.paddr());
    }
}
