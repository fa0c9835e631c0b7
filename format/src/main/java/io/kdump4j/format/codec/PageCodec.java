package io.kdump4j.format.codec;

import io.airlift.compress.v3.Compressor;
import io.airlift.compress.v3.Decompressor;
import io.airlift.compress.v3.lzo.LzoDecompressor;
import io.airlift.compress.v3.snappy.SnappyJavaCompressor;
import io.airlift.compress.v3.snappy.SnappyJavaDecompressor;
import io.airlift.compress.v3.zstd.ZstdJavaCompressor;
import io.airlift.compress.v3.zstd.ZstdJavaDecompressor;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The per-page codecs of the kdump-compressed format, with the page flag each is recorded
 * under ({@code DUMP_DH_COMPRESSED_*} in makedumpfile's {@code diskdump_mod.h}).
 *
 * <p>Instances are not thread-safe: a codec object keeps its (de)compressor state, so each
 * thread makes its own with {@link #create(Kind)}.
 *
 * <ul>
 *   <li>zlib: a zlib-wrapped deflate stream (makedumpfile uses {@code compress2} at level 1):
 *   {@link Libdeflate} at level 1 when it is loadable, else (and for
 *   {@link Encoder#MAKEDUMPFILE}) the JDK's zlib; decoded by libdeflate when loadable, else the
 *   JDK's zlib.</li>
 *   <li>LZO: lzo1x_1 raw block, as {@code lzo1x_1_compress} writes it (our own {@link Lzo1x1}
 *   compressor, aircompressor's decompressor).</li>
 *   <li>snappy: one raw snappy block (not the framed format).</li>
 *   <li>zstd: one zstd frame (makedumpfile: {@code ZSTD_compressCCtx} at level 1).</li>
 * </ul>
 */
public abstract sealed class PageCodec permits PageCodec.Zlib, PageCodec.Lzo, PageCodec.Airlift {

    /** A codec and its flag bit in a page descriptor and in the header status. */
    public enum Kind {
        ZLIB(0x1, "zlib"),
        LZO(0x2, "lzo"),
        SNAPPY(0x4, "snappy"),
        ZSTD(0x20, "zstd");

        private final int flag;
        private final String id;

        Kind(int flag, String id) {
            this.flag = flag;
            this.id = id;
        }

        public int flag() {
            return flag;
        }

        public String id() {
            return id;
        }

        /** The codec whose flag is set in {@code flags}, or null for a raw page. */
        public static Kind fromFlags(int flags) {
            for (Kind k : values()) {
                if ((flags & k.flag) != 0) {
                    return k;
                }
            }
            return null;
        }

        public static Kind fromId(String id) {
            for (Kind k : values()) {
                if (k.id.equals(id)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown codec " + id + " (zlib, lzo, snappy, zstd)");
        }
    }

    /**
     * Which compressor writes the pages. Every choice writes streams that any decoder of the codec
     * reads (makedumpfile, crash, libkdumpfile, drgn); they differ in speed and in the exact bytes.
     */
    public enum Encoder {
        /**
         * The fastest at hand: zlib pages by libdeflate at level 1 (2.6x zlib's speed, about 1%
         * larger) when libdeflate is loadable; otherwise as {@link #MAKEDUMPFILE}.
         */
        FASTEST,
        /**
         * The bytes makedumpfile writes: zlib's own deflate at level 1 ({@code compress2} with
         * {@code Z_BEST_SPEED}), LZO1X-1 as liblzo2 compresses; snappy and zstd as for FASTEST.
         */
        MAKEDUMPFILE
    }

    public static PageCodec create(Kind kind) {
        return create(kind, Encoder.FASTEST);
    }

    public static PageCodec create(Kind kind, Encoder encoder) {
        return switch (kind) {
            case ZLIB -> new Zlib(encoder == Encoder.FASTEST && Libdeflate.available());
            case LZO -> new Lzo();
            case SNAPPY -> new Airlift(kind, new SnappyJavaCompressor(), new SnappyJavaDecompressor());
            case ZSTD -> new Airlift(kind, new ZstdJavaCompressor(), new ZstdJavaDecompressor());
        };
    }

    public abstract Kind kind();

    /** Which implementation compresses, for a user to read (e.g. "libdeflate, level 1"). */
    public abstract String implementation();

    /**
     * Decompresses {@code src[srcOff, srcOff+srcLen)} into exactly {@code dstLen} bytes.
     *
     * @throws DataFormatException when the data is corrupt or does not decode to exactly
     *     {@code dstLen} bytes
     */
    public abstract void decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstLen)
            throws DataFormatException;

    /**
     * Compresses into {@code dst} and returns the compressed length, or -1 when the result
     * would not fit in {@code dst} (the caller then stores the page raw).
     */
    public abstract int compress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstCapacity);

    /** The buffer size {@link #compress} may need for an input of {@code len} bytes. */
    public abstract int maxCompressedLength(int len);

    static DataFormatException corrupt(Kind k, String detail) {
        return new DataFormatException(k.id() + " page does not decode: " + detail);
    }

    /**
     * zlib-wrapped deflate: compressed by libdeflate or the JDK's {@link Deflater} (zlib), decoded
     * by libdeflate when it is loadable, else by the JDK's {@link Inflater}; native state is
     * made on first use and reused across pages.
     */
    static final class Zlib extends PageCodec {
        private final boolean libdeflateEncoder;
        private Deflater deflater;
        private Inflater inflater;
        private Libdeflate.Compressor compressor;
        private Libdeflate.Decompressor decompressor;

        Zlib(boolean libdeflateEncoder) {
            this.libdeflateEncoder = libdeflateEncoder;
        }

        @Override
        public Kind kind() {
            return Kind.ZLIB;
        }

        @Override
        public String implementation() {
            return libdeflateEncoder ? "libdeflate, level 1"
                    : "zlib, level 1" + (Libdeflate.available() ? "" : " (" + Libdeflate.problem() + ")");
        }

        @Override
        public void decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstLen)
                throws DataFormatException {
            if (Libdeflate.available()) {
                if (decompressor == null) {
                    decompressor = new Libdeflate.Decompressor();
                }
                int r = decompressor.zlibDecompress(src, srcOff, srcLen, dst, dstOff, dstLen);
                if (r != 0) {
                    throw corrupt(kind(), Libdeflate.result(r) + " (libdeflate)");
                }
                return;
            }
            if (inflater == null) {
                inflater = new Inflater();
            }
            inflater.reset();
            inflater.setInput(src, srcOff, srcLen);
            int n = 0;
            while (n < dstLen) {
                int r = inflater.inflate(dst, dstOff + n, dstLen - n);
                if (r == 0) {
                    if (inflater.finished() || inflater.needsInput() || inflater.needsDictionary()) {
                        break;
                    }
                }
                n += r;
            }
            if (n != dstLen) {
                throw corrupt(kind(), "decoded " + n + " bytes, expected " + dstLen);
            }
        }

        @Override
        public int compress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstCapacity) {
            if (libdeflateEncoder) {
                int n = compressor().zlibCompress(src, srcOff, srcLen, dst, dstOff, dstCapacity);
                return n == 0 ? -1 : n;
            }
            if (deflater == null) {
                deflater = new Deflater(Deflater.BEST_SPEED);
            }
            deflater.reset();
            deflater.setInput(src, srcOff, srcLen);
            deflater.finish();
            int n = 0;
            while (!deflater.finished()) {
                if (n >= dstCapacity) {
                    return -1;
                }
                n += deflater.deflate(dst, dstOff + n, dstCapacity - n);
            }
            return n;
        }

        @Override
        public int maxCompressedLength(int len) {
            if (libdeflateEncoder) {
                return compressor().zlibCompressBound(len);
            }
            // zlib's compressBound()
            return len + (len >> 12) + (len >> 14) + (len >> 25) + 13 + 6;
        }

        private Libdeflate.Compressor compressor() {
            if (compressor == null) {
                compressor = new Libdeflate.Compressor(1);
            }
            return compressor;
        }
    }

    /** LZO1X-1: {@link Lzo1x1} compresses (as liblzo2 does), aircompressor decompresses. */
    static final class Lzo extends PageCodec {
        private final Lzo1x1 compressor = new Lzo1x1();
        private final Airlift decoder = new Airlift(Kind.LZO, null, new LzoDecompressor());

        @Override
        public Kind kind() {
            return Kind.LZO;
        }

        @Override
        public String implementation() {
            return "LZO1X-1";
        }

        @Override
        public void decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstLen)
                throws DataFormatException {
            decoder.decompress(src, srcOff, srcLen, dst, dstOff, dstLen);
        }

        @Override
        public int compress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstCapacity) {
            if (dstCapacity < Lzo1x1.maxCompressedLength(srcLen)) {
                return -1;
            }
            return compressor.compress(src, srcOff, srcLen, dst, dstOff);
        }

        @Override
        public int maxCompressedLength(int len) {
            return Lzo1x1.maxCompressedLength(len);
        }
    }

    /**
     * Snappy (one raw block, not the framed format) and zstd (one frame) through aircompressor's
     * pure-Java implementations behind one interface; for LZO only its decompressor is used.
     */
    static final class Airlift extends PageCodec {
        private final Kind kind;
        private final Compressor compressor;
        private final Decompressor decompressor;

        Airlift(Kind kind, Compressor compressor, Decompressor decompressor) {
            this.kind = kind;
            this.compressor = compressor;
            this.decompressor = decompressor;
        }

        @Override
        public Kind kind() {
            return kind;
        }

        @Override
        public String implementation() {
            return kind.id() + " (aircompressor)";
        }

        @Override
        public void decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstLen)
                throws DataFormatException {
            int n;
            try {
                n = decompressor.decompress(src, srcOff, srcLen, dst, dstOff, dstLen);
            } catch (RuntimeException e) {
                throw corrupt(kind, String.valueOf(e.getMessage()));
            }
            if (n != dstLen) {
                throw corrupt(kind, "decoded " + n + " bytes, expected " + dstLen);
            }
        }

        @Override
        public int compress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstCapacity) {
            if (dstCapacity < compressor.maxCompressedLength(srcLen)) {
                return -1;
            }
            return compressor.compress(src, srcOff, srcLen, dst, dstOff, dstCapacity);
        }

        @Override
        public int maxCompressedLength(int len) {
            return compressor.maxCompressedLength(len);
        }
    }
}
