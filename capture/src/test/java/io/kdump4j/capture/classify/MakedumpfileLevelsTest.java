package io.kdump4j.capture.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdump4j.capture.Compression;
import io.kdump4j.testkit.Fixtures;
import io.kdump4j.testkit.Makedumpfile;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On the x86_64 6.1 fixture, where makedumpfile 1.7.2 knows the kernel, our dump at each level
 * holds exactly the frames makedumpfile's dump of the same ELF core holds: the same 2nd bitmap.
 */
class MakedumpfileLevelsTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8, 16, 31})
    void sameFramesAsMakedumpfile(int level) throws Exception {
        String c = ClassifyFixtures.X86_61;
        Path theirs = Makedumpfile.variant(c, "classify-l-d" + level + ".kdump", "-l", "-d", Integer.toString(level));
        Path ours = ClassifyFixtures.ours(c, level, Compression.LZO);
        BitSet mdf = ClassifyFixtures.dumped(theirs);
        BitSet we = ClassifyFixtures.dumped(ours);
        BitSet onlyTheirs = (BitSet) mdf.clone();
        onlyTheirs.andNot(we);
        BitSet onlyOurs = (BitSet) we.clone();
        onlyOurs.andNot(mdf);
        System.out.printf("%s -d %d: makedumpfile dumps %d frames, we dump %d; only theirs %d, only ours %d%n", c,
                level, mdf.cardinality(), we.cardinality(), onlyTheirs.cardinality(), onlyOurs.cardinality());
        ClassifyFixtures.assertSameFrames(mdf, we, "frames of makedumpfile's and our dump at level " + level);
    }

    /**
     * arm64, which this machine's makedumpfile cannot read: the fixture's vmcore.kdump was written
     * by makedumpfile 1.7.2 ({@code -c -d 31}) in the arm64 capture kernel from the same crash as
     * its ELF core, so our level 31 save of the ELF core must hold the same frames.
     */
    @Test
    void arm64SameFramesAsTheFixturesOwnMakedumpfileDump() throws Exception {
        String c = ClassifyFixtures.ARM64_61;
        BitSet mdf = ClassifyFixtures.dumped(Fixtures.dir(c).resolve("vmcore.kdump"));
        BitSet we = ClassifyFixtures.dumped(ClassifyFixtures.ours(c, 31, Compression.LZO));
        BitSet diff = (BitSet) mdf.clone();
        diff.xor(we);
        System.out.printf("%s -d 31: makedumpfile dumped %d frames, we dump %d; %d differ%n", c, mdf.cardinality(),
                we.cardinality(), diff.cardinality());
        ClassifyFixtures.assertSameFrames(mdf, we, "frames of makedumpfile's and our arm64 level 31 dump");
    }
}
