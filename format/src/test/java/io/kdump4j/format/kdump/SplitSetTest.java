package io.kdump4j.format.kdump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.format.mem.PhysicalMemory;
import io.kdump4j.format.mem.PhysicalMemory.PageState;
import io.kdump4j.testkit.FlatWriter;
import io.kdump4j.testkit.KdumpWriter;
import io.kdump4j.testkit.Makedumpfile;
import io.kdump4j.testkit.TestCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Split dump sets ({@code makedumpfile --split}) read as one dump. */
class SplitSetTest {
    private static final String X86_61 = "x86_64-6.1.0-56-amd64/sysrq-elf";

    private static List<Path> write(Path dir, List<byte[]> parts) throws Exception {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Path p = dir.resolve("part" + i);
            Files.write(p, parts.get(i));
            out.add(p);
        }
        return out;
    }

    @Test
    void threePartsInAnyOrderReadAsTheWholeDump(@TempDir Path dir) throws Exception {
        KdumpWriter w = Synthetic.standard(TestCodec.ZLIB, 4096);
        List<Path> parts = write(dir, w.buildSplit(3));
        try (DumpFile set = Dumps.openSet(List.of(parts.get(2), parts.get(0), parts.get(1)));
                DumpFile whole = Synthetic.open(w.build())) {
            assertTrue(set.details().split());
            assertEquals(3, ((KdumpFile) set).partCount());
            Synthetic.assertReadsBack(w, set.memory());
            assertEquals(whole.memory().pagesPresent(), set.memory().pagesPresent());
            assertEquals(whole.memory().pagesExcluded(), set.memory().pagesExcluded());
            for (long pfn = 0; pfn < whole.memory().maxPfn(); pfn++) {
                assertEquals(whole.memory().state(pfn), set.memory().state(pfn), "PFN " + pfn);
            }
        }
    }

    @Test
    void aMissingPartLeavesItsRangeOutOfTheDump(@TempDir Path dir) throws Exception {
        KdumpWriter w = Synthetic.standard(TestCodec.LZO, 4096);
        List<Path> parts = write(dir, w.buildSplit(2));
        try (DumpFile set = Dumps.openSet(List.of(parts.get(0)))) {
            PhysicalMemory m = set.memory();
            m.read(4096, new byte[4096], 0, 4096);
            assertEquals(PageState.ABSENT, m.state(64));
            MemoryFault f = assertThrows(MemoryFault.class, () -> m.read(64L * 4096, new byte[1], 0, 1));
            assertEquals(MemoryFault.Reason.NOT_IN_DUMP, f.reason());
        }
    }

    @Test
    void flattenedPartsAreAccepted(@TempDir Path dir) throws Exception {
        KdumpWriter w = Synthetic.standard(TestCodec.ZSTD, 4096);
        List<byte[]> flat = new ArrayList<>();
        for (byte[] p : w.buildSplit(2)) {
            flat.add(FlatWriter.scrambled(p, 1000, 7));
        }
        try (DumpFile set = Dumps.openSet(write(dir, flat))) {
            assertTrue(set.details().flattened());
            Synthetic.assertReadsBack(w, set.memory());
        }
    }

    @Test
    void overlappingPartsAreRefused(@TempDir Path dir) throws Exception {
        KdumpWriter w = Synthetic.standard(TestCodec.ZLIB, 4096);
        byte[] p0 = w.buildSplit(2).get(0);
        List<Path> parts = write(dir, List.of(p0, p0));
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> Dumps.openSet(parts));
        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
    }

    @Test
    void aWholeDumpIsNotAPartOfASet(@TempDir Path dir) throws Exception {
        KdumpWriter w = Synthetic.standard(TestCodec.ZLIB, 4096);
        List<Path> parts = write(dir, List.of(w.build(), w.buildSplit(2).get(1)));
        assertThrows(DumpFormatException.class, () -> Dumps.openSet(parts));
    }

    /**
     * makedumpfile --split from the x86_64 6.1 core against the unsplit dump. (makedumpfile
     * 1.7.2 puts every page of this 1 GiB dump in the first part and gives the second the
     * empty range [max_mapnr, max_mapnr); the set must still read as the whole dump.)
     */
    @Test
    void makedumpfileSplitSetReadsLikeTheUnsplitDump() throws Exception {
        Path whole = Makedumpfile.variant(X86_61, "c31.kdump", "-c", "-d", "31");
        Path p1 = Makedumpfile.dir(X86_61).resolve("split31.1");
        Path p2 = Makedumpfile.dir(X86_61).resolve("split31.2");
        if (!Files.exists(p1) || !Files.exists(p2)) {
            io.kdump4j.testkit.Fixtures.run(List.of(Makedumpfile.PATH, "--split", "-d", "31", "-c",
                    io.kdump4j.testkit.Fixtures.elfCore(X86_61).toString(), p1.toString(),
                    p2.toString()));
        }
        try (DumpFile set = Dumps.openSet(List.of(p2, p1)); DumpFile one = Dumps.open(whole)) {
            assertTrue(set.details().split());
            PhysicalMemory a = set.memory();
            PhysicalMemory b = one.memory();
            assertEquals(b.pagesPresent(), a.pagesPresent());
            assertEquals(b.maxPfn(), a.maxPfn());
            byte[] x = new byte[4096];
            byte[] y = new byte[4096];
            int compared = 0;
            for (long pfn = 0; pfn < b.maxPfn(); pfn++) {
                assertEquals(b.state(pfn), a.state(pfn), "PFN " + pfn);
                if (b.state(pfn) == PageState.PRESENT && pfn % 31 == 0) {
                    a.read(pfn * 4096, x, 0, 4096);
                    b.read(pfn * 4096, y, 0, 4096);
                    assertArrayEquals(y, x, "PFN " + pfn);
                    compared++;
                }
            }
            assertTrue(compared > 500, "compared " + compared);
        }
    }
}
