package io.kdump4j.testkit;

import io.airlift.compress.v3.lzo.LzoCompressor;
import io.airlift.compress.v3.snappy.SnappyJavaCompressor;
import io.airlift.compress.v3.zstd.ZstdJavaCompressor;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Page compression for the synthetic writers, with the kdump page-descriptor flag of each
 * ({@code DUMP_DH_COMPRESSED_*}, makedumpfile {@code diskdump_mod.h}). Written apart from the
 * format module's codecs so that the reader is checked against an independent writer.
 */
public enum TestCodec {
    RAW(0),
    ZLIB(0x1),
    LZO(0x2),
    SNAPPY(0x4),
    ZSTD(0x20);

    private final int flag;

    TestCodec(int flag) {
        this.flag = flag;
    }

    public int flag() {
        return flag;
    }

    /** The compressed bytes, or null when the page does not shrink (it is then stored raw). */
    public byte[] compress(byte[] page) {
        byte[] out = new byte[page.length * 2 + 64];
        int n = switch (this) {
            case RAW -> -1;
            case ZLIB -> {
                Deflater d = new Deflater(Deflater.BEST_SPEED);
                d.setInput(page);
                d.finish();
                int len = d.deflate(out);
                d.end();
                yield len;
            }
            case LZO -> new LzoCompressor().compress(page, 0, page.length, out, 0, out.length);
            case SNAPPY -> new SnappyJavaCompressor().compress(page, 0, page.length, out, 0, out.length);
            case ZSTD -> new ZstdJavaCompressor().compress(page, 0, page.length, out, 0, out.length);
        };
        return n < 0 || n >= page.length ? null : Arrays.copyOf(out, n);
    }
}
