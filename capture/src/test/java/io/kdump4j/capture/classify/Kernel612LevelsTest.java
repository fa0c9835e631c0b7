package io.kdump4j.capture.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.capture.Compression;
import io.kdump4j.format.Dumps;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.testkit.Fixtures;
import io.kdump4j.testkit.Makedumpfile;
import java.util.BitSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Linux 6.12 against makedumpfile 1.7.2, which predates its 6.12 fixes: every frame where our
 * dump and makedumpfile's differ is explained by makedumpfile's known bug, a slab page (page
 * type Slab in the top byte of {@code _mapcount}, or a tail of one) that it takes for an
 * anonymous page because a slab's fields overlay {@code page.mapping}; where no slab page is
 * involved the frames are the same.
 */
class Kernel612LevelsTest {
    private static final String C = ClassifyFixtures.X86_612;

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 8, 16, 31})
    void differencesFromMakedumpfile172AreSlabPages(int level) throws Exception {
        BitSet mdf = ClassifyFixtures.dumped(Makedumpfile.variant(C, "classify-l-d" + level + ".kdump", "-l", "-d",
                Integer.toString(level)));
        BitSet we = ClassifyFixtures.dumped(ClassifyFixtures.ours(C, level, Compression.LZO));
        BitSet onlyTheirs = (BitSet) mdf.clone();
        onlyTheirs.andNot(we);
        BitSet onlyOurs = (BitSet) we.clone();
        onlyOurs.andNot(mdf);
        int slab = 0;
        try (KernelDump k = KernelDump.open(Dumps.open(Fixtures.elfCore(C)))) {
            SlabProbe probe = new SlabProbe(k);
            for (int pfn = onlyOurs.nextSetBit(0); pfn >= 0; pfn = onlyOurs.nextSetBit(pfn + 1)) {
                assertTrue(probe.inSlab(pfn), "frame 0x" + Integer.toHexString(pfn)
                        + " is in our dump, not in makedumpfile's, and is not a slab page");
                slab++;
            }
        }
        System.out.printf("6.12 -d %d: makedumpfile 1.7.2 dumps %d frames, we %d; only ours %d (all slab), only"
                + " theirs %d%n", level, mdf.cardinality(), we.cardinality(), onlyOurs.cardinality(),
                onlyTheirs.cardinality());
        assertEquals(0, onlyTheirs.cardinality(), () -> "frames makedumpfile 1.7.2 keeps and we leave out: "
                + ClassifyFixtures.difference(onlyTheirs, new BitSet()));
        if ((level & 8) == 0) {
            assertEquals(0, slab, "without level bit 8 makedumpfile's anon test does not matter");
        }
    }
}
