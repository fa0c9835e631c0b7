package io.kdump4j.kernel.arch;

import java.io.IOException;

/**
 * Reads page-table entries from physical memory for a walk. A page-table page that the dump
 * does not hold surfaces as the {@link io.kdump4j.format.mem.MemoryFault} of that physical
 * address.
 */
@FunctionalInterface
public interface PageTableReader {
    /** The 64-bit entry at physical address {@code paddr}, in the dumped machine's byte order. */
    long u64(long paddr) throws IOException;
}
