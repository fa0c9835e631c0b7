package io.kdump4j.format.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Little- and big-endian loads and stores on byte arrays, through one set of layouts. */
public final class Bytes {
    private static final ValueLayout.OfShort S16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort S16_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt S32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt S32_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong S64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong S64_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Bytes() {
    }

    public static ValueLayout.OfShort s16Layout(ByteOrder o) {
        return o == ByteOrder.LITTLE_ENDIAN ? S16_LE : S16_BE;
    }

    public static ValueLayout.OfInt s32Layout(ByteOrder o) {
        return o == ByteOrder.LITTLE_ENDIAN ? S32_LE : S32_BE;
    }

    public static ValueLayout.OfLong s64Layout(ByteOrder o) {
        return o == ByteOrder.LITTLE_ENDIAN ? S64_LE : S64_BE;
    }

    public static int u16(byte[] b, int off, ByteOrder o) {
        return MemorySegment.ofArray(b).get(s16Layout(o), off) & 0xffff;
    }

    public static int s32(byte[] b, int off, ByteOrder o) {
        return MemorySegment.ofArray(b).get(s32Layout(o), off);
    }

    public static long u32(byte[] b, int off, ByteOrder o) {
        return s32(b, off, o) & 0xffff_ffffL;
    }

    public static long s64(byte[] b, int off, ByteOrder o) {
        return MemorySegment.ofArray(b).get(s64Layout(o), off);
    }

    public static void put16(byte[] b, int off, ByteOrder o, int v) {
        MemorySegment.ofArray(b).set(s16Layout(o), off, (short) v);
    }

    public static void put32(byte[] b, int off, ByteOrder o, int v) {
        MemorySegment.ofArray(b).set(s32Layout(o), off, v);
    }

    public static void put64(byte[] b, int off, ByteOrder o, long v) {
        MemorySegment.ofArray(b).set(s64Layout(o), off, v);
    }

    /** A NUL-terminated string of at most {@code max} bytes, as ISO-8859-1 (byte = char). */
    public static String cString(byte[] b, int off, int max) {
        int end = off;
        int limit = Math.min(b.length, off + max);
        while (end < limit && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static final byte[] ZEROS = new byte[65536];

    /**
     * Whether {@code len} bytes from {@code off} are all zero. {@link Arrays#mismatch} is a
     * vectorised intrinsic and allocates nothing (a page saver asks this of every page).
     */
    public static boolean isZero(byte[] b, int off, int len) {
        for (int done = 0; done < len; ) {
            int n = Math.min(len - done, ZEROS.length);
            if (Arrays.mismatch(b, off + done, off + done + n, ZEROS, 0, n) >= 0) {
                return false;
            }
            done += n;
        }
        return true;
    }

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;

    /**
     * Whether every byte of {@code s} is zero. Eight words are OR-ed together per 64 bytes with
     * one test per block: on the pages of a mapped dump, most of them zero and read from memory,
     * this took 150-160 ns a page against 175-220 ns for {@link MemorySegment#mismatch} against a
     * zero segment (bench/LzoCompare.java, bench/README.md).
     */
    public static boolean isZero(MemorySegment s) {
        long len = s.byteSize();
        long i = 0;
        for (long blocks = len & ~63L; i < blocks; i += 64) {
            long v = s.get(WORD, i) | s.get(WORD, i + 8) | s.get(WORD, i + 16) | s.get(WORD, i + 24)
                    | s.get(WORD, i + 32) | s.get(WORD, i + 40) | s.get(WORD, i + 48) | s.get(WORD, i + 56);
            if (v != 0) {
                return false;
            }
        }
        for (long words = len & ~7L; i < words; i += 8) {
            if (s.get(WORD, i) != 0) {
                return false;
            }
        }
        for (; i < len; i++) {
            if (s.get(ValueLayout.JAVA_BYTE, i) != 0) {
                return false;
            }
        }
        return true;
    }
}
