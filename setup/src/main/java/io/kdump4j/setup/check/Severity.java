package io.kdump4j.setup.check;

/** How much a finding matters for catching the next crash. */
public enum Severity {
    /** The check passed. */
    OK,
    /** Worth knowing; does not stop a dump from being saved. */
    INFO,
    /** A dump will probably be saved, but something may go wrong or be missing from it. */
    WARNING,
    /** No dump will be saved until this is fixed. */
    FAIL,
    /** The check could not be made (a file is missing or unreadable). */
    UNKNOWN
}
