package io.kdump4j.cli;

import java.io.IOException;

/** The dump opened, but it does not hold what the command needs; the message says what. */
public final class MissingDataException extends IOException {
    public MissingDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
