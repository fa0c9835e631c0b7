package io.kdump4j.format.kdump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpDetails;
import io.kdump4j.format.DumpFile;
import io.kdump4j.format.DumpFormat;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.Note;
import io.kdump4j.format.io.Bytes;
import io.kdump4j.format.mem.PhysicalMemory;
import io.kdump4j.testkit.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The real dumps in the fixtures, opened as a user would, checked against the dump's own facts. */
class RealFixturesTest {
    private static final String ARM64 = "arm64-6.1.0-56-arm64/sysrq";
    private static final String QEMU = "arm64-6.1.0-56-arm64/qemu-dump";
    private static final String X86_FLAT = "x86_64-6.1.0-56-amd64/sysrq-flat";

    @Test
    void everyFixtureDumpOpensAndCarriesItsVmcoreinfo() throws Exception {
        int opened = 0;
        for (Path dir : Fixtures.cases()) {
            String rel = Fixtures.root().relativize(dir).toString();
            try (var files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().matches("vmcore\\.(kdump|flat)|.*\\.flat"))
                        .toList()) {
                    checkOpens(f, dir);
                    opened++;
                }
            }
            Path core = Fixtures.elfCore(rel);
            if (core != null) {
                checkOpens(core, dir);
                opened++;
            }
        }
        assertEquals(6, opened, "fixture dumps found (3 ELF cores, 1 kdump-compressed, 2 flattened)");
    }

    private static void checkOpens(Path f, Path fixtureDir) throws Exception {
        try (DumpFile d = Dumps.open(f)) {
            String vi = d.vmcoreinfo().orElseThrow(() -> new AssertionError(f + " has no VMCOREINFO"));
            Path golden = fixtureDir.resolve("vmcoreinfo.txt");
            if (Files.exists(golden) && !f.toString().endsWith("vmcore.flat")) {
                assertEquals(Files.readString(golden).strip(), vi.strip(), f + ": VMCOREINFO");
            }
            assertTrue(d.memory().pagesPresent() > 0, f + ": no pages");
            assertUtsnameInMemory(d);
        }
    }

    /**
     * Reads {@code init_uts_ns} through physical memory at the address VMCOREINFO gives and
     * finds "Linux" and OSRELEASE there: proof that the page index and decoding are right.
     */
    static void assertUtsnameInMemory(DumpFile d) throws Exception {
        String vi = d.vmcoreinfo().orElseThrow();
        long va = Long.parseUnsignedLong(value(vi, "SYMBOL(init_uts_ns)"), 16);
        long pa;
        String voff = value(vi, "NUMBER(kimage_voffset)");
        if (voff != null) {
            pa = va - Long.parseUnsignedLong(voff.substring(2), 16);
        } else {
            pa = va - 0xffff_ffff_8000_0000L + Long.parseLong(value(vi, "NUMBER(phys_base)"));
        }
        pa += Long.parseLong(value(vi, "OFFSET(uts_namespace.name)"));
        byte[] uts = new byte[65 * 3];
        d.memory().read(pa, uts, 0, uts.length);
        assertEquals("Linux", Bytes.cString(uts, 0, 65), d.name() + ": sysname at 0x" + Long.toHexString(pa));
        assertEquals(value(vi, "OSRELEASE"), Bytes.cString(uts, 130, 65), d.name() + ": release");
    }

    static String value(String vmcoreinfo, String key) {
        for (String line : vmcoreinfo.split("\n")) {
            if (line.startsWith(key + "=")) {
                return line.substring(key.length() + 1).trim();
            }
        }
        return null;
    }

    @Test
    void arm64KdumpPagesEqualTheElfCoreOfTheSameCrash() throws Exception {
        try (DumpFile kdump = Dumps.open(Fixtures.dir(ARM64).resolve("vmcore.kdump"));
                DumpFile elf = Dumps.open(Fixtures.elfCore(ARM64))) {
            DumpDetails det = kdump.details();
            assertEquals(DumpFormat.KDUMP, det.format());
            assertEquals(List.of("zlib"), det.compression());
            assertEquals(OptionalInt.of(31), det.dumpLevel());
            assertEquals("aarch64", det.machine());
            assertEquals(4096, kdump.memory().pageSize());
            int n = MakedumpfileCrossCheckTest.comparePages(kdump.memory(), elf.memory());
            assertTrue(n > 100, "compared " + n);
            assertEquals(elf.notes().stream().filter(x -> x.is("CORE", Note.NT_PRSTATUS)).count(),
                    kdump.notes().stream().filter(x -> x.is("CORE", Note.NT_PRSTATUS)).count());
        }
    }

    /**
     * QEMU's dump-guest-memory wrote block_size 65536 for a 4 KiB-page arm64 guest (its
     * dumpinfo.txt): the file's "pages" are 64 KiB blocks at PFN x 65536.
     */
    @Test
    void qemuDumpOfA4kGuestIsReadIn64kBlocks() throws Exception {
        try (DumpFile d = Dumps.open(Fixtures.dir(QEMU).resolve("guest.kdump-zlib.flat"))) {
            DumpDetails det = d.details();
            assertTrue(det.flattened());
            assertEquals(6, det.headerVersion());
            assertEquals(List.of("zlib"), det.compression());
            assertNull(det.machine(), "QEMU writes machine \"Unknown\"");
            assertEquals(1, det.nrCpus());
            assertFalse(det.incomplete());
            assertTrue(det.notes().stream().anyMatch(s -> s.contains("4096-byte-page guest")), det.notes().toString());
            PhysicalMemory m = d.memory();
            assertEquals(65536, m.pageSize());
            assertEquals(0x6000, m.maxPfn());
            assertEquals(List.of("CORE/1", "CORE/2", "VMCOREINFO/0"),
                    d.notes().stream().map(n -> n.name() + "/" + n.type()).toList());
            assertEquals(Files.readString(Fixtures.dir(QEMU).resolve("vmcoreinfo.txt")).strip(),
                    d.vmcoreinfo().orElseThrow().strip());
            assertUtsnameInMemory(d);
            assertReadsOfAnyAlignmentAgree(m);
        }
    }

    /** A read spanning blocks equals the same bytes read one small piece at a time. */
    static void assertReadsOfAnyAlignmentAgree(PhysicalMemory m) throws Exception {
        long base = -1;
        for (long pfn = 0; pfn + 1 < m.maxPfn(); pfn++) {
            if (m.state(pfn) == PhysicalMemory.PageState.PRESENT && m.state(pfn + 1) == PhysicalMemory.PageState.PRESENT) {
                base = pfn * m.pageSize();
                break;
            }
        }
        assertTrue(base >= 0, "no two adjacent present blocks");
        int ps = m.pageSize();
        long start = base + ps - 4097;
        byte[] whole = new byte[8195];
        m.read(start, whole, 0, whole.length);
        byte[] pieces = new byte[whole.length];
        for (int off = 0; off < pieces.length; off += 333) {
            m.read(start + off, pieces, off, Math.min(333, pieces.length - off));
        }
        assertArrayEquals(whole, pieces);
    }

    /** Four threads reading the same pages see the same bytes, and the page cache stays bounded. */
    @Test
    void concurrentReadersSeeTheSameBytesAndTheCacheStaysBounded() throws Exception {
        try (DumpFile d = Dumps.open(Fixtures.dir(ARM64).resolve("vmcore.kdump"))) {
            PhysicalMemory m = d.memory();
            List<Long> present = new java.util.ArrayList<>();
            for (long pfn = 0; pfn < m.maxPfn() && present.size() < 3000; pfn++) {
                if (m.state(pfn) == PhysicalMemory.PageState.PRESENT) {
                    present.add(pfn);
                }
            }
            java.util.Map<Long, Integer> expected = new java.util.HashMap<>();
            byte[] page = new byte[4096];
            for (long pfn : present) {
                m.read(pfn * 4096, page, 0, 4096);
                expected.put(pfn, java.util.Arrays.hashCode(page));
            }
            assertTrue(((KdumpMemory) m).cachedPages() <= KdumpMemory.CACHE_PAGES);
            var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int seed = t;
                    results.add(pool.submit(() -> {
                        java.util.Random r = new java.util.Random(seed);
                        byte[] buf = new byte[4096];
                        int ok = 0;
                        for (int i = 0; i < 2000; i++) {
                            long pfn = present.get(r.nextInt(present.size()));
                            m.read(pfn * 4096, buf, 0, 4096);
                            if (java.util.Arrays.hashCode(buf) == expected.get(pfn)) {
                                ok++;
                            }
                        }
                        return ok;
                    }));
                }
                for (var f : results) {
                    assertEquals(2000, f.get());
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    /** 8 KiB mapping chunks put thousands of chunk boundaries under the real pages and headers. */
    @Test
    void tinyMappingChunksReadTheSameRealPages() throws Exception {
        for (Path f : List.of(Fixtures.dir(ARM64).resolve("vmcore.kdump"), Fixtures.dir(X86_FLAT).resolve("vmcore.flat"))) {
            try (DumpFile small = Dumps.open(f, 13); DumpFile normal = Dumps.open(f)) {
                assertEquals(normal.vmcoreinfo(), small.vmcoreinfo());
                int n = MakedumpfileCrossCheckTest.comparePages(small.memory(), normal.memory());
                assertTrue(n > 100, f + ": compared " + n);
            }
        }
    }

    @Test
    void flattenedFixtureReportsTheKdumpDetailsInside() throws Exception {
        Path flat = Fixtures.dir(X86_FLAT).resolve("vmcore.flat");
        try (DumpFile d = Dumps.open(flat)) {
            DumpDetails det = d.details();
            assertTrue(det.flattened());
            assertEquals(DumpFormat.KDUMP, det.format());
            assertEquals(List.of("zlib"), det.compression());
            assertEquals(OptionalInt.of(31), det.dumpLevel());
            assertEquals("x86_64", det.machine());
            assertEquals(2, det.nrCpus());
        }
    }
}
