package io.kdump4j.capture.pipeline;

import io.kdump4j.capture.PageFilter;
import io.kdump4j.format.codec.PageCodec;
import java.util.Arrays;

/**
 * Turns the pages of a {@link PageBatch} into what is stored, on one thread (a {@link PageCodec}
 * keeps state and is not thread-safe, so each compression thread owns an encoder).
 *
 * <p>Order of the tests follows makedumpfile's {@code write_kdump_pages_cyclic()}: zero pages
 * first (when the dump level excludes them), then compression; a page is stored compressed
 * only when that makes it strictly smaller than a page, else raw with flags 0. Zero pages were
 * found by whoever read the batch ({@link PageReader#readUnlessZero}). Compressed bytes
 * go straight into the batch's output area; a raw page is stored from the batch's input.
 */
final class PageEncoder {
    private final PageCodec codec;
    private final boolean excludeZero;
    private final PageFilter filter;
    private final int pageSize;
    private final int bound;

    PageEncoder(PageCodec.Kind kind, PageCodec.Encoder encoder, boolean excludeZero, PageFilter filter, int pageSize) {
        this.codec = kind == null ? null : PageCodec.create(kind, encoder);
        this.excludeZero = excludeZero;
        this.filter = filter;
        this.pageSize = pageSize;
        this.bound = codec == null ? 0 : codec.maxCompressedLength(pageSize);
    }

    /** Bytes of output area a batch of {@code pages} pages needs: every stored compressed page is under a page. */
    static int outputCapacity(PageCodec.Kind kind, int pages, int pageSize) {
        return kind == null ? 0 : (pages - 1) * pageSize + PageCodec.create(kind).maxCompressedLength(pageSize);
    }

    /** Encodes pages {@code [0, b.count)} of the batch; those that could not be read are lost. */
    void encode(PageBatch b) {
        int out = 0;
        for (int i = 0; i < b.count; i++) {
            if (b.passed[i]) {
                b.outcome[i] = EncodedPage.Outcome.PASSED;
                continue;
            }
            if (b.lost[i] != null) {
                b.outcome[i] = EncodedPage.Outcome.LOST;
                continue;
            }
            int off = i * pageSize;
            if (excludeZero && b.zero[i]) {
                b.outcome[i] = EncodedPage.Outcome.ZERO;
                continue;
            }
            if (filter != PageFilter.NONE && filter.exclude(b.pfns[i], Arrays.copyOfRange(b.in, off, off + pageSize))) {
                b.outcome[i] = EncodedPage.Outcome.FILTERED;
                continue;
            }
            b.outcome[i] = EncodedPage.Outcome.STORED;
            if (codec != null) {
                int n = codec.compress(b.in, off, pageSize, b.out, out, bound);
                if (n > 0 && n < pageSize) {
                    b.flags[i] = codec.kind().flag();
                    b.offset[i] = out;
                    b.length[i] = n;
                    out += n;
                    continue;
                }
            }
            b.flags[i] = 0;
            b.offset[i] = off;
            b.length[i] = pageSize;
        }
    }
}
