package io.kdump4j.format.kdump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.MappedByteSource;
import io.kdump4j.testkit.Fixtures;
import io.kdump4j.testkit.Makedumpfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The flattened x86_64 fixture, against what {@code makedumpfile -R} rebuilds from it. */
class FlattenedFixtureTest {
    private static final Path FLAT = Fixtures.dir("x86_64-6.1.0-56-amd64/sysrq-flat").resolve("vmcore.flat");

    /** {@code makedumpfile -R < vmcore.flat > out}, made once into the cache. */
    private static Path makedumpfileReassembly() throws Exception {
        return Makedumpfile.reassembled(FLAT, Makedumpfile.dir("x86_64-6.1.0-56-amd64/sysrq-flat").resolve("R.kdump"));
    }

    @Test
    void reassembleWritesTheSameBytesAsMakedumpfileR() throws Exception {
        Path expected = makedumpfileReassembly();
        Path ours = Files.createTempFile("kdump4j-reassembled", ".kdump");
        try (ByteSource flat = MappedByteSource.open(FLAT)) {
            long[] progress = {0};
            long size = FlattenedByteSource.reassemble(flat, ours, done -> {
                org.junit.jupiter.api.Assertions.assertTrue(done > progress[0], "progress moves forward");
                progress[0] = done;
            });
            assertEquals(flat.size() - 16, progress[0], "all but the end marker consumed");
            assertEquals(Files.size(expected), size);
            assertEquals(-1, Files.mismatch(expected, ours), "first differing byte");
        } finally {
            Files.deleteIfExists(ours);
        }
    }

    @Test
    void indexedInPlaceReadsTheSameBytesAsMakedumpfileR() throws Exception {
        Path expected = makedumpfileReassembly();
        try (ByteSource view = FlattenedByteSource.index(MappedByteSource.open(FLAT));
                ByteSource rebuilt = MappedByteSource.open(expected)) {
            assertEquals(rebuilt.size(), view.size());
            int chunk = 1 << 20;
            byte[] a = new byte[chunk];
            byte[] b = new byte[chunk];
            for (long off = 0; off < view.size(); off += chunk) {
                int n = (int) Math.min(chunk, view.size() - off);
                view.read(off, a, 0, n, "test");
                rebuilt.read(off, b, 0, n, "test");
                assertArrayEquals(b, a, "1 MiB block at " + off);
            }
            // Odd-sized reads at odd offsets cross extent boundaries.
            for (long off = 3; off < view.size() - 10_000; off += 7919 * 13) {
                assertArrayEquals(rebuilt.read(off, 9_999, "test"), view.read(off, 9_999, "test"), "at " + off);
            }
        }
    }
}
