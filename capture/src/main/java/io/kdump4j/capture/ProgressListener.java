package io.kdump4j.capture;

/**
 * Told about a save's progress, from the thread that writes the output, at most a few
 * hundred times per save and once at the end. Must return quickly.
 */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = p -> {
    };

    void progress(Progress progress);

    /** Something the user should know about the save ("kernel log saved to ..."); default: ignored. */
    default void notice(String message) {
    }

    /** Something that makes the dump less than asked for (no page classes, no log); default: ignored. */
    default void warning(String message) {
    }

    /**
     * A snapshot of a running save.
     *
     * @param dumpLevel the level being written (changes when a save is retried at another level)
     * @param pagesDone frames handled so far (written, zero, or filtered out)
     * @param pagesTotal frames that will be handled: every frame present in the source
     * @param bytesIn bytes read from the source
     * @param bytesOut bytes written to the target
     * @param bytesToRead bytes the save will read from the source (the pages its dump level
     *                    keeps), or 0 while it is not known yet: a kdump-compressed save first
     *                    classifies every frame (its bitmaps), then reads what it keeps
     */
    record Progress(int dumpLevel, long pagesDone, long pagesTotal, long bytesIn, long bytesOut, long bytesToRead) {
        /** Frames handled as a fraction 0..1 (filtered frames count: this runs ahead of the work). */
        public double fraction() {
            return pagesTotal == 0 ? 1.0 : Math.min(1.0, (double) pagesDone / pagesTotal);
        }

        /** Whether the bytes to read are known (the classification pass is over). */
        public boolean planned() {
            return bytesToRead > 0;
        }

        /** The work done: bytes read of the bytes to read, 0..1; 0 until {@link #planned()}. */
        public double readFraction() {
            return bytesToRead <= 0 ? 0.0 : Math.min(1.0, (double) bytesIn / bytesToRead);
        }
    }
}
