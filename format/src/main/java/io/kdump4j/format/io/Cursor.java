package io.kdump4j.format.io;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked reader over bytes taken from a file at a known base offset (the pattern
 * of drgn's {@code binary_buffer.h}). Every read checks the bounds first and does not move
 * on error; errors name the file, the absolute offset where the bad value <em>started</em>
 * and the context (which structure was being read).
 */
public final class Cursor {
    private final String source;
    private final byte[] bytes;
    private final long base;
    private final int end;
    private final ByteOrder order;
    private final String context;
    private int pos;

    /**
     * @param source the file name, for messages
     * @param bytes the bytes, as read from {@code source}
     * @param base the file offset of {@code bytes[0]}
     * @param context what these bytes are ("kdump sub-header"), for messages
     */
    public Cursor(String source, byte[] bytes, long base, ByteOrder order, String context) {
        this(source, bytes, base, 0, bytes.length, order, context);
    }

    private Cursor(String source, byte[] bytes, long base, int start, int end, ByteOrder order, String context) {
        this.source = source;
        this.bytes = bytes;
        this.base = base;
        this.pos = start;
        this.end = end;
        this.order = order;
        this.context = context;
    }

    /** Reads {@code length} bytes at {@code offset} of {@code src} and puts a cursor on them. */
    public static Cursor at(ByteSource src, long offset, int length, ByteOrder order, String context)
            throws java.io.IOException {
        return new Cursor(src.name(), src.read(offset, length, context), offset, order, context);
    }

    public ByteOrder order() {
        return order;
    }

    /** The absolute file offset of the next byte. */
    public long offset() {
        return base + pos;
    }

    public int position() {
        return pos;
    }

    public int remaining() {
        return end - pos;
    }

    public Cursor seek(int position) throws DumpFormatException {
        if (position < 0 || position > end) {
            throw error(base + position, "offset outside the " + context);
        }
        pos = position;
        return this;
    }

    public Cursor skip(int n) throws DumpFormatException {
        need(n, "bytes to skip");
        pos += n;
        return this;
    }

    public int u8(String field) throws DumpFormatException {
        need(1, field);
        return bytes[pos++] & 0xff;
    }

    public int u16(String field) throws DumpFormatException {
        need(2, field);
        int v = Bytes.u16(bytes, pos, order);
        pos += 2;
        return v;
    }

    public int s32(String field) throws DumpFormatException {
        need(4, field);
        int v = Bytes.s32(bytes, pos, order);
        pos += 4;
        return v;
    }

    public long u32(String field) throws DumpFormatException {
        return s32(field) & 0xffff_ffffL;
    }

    public long s64(String field) throws DumpFormatException {
        need(8, field);
        long v = Bytes.s64(bytes, pos, order);
        pos += 8;
        return v;
    }

    /** A 64-bit value that must be a non-negative size or offset (not above 2^63-1). */
    public long u64AsLong(String field) throws DumpFormatException {
        long start = offset();
        long v = s64(field);
        if (v < 0) {
            pos -= 8;
            throw error(start, field + " is 0x" + Long.toUnsignedString(v, 16) + ", too large to be a size or offset");
        }
        return v;
    }

    public byte[] bytes(int n, String field) throws DumpFormatException {
        need(n, field);
        byte[] out = new byte[n];
        System.arraycopy(bytes, pos, out, 0, n);
        pos += n;
        return out;
    }

    /** A fixed-size char array holding a NUL-terminated string (C {@code char name[n]}). */
    public String fixedString(int n, String field) throws DumpFormatException {
        need(n, field);
        String s = Bytes.cString(bytes, pos, n);
        pos += n;
        return s;
    }

    public String ascii(int n, String field) throws DumpFormatException {
        need(n, field);
        String s = new String(bytes, pos, n, StandardCharsets.ISO_8859_1);
        pos += n;
        return s;
    }

    /** A sub-cursor over the next {@code n} bytes; this cursor moves past them. */
    public Cursor slice(int n, String subContext) throws DumpFormatException {
        need(n, subContext);
        Cursor c = new Cursor(source, bytes, base, pos, pos + n, order, subContext);
        pos += n;
        return c;
    }

    public DumpFormatException error(long absoluteOffset, String problem) {
        return new DumpFormatException(source, absoluteOffset, context + ": " + problem);
    }

    public DumpFormatException error(String problem) {
        return error(offset(), problem);
    }

    private void need(int n, String field) throws DumpFormatException {
        if (n < 0 || n > end - pos) {
            throw error(offset(), "expected " + field + " (" + n + " bytes) but only " + (end - pos)
                    + " bytes of the " + context + " remain (truncated?)");
        }
    }
}
