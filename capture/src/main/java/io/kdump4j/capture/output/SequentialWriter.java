package io.kdump4j.capture.output;

import java.io.IOException;

/**
 * Buffers a run of consecutive bytes bound for one region of the dump (page data, page
 * descriptors) and writes it to a {@link DumpSink} in chunks of at most {@code capacity} bytes.
 * {@link #committed()} is the end of what the sink has accepted, so that after a failed write the
 * writer knows which pages really reached the target.
 */
public final class SequentialWriter {
    private final DumpSink sink;
    private final byte[] buf;
    private long start;
    private int used;

    public SequentialWriter(DumpSink sink, long offset, int capacity) {
        this.sink = sink;
        this.buf = new byte[capacity];
        this.start = offset;
    }

    /** The offset the next byte goes to. */
    public long position() {
        return start + used;
    }

    /** The end of the bytes the sink has accepted. */
    public long committed() {
        return start;
    }

    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (used == buf.length) {
                flush();
            }
            int n = Math.min(len, buf.length - used);
            System.arraycopy(b, off, buf, used, n);
            used += n;
            off += n;
            len -= n;
        }
    }

    public void flush() throws IOException {
        if (used > 0) {
            sink.write(start, buf, 0, used);
            start += used;
            used = 0;
        }
    }
}
