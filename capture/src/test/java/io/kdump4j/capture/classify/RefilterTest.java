package io.kdump4j.capture.classify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.capture.Compression;
import io.kdump4j.capture.SaveOptions;
import io.kdump4j.capture.SaveResult;
import io.kdump4j.capture.Saver;
import io.kdump4j.format.Dumps;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.testkit.Fixtures;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/**
 * Re-filtering: the source is itself a filtered dump (kdump-compressed or flattened). The
 * struct pages are kernel data, so every filtered dump still holds them, and a level 31 save
 * of a dump keeps the frames a level 31 save of the original ELF core keeps.
 */
class RefilterTest {

    @Test
    void level31OfOurLevel1DumpEqualsLevel31OfTheCore() throws Exception {
        String c = ClassifyFixtures.X86_61;
        Path d1 = ClassifyFixtures.ours(c, 1, Compression.LZO);
        Path again = refilter(d1, "refilter-d1-to-d31");
        ClassifyFixtures.assertSameFrames(ClassifyFixtures.dumped(ClassifyFixtures.ours(c, 31, Compression.LZO)),
                ClassifyFixtures.dumped(again), "level 31 of the core vs level 31 of our level 1 dump");
    }

    /** The fixture's flattened stream was written by makedumpfile -F -c -d 31 in the capture kernel. */
    @Test
    void level31OfMakedumpfilesFlattenedLevel31DumpKeepsItsFrames() throws Exception {
        Path flat = Fixtures.dir("x86_64-6.1.0-56-amd64/sysrq-flat/vmcore.flat");
        Path again = refilter(flat, "refilter-flat-d31");
        BitSet theirs = ClassifyFixtures.dumped(flat);
        BitSet ours = ClassifyFixtures.dumped(again);
        System.out.printf("re-filtered makedumpfile's flattened d31 dump: %d frames in, %d out%n",
                theirs.cardinality(), ours.cardinality());
        ClassifyFixtures.assertSameFrames(theirs, ours, "makedumpfile's flattened level 31 dump vs ours of it");
    }

    private static Path refilter(Path source, String name) throws Exception {
        Path out = ClassifyFixtures.work().resolve(name);
        try (KernelDump k = KernelDump.open(Dumps.open(source))) {
            SaveOptions o = SaveOptions.defaults().withLevels(31).withCompression(Compression.LZO)
                    .withClassifier(StructPageClassifier.open(k));
            SaveResult r = Saver.save(k.dump(), o, out);
            assertTrue(r.complete(), r.problem());
        }
        return out;
    }
}
