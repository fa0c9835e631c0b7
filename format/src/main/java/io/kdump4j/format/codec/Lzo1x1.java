package io.kdump4j.format.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An LZO1X-1 compressor that produces what liblzo2's {@code lzo1x_1_compress()} produces (the
 * compressor makedumpfile calls per page), written from the LZO1X stream format and the
 * published description of the LZO1X-1 match finder:
 *
 * <ul>
 *   <li>the input is compressed in pieces of at most 49152 bytes, each with a fresh dictionary of
 *   2<sup>14</sup> entries ({@code D_BITS} 14, {@code LZO1X_1_MEM_COMPRESS}); an entry holds the
 *   position of the last 4-byte sequence with that hash, {@code (dv * 0x1824429d) >>> 18}, and an
 *   empty entry means position 0 (the work memory is zeroed);</li>
 *   <li>a match needs 4 equal bytes, is extended 8 bytes at a time and stops at 20 bytes before
 *   the end of the piece; after a miss the scan skips ahead by {@code 1 + (literals >> 5)};</li>
 *   <li>literals run up to the next match: 1-3 of them ride in the low bits of the previous
 *   match's instruction, 4-18 take one length byte, more take a zero byte and 255-byte
 *   extensions; the first run of the stream, when it is the whole input and at most 238 bytes,
 *   is one byte {@code 17 + n};</li>
 *   <li>matches of 3-8 bytes within 2 KiB are M2 (two bytes), within 16 KiB M3, farther M4;
 *   the stream ends with the M4 end marker {@code 0x11 0x00 0x00}.</li>
 * </ul>
 *
 * <p>Why not aircompressor's LzoCompressor: its output is valid LZO1X but not liblzo2's (on the
 * 6.1 fixture about 1% smaller), so dump sizes could not be compared with makedumpfile's, nor
 * our pages with its pages. Speed, measured on the 29155 non-zero pages of that fixture's main
 * PT_LOAD (one core, warmed up, best of six): liblzo2 87 ms, this class 124-140 ms,
 * aircompressor 137-152 ms; with an int table that is never cleared (a base added to the
 * stored positions) this class took 157 ms, so the 16-bit table cleared per piece, as liblzo2
 * does, is kept: it stays in a 32 KiB L1 cache. Since the scan loop was written without calls
 * (see {@link #piece}), bench/LzoCompare.java measures 0.66-0.69x liblzo2's speed on all
 * non-zero pages of that fixture and of the 16 GiB bench core, from 0.59x; what was tried and
 * did not help is listed in bench/README.md.
 *
 * <p>Not thread-safe (one dictionary per instance).
 */
final class Lzo1x1 {
    private static final int D_BITS = 14;
    private static final int PIECE = 49152;
    private static final int M2_MAX_LEN = 8;
    private static final int M2_MAX_OFFSET = 0x0800;
    private static final int M3_MAX_LEN = 33;
    private static final int M3_MAX_OFFSET = 0x4000;
    private static final int M4_MAX_LEN = 9;
    private static final int M3_MARKER = 32;
    private static final int M4_MARKER = 16;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Positions in the current piece (below 49152, so 16 bits, as liblzo2's {@code lzo_dict_t}). */
    private final char[] dict = new char[1 << D_BITS];
    /** Output position after {@link #piece}. */
    private int op;

    /** LZO's own bound on the compressed size: {@code in + in/16 + 64 + 3}. */
    static int maxCompressedLength(int len) {
        return len + len / 16 + 64 + 3;
    }

    /**
     * Compresses {@code src[srcOff, srcOff+len)} into {@code dst} at {@code dstOff}, which must
     * have room for {@link #maxCompressedLength}; returns the compressed length. Nothing is
     * written after that length.
     */
    int compress(byte[] src, int srcOff, int len, byte[] dst, int dstOff) {
        op = dstOff;
        int ip = srcOff;
        int left = len;
        int t = 0;
        while (left > 20) {
            int ll = Math.min(left, PIECE);
            // liblzo2's pointer-overflow guard ("ll_end + ((t + ll) >> 5) <= ll_end") is also
            // true when fewer than 32 bytes are in play: such inputs are stored as literals.
            if ((t + ll) >> 5 == 0) {
                break;
            }
            newDictionary();
            t = piece(src, ip, ll, dst, t);
            ip += ll;
            left -= ll;
        }
        t += left;
        if (t > 0) {
            int ii = srcOff + len - t;
            if (op == dstOff && t <= 238) {
                dst[op++] = (byte) (17 + t);
            } else if (t <= 3) {
                dst[op - 2] |= (byte) t;
            } else {
                literalLength(dst, t);
            }
            System.arraycopy(src, ii, dst, op, t);
            op += t;
        }
        dst[op++] = (byte) (M4_MARKER | 1);
        dst[op++] = 0;
        dst[op++] = 0;
        return op - dstOff;
    }

    private void newDictionary() {
        Arrays.fill(dict, (char) 0);
    }

    /**
     * One piece, {@code src[in, in+inLen)}, with {@code ti} literals pending from the previous
     * piece just before it; writes from {@link #op} on and returns the literals left pending at
     * its end.
     *
     * <p>Literal runs, match lengths and match instructions are written out here rather than in
     * helper methods, for the JIT: C2 inlined the hot paths of such helpers but left their rare
     * paths (long length extensions, {@code System.arraycopy}) as calls, and with calls in the
     * loop it kept the scan's arrays and positions in stack slots instead of registers (seen in
     * its code, {@code -XX:CompileCommand=print}). Written out, with the literals copied 8 bytes
     * at a time, the loop took about 12% less time; the match length in a helper method of its
     * own measured 25% slower again (bench/LzoCompare.java, bench/README.md). The one call left,
     * {@link Arrays#mismatch} for matches longer than 12 bytes, did not slow it down.
     */
    private int piece(byte[] src, int in, int inLen, byte[] dst, int ti) {
        final int inEnd = in + inLen;
        final int ipEnd = inEnd - 20;
        final char[] d = dict;
        int o = op;
        int ii = in;
        int ip = in + (ti < 4 ? 4 - ti : 0);
        int pending = ti;
        // After a miss the scan skips ahead; after a match it goes on right after it.
        ip += 1 + ((ip - ii) >> 5);
        while (ip < ipEnd) {
            int dv = (int) INT.get(src, ip);
            int h = (dv * 0x1824429d) >>> (32 - D_BITS);
            int mPos = in + d[h];
            d[h] = (char) (ip - in);
            if (dv != (int) INT.get(src, mPos)) {
                ip += 1 + ((ip - ii) >> 5);
                continue;
            }
            // The literals before the match: 1-3 in the previous instruction's low bits, up to
            // 18 in one length byte, more in a zero byte and 255-byte extensions.
            ii -= pending;
            pending = 0;
            int t = ip - ii;
            if (t != 0) {
                if (t <= 3) {
                    dst[o - 2] |= (byte) t;
                } else if (t <= 18) {
                    dst[o++] = (byte) (t - 3);
                } else {
                    dst[o++] = 0;
                    int n = t - 18;
                    while (n > 255) {
                        n -= 255;
                        dst[o++] = 0;
                    }
                    dst[o++] = (byte) n;
                }
                // 8 bytes at a time, as liblzo2 copies them. The up to 7 bytes written past the
                // run are overwritten by what follows it, which is always longer: this match (2
                // bytes or more), and at the end of the stream a run of at least 9 literals with
                // its length byte (the last match ends by ipEnd + 11, 9 bytes before the input's
                // end) and the 3-byte end marker. So nothing is written past the output.
                int k = 0;
                do {
                    LONG.set(dst, o + k, (long) LONG.get(src, ii + k));
                    k += 8;
                } while (k < t);
                o += t;
            }
            // The match length, as liblzo2 measures it: 8 bytes at a time, and no further once
            // it reaches ipEnd, so a match that runs on is 4 + 8j bytes for the first j with
            // ip + 4 + 8j >= ipEnd. Most matches end within the first 8 bytes; a longer one is
            // measured by the vectorised Arrays.mismatch over those j groups, to the same length.
            int mLen;
            long v = (long) LONG.get(src, ip + 4) ^ (long) LONG.get(src, mPos + 4);
            if (v != 0) {
                mLen = 4 + (Long.numberOfTrailingZeros(v) >>> 3);
            } else {
                int end = 4 + 8 * Math.max(1, (ipEnd - ip + 3) >>> 3);
                int m = Arrays.mismatch(src, ip + 12, ip + end, src, mPos + 12, mPos + end);
                mLen = m < 0 ? end : 12 + m;
            }
            // The match: M2 (3-8 bytes within 2 KiB), M3 (within 16 KiB) or M4.
            int mOff = ip - mPos;
            if (mLen <= M2_MAX_LEN && mOff <= M2_MAX_OFFSET) {
                mOff -= 1;
                dst[o++] = (byte) (((mLen - 1) << 5) | ((mOff & 7) << 2));
                dst[o++] = (byte) (mOff >>> 3);
            } else {
                int marker;
                int maxLen;
                if (mOff <= M3_MAX_OFFSET) {
                    mOff -= 1;
                    marker = M3_MARKER;
                    maxLen = M3_MAX_LEN;
                } else {
                    mOff -= 0x4000;
                    marker = M4_MARKER | ((mOff >>> 11) & 8);
                    maxLen = M4_MAX_LEN;
                }
                if (mLen <= maxLen) {
                    dst[o++] = (byte) (marker | (mLen - 2));
                } else {
                    dst[o++] = (byte) marker;
                    int n = mLen - maxLen;
                    while (n > 255) {
                        n -= 255;
                        dst[o++] = 0;
                    }
                    dst[o++] = (byte) n;
                }
                dst[o++] = (byte) (mOff << 2);
                dst[o++] = (byte) (mOff >>> 6);
            }
            ip += mLen;
            ii = ip;
        }
        op = o;
        return inEnd - (ii - pending);
    }

    /** The length of a literal run of more than 3 bytes that follows a match (or starts the stream). */
    private void literalLength(byte[] dst, int t) {
        if (t <= 18) {
            dst[op++] = (byte) (t - 3);
        } else {
            dst[op++] = 0;
            int n = t - 18;
            while (n > 255) {
                n -= 255;
                dst[op++] = 0;
            }
            dst[op++] = (byte) n;
        }
    }
}
