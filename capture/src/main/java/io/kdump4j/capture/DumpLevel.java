package io.kdump4j.capture;

/**
 * makedumpfile's dump level: a bit mask of page classes to leave out of the dump
 * ({@code DL_EXCLUDE_*} in makedumpfile.h; the table in makedumpfile(8)).
 *
 * <pre>
 *   bit  value  excludes
 *    0     1    pages filled with zeros
 *    1     2    page cache pages without private data
 *    2     4    page cache pages with private data (buffers)
 *    3     8    user process data pages
 *    4    16    free pages
 * </pre>
 */
public final class DumpLevel {
    public static final int EXCLUDE_ZERO = 1;
    public static final int EXCLUDE_CACHE = 2;
    public static final int EXCLUDE_CACHE_PRIVATE = 4;
    public static final int EXCLUDE_USER = 8;
    public static final int EXCLUDE_FREE = 16;
    /** The highest dump level: every bit set. */
    public static final int MAX = 31;

    private DumpLevel() {
    }

    /** Throws unless {@code level} is 0..31. */
    public static int check(int level) {
        if (level < 0 || level > MAX) {
            throw new IllegalArgumentException("dump level " + level + " is out of range: expected 0 to " + MAX
                    + " (a sum of 1 zero, 2 cache, 4 cache private, 8 user, 16 free)");
        }
        return level;
    }

    public static boolean excludesZero(int level) {
        return (level & EXCLUDE_ZERO) != 0;
    }
}
