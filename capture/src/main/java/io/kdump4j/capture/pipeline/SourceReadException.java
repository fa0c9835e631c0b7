package io.kdump4j.capture.pipeline;

import java.io.IOException;

/** A page of the source could not be read: the save stops there and marks the dump incomplete. */
public final class SourceReadException extends IOException {
    private final long pfn;

    public SourceReadException(long pfn, IOException cause) {
        super("cannot read page frame 0x" + Long.toHexString(pfn) + " of the source: " + cause.getMessage(), cause);
        this.pfn = pfn;
    }

    public long pfn() {
        return pfn;
    }
}
