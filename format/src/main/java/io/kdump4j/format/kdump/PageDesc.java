package io.kdump4j.format.kdump;

import io.kdump4j.format.io.Bytes;
import java.nio.ByteOrder;

/**
 * {@code struct page_desc} (makedumpfile {@code diskdump_mod.h}): 24 bytes on every
 * architecture, because makedumpfile builds with {@code _FILE_OFFSET_BITS=64}.
 *
 * <pre>
 *  0 int64  offset      absolute file offset of the page data; 0 in an incomplete dump = never written
 *  8 uint32 size        bytes stored
 * 12 uint32 flags       DUMP_DH_COMPRESSED_{ZLIB 0x1, LZO 0x2, SNAPPY 0x4, ZSTD 0x20}; 0 = raw
 * 16 uint64 page_flags  unused (0)
 * </pre>
 */
public record PageDesc(long offset, long size, int flags) {
    public static final int SIZE = 24;

    /** Writes a descriptor at {@code off}, the inverse of {@link #decode}; {@code page_flags} 0. */
    public static void encode(byte[] b, int off, ByteOrder order, long offset, int size, int flags) {
        Bytes.put64(b, off, order, offset);
        Bytes.put32(b, off + 8, order, size);
        Bytes.put32(b, off + 12, order, flags);
        Bytes.put64(b, off + 16, order, 0);
    }

    static PageDesc decode(byte[] b, int off, ByteOrder order) {
        return new PageDesc(Bytes.s64(b, off, order), Bytes.u32(b, off + 8, order), Bytes.s32(b, off + 12, order));
    }
}
