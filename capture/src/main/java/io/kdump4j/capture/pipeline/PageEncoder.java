package io.kdump4j.capture.pipeline;

import io.kdump4j.capture.PageFilter;
import io.kdump4j.format.codec.PageCodec;
import io.kdump4j.format.io.Bytes;

/**
 * Turns a page into what is stored, on one thread (a {@link PageCodec} keeps state and is not
 * thread-safe, so each compression thread owns an encoder).
 *
 * <p>Order of the tests follows makedumpfile's {@code write_kdump_pages_cyclic()}: zero pages
 * first (when the dump level excludes them), then compression; a page is stored compressed
 * only when that makes it strictly smaller than a page, else raw with flags 0.
 */
final class PageEncoder {
    private final PageCodec codec;
    private final boolean excludeZero;
    private final PageFilter filter;
    private final byte[] scratch;

    PageEncoder(PageCodec.Kind kind, boolean excludeZero, PageFilter filter, int pageSize) {
        this.codec = kind == null ? null : PageCodec.create(kind);
        this.excludeZero = excludeZero;
        this.filter = filter;
        this.scratch = codec == null ? null : new byte[codec.maxCompressedLength(pageSize)];
    }

    /** Encodes the page at {@code page[off, off+pageSize)}; the result never aliases {@code page}. */
    EncodedPage encode(long pfn, byte[] page, int off, int pageSize) {
        if (excludeZero && Bytes.isZero(page, off, pageSize)) {
            return new EncodedPage(pfn, EncodedPage.Outcome.ZERO, 0, null, 0);
        }
        if (filter != PageFilter.NONE) {
            byte[] copy = off == 0 && page.length == pageSize ? page
                    : java.util.Arrays.copyOfRange(page, off, off + pageSize);
            if (filter.exclude(pfn, copy)) {
                return new EncodedPage(pfn, EncodedPage.Outcome.FILTERED, 0, null, 0);
            }
        }
        if (codec != null) {
            int n = codec.compress(page, off, pageSize, scratch, 0, scratch.length);
            if (n > 0 && n < pageSize) {
                return new EncodedPage(pfn, EncodedPage.Outcome.STORED, codec.kind().flag(),
                        java.util.Arrays.copyOf(scratch, n), n);
            }
        }
        return new EncodedPage(pfn, EncodedPage.Outcome.STORED, 0,
                java.util.Arrays.copyOfRange(page, off, off + pageSize), pageSize);
    }
}
