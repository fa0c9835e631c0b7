package io.kdump4j.format.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.Note;
import io.kdump4j.format.io.ArrayByteSource;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.testkit.ElfCoreWriter;
import io.kdump4j.testkit.KdumpWriter;
import org.junit.jupiter.api.Test;

/** The ELF core reader on cores from the testkit's writer. */
class ElfSyntheticTest {

    @Test
    void loadsNotesAndTheZeroTailPastFilesz() throws Exception {
        byte[] a = KdumpWriter.patternPage(1, 8192);
        byte[] b = KdumpWriter.patternPage(2, 4096);
        byte[] core = new ElfCoreWriter().vmcoreinfo("OSRELEASE=6.1.0-test\nPAGESIZE=4096\n").prstatus(new byte[336])
                .prstatus(new byte[336]).load(0x100000, a, 8192).load(0x200000, b, 3 * 4096).build();
        try (DumpFile d = Dumps.open(new ArrayByteSource("synthetic.elf", core))) {
            assertEquals(2, d.notes().stream().filter(n -> n.is("CORE", Note.NT_PRSTATUS)).count());
            assertEquals("OSRELEASE=6.1.0-test\nPAGESIZE=4096\n", d.vmcoreinfo().orElseThrow());
            byte[] got = new byte[8192];
            d.memory().read(0x100000, got, 0, 8192);
            assertArrayEquals(a, got);
            byte[] tail = new byte[100];
            d.memory().read(0x200000 + 4096 - 50, tail, 0, 100);
            assertArrayEquals(java.util.Arrays.copyOfRange(b, 4046, 4096), java.util.Arrays.copyOf(tail, 50));
            assertTrue(java.util.Arrays.equals(new byte[50], java.util.Arrays.copyOfRange(tail, 50, 100)),
                    "bytes past p_filesz read as zeros");
            MemoryFault f = assertThrows(MemoryFault.class, () -> d.memory().read(0x300000, new byte[1], 0, 1));
            assertEquals(MemoryFault.Reason.NOT_IN_DUMP, f.reason());
        }
    }

    /** Pages past p_filesz are EXCLUDED in state() as they are in the counts (they were PRESENT). */
    @Test
    void pagesPastFileszAreExcludedInStateAndCounts() throws Exception {
        byte[] core = new ElfCoreWriter().load(0, KdumpWriter.patternPage(0, 4096), 4 * 4096).build();
        try (DumpFile d = Dumps.open(new ArrayByteSource("tail.elf", core))) {
            var m = d.memory();
            assertEquals(io.kdump4j.format.mem.PhysicalMemory.PageState.PRESENT, m.state(0));
            for (long pfn = 1; pfn < 4; pfn++) {
                assertEquals(io.kdump4j.format.mem.PhysicalMemory.PageState.EXCLUDED, m.state(pfn), "pfn " + pfn);
            }
            assertEquals(1, m.pagesPresent());
            assertEquals(3, m.pagesExcluded());
        }
    }

    /** An address covered by a segment behind more than 4 overlapping later-starting ones is found (it was not). */
    @Test
    void lookupFindsASegmentBehindManyOverlappingOnes() throws Exception {
        byte[] big = new byte[8 * 4096];
        for (int p = 0; p < 8; p++) {
            System.arraycopy(KdumpWriter.patternPage(p, 4096), 0, big, p * 4096, 4096);
        }
        ElfCoreWriter w = new ElfCoreWriter().load(0, big, big.length);
        for (int p = 1; p <= 6; p++) {
            w.load(p * 4096L, KdumpWriter.patternPage(p, 4096), 4096);
        }
        try (DumpFile d = Dumps.open(new ArrayByteSource("overlap.elf", w.build()))) {
            byte[] got = new byte[4096];
            d.memory().read(7 * 4096L, got, 0, 4096);
            assertArrayEquals(KdumpWriter.patternPage(7, 4096), got);
            assertEquals(io.kdump4j.format.mem.PhysicalMemory.PageState.PRESENT, d.memory().state(7));
        }
    }
}
