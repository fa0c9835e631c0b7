package io.kdump4j.analyze;

import io.kdump4j.kernel.helpers.mm.Memory;
import io.kdump4j.kernel.helpers.mm.MemoryStats;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code kmem -i}: memory usage in crash's layout (PAGES, TOTAL, PERCENTAGE). SHMEM replaces
 * crash's SHARED, a different count (see {@link MemoryStats#shared()}).
 */
public record KmemResult(MemoryStats stats) implements Result {

    public static KmemResult of(Session s) throws IOException {
        return new KmemResult(Memory.stats(s.kernel()));
    }

    @Override
    public String toText() {
        MemoryStats m = stats;
        StringBuilder sb = new StringBuilder("                 PAGES        TOTAL      PERCENTAGE\n");
        row(sb, "TOTAL MEM", m.totalRam(), -1, null);
        row(sb, "FREE", m.free(), m.totalRam(), "TOTAL MEM");
        row(sb, "USED", m.used(), m.totalRam(), "TOTAL MEM");
        row(sb, "SHMEM", m.shared(), m.totalRam(), "TOTAL MEM");
        row(sb, "BUFFERS", m.buffers(), m.totalRam(), "TOTAL MEM");
        row(sb, "CACHED", m.cached(), m.totalRam(), "TOTAL MEM");
        row(sb, "SLAB", m.slab(), m.totalRam(), "TOTAL MEM");
        sb.append('\n');
        row(sb, "TOTAL SWAP", m.totalSwap(), -1, null);
        row(sb, "SWAP USED", m.totalSwap() - m.freeSwap(), m.totalSwap(), "TOTAL SWAP");
        row(sb, "SWAP FREE", m.freeSwap(), m.totalSwap(), "TOTAL SWAP");
        sb.append('\n');
        row(sb, "COMMIT LIMIT", m.commitLimit(), -1, null);
        row(sb, "COMMITTED", m.committed(), m.commitLimit(), "TOTAL LIMIT");
        return sb.toString();
    }

    private void row(StringBuilder sb, String label, long pages, long of, String ofName) {
        if (pages < 0) {
            sb.append(String.format("%13s  %7s %12s%n", label, "?", "(unknown)"));
            return;
        }
        String pct = of < 0 ? "        ----" : String.format("%4d%% of %s", of == 0 ? 0 : pages * 100 / of, ofName);
        sb.append(String.format("%13s  %7d %12s  %s%n", label, pages, size(pages * stats.pageSize()), pct));
    }

    private static String size(long bytes) {
        if (bytes == 0) {
            return "0";
        }
        double mb = bytes / (1024.0 * 1024);
        if (mb >= 1024) {
            return String.format("%.1f GB", mb / 1024);
        }
        return mb >= 1 ? String.format("%.1f MB", mb) : String.format("%d KB", bytes / 1024);
    }

    @Override
    public Object toJson() {
        MemoryStats m = stats;
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("page_size", m.pageSize());
        j.put("total_pages", m.totalRam());
        j.put("free_pages", m.free());
        j.put("used_pages", m.used());
        j.put("shmem_pages", m.shared());
        j.put("buffers_pages", m.buffers() < 0 ? null : m.buffers());
        j.put("cached_pages", m.cached());
        j.put("slab_pages", m.slab());
        j.put("total_swap_pages", m.totalSwap());
        j.put("free_swap_pages", m.freeSwap());
        j.put("commit_limit_pages", m.commitLimit());
        j.put("committed_pages", m.committed() < 0 ? null : m.committed());
        return j;
    }
}
