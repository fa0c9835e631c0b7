package io.kdump4j.kernel.arch;

import java.util.HashMap;
import java.util.Map;

/** Synthetic page-table memory for walk tests: 64-bit entries by physical address, 0 elsewhere. */
final class Tables implements PageTableReader {
    private final Map<Long, Long> entries = new HashMap<>();
    int reads;

    Tables put(long table, long index, long entry) {
        entries.put(table + index * 8, entry);
        return this;
    }

    @Override
    public long u64(long paddr) {
        reads++;
        return entries.getOrDefault(paddr, 0L);
    }
}
