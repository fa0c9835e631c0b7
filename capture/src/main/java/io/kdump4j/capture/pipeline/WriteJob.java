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
        SaveStats stats) {

    public PhysicalMemory memory() {
        return source.memory();
    }

    /**
     * The class of a frame for this level's filtering. A classifier that cannot tell (its own
     * read of {@code struct page} failed) keeps the page: a dump with a page too many is better
     * than one missing a page the user needs.
     */
    public PageClass classify(long pfn) {
        try {
            PageClass c = options.classifier().classify(pfn);
            return c == null || c == PageClass.ZERO ? PageClass.KEPT : c;
        } catch (IOException | RuntimeException e) {
            return PageClass.KEPT;
        }
    }

    /** Whether the frame's bytes are in the source and the classifier keeps it at this level. */
    public boolean candidate(long pfn) {
        return memory().state(pfn) == PhysicalMemory.PageState.PRESENT && !classify(pfn).excludedAt(level);
    }

    /** Frames present in the source: the progress total. */
    public static long presentPages(PhysicalMemory m) {
        long n = 0;
        for (long pfn = 0, max = m.maxPfn(); pfn < max; pfn++) {
            if (m.state(pfn) == PhysicalMemory.PageState.PRESENT) {
                n++;
            }
        }
        return n;
    }
}
