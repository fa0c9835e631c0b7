package io.kdump4j.cli;

/**
 * The exit codes every kdump4j command uses; scripts may rely on them (README "Exit codes").
 */
public final class ExitCodes {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** An internal error: a bug in kdump4j. The message asks for --debug and a report. */
    public static final int INTERNAL = 1;
    /** The command line is wrong (picocli's own usage errors also use 2). */
    public static final int USAGE = 2;
    /** A file could not be opened, read or written (missing, permission, disk). */
    public static final int IO = 3;
    /** The input is not a dump, or is truncated or corrupt: file, offset and expectation are printed. */
    public static final int BAD_DUMP = 4;
    /** The dump is readable but lacks what the command needs (filtered pages, no VMCOREINFO). */
    public static final int MISSING_DATA = 5;
    /**
     * {@code save}: a dump was written but is incomplete (the disk filled up, the source could not
     * be read to the end). It keeps the name TARGET.incomplete and says so in its header; every
     * page in it is valid.
     */
    public static final int INCOMPLETE = 6;
    /**
     * The JVM ran out of heap or stack (OutOfMemoryError, StackOverflowError): the dump needs
     * more than {@code -Xmx}/{@code -Xss} gave. One line says so; rerun with more.
     */
    public static final int RESOURCES = 7;

    private ExitCodes() {
    }
}
