package io.kdump4j.capture.kdump;

import io.kdump4j.format.io.Bytes;
import java.nio.ByteOrder;

/**
 * {@code struct page_desc} (makedumpfile {@code diskdump_mod.h}): 24 bytes on every
 * architecture, since {@code off_t} is 64-bit with {@code _FILE_OFFSET_BITS=64}.
 *
 * <pre>
 *  0  off_t              offset      absolute file offset of the page's data
 *  8  unsigned int       size        stored bytes
 * 12  unsigned int       flags       DUMP_DH_COMPRESSED_* of this page, 0 = raw
 * 16  unsigned long long page_flags  always 0
 * </pre>
 * A descriptor left all zero (offset 0) is a page the writer never got to: readers of an
 * incomplete dump report it lost (makedumpfile IMPLEMENTATION).
 */
public final class PageDesc {
    public static final int SIZE = 24;

    private PageDesc() {
    }

    public static void put(byte[] b, int at, ByteOrder o, long offset, int size, int flags) {
        Bytes.put64(b, at, o, offset);
        Bytes.put32(b, at + 8, o, size);
        Bytes.put32(b, at + 12, o, flags);
        Bytes.put64(b, at + 16, o, 0);
    }
}
