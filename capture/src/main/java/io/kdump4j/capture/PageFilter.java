package io.kdump4j.capture;

/**
 * A last-moment filter on page contents, for rules that need the bytes (a signature scan,
 * an erase list). It runs on the compression threads, so it must be thread-safe, and it must
 * be deterministic: the ELF writer asks it twice for each page (once to plan segments, once
 * to write them).
 *
 * <p>A page it excludes is left out like a filtered page: its bit is cleared in the
 * kdump 2nd bitmap, or it falls outside every ELF PT_LOAD file range.
 */
@FunctionalInterface
public interface PageFilter {

    /** Keeps every page. */
    PageFilter NONE = (pfn, page) -> false;

    /**
     * Whether to leave the page out.
     *
     * @param page the page's bytes; must not be modified or kept
     */
    boolean exclude(long pfn, byte[] page);
}
