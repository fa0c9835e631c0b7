package io.kdump4j.format.kdump;

import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.Bytes;
import io.kdump4j.format.io.DumpFormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Walks the records of makedumpfile's flattened stream ({@code makedumpfile.h}:
 * {@code struct makedumpfile_header}, {@code struct makedumpfile_data_header}), validating
 * each header before anything trusts it. All integers are big-endian whatever the machine.
 *
 * <pre>
 * 0     char signature[16] = "makedumpfile\0\0\0\0"; int64 type = 1; int64 version = 1; zeros to 4096
 * 4096  { int64 offset; int64 buf_size; byte data[buf_size] } ...   (offset in the rebuilt file)
 *       { -1, -1 }                                                  end marker
 * </pre>
 */
final class FlatRecords {
    static final int HEADER_SIZE = 4096;
    static final byte[] SIGNATURE = "makedumpfile".getBytes(StandardCharsets.US_ASCII);
    /** Offsets and ends above this are not file offsets any writer produces. */
    static final long MAX_OFFSET = 1L << 62;

    /** Receives each record in stream order. */
    interface Visitor {
        void record(long outOffset, long size, long dataOffset) throws IOException;
    }

    private FlatRecords() {
    }

    static boolean matches(byte[] head) {
        if (head.length < 16) {
            return false;
        }
        for (int i = 0; i < 16; i++) {
            byte expected = i < SIGNATURE.length ? SIGNATURE[i] : 0;
            if (head[i] != expected) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks the file header, then visits every record up to the end marker. A stream cut short
     * (full disk, killed saver, broken ssh) is not refused: its last record is visited with the
     * bytes that exist, and the walk returns false ("everything written stays readable"). A
     * record header that is there but wrong is still a format error.
     *
     * @return true when the stream ended with its end marker
     */
    static boolean walk(ByteSource src, Visitor v) throws IOException {
        String name = src.name();
        src.checkRange(0, HEADER_SIZE, "the 4096-byte flattened-format header");
        byte[] head = src.read(0, 32, "the flattened-format header");
        if (!matches(head)) {
            throw new DumpFormatException(name, 0, "expected the signature \"makedumpfile\" padded with NULs to 16 bytes");
        }
        long type = Bytes.s64(head, 16, ByteOrder.BIG_ENDIAN);
        long version = Bytes.s64(head, 24, ByteOrder.BIG_ENDIAN);
        if (type != 1) {
            throw new DumpFormatException(name, 16, "expected type 1 (TYPE_FLAT_HEADER), found " + type);
        }
        if (version != 1) {
            throw new DumpFormatException(name, 24, "expected flattened-format version 1, found " + version);
        }
        long pos = HEADER_SIZE;
        byte[] rh = new byte[16];
        while (true) {
            if (pos > src.size() - 16) {
                return false;
            }
            src.read(pos, rh, 0, 16, "a flattened record header");
            long offset = Bytes.s64(rh, 0, ByteOrder.BIG_ENDIAN);
            long size = Bytes.s64(rh, 8, ByteOrder.BIG_ENDIAN);
            if (offset == -1 && size == -1) {
                return true;
            }
            if (offset < 0 || offset > MAX_OFFSET) {
                throw new DumpFormatException(name, pos, "record offset " + offset + " is not a plausible file offset"
                        + " (0 to 2^62)");
            }
            if (size < 0 || size > MAX_OFFSET - offset) {
                throw new DumpFormatException(name, pos + 8, "record size " + size + " at output offset " + offset
                        + " is negative or runs past 2^62");
            }
            long data = pos + 16;
            if (size > src.size() - data) {
                v.record(offset, src.size() - data, data);
                return false;
            }
            v.record(offset, size, data);
            pos = data + size;
        }
    }
}
