package io.kdump4j.format.kdump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.io.ArrayByteSource;
import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.testkit.Corrupt;
import io.kdump4j.testkit.FlatWriter;
import io.kdump4j.testkit.KdumpWriter;
import io.kdump4j.testkit.TestCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The flattened stream: last write wins, holes read as zeros, bad record headers are refused. */
class FlattenedSyntheticTest {
    private static final int FIRST_RECORD = 4096;

    private static ByteSource index(byte[] flat) throws Exception {
        return FlattenedByteSource.index(new ArrayByteSource("synthetic.flat", flat));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42})
    void scrambledRecordsWithOverwritesRebuildTheFile(long seed, @TempDir Path dir) throws Exception {
        byte[] file = new byte[50_000];
        Random r = new Random(seed);
        for (int i = 0; i < file.length; i += 1 + r.nextInt(3)) {
            file[i] = (byte) r.nextInt();
        }
        java.util.Arrays.fill(file, 10_000, 20_000, (byte) 0);
        byte[] flat = FlatWriter.scrambled(file, 777, seed);
        try (ByteSource view = index(flat)) {
            assertEquals(file.length, view.size());
            assertArrayEquals(file, view.read(0, file.length, "all"));
            assertArrayEquals(java.util.Arrays.copyOfRange(file, 776, 779), view.read(776, 3, "across records"));
        }
        Path out = dir.resolve("out");
        assertEquals(file.length, FlattenedByteSource.reassemble(new ArrayByteSource("s", flat), out));
        assertArrayEquals(file, Files.readAllBytes(out));
    }

    @Test
    void flattenedKdumpOpensAndReads() throws Exception {
        KdumpWriter w = Synthetic.standard(TestCodec.ZLIB, 4096);
        byte[] flat = FlatWriter.scrambled(w.build(), 1500, 9);
        try (DumpFile d = Dumps.open(new ArrayByteSource("synthetic.flat", flat))) {
            assertTrue(d.details().flattened());
            Synthetic.assertReadsBack(w, d.memory());
        }
    }

    @Test
    void negativeRecordSizeNamesItsOffset() {
        byte[] flat = FlatWriter.simple(new byte[100], 50);
        byte[] bad = Corrupt.overwriteLong(flat, FIRST_RECORD + 8, -5, true);
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> index(bad));
        assertEquals(FIRST_RECORD + 8, e.offset());
    }

    @Test
    void recordOffsetPast2To62IsRefused() {
        byte[] flat = FlatWriter.simple(new byte[100], 50);
        byte[] bad = Corrupt.overwriteLong(flat, FIRST_RECORD, (1L << 62) + 1, true);
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> index(bad));
        assertEquals(FIRST_RECORD, e.offset());
    }

    /** A record longer than the rest of the stream is a stream cut inside it: its bytes up to the end are read. */
    @Test
    void recordLongerThanTheStreamIsReadAsCutShort() throws Exception {
        byte[] flat = FlatWriter.simple(new byte[100], 50);
        byte[] bad = Corrupt.overwriteLong(flat, FIRST_RECORD + 8, 1L << 40, true);
        FlattenedByteSource f = (FlattenedByteSource) index(bad);
        assertTrue(f.cutShort());
    }

    /**
     * README: "everything written stays readable". A stream without its end marker (full disk,
     * killed saver, broken ssh) was refused as truncated; now what it holds is read.
     */
    @Test
    void streamWithoutEndMarkerIsReadable() throws Exception {
        byte[] payload = new byte[100];
        new Random(3).nextBytes(payload);
        byte[] flat = FlatWriter.simple(payload, 50);
        byte[] cut = Corrupt.truncate(flat, flat.length - 16);
        FlattenedByteSource f = (FlattenedByteSource) index(cut);
        assertTrue(f.cutShort());
        assertArrayEquals(payload, f.read(0, 100, "payload"));
        assertTrue(!((FlattenedByteSource) index(flat)).cutShort(), "a whole stream is not cut short");
    }

    /** A flattened kdump cut in its page data opens as incomplete: pages before the cut read, the rest are lost. */
    @Test
    void flattenedKdumpCutInItsDataOpensIncomplete() throws Exception {
        KdumpWriter w = Synthetic.standard(TestCodec.ZLIB, 4096);
        byte[] whole = w.build();
        byte[] flat = FlatWriter.simple(whole, 4096);
        byte[] cut = Corrupt.truncate(flat, flat.length * 3 / 4);
        try (DumpFile d = Dumps.open(new ArrayByteSource("cut.flat", cut))) {
            assertTrue(d.details().incomplete());
            assertTrue(d.details().notes().stream().anyMatch(n -> n.contains("cut short")), d.details().notes().toString());
            var m = d.memory();
            long present = 0;
            long lost = 0;
            for (long pfn = 0; pfn < m.maxPfn(); pfn++) {
                switch (m.state(pfn)) {
                    case PRESENT -> {
                        byte[] got = new byte[m.pageSize()];
                        try {
                            m.read(pfn * m.pageSize(), got, 0, got.length);
                        } catch (io.kdump4j.format.mem.MemoryFault f) {
                            // Described before the cut, its data after it.
                            assertEquals(io.kdump4j.format.mem.MemoryFault.Reason.LOST, f.reason(), "pfn " + pfn);
                            lost++;
                            continue;
                        }
                        assertArrayEquals(w.pageOrZeros(pfn), got, "pfn " + pfn);
                        present++;
                    }
                    case LOST -> lost++;
                    default -> {
                    }
                }
            }
            assertTrue(present > 0, "pages before the cut read");
            assertTrue(lost > 0, "pages after the cut are lost");
        }
    }

    @Test
    void wrongFlatVersionIsRefused() {
        byte[] flat = FlatWriter.simple(new byte[100], 50);
        byte[] bad = Corrupt.overwriteLong(flat, 24, 2, true);
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> index(bad));
        assertEquals(24, e.offset());
    }
}
