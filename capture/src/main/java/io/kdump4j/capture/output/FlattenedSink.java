package io.kdump4j.capture.output;

import io.kdump4j.capture.pipeline.TargetWriteException;
import io.kdump4j.format.io.Bytes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * makedumpfile's flattened format ({@code -F}), for targets that cannot seek (a pipe to ssh,
 * a raw device read back with {@code makedumpfile -R}).
 *
 * <pre>
 * struct makedumpfile_header       at 0, padded with zeros to 4096 bytes (MAX_SIZE_MDF_HEADER)
 *     char    signature[16]         "makedumpfile" NUL padded
 *     int64_t type                  1 (TYPE_FLAT_HEADER)
 *     int64_t version               1 (VERSION_FLAT_HEADER)
 * then records:
 * struct makedumpfile_data_header
 *     int64_t offset                where the bytes go in the rebuilt file
 *     int64_t buf_size              how many bytes follow
 * ending with a record header of offset = buf_size = -1 (END_FLAG_FLAT_HEADER)
 * </pre>
 * All integers are big-endian whatever the dumped machine (makedumpfile {@code write_buffer()}
 * byte-swaps on little-endian hosts "for sending dump data to a different architecture").
 * Records are written in the order the writer produces them; a rewritten offset (the final
 * header) simply comes later, and readers apply records in order.
 */
public final class FlattenedSink implements DumpSink {
    /** MAX_SIZE_MDF_HEADER in makedumpfile.h. */
    public static final int HEADER_SIZE = 4096;
    public static final String SIGNATURE = "makedumpfile";
    public static final long TYPE_FLAT_HEADER = 1;
    public static final long VERSION_FLAT_HEADER = 1;
    /** No record is larger than this: readers that buffer a record whole stay small. */
    static final int MAX_RECORD = 1 << 20;

    private final OutputStream out;
    private final String name;
    private final byte[] recordHeader = new byte[16];
    private long bytesOut;
    private boolean started;

    public FlattenedSink(OutputStream out, String name) {
        this.out = out;
        this.name = name;
    }

    private void start() throws IOException {
        byte[] h = new byte[HEADER_SIZE];
        byte[] sig = SIGNATURE.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(sig, 0, h, 0, sig.length);
        Bytes.put64(h, 16, ByteOrder.BIG_ENDIAN, TYPE_FLAT_HEADER);
        Bytes.put64(h, 24, ByteOrder.BIG_ENDIAN, VERSION_FLAT_HEADER);
        emit(h, 0, h.length, 0);
        started = true;
    }

    @Override
    public void write(long offset, byte[] b, int off, int len) throws IOException {
        if (!started) {
            start();
        }
        for (int done = 0; done < len; ) {
            int n = Math.min(MAX_RECORD, len - done);
            Bytes.put64(recordHeader, 0, ByteOrder.BIG_ENDIAN, offset + done);
            Bytes.put64(recordHeader, 8, ByteOrder.BIG_ENDIAN, n);
            emit(recordHeader, 0, 16, offset + done);
            emit(b, off + done, n, offset + done);
            done += n;
        }
    }

    private void emit(byte[] b, int off, int len, long at) throws IOException {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw new TargetWriteException(name, at, e);
        }
        bytesOut += len;
    }

    @Override
    public long bytesOut() {
        return bytesOut;
    }

    /** Writes the end marker and flushes. */
    @Override
    public void finish() throws IOException {
        if (!started) {
            start();
        }
        Bytes.put64(recordHeader, 0, ByteOrder.BIG_ENDIAN, -1);
        Bytes.put64(recordHeader, 8, ByteOrder.BIG_ENDIAN, -1);
        emit(recordHeader, 0, 16, -1);
        try {
            out.flush();
        } catch (IOException e) {
            throw new TargetWriteException(name, -1, e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** Does not close the stream: it belongs to the caller (it may be stdout). */
    @Override
    public void close() {
    }
}
