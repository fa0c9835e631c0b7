package io.kdump4j.capture.pipeline;

import io.kdump4j.capture.PageFilter;
import io.kdump4j.format.codec.PageCodec;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Takes page frames in PFN order on the calling thread, encodes them (zero test, content filter,
 * compression) in batches of {@value #BATCH}, and hands the results back in PFN order to a
 * {@link Sink}, on the calling thread.
 *
 * <p>With one thread there is no executor and no hand-over: the calling thread fills a batch,
 * encodes it and delivers it. With N threads, N compression threads encode batches while the
 * calling thread plans the next ones and writes the finished ones; when the source allows
 * concurrent reads ({@link io.kdump4j.format.mem.PhysicalMemory#concurrentReads()}) the
 * compression threads also read the pages, so that copying them out of the source is spread over
 * the threads too. Memory is bounded: at most {@code 2 * threads + 1} batches are in flight, and
 * batches are recycled; nothing is allocated per page.
 *
 * <p>A page that cannot be read is delivered in its place as {@link EncodedPage.Outcome#LOST},
 * with the {@link SourceReadException} that says why, and the pipeline goes on: whether the save
 * goes on too is the sink's decision ({@link SaveStats#countLost}), which may throw from the
 * {@link #add}, {@link #mark} or {@link #flush} that delivers the page; every page before it has
 * been delivered then.
 */
public final class PagePipeline implements AutoCloseable {
    static final int BATCH = 128;

    /** Receives encoded pages in PFN order; the page and its bytes are only valid during the call. */
    @FunctionalInterface
    public interface Sink {
        void accept(EncodedPage page) throws IOException;
    }

    /** An action run in PFN order with the pages, on the calling thread (see {@link #mark}). */
    @FunctionalInterface
    public interface Marker {
        void run() throws IOException;
    }

    private final PageReader reader;
    private final int pageSize;
    private final Sink sink;
    private final boolean readInWorkers;
    private final boolean excludeZero;
    private final ExecutorService pool;
    private final ThreadLocal<PageEncoder> encoders;
    private final ThreadLocal<PageReader> readers;
    private final PageEncoder inline;
    private final int maxInFlight;
    private final int outCapacity;
    private final ArrayDeque<Future<PageBatch>> inFlight = new ArrayDeque<>();
    private final ArrayDeque<PageBatch> spare = new ArrayDeque<>();
    private final EncodedPage view = new EncodedPage();
    private PageBatch current;

    /** A pipeline whose pages are read on the calling thread. */
    public PagePipeline(PageReader reader, PageCodec.Kind codec, boolean excludeZero, PageFilter filter, int threads,
            Sink sink) {
        this(reader, codec, PageCodec.Encoder.FASTEST, excludeZero, filter, threads, false, sink);
    }

    /**
     * @param encoder which compressor of {@code codec} writes the pages
     * @param concurrentReads whether the compression threads may read the pages (the source must
     *     allow concurrent reads); unreadable pages then surface when their batch is delivered
     */
    public PagePipeline(PageReader reader, PageCodec.Kind codec, PageCodec.Encoder encoder, boolean excludeZero,
            PageFilter filter, int threads, boolean concurrentReads, Sink sink) {
        this.reader = reader;
        this.pageSize = reader.pageSize();
        this.sink = sink;
        this.excludeZero = excludeZero;
        this.outCapacity = PageEncoder.outputCapacity(codec, BATCH, pageSize);
        if (threads <= 1) {
            this.pool = null;
            this.encoders = null;
            this.readers = null;
            this.inline = new PageEncoder(codec, encoder, excludeZero, filter, pageSize);
            this.maxInFlight = 0;
            // One thread reads either way; reading just before encoding keeps the batch in cache.
            this.readInWorkers = concurrentReads;
        } else {
            AtomicInteger n = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "kdump4j-compress-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.encoders = ThreadLocal.withInitial(() -> new PageEncoder(codec, encoder, excludeZero, filter, pageSize));
            this.readers = ThreadLocal.withInitial(reader::forAnotherThread);
            this.inline = null;
            this.maxInFlight = 2 * threads;
            this.readInWorkers = concurrentReads;
        }
    }

    /** Queues page {@code pfn} to be read and encoded; may deliver earlier pages to the sink. */
    public void add(long pfn) throws IOException {
        PageBatch b = current();
        int i = b.count;
        b.pfns[i] = pfn;
        b.passed[i] = false;
        if (readInWorkers) {
            b.unread = true;
        } else {
            b.read(reader, i, pageSize, excludeZero);
        }
        b.count = i + 1;
        if (b.count == b.capacity) {
            dispatch();
        }
    }

    /** Queues a frame that is not read, so that the sink sees it in order as {@link EncodedPage.Outcome#PASSED}. */
    public void pass(long pfn) throws IOException {
        PageBatch b = current();
        b.pfns[b.count] = pfn;
        b.passed[b.count] = true;
        b.count++;
        if (b.count == b.capacity) {
            dispatch();
        }
    }

    /**
     * Runs {@code action} on the calling thread once every page queued before it has been
     * delivered and before any page queued after it is: a writer closes a range of frames (writes
     * its descriptors) without draining the pipeline.
     */
    public void mark(Marker action) throws IOException {
        PageBatch b = current();
        b.markers.add(action);
        b.markAt.add(b.count);
    }

    /** Delivers every queued page and runs every queued marker. */
    public void flush() throws IOException {
        if (current != null && (current.count > 0 || !current.markers.isEmpty())) {
            dispatch();
        }
        while (!inFlight.isEmpty()) {
            deliver(await(inFlight.removeFirst()), true);
        }
    }

    private PageBatch current() {
        if (current == null) {
            current = spare.isEmpty() ? new PageBatch(BATCH, pageSize, outCapacity) : spare.removeFirst();
            current.clear();
        }
        return current;
    }

    private void dispatch() throws IOException {
        PageBatch b = current;
        current = null;
        if (pool == null) {
            if (b.unread) {
                b.read(reader, pageSize, excludeZero);
            }
            inline.encode(b);
            deliver(b, false);
            return;
        }
        inFlight.addLast(pool.submit(() -> {
            if (b.unread) {
                b.read(readers.get(), pageSize, excludeZero);
            }
            encoders.get().encode(b);
            return b;
        }));
        while (inFlight.size() > maxInFlight) {
            deliver(await(inFlight.removeFirst()), true);
        }
    }

    private static PageBatch await(Future<PageBatch> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing pages");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw new IOException("page compression failed: " + c, c);
        }
    }

    /** Hands a batch's pages to the sink, then recycles it (also when the sink throws). */
    private void deliver(PageBatch b, boolean readElsewhere) throws IOException {
        try {
            deliverPages(b, readElsewhere);
        } finally {
            spare.addLast(b);
        }
    }

    private void deliverPages(PageBatch b, boolean readElsewhere) throws IOException {
        int end = b.count;
        int read = 0;
        int m = 0;
        int marks = b.markers.size();
        for (int i = 0; i < end; i++) {
            while (m < marks && b.markAt.get(m) == i) {
                b.markers.get(m++).run();
            }
            EncodedPage.Outcome o = b.outcome[i];
            if (o == EncodedPage.Outcome.STORED) {
                sink.accept(view.set(b.pfns[i], o, b.flags[i], b.flags[i] != 0 ? b.out : b.in, b.offset[i],
                        b.length[i]));
            } else if (o == EncodedPage.Outcome.LOST) {
                sink.accept(view.lost(b.pfns[i], b.lost[i]));
            } else {
                sink.accept(view.set(b.pfns[i], o, 0, null, 0, 0));
            }
            if (o != EncodedPage.Outcome.PASSED && o != EncodedPage.Outcome.LOST) {
                read++;
            }
        }
        while (m < marks && b.markAt.get(m) == end) {
            b.markers.get(m++).run();
        }
        if (readElsewhere && b.unread) {
            reader.countRead((long) read * pageSize);
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
