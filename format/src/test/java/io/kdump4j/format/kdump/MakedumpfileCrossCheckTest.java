package io.kdump4j.format.kdump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpDetails;
import io.kdump4j.format.DumpFile;
import io.kdump4j.format.DumpFormat;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.Note;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.format.mem.PhysicalMemory;
import io.kdump4j.format.mem.PhysicalMemory.PageState;
import io.kdump4j.testkit.Fixtures;
import io.kdump4j.testkit.Makedumpfile;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * makedumpfile writes, we read: each variant is made by the real makedumpfile from the x86_64
 * 6.1 fixture's ELF core, and every sampled page we read from it must equal the bytes our ELF
 * reader finds at the same physical address of the source core.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MakedumpfileCrossCheckTest {
    private static final String X86_61 = "x86_64-6.1.0-56-amd64/sysrq-elf";
    private static final int FIRST_MB_PAGES = 256;
    private static final int SAMPLE_EVERY = 97;

    private DumpFile source;

    @BeforeAll
    void openSource() throws Exception {
        Makedumpfile.assumeInstalled();
        source = Dumps.open(Fixtures.elfCore(X86_61));
    }

    @AfterAll
    void close() throws Exception {
        if (source != null) {
            source.close();
        }
    }

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("c31.kdump", List.of("-c", "-d", "31"), List.of("zlib"), 31),
                Arguments.of("l31.kdump", List.of("-l", "-d", "31"), List.of("lzo"), 31),
                Arguments.of("raw0.kdump", List.of("-d", "0"), List.of(), 0),
                Arguments.of("c1.kdump", List.of("-c", "-d", "1"), List.of("zlib"), 1),
                Arguments.of("f31.flat", List.of("-F", "-c", "-d", "31"), List.of("zlib"), 31));
    }

    @ParameterizedTest(name = "makedumpfile {1} pages read back equal the source ELF core")
    @MethodSource("variants")
    void pagesWrittenByMakedumpfileEqualTheSourceCore(String file, List<String> options, List<String> codecs, int level)
            throws Exception {
        Path out = Makedumpfile.variant(X86_61, file, options.toArray(String[]::new));
        try (DumpFile d = Dumps.open(out)) {
            DumpDetails det = d.details();
            assertEquals(DumpFormat.KDUMP, det.format());
            assertEquals(file.endsWith(".flat"), det.flattened());
            assertEquals(6, det.headerVersion());
            assertEquals(codecs, det.compression());
            assertEquals(level, det.dumpLevel().orElseThrow());
            assertEquals("x86_64", det.machine());
            assertFalse(det.incomplete());
            assertEquals(source.vmcoreinfo().orElseThrow(), d.vmcoreinfo().orElseThrow());
            assertEquals(source.notes().stream().filter(n -> n.is("CORE", Note.NT_PRSTATUS)).count(),
                    d.notes().stream().filter(n -> n.is("CORE", Note.NT_PRSTATUS)).count());
            int compared = comparePages(d.memory(), source.memory());
            assertTrue(compared > 100, "compared only " + compared + " pages");

            checkCountsAgainstMakedumpfilesReport(file, d.memory());
        }
    }

    /**
     * makedumpfile's report counts pages per PT_LOAD of its input, so the x86_64 kernel-text
     * segment (which /proc/vmcore also covers inside System RAM) is counted twice in its
     * "Original pages"; with that overlap taken out it is our 1st bitmap. Its "Excluded pages"
     * include the zero pages, which stay in the 2nd bitmap (sharing one page_desc); the rest
     * are exactly the pages in our 1st bitmap but not our 2nd.
     */
    private void checkCountsAgainstMakedumpfilesReport(String file, PhysicalMemory m) throws Exception {
        long original = Makedumpfile.reportCount(X86_61, file, "Original pages");
        long excluded = Makedumpfile.reportCount(X86_61, file, "Excluded pages");
        long zero = Makedumpfile.reportCount(X86_61, file, "Pages filled with zero");
        io.kdump4j.format.elf.ElfDump elf = (io.kdump4j.format.elf.ElfDump) source;
        long overlapPages = 0;
        for (var h : elf.programHeaders()) {
            if (h.type() == 1 && h.vaddr() >= 0xffff_ffff_8000_0000L) {
                overlapPages += h.memsz() / 4096;
            }
        }
        System.out.printf("%s: present=%d excluded=%d; makedumpfile: original=%d (%d twice) excluded=%d zero=%d%n",
                file, m.pagesPresent(), m.pagesExcluded(), original, overlapPages, excluded, zero);
        assertEquals(source.memory().pagesPresent(), m.pagesPresent() + m.pagesExcluded(), "RAM pages");
        assertEquals(original - overlapPages, m.pagesPresent() + m.pagesExcluded(), "original pages");
        assertEquals(excluded - zero, m.pagesExcluded(), "excluded pages other than zero pages");
    }

    /**
     * With -d 31 makedumpfile keeps zero pages in the 2nd bitmap but stores one shared zero
     * page for all of them: every present page is read, and the all-zero ones are exactly the
     * "Pages filled with zero" of its report.
     */
    @org.junit.jupiter.api.Test
    void sharedZeroPageStandsForExactlyTheZeroPagesMakedumpfileReports() throws Exception {
        Path out = Makedumpfile.variant(X86_61, "c31.kdump", "-c", "-d", "31");
        try (DumpFile d = Dumps.open(out)) {
            PhysicalMemory m = d.memory();
            byte[] page = new byte[4096];
            long zeros = 0;
            for (long pfn = 0; pfn < m.maxPfn(); pfn++) {
                if (m.state(pfn) == PageState.PRESENT) {
                    m.read(pfn * 4096, page, 0, 4096);
                    if (io.kdump4j.format.io.Bytes.isZero(page, 0, 4096)) {
                        zeros++;
                    }
                }
            }
            assertEquals(Makedumpfile.reportCount(X86_61, "c31.kdump", "Pages filled with zero"), zeros);
        }
    }

    /**
     * makedumpfile -E -d 31 (plain, and flattened with -F) writes an ELF core of the same
     * filtered pages: read through our ELF reader, every page the kdump-compressed -d 31 dump
     * holds is there and equals the source core's.
     */
    @ParameterizedTest(name = "makedumpfile {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"-E", "-F -E"})
    void elfWrittenByMakedumpfileHoldsTheSamePagesAsItsKdumpSibling(String options) throws Exception {
        boolean flat = options.contains("-F");
        Path elfOut = flat ? Makedumpfile.variant(X86_61, "fe31.flat", "-F", "-E", "-d", "31")
                : Makedumpfile.variant(X86_61, "e31.elf", "-E", "-d", "31");
        Path kdumpOut = Makedumpfile.variant(X86_61, "c31.kdump", "-c", "-d", "31");
        try (DumpFile e = Dumps.open(elfOut); DumpFile k = Dumps.open(kdumpOut)) {
            assertEquals(DumpFormat.ELF, e.details().format());
            assertEquals(flat, e.details().flattened());
            assertEquals(source.vmcoreinfo().orElseThrow(), e.vmcoreinfo().orElseThrow());
            byte[] a = new byte[4096];
            byte[] b = new byte[4096];
            int compared = 0;
            for (long pfn = 0; pfn < k.memory().maxPfn(); pfn++) {
                if (k.memory().state(pfn) == PageState.PRESENT && pfn % 13 == 0) {
                    e.memory().read(pfn * 4096, a, 0, 4096);
                    source.memory().read(pfn * 4096, b, 0, 4096);
                    assertArrayEquals(b, a, "PFN 0x" + Long.toHexString(pfn));
                    compared++;
                }
            }
            assertTrue(compared > 1000, "compared " + compared);
        }
    }

    /**
     * makedumpfile -L stops writing at a size limit and marks the dump incomplete: the pages it
     * wrote read back equal to the source, the rest of its dumpable pages fault as LOST, and
     * written + lost are exactly the pages of the complete -d 31 dump.
     */
    @org.junit.jupiter.api.Test
    void incompleteDumpFromMakedumpfileSizeLimitLosesOnlyUnwrittenPages() throws Exception {
        Path inc = Makedumpfile.incomplete(X86_61, "c31-limit10M.kdump", 10_000_000);
        Path full = Makedumpfile.variant(X86_61, "c31.kdump", "-c", "-d", "31");
        try (DumpFile d = Dumps.open(inc); DumpFile whole = Dumps.open(full)) {
            assertTrue(d.details().incomplete());
            PhysicalMemory m = d.memory();
            long written = 0;
            long lost = 0;
            byte[] a = new byte[4096];
            byte[] b = new byte[4096];
            for (long pfn = 0; pfn < m.maxPfn(); pfn++) {
                PageState s = m.state(pfn);
                if (s == PageState.LOST) {
                    lost++;
                    if (lost % 50 == 1) {
                        long addr = pfn * 4096;
                        MemoryFault f = assertThrows(MemoryFault.class, () -> m.read(addr, a, 0, 4096));
                        assertEquals(MemoryFault.Reason.LOST, f.reason());
                    }
                } else if (s == PageState.PRESENT) {
                    if (written++ % 41 == 0) {
                        m.read(pfn * 4096, a, 0, 4096);
                        source.memory().read(pfn * 4096, b, 0, 4096);
                        assertArrayEquals(b, a, "PFN 0x" + Long.toHexString(pfn));
                    }
                }
                assertEquals(whole.memory().state(pfn) == PageState.PRESENT, s == PageState.PRESENT || s == PageState.LOST,
                        "PFN 0x" + Long.toHexString(pfn));
            }
            System.out.printf("incomplete -L 10000000: %d pages written, %d lost%n", written, lost);
            assertTrue(written > 1000 && lost > 1000, written + " written, " + lost + " lost");
        }
    }

    @ParameterizedTest(name = "{0}: a filtered page faults as EXCLUDED, a hole as NOT_IN_DUMP")
    @MethodSource("variants")
    void filteredPagesFaultWithTheirReason(String file, List<String> options) throws Exception {
        Path out = Makedumpfile.variant(X86_61, file, options.toArray(String[]::new));
        try (DumpFile d = Dumps.open(out)) {
            PhysicalMemory m = d.memory();
            byte[] buf = new byte[8];
            for (long pfn = 0; pfn < m.maxPfn(); pfn++) {
                PageState s = m.state(pfn);
                if (s == PageState.EXCLUDED || s == PageState.ABSENT) {
                    long addr = pfn * m.pageSize() + 8;
                    MemoryFault f = assertThrows(MemoryFault.class, () -> m.read(addr, buf, 0, 8));
                    assertEquals(s == PageState.EXCLUDED ? MemoryFault.Reason.EXCLUDED : MemoryFault.Reason.NOT_IN_DUMP,
                            f.reason());
                    assertEquals(addr, f.address());
                }
            }
        }
    }

    /** Compares every present page of the first MiB and every 97th present page after it. */
    static int comparePages(PhysicalMemory dump, PhysicalMemory elf) throws Exception {
        int ps = dump.pageSize();
        byte[] a = new byte[ps];
        byte[] b = new byte[ps];
        long seen = 0;
        int compared = 0;
        for (long pfn = 0; pfn < dump.maxPfn(); pfn++) {
            if (dump.state(pfn) != PageState.PRESENT) {
                continue;
            }
            if (pfn < FIRST_MB_PAGES || seen++ % SAMPLE_EVERY == 0) {
                dump.read(pfn * ps, a, 0, ps);
                elf.read(pfn * ps, b, 0, ps);
                assertArrayEquals(b, a, "page 0x" + Long.toHexString(pfn));
                compared++;
            }
        }
        return compared;
    }
}
