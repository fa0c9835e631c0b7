package io.kdump4j.capture;

import static io.kdump4j.capture.CaptureFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.elf.ElfConstants;
import io.kdump4j.format.elf.ElfDump;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.format.mem.PhysicalMemory;
import io.kdump4j.testkit.Fixtures;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A page of the source that cannot be read is written as lost and the save goes on: the dump is
 * finished, marked incomplete, and exactly the bad pages are missing from it; too many such pages
 * stop the save (marked incomplete, never a silently short dump).
 */
class LostPagesTest {
    static final String CASE = "x86_64-6.1.0-56-amd64/sysrq-elf";
    /**
     * Frames whose reads fail: the first present frame at or after each of these, the third and
     * fourth one run of two (low memory, the start of the kernel image, scattered high frames).
     * Not 0x3f000, the first frame of the top RAM range, so that every run is inside a segment.
     */
    static final long[] NEAR = {0x180, 0x8000, 0x18000, -1, 0x3f800};

    private static Set<Long> bad() throws Exception {
        Set<Long> s = new TreeSet<>();
        try (DumpFile src = Dumps.open(source(CASE))) {
            PhysicalMemory m = src.memory();
            long prev = 0;
            for (long near : NEAR) {
                long pfn = near < 0 ? prev + 1 : near;
                while (m.state(pfn) != PhysicalMemory.PageState.PRESENT
                        || near >= 0 && m.state(pfn + 1) != PhysicalMemory.PageState.PRESENT) {
                    pfn = near < 0 ? -1 : pfn + 1;
                    assertTrue(pfn >= 0, "the frame after 0x" + Long.toHexString(prev) + " is present");
                }
                s.add(pfn);
                prev = pfn;
            }
        }
        assertEquals(NEAR.length, s.size());
        return s;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void unreadablePagesAreLostInAFinishedKdump(int threads) throws Exception {
        Path target = work().resolve("lost-pages-" + threads + ".kdump");
        Set<Long> bad = bad();
        SaveResult r;
        try (FailingSource src = FailingSource.failingAt(Dumps.open(source(CASE)), bad::contains, threads > 1)) {
            r = Saver.save(src, options(Compression.LZO, 1).withThreads(threads), target);
        }
        System.out.println("lost pages: " + r.problem() + " " + r.summary());
        assertEquals(SaveResult.Status.INCOMPLETE, r.status());
        assertEquals(target.resolveSibling(target.getFileName() + Saver.INCOMPLETE_SUFFIX), r.path());
        assertEquals(bad.size(), r.summary().pagesLost());
        assertEquals(0, r.summary().pagesNotWritten(), "the save went on to the last page");
        assertTrue(r.problem().contains(bad.size() + " pages of the source could not be read"), r.problem());
        assertTrue(r.problem().contains("(first: injected EIO at physical 0x"), r.problem());
        try (KdumpCheckReader k = new KdumpCheckReader(r.path(), le())) {
            assertEquals(0x8 | 0x2, k.status, "DUMP_DH_COMPRESSED_INCOMPLETE stays set");
            for (long pfn : bad) {
                assertTrue(k.dumped(pfn), "a lost page stays dumpable in the 2nd bitmap");
                assertTrue(Arrays.equals(new long[] {0, 0, 0}, k.desc(pfn)), "a lost page's descriptor is zero");
            }
        }
        assertOnlyBadPagesMissing(r.path(), bad, MemoryFault.Reason.LOST);
        Files.delete(r.path());
    }

    /** makedumpfile reads such a dump (its log) as it reads one cut short by a full disk. */
    @Test
    void makedumpfileReadsTheLogOfADumpWithLostPages() throws Exception {
        Path target = work().resolve("lost-pages-mdf.kdump");
        SaveResult r;
        try (FailingSource src = FailingSource.failingAt(Dumps.open(source(CASE)), bad()::contains, false)) {
            r = Saver.save(src, options(Compression.ZLIB, 31).withThreads(1), target);
        }
        assertEquals(SaveResult.Status.INCOMPLETE, r.status());
        assertSameText(Files.readString(golden(CASE), java.nio.charset.StandardCharsets.ISO_8859_1),
                dmesg(CASE, r.path()), "makedumpfile --dump-dmesg of a dump with lost pages");
        Files.delete(r.path());
    }

    /**
     * ELF output leaves an unreadable page out of every PT_LOAD (readers fault on it instead of
     * reading zeros), keeps DUMP_ELF_INCOMPLETE in e_flags, and counts only the segments written.
     */
    @Test
    void unreadablePagesAreLeftOutOfAFinishedElf() throws Exception {
        Path target = work().resolve("lost-pages.elf");
        Set<Long> bad = bad();
        SaveResult r;
        try (FailingSource src = FailingSource.failingAt(Dumps.open(source(CASE)), bad::contains, false)) {
            r = Saver.save(src, options(Compression.NONE, 0).withContainer(Container.ELF), target);
        }
        assertEquals(SaveResult.Status.INCOMPLETE, r.status());
        assertEquals(bad.size(), r.summary().pagesLost());
        assertEquals(0, r.summary().pagesNotWritten());
        // The same source with no bad page: its RAM runs are the regions (not an ElfDump, so no
        // second kernel-text segment).
        Path clean = work().resolve("lost-pages-clean.elf");
        try (FailingSource src = FailingSource.failingAt(Dumps.open(source(CASE)), pfn -> false, false)) {
            assertTrue(Saver.save(src, options(Compression.NONE, 0).withContainer(Container.ELF), clean).complete());
        }
        try (ElfDump elf = (ElfDump) Dumps.open(r.path()); ElfDump in = (ElfDump) Dumps.open(clean)) {
            assertTrue(elf.details().incomplete());
            assertFalse(in.details().incomplete());
            assertFalse(elf.programHeaders().stream().anyMatch(h -> h.type() == 0 /* PT_NULL */),
                    "no spare PT_NULL header is left in a finished file");
            long ours = elf.programHeaders().stream().filter(h -> h.type() == ElfConstants.PT_LOAD).count();
            long theirs = in.programHeaders().stream().filter(h -> h.type() == ElfConstants.PT_LOAD).count();
            // Four runs, each inside a segment.
            assertEquals(theirs + 4, ours, "each run of unreadable pages inside a segment splits it once");
            assertTrue(elf.programHeaders().stream().anyMatch(h -> h.paddr() == (bad.stream().max(Long::compare).get() + 1) * 4096),
                    "a segment starts after the last bad frame");
        }
        Files.delete(clean);
        assertOnlyBadPagesMissing(r.path(), bad, MemoryFault.Reason.NOT_IN_DUMP);
        // Not checked here: makedumpfile --dump-dmesg on this ELF file (source without virtual
        // addresses, split segments) fails with "Could not validate mem_section" although the clean
        // save of the same source passes; cause not found yet (see the kdump test above for the
        // makedumpfile check).
        Files.delete(r.path());
    }

    /**
     * A kdump-compressed fixture (makedumpfile's own, arm64) with three compressed pages corrupted
     * in a copy: those three are lost in the saved dump, every other page is the fixture's.
     */
    @Test
    void corruptCompressedPagesOfAKdumpSourceAreLost() throws Exception {
        Path fixture = Fixtures.dir("arm64-6.1.0-56-arm64/sysrq").resolve("vmcore.kdump");
        Path copy = work().resolve("corrupt-copy.kdump");
        Files.copy(fixture, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Set<Long> corrupted = new TreeSet<>();
        try (KdumpCheckReader k = new KdumpCheckReader(copy, le());
                FileChannel ch = FileChannel.open(copy, StandardOpenOption.WRITE)) {
            long[] wanted = {k.maxMapnr / 5, k.maxMapnr / 2, k.maxMapnr * 4 / 5};
            for (long from : wanted) {
                long pfn = from;
                while (!k.dumped(pfn) || k.desc(pfn)[2] == 0 || corrupted.contains(pfn)) {
                    pfn++;
                }
                long[] d = k.desc(pfn);
                byte[] junk = new byte[(int) Math.min(16, d[1])];
                Arrays.fill(junk, (byte) 0xff);
                ch.write(java.nio.ByteBuffer.wrap(junk), d[0]);
                corrupted.add(pfn);
            }
        }
        try (DumpFile src = Dumps.open(copy)) {
            for (long pfn : corrupted) {
                assertThrows(java.io.IOException.class,
                        () -> src.memory().read(pfn * src.memory().pageSize(), new byte[src.memory().pageSize()], 0,
                                src.memory().pageSize()), "the corrupted copy fails to read PFN 0x" + Long.toHexString(pfn));
            }
        }
        Path target = work().resolve("from-corrupt.kdump");
        SaveResult r;
        try (DumpFile src = Dumps.open(copy)) {
            r = Saver.save(src, options(Compression.ZLIB, 0), target);
        }
        assertEquals(SaveResult.Status.INCOMPLETE, r.status());
        assertEquals(corrupted.size(), r.summary().pagesLost(), r.problem());
        assertOnlyPagesMissing(fixture, r.path(), corrupted, MemoryFault.Reason.LOST);
        Files.delete(r.path());
        Files.delete(copy);
    }

    /** Past the limit in all, the save stops where it is, marked incomplete; it still leaves a dump. */
    @Test
    void tooManyUnreadablePagesStopTheSave() throws Exception {
        Path target = work().resolve("too-many-lost.kdump");
        SaveResult r;
        try (FailingSource src = FailingSource.failingAt(Dumps.open(source(CASE)), pfn -> pfn % 1000 == 999, false)) {
            r = Saver.save(src, options(Compression.LZO, 0).withThreads(1).withWriteOrder(WriteOrder.PFN)
                    .withLostPageLimits(new LostPageLimits(4, 10)), target);
        }
        assertEquals(SaveResult.Status.INCOMPLETE, r.status());
        assertEquals(9, r.summary().pagesLost(), "nine are written as lost; the tenth stops the save");
        assertTrue(r.summary().pagesNotWritten() > 0);
        assertTrue(r.problem().contains("10 pages in all could not be read, so the save stops"), r.problem());
        try (DumpFile out = Dumps.open(r.path())) {
            assertEquals(PhysicalMemory.PageState.LOST, out.memory().state(999));
            assertEquals(PhysicalMemory.PageState.PRESENT, out.memory().state(998));
            assertEquals(PhysicalMemory.PageState.LOST, out.memory().state(out.memory().maxPfn() - 1));
        }
        Files.delete(r.path());
    }

    /** A run of unreadable pages longer than the limit in a row stops the save too. */
    @Test
    void aLongRunOfUnreadablePagesStopsTheSave() throws Exception {
        Path target = work().resolve("run-lost.elf");
        SaveResult r;
        try (FailingSource src = FailingSource.failingAt(Dumps.open(source(CASE)),
                pfn -> pfn >= 0x10000 && pfn < 0x10020, false)) {
            r = Saver.save(src, options(Compression.NONE, 0).withContainer(Container.ELF)
                    .withLostPageLimits(new LostPageLimits(8, 1000)), target);
        }
        assertEquals(SaveResult.Status.INCOMPLETE, r.status());
        assertEquals(7, r.summary().pagesLost());
        assertTrue(r.problem().contains("8 pages in a row could not be read"), r.problem());
        assertNotEquals(0, r.summary().pagesTotal());
        try (ElfDump elf = (ElfDump) Dumps.open(r.path())) {
            assertTrue(elf.details().incomplete());
            assertEquals(PhysicalMemory.PageState.PRESENT, elf.memory().state(0xffff));
        }
        Files.delete(r.path());
    }

    private static void assertOnlyBadPagesMissing(Path out, Set<Long> bad, MemoryFault.Reason why) throws Exception {
        assertOnlyPagesMissing(source(CASE), out, bad, why);
    }

    /**
     * Every page present in {@code sourcePath} is present in {@code out} with the same bytes, but
     * the {@code missing} ones, which fault for {@code why}.
     */
    static void assertOnlyPagesMissing(Path sourcePath, Path out, Set<Long> missing, MemoryFault.Reason why)
            throws Exception {
        try (DumpFile src = Dumps.open(sourcePath); DumpFile dump = Dumps.open(out)) {
            PhysicalMemory s = src.memory();
            PhysicalMemory d = dump.memory();
            int ps = s.pageSize();
            byte[] a = new byte[ps];
            byte[] b = new byte[ps];
            long compared = 0;
            for (long pfn = 0; pfn < s.maxPfn(); pfn++) {
                if (missing.contains(pfn)) {
                    assertNotEquals(PhysicalMemory.PageState.PRESENT, d.state(pfn), "PFN 0x" + Long.toHexString(pfn));
                    long at = pfn * ps;
                    MemoryFault f = assertThrows(MemoryFault.class, () -> d.read(at, b, 0, ps));
                    assertEquals(why, f.reason(), f.getMessage());
                    continue;
                }
                if (s.state(pfn) != PhysicalMemory.PageState.PRESENT) {
                    continue;
                }
                s.read(pfn * ps, a, 0, ps);
                try {
                    d.read(pfn * ps, b, 0, ps);
                } catch (MemoryFault f) {
                    // Zero pages left out of an ELF level-1 dump, say: only zeros may be missing.
                    assertTrue(io.kdump4j.format.io.Bytes.isZero(a, 0, ps), "PFN 0x" + Long.toHexString(pfn) + ": " + f);
                    continue;
                }
                if (!Arrays.equals(a, b)) {
                    throw new AssertionError("PFN 0x" + Long.toHexString(pfn) + " differs from the source");
                }
                compared++;
            }
            assertTrue(compared > 1000, "compared " + compared);
            System.out.println(out.getFileName() + ": " + compared + " pages as the source, " + missing.size() + " " + why);
        }
    }
}
