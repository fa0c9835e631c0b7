package io.kdump4j.format.io;

import java.io.IOException;

/**
 * The bytes of a dump file are not what its format says they must be: truncated, corrupted
 * or not a dump at all. Always names the file, the offset where the bad value started, and
 * what was expected there, so that the message alone tells a user what is wrong. A fact that
 * has no single offset (a field VMCOREINFO lacks) passes -1 and the message names no offset.
 */
public final class DumpFormatException extends IOException {
    private final String source;
    private final long offset;
    private final String problem;

    public DumpFormatException(String source, long offset, String problem) {
        this(source, offset, problem, null);
    }

    public DumpFormatException(String source, long offset, String problem, Throwable cause) {
        super(offset < 0 ? source + ": " + problem
                : source + ": at offset " + offset + " (0x" + Long.toHexString(offset) + "): " + problem, cause);
        this.source = source;
        this.offset = offset;
        this.problem = problem;
    }

    /** The file (or stream) the bad bytes came from. */
    public String source() {
        return source;
    }

    /** The offset in {@link #source()} where the bad value starts; -1 when none applies. */
    public long offset() {
        return offset;
    }

    /** What was expected and what was found, without the file and offset. */
    public String problem() {
        return problem;
    }
}
