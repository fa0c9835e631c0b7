package io.kdump4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.kernel.arch.Aarch64;
import io.kdump4j.kernel.arch.X86_64;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The kernel program on every real fixture dump, checked against the real tools' outputs. */
class KernelDumpFixtureTest {

    static List<FixtureDumps.Case> withVmcoreinfoText() throws IOException {
        return FixtureDumps.withGolden("vmcoreinfo.txt");
    }

    static List<FixtureDumps.Case> cases() throws IOException {
        return FixtureDumps.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void detectsTheArchitecture(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            assertEquals(c.expectedArch(), k.arch().name());
            assertEquals(8, k.arch().pointerSize());
            assertTrue(c.expectedArch().equals("x86_64") ? k.arch() instanceof X86_64 : k.arch() instanceof Aarch64);
        }
    }

    /** Every key of the fixture's vmcoreinfo.txt (the note as text, made by the lab) parses to the same value. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("withVmcoreinfoText")
    void vmcoreinfoEqualsTheGoldenText(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            byte[] golden = Files.readAllBytes(c.golden("vmcoreinfo.txt").orElseThrow());
            Vmcoreinfo expected = Vmcoreinfo.parse("vmcoreinfo.txt", 0, golden);
            Vmcoreinfo vi = k.vmcoreinfo();
            assertEquals(List.of(), vi.warnings());
            assertEquals(expected.entries(), vi.entries());
            assertEquals(expected.osrelease().orElseThrow(), k.release());
            assertEquals(expected.buildId(), k.buildId());
            // QEMU's dump-guest-memory of a panicked guest has no CRASHTIME: the kernel appends it
            // only when it kexecs into a capture kernel (crash_save_vmcoreinfo()).
            assertEquals(expected.crashTime(), k.crashTime());
            assertEquals(expected.pageSize().orElseThrow(), k.pageSize());
        }
    }

    /** init_uts_ns read from memory: "Linux", OSRELEASE, and the version crash prints. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void readsUtsnameFromMemory(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            Utsname u = k.utsname().orElseThrow();
            assertEquals("Linux", u.sysname());
            assertEquals(k.vmcoreinfo().osrelease().orElseThrow(), u.release());
            assertEquals(k.arch().name(), u.machine());
            String version = c.crashField("VERSION").orElse(null);
            if (version != null) {
                assertEquals(version.trim(), k.version());
            } else {
                assertTrue(k.version().startsWith("#"), k.version());
            }
            long sym = k.vmcoreinfo().symbol("init_uts_ns").orElseThrow();
            assertEquals("Linux", k.memory().cString(sym + offsetOf(k, sym), 65));
        }
    }

    private static long offsetOf(KernelDump k, long sym) throws IOException {
        for (int o = 0; o <= 64; o += 4) {
            if (k.memory().cString(sym + o, 6).equals("Linux")) {
                return o;
            }
        }
        return -1;
    }

    /** CPUs: the number of NT_PRSTATUS notes, which crash's "CPUS:" line also shows. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void countsCpus(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            String cpus = c.crashField("CPUS").orElse("").trim();
            if (cpus.matches("\\d+")) {
                assertEquals(Integer.parseInt(cpus), k.cpus());
            } else {
                assertTrue(k.cpus() >= 1);
            }
        }
    }

    /**
     * RAM described by the dump: the guest's RAM less the crashkernel reservation (which
     * /proc/vmcore leaves out; QEMU's own dumps include it) less firmware holes (a few MiB).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void memoryBytesIsTheGuestRamLessCrashkernel(FixtureDumps.Case c) throws IOException {
        long guest = guestMib(c) << 20;
        try (KernelDump k = FixtureDumps.open(c)) {
            boolean qemu = k.dump().details().notes().stream().anyMatch(n -> n.contains("QEMU"))
                    || c.fixture().contains("qemu");
            long expected = qemu ? guest : guest - (crashkernelMib(c) << 20);
            long bytes = k.memoryBytes();
            assertTrue(bytes <= expected, bytes + " > " + expected);
            assertTrue(bytes >= expected - (16L << 20), bytes + " is more than 16 MiB below " + expected);
            assertEquals(0, bytes % k.pageSize());
        }
    }

    /** The crashkernel= size from result.json or params.txt, 0 when the case has none. */
    private static long crashkernelMib(FixtureDumps.Case c) throws IOException {
        for (String f : List.of("result.json", "params.txt")) {
            var p = c.golden(f);
            if (p.isPresent()) {
                Matcher m = Pattern.compile("crashkernel\"?[=:] ?\"?(\\d+)M").matcher(Files.readString(p.get()));
                if (m.find()) {
                    return Long.parseLong(m.group(1));
                }
            }
        }
        return 0;
    }

    /** The guest RAM from result.json ("mem_mib") or params.txt ("mem=512M"). */
    private static long guestMib(FixtureDumps.Case c) throws IOException {
        var json = c.golden("result.json");
        if (json.isPresent()) {
            Matcher m = Pattern.compile("\"mem_mib\": (\\d+)").matcher(Files.readString(json.get()));
            assertTrue(m.find());
            return Long.parseLong(m.group(1));
        }
        Matcher m = Pattern.compile("mem=(\\d+)M").matcher(Files.readString(c.golden("params.txt").orElseThrow()));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    /** Kernel-image symbols: the closed formula and the page-table walk give the same physical address. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void kernelImageFormulaAgreesWithTheWalk(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            for (String name : List.of("_stext", "init_uts_ns", "prb", "swapper_pg_dir", "node_online_map")) {
                long va = k.vmcoreinfo().symbol(name).orElseThrow();
                long formula = switch (k.arch()) {
                    case X86_64 x -> x.directTranslate(va).orElseThrow();
                    case Aarch64 a -> a.kernelImageToPhys(va);
                };
                assertEquals(formula, k.memory().walk(va), name);
                assertEquals(formula, k.memory().virtToPhys(va), name);
                byte[] viaVirtual = k.memory().read(va, 64);
                byte[] viaPhysical = new byte[64];
                k.memory().readPhysical(formula, viaPhysical, 0, 64);
                assertArrayEquals(viaPhysical, viaVirtual, name);
            }
        }
    }

    /**
     * A direct-map (linear map) address: SYMBOL(mem_section) points into it. On arm64 the linear
     * formula must equal the walk. x86_64 has no exported page_offset_base, so the test derives it
     * from the walk and checks that it is 1 GiB aligned (KASLR randomises it in PUD steps) and
     * that a second direct-map pointer (node_data[0]) walks to the same offset.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void directMapTranslation(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            long memSection = k.vmcoreinfo().symbol("mem_section").orElseThrow();
            long walked = k.memory().walk(memSection);
            switch (k.arch()) {
                case Aarch64 a -> {
                    assertTrue(a.isLinear(memSection));
                    assertEquals(a.linearToPhys(memSection), walked);
                    assertEquals(walked, k.memory().virtToPhys(memSection));
                }
                case X86_64 x -> {
                    long pageOffsetBase = memSection - walked;
                    assertEquals(0, pageOffsetBase & ((1L << 30) - 1), Long.toHexString(pageOffsetBase));
                    long nodeData0 = k.memory().u64(k.vmcoreinfo().symbol("node_data").orElseThrow());
                    assertEquals(nodeData0 - pageOffsetBase, k.memory().walk(nodeData0));
                }
            }
            // The container's page unit may differ from the kernel's (QEMU: 64 KiB blocks on a 4K guest).
            assertTrue(walked >= 0 && walked / k.dump().memory().pageSize() < k.dump().memory().maxPfn());
        }
    }

    /**
     * A vmalloc address by page-table walk: the first vmap_area's va_start (when the kernel exports
     * vmap_area_list), else the printk ring's descriptor array when it is outside the formulas.
     * The walk must land on a page that reads the same through both address spaces.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void vmallocTranslationByWalk(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            Vmcoreinfo vi = k.vmcoreinfo();
            long va;
            if (vi.symbol("vmap_area_list").isPresent()) {
                long next = k.memory().u64(vi.symbol("vmap_area_list").getAsLong());
                long area = next - vi.offset("vmap_area", "list").orElseThrow();
                va = k.memory().u64(area + vi.offset("vmap_area", "va_start").orElseThrow());
                long vmallocStart = vi.number("VMALLOC_START").orElse(va);
                assertTrue(Long.compareUnsigned(va, vmallocStart) >= 0, Long.toHexString(va));
            } else {
                long prb = k.memory().u64(vi.symbol("prb").orElseThrow());
                va = k.memory().u64(prb + vi.offset("printk_ringbuffer", "desc_ring").orElseThrow()
                        + vi.offset("prb_desc_ring", "descs").orElseThrow());
            }
            assertTrue(k.arch().directTranslate(va).isEmpty() || k.arch().directTranslate(va).getAsLong()
                    == k.memory().walk(va), "formula and walk disagree at 0x" + Long.toHexString(va));
            long pa = k.memory().virtToPhys(va);
            int n = (int) Math.min(256, k.pageSize() - (va & (k.pageSize() - 1)));
            byte[] viaVirtual = k.memory().read(va, n);
            byte[] viaPhysical = new byte[n];
            k.memory().readPhysical(pa, viaPhysical, 0, n);
            assertArrayEquals(viaPhysical, viaVirtual);
        }
    }
}
