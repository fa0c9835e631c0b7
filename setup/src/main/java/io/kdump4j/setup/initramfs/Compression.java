package io.kdump4j.setup.initramfs;

import io.airlift.compress.v3.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * How the initramfs archive is compressed. The kernel needs the matching CONFIG_RD_* option
 * (RD_GZIP, RD_ZSTD; both =y on Debian 6.1 and 6.12). The JDK's gzip header carries mtime 0 and
 * no file name, so the output is reproducible; aircompressor's zstd writer has no time either.
 */
public enum Compression {
    NONE("", null),
    GZIP(".gz", "RD_GZIP"),
    ZSTD(".zst", "RD_ZSTD");

    private final String suffix;
    private final String configOption;

    Compression(String suffix, String configOption) {
        this.suffix = suffix;
        this.configOption = configOption;
    }

    public String suffix() {
        return suffix;
    }

    /** The kernel option the capture kernel needs to unpack this, or null for none. */
    public String configOption() {
        return configOption;
    }

    /** Wraps {@code out}; closing the result finishes the compressed stream and closes {@code out}. */
    public OutputStream wrap(OutputStream out) throws IOException {
        return switch (this) {
            case NONE -> out;
            case GZIP -> new GZIPOutputStream(out, 1 << 16) {
                {
                    def.setLevel(Deflater.BEST_COMPRESSION);
                }
            };
            case ZSTD -> new ZstdOutputStream(out);
        };
    }

    public static Compression parse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "none", "" -> NONE;
            case "gzip", "gz" -> GZIP;
            case "zstd", "zst" -> ZSTD;
            default -> throw new IllegalArgumentException("unknown compression " + name + " (none, gzip, zstd)");
        };
    }
}
