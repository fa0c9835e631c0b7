package io.kdump4j.kernel.helpers.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.kernel.FixtureDumps;
import io.kdump4j.kernel.KernelDump;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The struct page helpers on the real fixtures, against an account the kernel keeps apart from
 * the struct pages: the free buddy blocks found by decoding every frame's struct page
 * ({@link PageLayout#isBuddy}, order from {@link PageLayout#privateWord}) add up to the zones'
 * {@code NR_FREE_PAGES} counter ({@link Memory#stats}). The counter lags by the per-CPU deltas
 * not yet folded into it ({@code vm_stat_diff}, at most {@code stat_threshold} per CPU and zone,
 * 125 at the most), so it is matched within that (on the x86_64 fixtures the two agree to the
 * page: 169262 and 169269).
 */
class StructPageFixtureTest {
    /** 125 (the largest stat_threshold) x 2 CPUs x 4 zones: the lag the counter may have here. */
    static final long COUNTER_LAG = 125 * 2 * 4;

    /**
     * The fixtures whose counters can be read without a System.map (the arm64 kernel has no
     * CONFIG_KALLSYMS_ALL, so {@code _totalram_pages} and {@code vm_zone_stat} are not in its
     * kallsyms): the x86_64 ones, those crash ran {@code kmem -i} on.
     */
    static Stream<FixtureDumps.Case> cases() throws IOException {
        return FixtureDumps.withCrashOutput(java.util.regex.Pattern.compile("(?m)^ *TOTAL MEM +\\d+ ")).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void buddyBlocksAddUpToTheFreeCounter(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            PageLayout l = PageLayout.of(k);
            MemMap map = MemMap.of(k, l);
            ByteOrder order = k.arch().byteOrder();
            long maxPfn = k.dump().memory().maxPfn();
            byte[] page = new byte[l.size()];
            long free = 0;
            long decoded = 0;
            for (long pfn = 0; pfn < maxPfn; pfn++) {
                if (!map.has(pfn)) {
                    pfn = (pfn / map.sectionPfns() + 1) * map.sectionPfns() - 1;
                    continue;
                }
                try {
                    k.memory().readVirtual(map.address(pfn), page, 0, page.length);
                } catch (MemoryFault f) {
                    continue;
                }
                decoded++;
                int mapcount = l.mapcount(page, 0, order);
                long flags = l.flags(page, 0, order);
                if (l.isBuddy(mapcount) && !l.isSlab(flags, mapcount)) {
                    long o = l.privateWord(page, 0, order);
                    assertTrue(o >= 0 && o < l.freeAreaOrders(), "buddy order " + o + " at pfn " + pfn);
                    free += 1L << o;
                    pfn += (1L << o) - 1;
                }
            }
            assertTrue(decoded > 0, c + ": no struct page read");
            long counter = Memory.stats(k).free();
            assertTrue(free > 1000, c + ": only " + free + " free pages found");
            assertTrue(Math.abs(counter - free) <= COUNTER_LAG, "buddy blocks " + free + " pages, NR_FREE_PAGES "
                    + counter);
            assertEquals(map.address(map.pfnOf(map.address(1 << 12), 1 << 12)), map.address(1 << 12));
        }
    }
}
