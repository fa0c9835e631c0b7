package io.kdump4j.capture;

import static io.kdump4j.capture.CaptureFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.codec.PageCodec;
import io.kdump4j.format.elf.ElfDump;
import io.kdump4j.format.io.Bytes;
import io.kdump4j.format.mem.PhysicalMemory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A full target and a failing source leave a readable dump marked incomplete, never a short one. */
class FaultInjectionTest {
    static final String CASE = "x86_64-6.1.0-56-amd64/sysrq-elf";
    /**
     * Small enough that the level-1 zlib dump (72 MB) does not fit, large enough for what
     * {@code makedumpfile --dump-dmesg} needs once it is written first: the descriptor table (4.7 MB
     * reserved up front), the kernel image (about 17 MB compressed) and the top of memory. 8 MiB
     * does not even hold this guest's kernel image, so no order of writing could make a dump that
     * makedumpfile reads from it.
     */
    static final String TMPFS_SIZE = "24m";
    private static Path tmpfs;

    @BeforeAll
    static void mountSmallTmpfs() throws IOException {
        Path dir = work().resolve("tmpfs-small");
        Files.createDirectories(dir);
        try {
            run("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_SIZE, "tmpfs", dir.toString());
            tmpfs = dir;
        } catch (IOException e) {
            System.out.println("cannot mount a tmpfs (not root?); the ENOSPC tests are skipped: " + e.getMessage());
        }
    }

    @AfterAll
    static void unmount() throws IOException {
        if (tmpfs != null) {
            run("umount", tmpfs.toString());
        }
    }

    /**
     * Moves a file off the full tmpfs before it is read: reading a hole of a tmpfs file through a
     * mapping allocates a page, and on a full tmpfs that is SIGBUS (an InternalError in Java).
     */
    private static Path offTmpfs(Path p) throws IOException {
        Path to = work().resolve("from-tmpfs-" + p.getFileName());
        Files.move(p, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return to;
    }

    private static void clean() throws IOException {
        try (var s = Files.list(tmpfs)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void fullTargetGivesAnIncompleteKdumpThatMakedumpfileReads() throws Exception {
        assumeTrue(tmpfs != null, "no tmpfs");
        clean();
        Path target = tmpfs.resolve("vmcore");
        SaveResult r;
        try (DumpFile src = Dumps.open(source(CASE))) {
            r = Saver.save(src, options(Compression.ZLIB, 1), target);
        }
        System.out.println("full tmpfs: " + r.status() + " " + r.problem() + " " + r.summary());
        assertEquals(SaveResult.Status.INCOMPLETE, r.status());
        assertEquals(tmpfs.resolve("vmcore.incomplete"), r.path());
        assertFalse(Files.exists(target), "an incomplete dump never takes the target's name");
        assertTrue(r.problem().contains("No space left on device"), r.problem());
        assertTrue(r.summary().pagesNotWritten() > 0);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(r.path())));
        Path copy = offTmpfs(r.path());
        try (KdumpCheckReader k = new KdumpCheckReader(copy, le())) {
            assertEquals(0x8 | 0x1, k.status, "status: zlib | DUMP_DH_COMPRESSED_INCOMPLETE");
            long lost = checkWrittenPagesAndCountLost(k);
            System.out.println("full tmpfs: " + lost + " dumpable pages lost");
            assertTrue(lost > 0);
        }
        assertSameText(Files.readString(golden(CASE), StandardCharsets.ISO_8859_1), dmesg(CASE, copy),
                "makedumpfile --dump-dmesg of the incomplete dump");
        Files.delete(copy);
        // For comparison only: makedumpfile itself, in PFN order, on the same full target.
        Path theirs = tmpfs.resolve("vmcore.makedumpfile");
        try {
            makedumpfile(CASE, "-c", "-d", "1", source(CASE).toString(), theirs.toString());
        } catch (IOException expected) {
            Path moved = offTmpfs(theirs);
            String verdict;
            try {
                dmesg(CASE, moved);
                verdict = "readable";
            } catch (IOException e) {
                verdict = "not readable by --dump-dmesg";
            }
            System.out.println("makedumpfile's own dump on the same full tmpfs: " + verdict);
            Files.delete(moved);
        }
        clean();
    }

    @Test
    void fullTargetGivesAnIncompleteElfMarkedInEFlags() throws Exception {
        assumeTrue(tmpfs != null, "no tmpfs");
        clean();
        Path target = tmpfs.resolve("vmcore.elf");
        SaveResult r;
        try (DumpFile src = Dumps.open(source(CASE))) {
            r = Saver.save(src, options(Compression.NONE, 1).withContainer(Container.ELF), target);
        }
        assertEquals(SaveResult.Status.INCOMPLETE, r.status());
        Path copy = offTmpfs(r.path());
        byte[] ehdr = new byte[64];
        try (var in = Files.newInputStream(copy)) {
            in.readNBytes(ehdr, 0, 64);
        }
        assertEquals(1, Bytes.s32(ehdr, 48, le()) & 1, "e_flags has DUMP_ELF_INCOMPLETE");
        try (ElfDump elf = (ElfDump) Dumps.open(copy)) {
            assertTrue(elf.details().incomplete());
        }
        long bytes = compareElfLoads(source(CASE), copy);
        System.out.println("full tmpfs ELF: " + bytes + " bytes of PT_LOAD data written and equal to the source");
        assertTrue(bytes > 0);
        Files.delete(copy);
    }

    /** Levels 0,16 with a classifier that calls most frames free: level 0 does not fit in 8 MiB, level 16 does. */
    @Test
    void fullTargetRetriesAtTheNextDumpLevel() throws Exception {
        assumeTrue(tmpfs != null, "no tmpfs");
        clean();
        Path target = tmpfs.resolve("vmcore");
        PageClassifier mostlyFree = pfn -> pfn >= 0x800 ? PageClass.FREE : PageClass.KEPT;
        SaveResult r;
        try (DumpFile src = Dumps.open(source(CASE))) {
            r = Saver.save(src, options(Compression.ZLIB, 0).withLevels(0, 16).withClassifier(mostlyFree), target);
        }
        assertEquals(SaveResult.Status.COMPLETE, r.status(), () -> r.problem());
        assertEquals(List.of(0, 16), r.levelsTried());
        assertEquals(target, r.path());
        assertFalse(Files.exists(tmpfs.resolve("vmcore.incomplete")));
        assertTrue(r.summary().pages(PageClass.FREE) > 0);
        Path copy = offTmpfs(target);
        try (KdumpCheckReader k = new KdumpCheckReader(copy, le())) {
            assertEquals(16, k.dumpLevel);
            assertEquals(0x1, k.status);
            for (long pfn = 0x800; pfn < k.maxMapnr; pfn++) {
                assertFalse(k.dumped(pfn), "free frame dumped");
            }
        }
        Files.delete(copy);
    }

    @Test
    void sourceFailingMidwayGivesAnIncompleteKdump() throws Exception {
        Path target = work().resolve("failing-source.kdump");
        SaveResult r;
        long failAfter = 120_000;
        try (FailingSource src = new FailingSource(Dumps.open(source(CASE)), failAfter)) {
            r = Saver.save(src, options(Compression.LZO, 1), target);
        }
        System.out.println("failing source: " + r.problem() + " " + r.summary());
        assertEquals(SaveResult.Status.INCOMPLETE, r.status());
        assertEquals(work().resolve("failing-source.kdump.incomplete"), r.path());
        assertTrue(r.problem().contains("injected read error"), r.problem());
        try (KdumpCheckReader k = new KdumpCheckReader(r.path(), le()); DumpFile src = Dumps.open(source(CASE))) {
            assertEquals(0x8 | 0x2, k.status);
            PhysicalMemory m = src.memory();
            long lost = checkWrittenPagesAndCountLost(k);
            for (long pfn = 0; pfn < m.maxPfn(); pfn++) {
                assertEquals(m.state(pfn) != PhysicalMemory.PageState.ABSENT, k.ram(pfn),
                        "1st bitmap complete even after the failure, pfn " + pfn);
            }
            assertEquals(m.pagesPresent() - failAfter, lost, "every page from the failing one on is lost");
        }
        Files.delete(r.path());
    }

    /**
     * The same with two threads that read the pages themselves: reads happen out of PFN order, so
     * which frame fails first varies, but every page before it is written and correct, and the
     * rest is lost, not missing.
     */
    @Test
    void sourceFailingMidwayOnCompressionThreadsGivesAnIncompleteKdump() throws Exception {
        Path target = work().resolve("failing-source-threads.kdump");
        SaveResult r;
        long failAfter = 120_000;
        try (FailingSource src = new FailingSource(Dumps.open(source(CASE)), failAfter, true)) {
            assertTrue(src.memory().concurrentReads());
            r = Saver.save(src, options(Compression.LZO, 1).withThreads(2), target);
        }
        assertEquals(SaveResult.Status.INCOMPLETE, r.status());
        assertTrue(r.problem().contains("injected read error"), r.problem());
        try (KdumpCheckReader k = new KdumpCheckReader(r.path(), le()); DumpFile src = Dumps.open(source(CASE))) {
            assertEquals(0x8 | 0x2, k.status);
            long lost = checkWrittenPagesAndCountLost(k);
            assertTrue(lost >= src.memory().pagesPresent() - failAfter, "lost " + lost);
            assertTrue(lost < src.memory().pagesPresent(), "lost " + lost);
        }
        Files.delete(r.path());
    }

    /** A stream (ssh) cannot be rewound, but it still ends properly and says incomplete once rebuilt. */
    @Test
    void sourceFailingMidwayEndsTheStreamMarkedIncomplete() throws Exception {
        Path flat = work().resolve("failing-source.flat");
        SaveResult r;
        try (FailingSource src = new FailingSource(Dumps.open(source(CASE)), 50_000);
                var out = new java.io.BufferedOutputStream(Files.newOutputStream(flat))) {
            r = Saver.save(src, options(Compression.ZLIB, 1), out);
        }
        assertEquals(SaveResult.Status.INCOMPLETE, r.status());
        assertEquals(null, r.path());
        byte[] all = Files.readAllBytes(flat);
        assertEquals(-1, Bytes.s64(all, all.length - 16, java.nio.ByteOrder.BIG_ENDIAN), "end marker");
        Path rebuilt = work().resolve("failing-source.rebuilt");
        run("sh", "-c", "makedumpfile -R '" + rebuilt + "' < '" + flat + "'");
        try (KdumpCheckReader k = new KdumpCheckReader(rebuilt, le())) {
            assertEquals(0x8 | 0x1, k.status);
            assertTrue(checkWrittenPagesAndCountLost(k) > 0);
        }
        Files.delete(flat);
        Files.delete(rebuilt);
    }

    @Test
    void sourceFailingMidwayGivesAnIncompleteElf() throws Exception {
        Path target = work().resolve("failing-source.elf");
        SaveResult r;
        try (FailingSource src = new FailingSource(Dumps.open(source(CASE)), 20_000)) {
            r = Saver.save(src, options(Compression.NONE, 0).withContainer(Container.ELF), target);
        }
        assertEquals(SaveResult.Status.INCOMPLETE, r.status());
        try (ElfDump elf = (ElfDump) Dumps.open(r.path())) {
            assertTrue(elf.details().incomplete());
        }
        assertTrue(compareElfLoads(source(CASE), r.path()) > 0);
        Files.delete(r.path());
    }

    /**
     * Reads every dumpable page: those with a descriptor must equal the source, the others must
     * have an all-zero descriptor (lost). Returns the number lost.
     */
    private static long checkWrittenPagesAndCountLost(KdumpCheckReader k) throws Exception {
        long lost = 0;
        try (DumpFile src = Dumps.open(source(CASE))) {
            PhysicalMemory m = src.memory();
            PageCodec[] codecs = new PageCodec[PageCodec.Kind.values().length];
            byte[] expected = new byte[m.pageSize()];
            long descEnd = (k.src.size() - k.descBase) / 24;
            for (long pfn = 0; pfn < k.maxMapnr; pfn++) {
                if (!k.dumped(pfn)) {
                    continue;
                }
                if (k.descIndex(pfn) >= descEnd) {
                    lost++;
                    continue;
                }
                byte[] got = k.page(pfn, codecs);
                if (got == null) {
                    lost++;
                    continue;
                }
                m.read(pfn * m.pageSize(), expected, 0, expected.length);
                if (!java.util.Arrays.equals(expected, got)) {
                    throw new AssertionError("written pfn 0x" + Long.toHexString(pfn) + " differs from the source");
                }
            }
        }
        return lost;
    }

}
