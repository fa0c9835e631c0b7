package io.kdump4j.capture;

import java.io.IOException;

/**
 * Classifies page frames without reading their contents, the way makedumpfile does from
 * {@code struct page} (flags, mapping, _mapcount, buddy order). The kernel module supplies a
 * real one; the saver asks it once per frame while planning and, when the plan's bitmaps are too
 * large to keep (over 16 MiB or a sixteenth of the heap: a 512 GiB machine with a 256 MiB heap) or
 * a content filter is set,
 * again while writing, so an implementation must answer the same way both times (it may cache
 * per cycle).
 *
 * <p>It must never return {@link PageClass#ZERO}: zero pages are found from page contents.
 */
@FunctionalInterface
public interface PageClassifier {

    /** Classifies every frame as {@link PageClass#KEPT}: what a saver without kernel knowledge can do. */
    PageClassifier NONE = pfn -> PageClass.KEPT;

    PageClass classify(long pfn) throws IOException;
}
