package io.kdump4j.format.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.testkit.Fuzz;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The zero-page tests on arrays and on segments (heap and native), at every block boundary. */
class BytesTest {
    /** Every length up to 300 (all tails of the 64- and 8-byte steps) and page sizes, one set byte anywhere. */
    @Test
    void oneNonZeroByteAnywhereIsSeen() {
        int[] lengths = new int[305];
        for (int n = 0; n <= 300; n++) {
            lengths[n] = n;
        }
        lengths[301] = 4096;
        lengths[302] = 16384;
        lengths[303] = 65536;
        lengths[304] = 65536 + 4096 + 9;
        try (Arena arena = Arena.ofConfined()) {
            for (int n : lengths) {
                byte[] b = new byte[n + 3];
                MemorySegment heap = MemorySegment.ofArray(b).asSlice(3, n);
                MemorySegment nat = arena.allocate(n + 5).asSlice(5, n);
                assertTrue(Bytes.isZero(b, 3, n), "array of " + n);
                assertTrue(Bytes.isZero(heap), "heap segment of " + n);
                assertTrue(Bytes.isZero(nat), "native segment of " + n);
                int step = n > 300 ? 61 : 1;
                for (int at = 0; at < n; at += step) {
                    b[3 + at] = (byte) 0x80;
                    nat.set(ValueLayout.JAVA_BYTE, at, (byte) 1);
                    assertFalse(Bytes.isZero(b, 3, n), "array of " + n + ", byte " + at);
                    assertFalse(Bytes.isZero(heap), "heap segment of " + n + ", byte " + at);
                    assertFalse(Bytes.isZero(nat), "native segment of " + n + ", byte " + at);
                    b[3 + at] = 0;
                    nat.set(ValueLayout.JAVA_BYTE, at, (byte) 0);
                }
                assertFalse(n > 0 && Bytes.isZero(withLast(b, 3 + n - 1), 3, n), "last byte of " + n);
            }
        }
    }

    private static byte[] withLast(byte[] b, int at) {
        byte[] c = b.clone();
        c[at] = 1;
        return c;
    }

    @Test
    void segmentAndArrayAgreeOnRandomPages() {
        Fuzz.check("isZero segment = array", 500, r -> {
            int n = r.nextInt(1, 9000);
            byte[] b = new byte[n];
            int set = r.nextInt(4);
            for (int i = 0; i < set; i++) {
                b[r.nextInt(n)] = (byte) r.nextInt(256);
            }
            boolean expected = true;
            for (byte x : b) {
                expected &= x == 0;
            }
            assertEquals(expected, Bytes.isZero(b, 0, n));
            assertEquals(expected, Bytes.isZero(MemorySegment.ofArray(b)));
        });
    }
}
