package io.kdump4j.capture.pipeline;

import java.io.IOException;

/**
 * Writing the target failed. Kept apart from source errors because the saver answers them
 * differently: no space left means "retry at the next dump level", anything else means
 * "mark what is there incomplete".
 */
public final class TargetWriteException extends IOException {
    private final long offset;

    public TargetWriteException(String target, long offset, IOException cause) {
        super("cannot write " + target + " at offset " + offset + ": " + cause.getMessage(), cause);
        this.offset = offset;
    }

    /** The target offset of the write that failed. */
    public long offset() {
        return offset;
    }

    /**
     * Whether the file system is full (ENOSPC) or over quota (EDQUOT). Java reports both only
     * through the message of the IOException that the file channel throws.
     */
    public boolean noSpace() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("No space left on device") || m.contains("Disk quota exceeded")) {
                return true;
            }
        }
        return false;
    }
}
