package io.kdump4j.capture;

import static io.kdump4j.capture.CaptureFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.codec.PageCodec;
import io.kdump4j.format.elf.ElfDump;
import io.kdump4j.format.mem.PhysicalMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Options and hooks of the saver, on the smallest real fixture (arm64, 512 MiB). */
class SaveBehaviourTest {
    static final String CASE = "arm64-6.1.0-56-arm64/sysrq";

    private static SaveResult save(SaveOptions o, Path out) throws Exception {
        try (DumpFile src = Dumps.open(source(CASE))) {
            return Saver.save(src, o, out);
        }
    }

    @Test
    void contentFilterTakesPagesOutOfTheSecondBitmap() throws Exception {
        PageFilter everySeventh = (pfn, page) -> pfn % 7 == 0;
        Path out = work().resolve("filtered.kdump");
        SaveResult r = save(options(Compression.LZO, 1).withFilter(everySeventh), out);
        assertTrue(r.complete());
        long expectFiltered = 0;
        try (DumpFile src = Dumps.open(source(CASE)); KdumpCheckReader k = new KdumpCheckReader(out, src.byteOrder())) {
            PhysicalMemory m = src.memory();
            byte[] page = new byte[m.pageSize()];
            PageCodec[] codecs = new PageCodec[PageCodec.Kind.values().length];
            for (long pfn = 0; pfn < m.maxPfn(); pfn++) {
                if (m.state(pfn) != PhysicalMemory.PageState.PRESENT) {
                    continue;
                }
                m.read(pfn * m.pageSize(), page, 0, page.length);
                boolean zero = io.kdump4j.format.io.Bytes.isZero(page, 0, page.length);
                if (pfn % 7 == 0 && !zero) {
                    expectFiltered++;
                    assertFalse(k.dumped(pfn), "filtered pfn " + pfn + " still dumped");
                    continue;
                }
                assertTrue(k.dumped(pfn), "pfn " + pfn);
                assertTrue(Arrays.equals(page, k.page(pfn, codecs)), "pfn " + pfn);
            }
        }
        assertEquals(expectFiltered, r.summary().pagesFiltered(), "zero pages are found before the filter runs");
        Files.delete(out);
    }

    /** Filtered pages never reach an ELF file: runs shorter than 256 pages are written as zeros. */
    @Test
    void contentFilterInElfOutput() throws Exception {
        PageFilter everySeventh = (pfn, page) -> pfn % 7 == 0;
        Path out = work().resolve("filtered.elf");
        SaveResult r = save(options(Compression.NONE, 0).withContainer(Container.ELF).withFilter(everySeventh), out);
        assertTrue(r.complete());
        long frames = 0;
        long sevenths = 0;
        byte[] expected = new byte[4096];
        byte[] page = new byte[4096];
        try (ElfDump src = (ElfDump) Dumps.open(source(CASE)); ElfDump elf = (ElfDump) Dumps.open(out)) {
            for (var h : src.programHeaders()) {
                if (h.type() != io.kdump4j.format.elf.ElfConstants.PT_LOAD) {
                    continue;
                }
                for (long pfn = h.paddr() / 4096; pfn < (h.paddr() + h.memsz()) / 4096; pfn++) {
                    frames++;
                    elf.memory().read(pfn * 4096, page, 0, 4096);
                    if (pfn % 7 == 0) {
                        sevenths++;
                        assertTrue(io.kdump4j.format.io.Bytes.isZero(page, 0, 4096), "filtered pfn " + pfn);
                    } else {
                        src.memory().read(pfn * 4096, expected, 0, 4096);
                        assertTrue(Arrays.equals(expected, page), "pfn " + pfn);
                    }
                }
            }
        }
        assertEquals(sevenths, r.summary().pagesFiltered());
        assertEquals(frames - sevenths, r.summary().pages(PageClass.KEPT), "frames of every source PT_LOAD, "
                + "the kernel image's counted twice as the source describes it twice");
        Files.delete(out);
    }

    @Test
    void classifierExcludesItsClassesOnlyAtTheirLevel() throws Exception {
        PageClassifier fifthIsUser = pfn -> pfn % 5 == 0 ? PageClass.USER : PageClass.KEPT;
        Path out = work().resolve("classified.kdump");
        SaveResult r = save(options(Compression.LZO, 8).withClassifier(fifthIsUser), out);
        assertTrue(r.complete());
        long users = 0;
        try (DumpFile src = Dumps.open(source(CASE)); KdumpCheckReader k = new KdumpCheckReader(out, src.byteOrder())) {
            for (long pfn = 0; pfn < k.maxMapnr; pfn++) {
                if (src.memory().state(pfn) == PhysicalMemory.PageState.PRESENT) {
                    assertEquals(pfn % 5 != 0, k.dumped(pfn), "pfn " + pfn);
                    users += pfn % 5 == 0 ? 1 : 0;
                }
            }
            assertEquals(8, k.dumpLevel);
        }
        assertEquals(users, r.summary().pages(PageClass.USER));
        assertEquals(0, r.summary().pages(PageClass.ZERO), "level 8 does not exclude zero pages");
        comparePages(source(CASE), out, false);
        Files.delete(out);

        SaveResult keep = save(options(Compression.LZO, 1).withClassifier(fifthIsUser), out);
        assertEquals(0, keep.summary().pages(PageClass.USER), "level 1 keeps user pages");
        Files.delete(out);
    }

    /** In PFN order the output does not depend on the cycle size, down to the smallest (8 frames). */
    @Test
    void cycleSizeDoesNotChangeTheOutput() throws Exception {
        SaveOptions base = options(Compression.LZO, 1).withWriteOrder(WriteOrder.PFN);
        Path a = work().resolve("cycle-default.kdump");
        Path b = work().resolve("cycle-1000.kdump");
        Path c = work().resolve("cycle-8.kdump");
        assertTrue(save(base, a).complete());
        assertTrue(save(base.withCyclePfns(1000), b).complete());
        assertTrue(save(base.withCyclePfns(8).withThreads(3), c).complete());
        assertSameBytes(a, b);
        assertSameBytes(a, c);
        Files.delete(b);
        Files.delete(c);
        Files.delete(a);
    }

    /** Out of PFN order (kernel image first, then from the top) with odd cycles, every page still reads back. */
    @Test
    void writeOrderWithSmallCyclesReadsBack() throws Exception {
        Path out = work().resolve("kernel-first-1000.kdump");
        assertTrue(save(options(Compression.SNAPPY, 1).withCyclePfns(1000), out).complete());
        assertEquals(98304, comparePages(source(CASE), out, true));
        try (DumpFile src = Dumps.open(source(CASE))) {
            assertFalse(WriteOrder.kernelImage(src).isEmpty(), "the arm64 kernel image PT_LOAD is found");
        }
        Files.delete(out);
    }

    @Test
    void progressIsMonotonicAndEndsAtTheTotal() throws Exception {
        List<ProgressListener.Progress> seen = new ArrayList<>();
        Path out = work().resolve("progress.kdump");
        SaveResult r = save(options(Compression.ZLIB, 1).withListener(seen::add), out);
        assertTrue(seen.size() > 10, "reports: " + seen.size());
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i).pagesDone() >= seen.get(i - 1).pagesDone());
            assertTrue(seen.get(i).bytesOut() >= seen.get(i - 1).bytesOut());
        }
        ProgressListener.Progress last = seen.get(seen.size() - 1);
        assertEquals(last.pagesTotal(), last.pagesDone());
        assertEquals(1.0, last.fraction());
        assertEquals(r.summary().bytesIn(), last.bytesIn());
        assertEquals(98304L * 4096, r.summary().bytesIn(), "every present page read once");
        // Progress in bytes: the plan (the pages kept) is what was read, and it grows to 100%.
        assertEquals(r.summary().bytesIn(), last.bytesToRead());
        assertEquals(1.0, last.readFraction());
        ProgressListener.Progress firstPlanned = seen.stream().filter(ProgressListener.Progress::planned).findFirst()
                .orElseThrow();
        assertTrue(firstPlanned.readFraction() < 0.5, "the plan comes before most reading: " + firstPlanned);
        assertTrue(r.summary().bytesOut() >= Files.size(out));
        Files.delete(out);
    }

    @Test
    void streamedElfEqualsFlattenedElfFile() throws Exception {
        SaveOptions o = options(Compression.NONE, 31).withContainer(Container.ELF).withFlattened(true);
        Path file = work().resolve("elf.flat");
        Path stream = work().resolve("elf.stream");
        assertTrue(save(o, file).complete());
        try (DumpFile src = Dumps.open(source(CASE)); var os = new java.io.BufferedOutputStream(Files.newOutputStream(stream))) {
            assertTrue(Saver.save(src, o, os).complete());
        }
        assertSameBytes(file, stream);
        Files.delete(file);
        Files.delete(stream);
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SaveOptions.defaults().withLevels(32));
        assertThrows(IllegalArgumentException.class, () -> SaveOptions.defaults().withLevels());
        assertThrows(IllegalArgumentException.class, () -> SaveOptions.defaults().withThreads(0));
        assertThrows(IllegalArgumentException.class, () -> SaveOptions.defaults().withCyclePfns(12));
        assertThrows(IllegalArgumentException.class,
                () -> SaveOptions.defaults().withContainer(Container.ELF).withCompression(Compression.ZLIB));
    }

    @Test
    void anExistingTargetIsReplacedOnlyOnSuccess() throws Exception {
        Path out = work().resolve("replace.kdump");
        Files.writeString(out, "an older dump");
        Files.writeString(out.resolveSibling("replace.kdump.incomplete"), "leftover of a killed save");
        assertTrue(save(options(Compression.ZLIB, 31), out).complete());
        assertFalse(Files.exists(out.resolveSibling("replace.kdump.incomplete")));
        assertTrue(Files.size(out) > 1_000_000);
        Files.delete(out);
    }

    /** A source claiming 2^40 page frames (4 PiB) is refused at once, before any allocation or file. */
    @Test
    void aSourceClaimingAbsurdMemoryIsRefused() throws Exception {
        Path out = work().resolve("absurd.kdump");
        try (DumpFile real = Dumps.open(source(CASE))) {
            DumpFile absurd = real;
            PhysicalMemory huge = new PhysicalMemory() {
                @Override
                public int pageSize() {
                    return 4096;
                }

                @Override
                public void read(long paddr, byte[] dst, int off, int len) throws java.io.IOException {
                    real.memory().read(paddr, dst, off, len);
                }

                @Override
                public PageState state(long pfn) {
                    return pfn < 16 ? PageState.PRESENT : PageState.ABSENT;
                }

                @Override
                public long maxPfn() {
                    return 1L << 40;
                }

                @Override
                public long pagesPresent() {
                    return 16;
                }

                @Override
                public long pagesExcluded() {
                    return 0;
                }
            };
            DumpFile src = new DelegatingSource(absurd, huge);
            long t0 = System.nanoTime();
            java.io.IOException e = assertThrows(java.io.IOException.class,
                    () -> Saver.save(src, options(Compression.ZLIB, 31), out));
            assertTrue(e.getMessage().contains("1099511627776 page frames"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "refused without walking the frames");
        }
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(out.resolveSibling("absurd.kdump.incomplete")));
    }

    /** A dump with another PhysicalMemory. */
    private record DelegatingSource(DumpFile d, PhysicalMemory memory) implements DumpFile {
        @Override
        public String name() {
            return d.name();
        }

        @Override
        public io.kdump4j.format.DumpDetails details() {
            return d.details();
        }

        @Override
        public java.nio.ByteOrder byteOrder() {
            return d.byteOrder();
        }

        @Override
        public List<io.kdump4j.format.Note> notes() {
            return d.notes();
        }

        @Override
        public void close() {
        }
    }
}
