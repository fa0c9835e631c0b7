package io.kdump4j.capture;

import java.time.Duration;
import java.util.Map;

/**
 * What a save did.
 *
 * @param dumpLevel the dump level of the file written
 * @param pagesTotal page frames present in the source
 * @param pagesByClass frames by class: {@link PageClass#KEPT} frames whose bytes were written,
 *     {@link PageClass#ZERO} frames found to be zero (stored once and shared in a kdump file when
 *     level bit 1 is set; left out of an ELF file), and every class the classifier excluded
 * @param pagesFiltered frames the content {@link PageFilter} left out
 * @param pagesNotWritten frames meant to be written that the save never got to (incomplete dumps)
 * @param bytesIn bytes read from the source
 * @param bytesOut bytes written to the target (headers, bitmaps, descriptors and data)
 * @param elapsed wall time of the successful (or last) attempt
 * @param classifierFailures how often the page classifier failed on a frame (the frame was then
 *     kept: a bigger dump, never a missing page); 0 when it never failed
 * @param classifierProblem the first such failure's message, or null
 * @param pagesLost pages of the source that could not be read (an I/O error, a corrupt
 *     compressed page) and are marked lost in the dump, which is then incomplete
 *     ({@link LostPageLimits}); 0 when every read succeeded
 * @param lostProblem the first such read error, or null
 */
public record SaveSummary(int dumpLevel, long pagesTotal, Map<PageClass, Long> pagesByClass, long pagesFiltered,
        long pagesNotWritten, long bytesIn, long bytesOut, Duration elapsed, long classifierFailures,
        String classifierProblem, long pagesLost, String lostProblem) {

    public SaveSummary {
        pagesByClass = Map.copyOf(pagesByClass);
    }

    public long pages(PageClass c) {
        return pagesByClass.getOrDefault(c, 0L);
    }
}
