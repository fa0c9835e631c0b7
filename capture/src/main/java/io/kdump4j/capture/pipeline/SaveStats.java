package io.kdump4j.capture.pipeline;

import io.kdump4j.capture.LostPageLimits;
import io.kdump4j.capture.PageClass;
import io.kdump4j.capture.ProgressListener;
import io.kdump4j.capture.SaveSummary;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** Counters of one save attempt, updated by the writing thread only; reports progress now and then. */
public final class SaveStats {
    private final int dumpLevel;
    private long pagesTotal;
    private final ProgressListener listener;
    private final long started = System.nanoTime();
    private final long[] byClass = new long[PageClass.values().length];
    private final long reportEvery;
    private final java.util.concurrent.atomic.AtomicLong classifierFailures = new java.util.concurrent.atomic.AtomicLong();
    private volatile String classifierProblem;
    private long pagesDone;
    private long pagesFiltered;
    private long pagesNotWritten;
    private long nextReport;
    private PageReader reader;
    private java.util.function.LongSupplier bytesOut = () -> 0;
    private long bytesToRead;
    private final LostPageLimits lostLimits;
    private long pagesLost;
    private long lostInARow;
    private SourceReadException firstLost;

    public SaveStats(int dumpLevel, long pagesTotal, ProgressListener listener) {
        this(dumpLevel, pagesTotal, listener, LostPageLimits.DEFAULT);
    }

    public SaveStats(int dumpLevel, long pagesTotal, ProgressListener listener, LostPageLimits lostLimits) {
        this.lostLimits = lostLimits;
        this.dumpLevel = dumpLevel;
        this.pagesTotal = pagesTotal;
        this.listener = listener;
        this.reportEvery = Math.max(1024, pagesTotal / 200);
        if (pagesTotal < 0) {
            throw new IllegalArgumentException("negative page total");
        }
        this.nextReport = reportEvery;
    }

    public void track(PageReader r, java.util.function.LongSupplier out) {
        this.reader = r;
        this.bytesOut = out;
    }

    public int dumpLevel() {
        return dumpLevel;
    }

    public long pagesTotal() {
        return pagesTotal;
    }

    /** Corrects the total once a writer knows it better (an ELF dump may describe a frame twice). */
    public void pagesTotal(long total) {
        this.pagesTotal = total;
    }

    /**
     * The bytes the save will read, once a writer knows which frames it keeps (after the
     * kdump writer's bitmaps); progress is reported in these from then on.
     */
    public void plan(long bytes) {
        this.bytesToRead = Math.max(0, bytes);
        report();
    }

    /** Counts a frame handled with this class. */
    public void count(PageClass c) {
        byClass[c.ordinal()]++;
        if (c == PageClass.KEPT || c == PageClass.ZERO) {
            lostInARow = 0;
        }
        done();
    }

    public void countFiltered() {
        pagesFiltered++;
        lostInARow = 0;
        done();
    }

    /**
     * Counts a page of the source that could not be read, which the writer then marks lost, in the
     * order pages are written; throws when that passes a {@link LostPageLimits limit}, and the save
     * stops there (the page is not counted then: it is among those not written).
     */
    public void countLost(long pfn, SourceReadException cause) throws SourceReadException {
        if (lostInARow + 1 >= lostLimits.consecutive() || pagesLost + 1 >= lostLimits.total()) {
            boolean row = lostInARow + 1 >= lostLimits.consecutive();
            throw new SourceReadException(pfn, new java.io.IOException((row ? (lostInARow + 1) + " pages in a row"
                    : (pagesLost + 1) + " pages in all") + " could not be read, so the save stops (the source looks gone;"
                    + " at most " + (row ? lostLimits.consecutive() + " in a row" : lostLimits.total() + " in all")
                    + " are written as lost): " + rootMessage(cause), cause));
        }
        if (firstLost == null) {
            firstLost = cause;
            listener.warning(cause.getMessage() + "; the page is written as lost and the save goes on");
        }
        pagesLost++;
        lostInARow++;
        done();
    }

    private static String rootMessage(SourceReadException e) {
        return e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
    }

    /** Pages of the source that could not be read and are marked lost in the dump. */
    public long pagesLost() {
        return pagesLost;
    }

    /**
     * Why a dump whose every page was written is still incomplete: the pages lost to read errors;
     * null when none was.
     */
    public SourceReadException lostProblem() {
        if (pagesLost == 0) {
            return null;
        }
        return new SourceReadException(firstLost.pfn(), new java.io.IOException(pagesLost
                + (pagesLost == 1 ? " page" : " pages") + " of the source could not be read and "
                + (pagesLost == 1 ? "is" : "are") + " marked lost in the dump (first: " + rootMessage(firstLost) + ")",
                firstLost));
    }

    /** A frame handled that the source does not hold (inside an ELF region, excluded or lost in the source). */
    public void countAbsent() {
        done();
    }

    /**
     * Counts a failure of the page classifier on a frame (thread-safe: the compression
     * threads classify too); the first message is kept for the summary.
     */
    public void countClassifierFailure(Exception e) {
        if (classifierFailures.getAndIncrement() == 0) {
            classifierProblem = e.toString();
        }
    }

    public void countNotWritten(long n) {
        pagesNotWritten += n;
    }

    private void done() {
        pagesDone++;
        if (pagesDone >= nextReport) {
            nextReport += reportEvery;
            report();
        }
    }

    public void report() {
        listener.progress(new ProgressListener.Progress(dumpLevel, pagesDone, pagesTotal, bytesIn(), bytesOut.getAsLong(),
                bytesToRead));
    }

    public long bytesIn() {
        return reader == null ? 0 : reader.bytesIn();
    }

    public SaveSummary summary() {
        Map<PageClass, Long> m = new EnumMap<>(PageClass.class);
        for (PageClass c : PageClass.values()) {
            if (byClass[c.ordinal()] != 0) {
                m.put(c, byClass[c.ordinal()]);
            }
        }
        return new SaveSummary(dumpLevel, pagesTotal, m, pagesFiltered, pagesNotWritten, bytesIn(),
                bytesOut.getAsLong(), Duration.ofNanos(System.nanoTime() - started), classifierFailures.get(),
                classifierProblem, pagesLost, firstLost == null ? null : firstLost.getMessage());
    }
}
