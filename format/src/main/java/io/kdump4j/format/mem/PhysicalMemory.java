package io.kdump4j.format.mem;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * The physical memory a dump holds, page by page. Reads may span pages; a page that is not
 * available throws {@link MemoryFault} with its reason, and bytes that the container says
 * exist but cannot be decoded throw {@link io.kdump4j.format.io.DumpFormatException}.
 */
public interface PhysicalMemory {

    /** The page size in bytes (the dumped kernel's page size). */
    int pageSize();

    /** Reads {@code length} bytes at physical address {@code paddr}. */
    void read(long paddr, byte[] dst, int dstOffset, int length) throws IOException;

    /** What the dump says of the page with this frame number. */
    PageState state(long pfn);

    /** One past the highest page frame number the dump describes. */
    long maxPfn();

    /** Pages present in the dump (readable, including zero pages stored once). */
    long pagesPresent();

    /** Pages of RAM the saver dropped (filtered); 0 when the container cannot tell. */
    long pagesExcluded();

    /**
     * Whether {@link #read} may be called from several threads at once. False unless an
     * implementation says so (decoding containers keep caches).
     */
    default boolean concurrentReads() {
        return false;
    }

    /**
     * The bytes at {@code [paddr, paddr+length)} as a read-only view of a mapped file, or null when
     * they are not stored contiguously in one (compressed pages, holes, sources not mapped). For
     * looking at bytes without copying them; {@link #read} is the general way.
     */
    default MemorySegment mapped(long paddr, long length) {
        return null;
    }

    /** What the dump holds of one page frame. */
    /**
     * Frames that hold saved bytes although their first byte lies outside every segment, so
     * that {@link #state} calls them ABSENT: an ELF PT_LOAD may start or end inside a page (e820
     * ranges need not be page aligned); at most two per segment. A saver keeps them, with zeros
     * for the rest of the page, as makedumpfile does ({@code frac_head}, {@code frac_tail}).
     * Empty for containers that store whole pages.
     */
    default java.util.Set<Long> partialFrames() {
        return java.util.Set.of();
    }

    enum PageState {
        /** The page's bytes are in the dump. */
        PRESENT,
        /** RAM, but the saver filtered it out. */
        EXCLUDED,
        /** The dump is incomplete: the page was meant to be written but was not. */
        LOST,
        /** No RAM at this frame, or outside what the dump covers. */
        ABSENT
    }
}
