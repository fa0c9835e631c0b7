package io.kdump4j.capture;

/** Page frames {@code [start, end)}. */
public record PfnRange(long start, long end) {
    public PfnRange {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad PFN range [" + start + ", " + end + ")");
        }
    }

    public boolean overlaps(long from, long to) {
        return start < to && from < end;
    }
}
