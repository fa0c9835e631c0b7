package io.kdump4j.capture.pipeline;

import java.io.IOException;

/**
 * A write attempt stopped early. The writer has already done what it could to leave a readable,
 * incomplete-marked dump; {@link #getCause()} says why it stopped (a {@link TargetWriteException}
 * or a {@link SourceReadException}).
 */
public final class WriteFailure extends IOException {
    private final boolean marked;

    public WriteFailure(IOException cause, boolean marked) {
        super(cause.getMessage(), cause);
        this.marked = marked;
    }

    /** Whether the incomplete mark reached the target. */
    public boolean marked() {
        return marked;
    }

    /** Whether the cause is a full target (the saver may retry at a higher dump level). */
    public boolean noSpace() {
        return getCause() instanceof TargetWriteException t && t.noSpace();
    }
}
