package io.kdump4j.capture;

import io.kdump4j.format.codec.PageCodec;

/** How pages of a kdump-compressed dump are compressed (makedumpfile {@code -c}, {@code -l}, {@code -p}, {@code -z}). */
public enum Compression {
    NONE(null),
    ZLIB(PageCodec.Kind.ZLIB),
    LZO(PageCodec.Kind.LZO),
    SNAPPY(PageCodec.Kind.SNAPPY),
    ZSTD(PageCodec.Kind.ZSTD);

    private final PageCodec.Kind kind;

    Compression(PageCodec.Kind kind) {
        this.kind = kind;
    }

    /** The page codec, or null when pages are stored raw. */
    public PageCodec.Kind kind() {
        return kind;
    }

    /** The {@code DUMP_DH_COMPRESSED_*} bit for the header status and page descriptors; 0 for none. */
    public int flag() {
        return kind == null ? 0 : kind.flag();
    }

    public static Compression fromId(String id) {
        for (Compression c : values()) {
            if (c.name().equalsIgnoreCase(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown compression " + id + " (none, zlib, lzo, snappy, zstd)");
    }
}
