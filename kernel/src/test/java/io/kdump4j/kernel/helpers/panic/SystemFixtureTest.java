package io.kdump4j.kernel.helpers.panic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.kernel.FixtureDumps;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.helpers.mm.Memory;
import io.kdump4j.kernel.helpers.mm.MemoryStats;
import io.kdump4j.kernel.helpers.module.ModuleInfo;
import io.kdump4j.kernel.helpers.module.Modules;
import io.kdump4j.kernel.helpers.sched.LoadAverage;
import io.kdump4j.kernel.helpers.time.Uptime;
import io.kdump4j.kernel.symbols.KernelSymbols;
import io.kdump4j.kernel.symbols.SymbolMatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Panic facts, modules, uptime, load and memory of each fixture against crash.txt and drgn.txt. */
class SystemFixtureTest {

    static List<FixtureDumps.Case> withDrgn() throws IOException {
        return FixtureDumps.withGolden("drgn.txt");
    }

    /** Cases where crash ran {@code kmem -i} (the arm64 fixture's crash.txt has sys, bt and log only). */
    static List<FixtureDumps.Case> withCrashKmem() throws IOException {
        return FixtureDumps.withCrashOutput(Pattern.compile("(?m)^ *TOTAL MEM +\\d+ "));
    }

    static List<FixtureDumps.Case> withCrash() throws IOException {
        return FixtureDumps.withGolden("crash.txt");
    }

    static Stream<FixtureDumps.Case> cases() throws IOException {
        return FixtureDumps.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void panicCpuTaskAndMessage(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            PanicInfo p = Panics.of(k);
            assertEquals("Kernel panic - not syncing: sysrq triggered crash", p.message());
            assertEquals(1, p.pid());
            assertEquals("init", p.comm());
            assertEquals(0, p.taintMask().orElseThrow(), "Not tainted");
            if (c.golden("crash.txt").isPresent()) {
                String crash = Files.readString(c.golden("crash.txt").orElseThrow(), StandardCharsets.ISO_8859_1);
                Matcher m = Pattern.compile("PID: 1 +TASK: ([0-9a-f]+) +CPU: (\\d+)").matcher(crash);
                assertTrue(m.find());
                assertEquals(Integer.parseInt(m.group(2)), p.cpu(), "crash's CPU of the panic task");
                if (p.task() != 0) {
                    assertEquals(Long.parseUnsignedLong(m.group(1), 16), p.task());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withDrgn")
    void modulesEqualDrgn(FixtureDumps.Case c) throws IOException {
        String drgn = Files.readString(c.golden("drgn.txt").orElseThrow(), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("### modules list\\n\\[(.*)\\]").matcher(drgn);
        assertTrue(m.find());
        List<String> expected = Arrays.stream(m.group(1).split(", ")).map(s -> s.replace("'", "")).toList();
        try (KernelDump k = FixtureDumps.open(c)) {
            List<ModuleInfo> mods = Modules.of(k).list();
            assertEquals(expected, mods.stream().map(ModuleInfo::name).toList());
            for (ModuleInfo mi : mods) {
                assertTrue(mi.size() > 0 && mi.base() != 0 && mi.symbols() > 0, mi.toString());
                assertEquals("live", mi.state());
            }
            Modules.of(k).loadSymbols();
            ModuleInfo first = mods.get(0);
            SymbolMatch s = KernelSymbols.of(k).lookup(first.base() + 1).orElseThrow();
            assertEquals(first.name(), s.symbol().module());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withCrash")
    void uptimeAndLoadEqualCrash(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.openWithDataSymbols(c)) {
            assertEquals(c.crashField("UPTIME").orElseThrow(), Uptime.format(Uptime.nanos(k).orElseThrow()));
            assertEquals(c.crashField("LOAD AVERAGE").orElseThrow(), LoadAverage.format(LoadAverage.raw(k).orElseThrow()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withCrashKmem")
    void memoryEqualsCrashKmem(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.openWithDataSymbols(c)) {
            MemoryStats s = Memory.stats(k);
            String crash = Files.readString(c.golden("crash.txt").orElseThrow(), StandardCharsets.ISO_8859_1);
            assertEquals(kmem(crash, "TOTAL MEM"), s.totalRam());
            assertEquals(kmem(crash, "FREE"), s.free());
            assertEquals(kmem(crash, "USED"), s.used());
            // crash's SHARED counts mem_map pages with a reference count above one; ours is
            // NR_SHMEM (/proc/meminfo's Shmem), a different quantity, so it is not compared.
            assertEquals(kmem(crash, "BUFFERS"), s.buffers());
            assertEquals(kmem(crash, "CACHED"), s.cached());
            // crash 8.0.2 does not find the "_B" slab counters of Linux 5.9+ and counts slab
            // pages its own way; ours is /proc/meminfo's Slab (reclaimable + unreclaimable), so
            // only its order of magnitude is checked.
            assertTrue(s.slab() >= kmem(crash, "SLAB") && s.slab() < 4 * kmem(crash, "SLAB"));
            assertEquals(kmem(crash, "TOTAL SWAP"), s.totalSwap());
            assertEquals(kmem(crash, "COMMIT LIMIT"), s.commitLimit());
        }
    }

    private static long kmem(String crash, String label) {
        Matcher m = Pattern.compile("(?m)^ *" + Pattern.quote(label) + " +(\\d+) ").matcher(crash);
        assertTrue(m.find(), label);
        return Long.parseLong(m.group(1));
    }
}
