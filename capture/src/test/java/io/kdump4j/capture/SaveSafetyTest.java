package io.kdump4j.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.testkit.ElfCoreWriter;
import io.kdump4j.testkit.KdumpWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The saver's safety contract on small cores written here: one save per target, classifier failures told. */
class SaveSafetyTest {
    private static final int PAGES = 16;

    @TempDir
    Path tmp;

    private Path core() throws IOException {
        byte[] mem = new byte[PAGES * 4096];
        for (int p = 0; p < PAGES; p++) {
            System.arraycopy(KdumpWriter.patternPage(p, 4096), 0, mem, p * 4096, 4096);
        }
        return Files.write(tmp.resolve("core.elf"), new ElfCoreWriter().load(0, mem, mem.length).build());
    }

    private static SaveOptions options(PageClassifier c) {
        return SaveOptions.defaults().withLevels(31).withCompression(Compression.ZLIB).withClassifier(c);
    }

    /**
     * Two saves to one target: the second is refused while the first runs, and the first's dump is
     * whole. Before the lock, the second deleted the first's TARGET.incomplete, the first renamed
     * the second's unfinished file and exited 0 with its own dump gone.
     */
    @Test
    void aSecondSaveToTheSameTargetIsRefusedWhileTheFirstRuns() throws Exception {
        Path core = core();
        Path target = tmp.resolve("vmcore");
        CountDownLatch inFirst = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PageClassifier blocking = pfn -> {
            if (pfn == 3) {
                inFirst.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return PageClass.KEPT;
        };
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try (DumpFile a = Dumps.open(core); DumpFile b = Dumps.open(core)) {
            Future<SaveResult> first = ex.submit(() -> Saver.save(a, options(blocking), target));
            assertTrue(inFirst.await(60, TimeUnit.SECONDS), "the first save reached page 3");
            IOException e = assertThrows(IOException.class, () -> Saver.save(b, options(PageClassifier.NONE), target));
            assertTrue(e.getMessage().contains("another save to this target is running"), e.getMessage());
            release.countDown();
            SaveResult r = first.get(60, TimeUnit.SECONDS);
            assertTrue(r.complete());
        } finally {
            ex.shutdownNow();
        }
        try (DumpFile d = Dumps.open(target)) {
            for (int p = 0; p < PAGES; p++) {
                byte[] got = new byte[4096];
                d.memory().read(p * 4096L, got, 0, 4096);
                assertArrayEquals(KdumpWriter.patternPage(p, 4096), got, "page " + p);
            }
        }
        assertFalse(Files.exists(tmp.resolve("vmcore.incomplete")));
        // The lock is free again: the next save runs.
        try (DumpFile c = Dumps.open(core)) {
            assertTrue(Saver.save(c, options(PageClassifier.NONE), tmp.resolve("vmcore")).complete());
        }
    }

    /** A classifier that throws keeps the page, and the save counts and names the failure (it was silent). */
    @Test
    void classifierFailuresAreCountedAndNamed() throws Exception {
        PageClassifier broken = pfn -> {
            if (pfn % 4 == 1) {
                throw new IllegalStateException("struct page decoder bug at pfn " + pfn);
            }
            return PageClass.KEPT;
        };
        try (DumpFile d = Dumps.open(core())) {
            SaveResult r = Saver.save(d, options(broken), tmp.resolve("vmcore"));
            assertTrue(r.complete());
            assertTrue(r.summary().classifierFailures() >= PAGES / 4, "failures: " + r.summary().classifierFailures());
            assertTrue(r.summary().classifierProblem().contains("struct page decoder bug"), r.summary().classifierProblem());
            assertEquals(PAGES, r.summary().pages(PageClass.KEPT), "every page was kept");
        }
    }
}
