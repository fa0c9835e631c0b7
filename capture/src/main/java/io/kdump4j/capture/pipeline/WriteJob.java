package io.kdump4j.capture.pipeline;

import io.kdump4j.capture.PageClass;
import io.kdump4j.capture.SaveOptions;
import io.kdump4j.capture.output.DumpSink;
import io.kdump4j.format.DumpFile;
import io.kdump4j.format.mem.PhysicalMemory;
import java.io.IOException;

/**
 * One attempt at writing a dump at one dump level: the source, what is known of it, the options,
 * the level, the target and the counters.
 */
public record WriteJob(DumpFile source, SourceFacts facts, SaveOptions options, int level, DumpSink sink,
        SaveStats stats, java.util.Set<Long> partialPfns) {

    public WriteJob(DumpFile source, SourceFacts facts, SaveOptions options, int level, DumpSink sink, SaveStats stats) {
        this(source, facts, options, level, sink, stats, partialPages(source));
    }

    /** The source's partly saved frames ({@link PhysicalMemory#partialFrames()}). */
    static java.util.Set<Long> partialPages(DumpFile source) {
        return source.memory().partialFrames();
    }

    /** What the source holds of a frame, counting partly saved frames as present. */
    public PhysicalMemory.PageState state(long pfn) {
        PhysicalMemory.PageState s = memory().state(pfn);
        return s == PhysicalMemory.PageState.ABSENT && !partialPfns.isEmpty() && partialPfns.contains(pfn)
                ? PhysicalMemory.PageState.PRESENT : s;
    }

    public PhysicalMemory memory() {
        return source.memory();
    }

    /**
     * The class of a frame for this level's filtering. A classifier that cannot tell (its own
     * read of {@code struct page} failed, or a bug) keeps the page: a dump with a page too many
     * is better than one missing a page the user needs. Each failure is counted
     * ({@link io.kdump4j.capture.SaveSummary#classifierFailures()}) and the save reports it, so
     * that a classifier bug shows as a warning and a failing test, not as a silently bigger dump.
     */
    public PageClass classify(long pfn) {
        try {
            PageClass c = options.classifier().classify(pfn);
            return c == null || c == PageClass.ZERO ? PageClass.KEPT : c;
        } catch (IOException | RuntimeException e) {
            stats.countClassifierFailure(e);
            return PageClass.KEPT;
        }
    }

    /** Whether the frame's bytes are in the source and the classifier keeps it at this level. */
    public boolean candidate(long pfn) {
        return state(pfn) == PhysicalMemory.PageState.PRESENT && !classify(pfn).excludedAt(level);
    }

    /** Frames present in the source, partly saved ones included: the progress total. */
    public static long presentPages(DumpFile source) {
        PhysicalMemory m = source.memory();
        java.util.Set<Long> partial = partialPages(source);
        long n = 0;
        for (long pfn = 0, max = m.maxPfn(); pfn < max; pfn++) {
            if (m.state(pfn) == PhysicalMemory.PageState.PRESENT || partial.contains(pfn)) {
                n++;
            }
        }
        return n;
    }
}
