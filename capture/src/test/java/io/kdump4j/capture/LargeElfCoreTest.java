package io.kdump4j.capture;

import static io.kdump4j.capture.CaptureFixtures.run;
import static io.kdump4j.capture.CaptureFixtures.work;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.capture.classify.ClassifyFixtures;
import io.kdump4j.capture.classify.StructPageClassifier;
import io.kdump4j.format.Dumps;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.testkit.Fixtures;
import io.kdump4j.testkit.LargeElfCore;
import io.kdump4j.testkit.Makedumpfile;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's large core generator, on a smaller scale (the 6.1 fixture grown to 1.5 GiB): the
 * added RAM has a mem_map that makedumpfile and our classifier both read, so at level 31 both
 * tools dump exactly the same frames, and some of the added frames are excluded (free, cache)
 * while others are kept, as in the fixture's own RAM.
 */
class LargeElfCoreTest {
    private static final String X86_61 = "x86_64-6.1.0-56-amd64/sysrq-elf";
    private static final long END = 3L << 29;

    @Test
    void bothToolsDumpTheSameFramesOfTheAddedRam() throws Exception {
        Makedumpfile.assumeInstalled();
        Path core = work().resolve("large.elf");
        LargeElfCore.build(Fixtures.elfCore(X86_61), core, END);
        long source = Files.size(Fixtures.elfCore(X86_61));
        assertEquals((source + 4095) / 4096 * 4096 + END - (1L << 30), Files.size(core),
                "the source, page aligned, then 512 MiB of added RAM");

        Path theirs = work().resolve("large.mdf");
        run(Makedumpfile.PATH, "-l", "-d", "31", core.toString(), theirs.toString());
        Path ours = work().resolve("large.k4j");
        try (KernelDump k = KernelDump.open(Dumps.open(core))) {
            SaveOptions o = SaveOptions.defaults().withLevels(31).withCompression(Compression.LZO).withThreads(2)
                    .withTimestamp(Instant.ofEpochSecond(1_800_000_000L)).withClassifier(StructPageClassifier.open(k));
            SaveResult r = Saver.save(k.dump(), o, ours);
            assertTrue(r.complete(), r.problem());
        }
        try (KdumpCheckReader m = new KdumpCheckReader(theirs, ByteOrder.LITTLE_ENDIAN);
                KdumpCheckReader us = new KdumpCheckReader(ours, ByteOrder.LITTLE_ENDIAN)) {
            assertEquals(END / 4096, m.maxMapnr, "makedumpfile's dump reaches the end of the added RAM");
            assertEquals(m.maxMapnr, us.maxMapnr);
            BitSet theirFrames = new BitSet();
            BitSet ourFrames = new BitSet();
            long addedRam = 0;
            long addedDumped = 0;
            for (long pfn = 0; pfn < m.maxMapnr; pfn++) {
                if (m.dumped(pfn)) {
                    theirFrames.set((int) pfn);
                }
                if (us.dumped(pfn)) {
                    ourFrames.set((int) pfn);
                }
                if (pfn >= (1L << 30) / 4096 && m.ram(pfn)) {
                    addedRam++;
                    addedDumped += m.dumped(pfn) ? 1 : 0;
                }
            }
            ClassifyFixtures.assertSameFrames(theirFrames, ourFrames, "level 31 frames of the grown core");
            assertEquals((END - (1L << 30)) / 4096, addedRam);
            assertTrue(addedDumped > 0 && addedDumped < addedRam, addedDumped + " of " + addedRam + " added frames dumped");
        }
        Files.delete(core);
        Files.delete(theirs);
        Files.delete(ours);
    }
}
