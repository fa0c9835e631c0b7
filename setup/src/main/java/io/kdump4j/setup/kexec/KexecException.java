package io.kdump4j.setup.kexec;

import java.io.IOException;

/** The kernel refused a kexec system call; the message says why and what to do. */
public final class KexecException extends IOException {
    private final int errno;

    public KexecException(String operation, int errno) {
        super(operation + " failed: " + Errno.describe(errno));
        this.errno = errno;
    }

    private KexecException(String message, int errno, boolean explained) {
        super(message);
        this.errno = errno;
    }

    /** A refused call whose message already explains the errno (kexec_load's meanings differ from {@link Errno}'s). */
    public static KexecException explained(String message, int errno) {
        return new KexecException(message, errno, true);
    }

    public KexecException(String message) {
        super(message);
        this.errno = 0;
    }

    /** The errno value, 0 when the call was not made. */
    public int errno() {
        return errno;
    }
}
