package io.kdump4j.capture.output;

import java.io.Closeable;
import java.io.IOException;

/**
 * Where a dump is written: bytes placed at absolute offsets of the dump file, either written
 * there (a seekable file) or sent as makedumpfile flattened records (a stream). Writers may
 * write an offset again (headers are rewritten at the end); the last write wins.
 *
 * <p>Failures are {@link io.kdump4j.capture.pipeline.TargetWriteException}s.
 */
public interface DumpSink extends Closeable {

    void write(long offset, byte[] b, int off, int len) throws IOException;

    /** Bytes accepted so far (for a stream, including flattened record headers). */
    long bytesOut();

    /** Makes what was written durable and, for a stream, ends it; called once, on success or failure. */
    void finish() throws IOException;

    /**
     * Whether bytes land in a file at their offsets (so that writing a region early reserves its
     * blocks); false for a stream.
     */
    default boolean seekable() {
        return false;
    }

    /** The name used in messages. */
    String name();
}
