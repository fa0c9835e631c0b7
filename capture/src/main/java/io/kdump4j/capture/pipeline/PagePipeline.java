package io.kdump4j.capture.pipeline;

import io.kdump4j.capture.PageFilter;
import io.kdump4j.format.codec.PageCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads pages in PFN order on the calling thread, encodes them (zero test, content filter,
 * compression) on N threads, and hands the results back in PFN order to a {@link Sink}, on the
 * calling thread. Memory is bounded: at most {@code 2 * threads + 1} batches of
 * {@value #BATCH} pages are in flight.
 *
 * <p>When a source read fails, every page read before it is still delivered, then the
 * {@link SourceReadException} is thrown: the dump keeps everything up to the bad page.
 */
public final class PagePipeline implements AutoCloseable {
    static final int BATCH = 64;

    /** Receives encoded pages in PFN order. */
    @FunctionalInterface
    public interface Sink {
        void accept(EncodedPage page) throws IOException;
    }

    private final PageReader reader;
    private final int pageSize;
    private final Sink sink;
    private final ExecutorService pool;
    private final ThreadLocal<PageEncoder> encoders;
    private final PageEncoder inline;
    private final int maxInFlight;
    private final ArrayDeque<Future<List<EncodedPage>>> inFlight = new ArrayDeque<>();
    private long[] pfns = new long[BATCH];
    private boolean[] passed = new boolean[BATCH];
    private byte[] buf;
    private int count;

    public PagePipeline(PageReader reader, PageCodec.Kind codec, boolean excludeZero, PageFilter filter, int threads,
            Sink sink) {
        this.reader = reader;
        this.pageSize = reader.pageSize();
        this.sink = sink;
        this.buf = new byte[BATCH * pageSize];
        if (threads <= 1) {
            this.pool = null;
            this.encoders = null;
            this.inline = new PageEncoder(codec, excludeZero, filter, pageSize);
            this.maxInFlight = 0;
        } else {
            AtomicInteger n = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "kdump4j-compress-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.encoders = ThreadLocal.withInitial(() -> new PageEncoder(codec, excludeZero, filter, pageSize));
            this.inline = null;
            this.maxInFlight = 2 * threads;
        }
    }

    /** Reads page {@code pfn} and queues it; may deliver earlier pages to the sink. */
    public void add(long pfn) throws IOException {
        try {
            reader.read(pfn, buf, count * pageSize);
        } catch (SourceReadException e) {
            flush();
            throw e;
        }
        passed[count] = false;
        pfns[count++] = pfn;
        if (count == BATCH) {
            dispatch();
        }
    }

    /** Queues a frame that is not read, so that the sink sees it in order as {@link EncodedPage.Outcome#PASSED}. */
    public void pass(long pfn) throws IOException {
        passed[count] = true;
        pfns[count++] = pfn;
        if (count == BATCH) {
            dispatch();
        }
    }

    /** Delivers every queued page. */
    public void flush() throws IOException {
        if (count > 0) {
            dispatch();
        }
        while (!inFlight.isEmpty()) {
            deliver(inFlight.removeFirst());
        }
    }

    private void dispatch() throws IOException {
        long[] p = pfns;
        boolean[] skip = passed;
        byte[] b = buf;
        int n = count;
        count = 0;
        if (pool == null) {
            for (int i = 0; i < n; i++) {
                sink.accept(encode(inline, p[i], skip[i], b, i));
            }
            return;
        }
        pfns = new long[BATCH];
        passed = new boolean[BATCH];
        buf = new byte[BATCH * pageSize];
        inFlight.addLast(pool.submit(() -> {
            PageEncoder e = encoders.get();
            List<EncodedPage> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(encode(e, p[i], skip[i], b, i));
            }
            return out;
        }));
        while (inFlight.size() > maxInFlight) {
            deliver(inFlight.removeFirst());
        }
    }

    private EncodedPage encode(PageEncoder e, long pfn, boolean skip, byte[] b, int i) {
        return skip ? new EncodedPage(pfn, EncodedPage.Outcome.PASSED, 0, null, 0)
                : e.encode(pfn, b, i * pageSize, pageSize);
    }

    private void deliver(Future<List<EncodedPage>> f) throws IOException {
        List<EncodedPage> pages;
        try {
            pages = f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while compressing pages");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw new IOException("page compression failed: " + c, c);
        }
        for (EncodedPage page : pages) {
            sink.accept(page);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            inFlight.forEach(f -> f.cancel(true));
            inFlight.clear();
            pool.shutdownNow();
        }
    }
}
