package io.kdump4j.kernel.helpers.printk;

import io.kdump4j.format.io.DumpFormatException;

/**
 * How long a walk of the kernel log may take. Every walk is bounded by the ring's own size
 * (at most one pass over its descriptors or its buffer); a budget adds a wall-clock deadline
 * and a stop flag, for the capture, where the log may delay the dump by seconds but never stop
 * it. Checked by the walk between records; thread-safe.
 */
final class LogBudget {
    /** No deadline: the walk's own bounds only (analysis of a saved dump). */
    static final LogBudget UNLIMITED = new LogBudget(Long.MAX_VALUE);

    private final long deadlineNanos;
    private volatile boolean stopped;

    private LogBudget(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    static LogBudget nanos(long nanos) {
        return new LogBudget(System.nanoTime() + nanos);
    }

    /** Ends the walk at its next check. */
    void stop() {
        stopped = true;
    }

    /** Throws when the deadline has passed or the walk was stopped. */
    void check(String src, int recordsSoFar) throws DumpFormatException {
        if (stopped || (deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos > 0)) {
            throw new DumpFormatException(src, -1, "reading the kernel log took too long: stopped after "
                    + recordsSoFar + " records");
        }
    }
}
