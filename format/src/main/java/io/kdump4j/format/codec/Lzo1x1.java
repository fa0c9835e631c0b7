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
 * does, is kept: it stays in a 32 KiB L1 cache.
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
     * have room for {@link #maxCompressedLength}; returns the compressed length.
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
     * One piece, {@code in[0, inLen)} at {@code inOff}, with {@code ti} literals pending from the
     * previous piece just before it; writes from {@link #op} on and returns the literals left
     * pending at its end.
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
            ii -= pending;
            pending = 0;
            o = literals(src, ii, ip - ii, dst, o);
            int mLen = matchLength(src, ip, mPos, ipEnd);
            o = match(dst, o, mLen, ip - mPos);
            ip += mLen;
            ii = ip;
        }
        op = o;
        return inEnd - (ii - pending);
    }

    /** The literal run {@code src[ii, ii+t)} that comes before a match (none when {@code t} is 0). */
    private static int literals(byte[] src, int ii, int t, byte[] dst, int o) {
        if (t == 0) {
            return o;
        }
        if (t <= 3) {
            dst[o - 2] |= (byte) t;
        } else if (t <= 18) {
            dst[o++] = (byte) (t - 3);
        } else {
            o = extendedLength(dst, o, 0, t - 18);
        }
        System.arraycopy(src, ii, dst, o, t);
        return o + t;
    }

    /**
     * The length of the match at {@code ip} with {@code mPos} (4 bytes already equal): 8 bytes at a
     * time, and no further once it reaches {@code ipEnd}.
     */
    private static int matchLength(byte[] src, int ip, int mPos, int ipEnd) {
        int mLen = 4;
        long v = (long) LONG.get(src, ip + mLen) ^ (long) LONG.get(src, mPos + mLen);
        while (v == 0) {
            mLen += 8;
            v = (long) LONG.get(src, ip + mLen) ^ (long) LONG.get(src, mPos + mLen);
            if (ip + mLen >= ipEnd) {
                return mLen;
            }
        }
        return mLen + (Long.numberOfTrailingZeros(v) >>> 3);
    }

    /** A match of {@code mLen} bytes at distance {@code mOff}: M2, M3 or M4. */
    private static int match(byte[] dst, int o, int mLen, int mOff) {
        if (mLen <= M2_MAX_LEN && mOff <= M2_MAX_OFFSET) {
            mOff -= 1;
            dst[o++] = (byte) (((mLen - 1) << 5) | ((mOff & 7) << 2));
            dst[o++] = (byte) (mOff >>> 3);
            return o;
        }
        if (mOff <= M3_MAX_OFFSET) {
            mOff -= 1;
            if (mLen <= M3_MAX_LEN) {
                dst[o++] = (byte) (M3_MARKER | (mLen - 2));
            } else {
                o = extendedLength(dst, o, M3_MARKER, mLen - M3_MAX_LEN);
            }
        } else {
            mOff -= 0x4000;
            if (mLen <= M4_MAX_LEN) {
                dst[o++] = (byte) (M4_MARKER | ((mOff >>> 11) & 8) | (mLen - 2));
            } else {
                o = extendedLength(dst, o, M4_MARKER | ((mOff >>> 11) & 8), mLen - M4_MAX_LEN);
            }
        }
        dst[o++] = (byte) (mOff << 2);
        dst[o++] = (byte) (mOff >>> 6);
        return o;
    }

    /** An instruction byte with length bits 0, then {@code n} in zero bytes of 255 and a last byte. */
    private static int extendedLength(byte[] dst, int o, int marker, int n) {
        dst[o++] = (byte) marker;
        while (n > 255) {
            n -= 255;
            dst[o++] = 0;
        }
        dst[o++] = (byte) n;
        return o;
    }

    /** The length of a literal run of more than 3 bytes that follows a match (or starts the stream). */
    private void literalLength(byte[] dst, int t) {
        if (t <= 18) {
            dst[op++] = (byte) (t - 3);
        } else {
            op = extendedLength(dst, op, 0, t - 18);
        }
    }
}
