package io.kdump4j.format.io;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Random access to the bytes of one file or stream, by absolute offset. Implementations:
 * {@link MappedByteSource} (chunked {@code MemorySegment}s, the fast path),
 * {@link ChannelByteSource} (positional reads, for what cannot be mapped) and
 * {@link ArrayByteSource} (bytes in memory, for tests and small headers); the flattened
 * reader presents a rearranged file through this same interface.
 *
 * <p>A read that reaches past {@link #size()} throws {@link DumpFormatException} naming the
 * offset: a truncated file is a format problem, never an {@code EOFException} with no context.
 */
public interface ByteSource extends Closeable {

    /** The name used in messages: usually the file path as the user gave it. */
    String name();

    /** The number of readable bytes. */
    long size();

    /**
     * Copies {@code length} bytes starting at {@code offset} into {@code dst}.
     *
     * @param what what is being read, for the error message when the file is too short
     */
    void read(long offset, byte[] dst, int dstOffset, int length, String what) throws IOException;

    /**
     * Whether {@link #read(long, byte[], int, int, String)} may be called from several threads at
     * once (the saver then reads pages on its compression threads). False unless an
     * implementation says so.
     */
    default boolean concurrentReads() {
        return false;
    }

    /**
     * The bytes {@code [offset, offset+length)} as a read-only view of the mapped file, or null
     * when the source is not mapped or the range crosses a chunk: lets a caller look at bytes
     * (a zero test) without copying them.
     */
    default MemorySegment mapped(long offset, long length) {
        return null;
    }

    default byte[] read(long offset, int length, String what) throws IOException {
        byte[] b = new byte[length];
        read(offset, b, 0, length, what);
        return b;
    }

    default int u8(long offset, String what) throws IOException {
        byte[] b = new byte[1];
        read(offset, b, 0, 1, what);
        return b[0] & 0xff;
    }

    default int s32(long offset, ByteOrder order, String what) throws IOException {
        byte[] b = new byte[4];
        read(offset, b, 0, 4, what);
        return Bytes.s32(b, 0, order);
    }

    default long s64(long offset, ByteOrder order, String what) throws IOException {
        byte[] b = new byte[8];
        read(offset, b, 0, 8, what);
        return Bytes.s64(b, 0, order);
    }

    /** Throws unless {@code [offset, offset+length)} lies inside the source. */
    default void checkRange(long offset, long length, String what) throws DumpFormatException {
        if (offset < 0 || length < 0 || offset > size() || length > size() - offset) {
            throw new DumpFormatException(name(), offset,
                    "expected " + what + " (" + length + " bytes), but the file ends at " + size()
                            + " (truncated?)");
        }
    }

    @Override
    void close() throws IOException;
}
