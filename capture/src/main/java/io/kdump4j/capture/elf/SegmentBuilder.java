package io.kdump4j.capture.elf;

import java.io.IOException;

/**
 * Cuts a {@link LoadRegion} into PT_LOAD segments as pages arrive in PFN order, dumped or not.
 *
 * <p>A segment is a run of dumped pages followed by the excluded pages after it: the dumped
 * bytes are its file data ({@code p_filesz}), the excluded tail only extends {@code p_memsz}, the
 * way makedumpfile {@code -E} records excluded pages (readers treat {@code p_memsz > p_filesz}
 * as memory that was not saved). Excluded pages at the start of a region make a segment with no
 * file data. Unlike makedumpfile, which keeps runs of fewer than 256 excluded pages
 * ({@code PFN_EXCLUDED}) in the file with their real contents, every excluded page is left
 * out: a filtered page never reaches the file.
 */
final class SegmentBuilder {

    /** Receives segments and their data. */
    interface Emitter {
        /** Bytes of the current segment's file data, in order. */
        void data(byte[] b, int off, int len) throws IOException;

        /** A finished segment; its file data were the last {@code filesz} bytes given to {@link #data}. */
        void segment(long paddr, long vaddr, long filesz, long memsz) throws IOException;
    }

    private final int pageSize;
    private final Emitter emitter;
    private LoadRegion region;
    private boolean open;
    private long segPaddr;
    private long filesz;
    private long memsz;

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
     * @param page the page's bytes when {@code dumped} (only the part inside the region is used)
     */
    void page(long pfn, boolean dumped, byte[] page) throws IOException {
        long base = pfn * pageSize;
        long lo = Math.max(base, region.paddr());
        long hi = Math.min(base + pageSize, region.end());
        if (hi <= lo) {
            return;
        }
        if (open && dumped && memsz > filesz) {
            close();
        }
        if (!open) {
            open = true;
            segPaddr = lo;
            filesz = 0;
            memsz = 0;
        }
        int len = (int) (hi - lo);
        if (dumped) {
            if (page != null) {
                emitter.data(page, (int) (lo - base), len);
            }
            filesz += len;
        }
        memsz += len;
    }

    void endRegion() throws IOException {
        if (open) {
            close();
        }
    }

    private void close() throws IOException {
        emitter.segment(segPaddr, region.vaddr() + (segPaddr - region.paddr()), filesz, memsz);
        open = false;
    }
}
