package io.kdump4j.format.io;

/** Bytes held in memory, presented as a {@link ByteSource}. */
public final class ArrayByteSource implements ByteSource {
    private final String name;
    private final byte[] bytes;

    public ArrayByteSource(String name, byte[] bytes) {
        this.name = name;
        this.bytes = bytes;
    }

    /** Thread-safe: the array is never written. */
    @Override
    public boolean concurrentReads() {
        return true;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length, String what) throws DumpFormatException {
        checkRange(offset, length, what);
        System.arraycopy(bytes, (int) offset, dst, dstOffset, length);
    }

    @Override
    public void close() {
    }
}
