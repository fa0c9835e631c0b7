package io.kdump4j.format.io;

/**
 * Arithmetic on values read from a file, where overflow means a corrupt or hostile file,
 * not a bug: every result is exact or a {@link DumpFormatException} naming where the value
 * came from. Also the memory budget that every allocation sized by a file value must pass.
 */
public final class Checked {
    /** No single array sized by a file value may exceed this many bytes, whatever the heap. */
    public static final long MAX_ALLOCATION = 256L << 20;
    /** The share of the heap still free that one allocation sized by a file value may take. */
    public static final int HEAP_SHARE = 4;

    private Checked() {
    }

    public static long mul(long a, long b, String source, long offset, String what) throws DumpFormatException {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new DumpFormatException(source, offset, what + " overflows (" + a + " x " + b + ")");
        }
    }

    public static long add(long a, long b, String source, long offset, String what) throws DumpFormatException {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new DumpFormatException(source, offset, what + " overflows (" + a + " + " + b + ")");
        }
    }

    /**
     * The bytes one allocation sized by a file value may take now: a {@link #HEAP_SHARE}th of
     * what is left of the heap ({@code Runtime.maxMemory()} less what is in use), never more
     * than {@link #MAX_ALLOCATION}. A fixed limit as large as the heap let one header field
     * (an ELF PT_NOTE of 40 MiB) exhaust the capture kernel's {@code -Xmx32m}; a share of what
     * is left leaves room for the copy a parser makes and for the rest of the program.
     */
    public static long budget() {
        Runtime r = Runtime.getRuntime();
        long left = r.maxMemory() - (r.totalMemory() - r.freeMemory());
        return Math.max(0, Math.min(MAX_ALLOCATION, left / HEAP_SHARE));
    }

    /** Whether {@code size} bytes fit {@link #budget()} now. */
    public static boolean fitsBudget(long size) {
        return size >= 0 && size <= budget();
    }

    /**
     * Validates a size read from a file before it is allocated: non-negative, no larger than
     * the bytes that exist (when {@code available >= 0}), and within {@link #budget()}.
     */
    public static int allocation(long size, long available, String source, long offset, String what)
            throws DumpFormatException {
        if (size < 0) {
            throw new DumpFormatException(source, offset, what + " has a negative size (" + size + ")");
        }
        if (available >= 0 && size > available) {
            throw new DumpFormatException(source, offset, what + " claims " + size
                    + " bytes but only " + available + " bytes remain in the file (truncated or corrupt)");
        }
        long budget = budget();
        if (size > budget) {
            throw new DumpFormatException(source, offset, what + " claims " + size + " bytes, more than the "
                    + budget + " bytes this reader allows for it now (" + tooLarge() + ")");
        }
        return (int) size;
    }

    /** Why a size over {@link #budget()} is refused, for messages. */
    public static String tooLarge() {
        return "a 1/" + HEAP_SHARE + " of the heap left, at most " + (MAX_ALLOCATION >> 20)
                + " MiB; a larger -Xmx in KDUMP4J_JAVA_OPTS raises it";
    }
}
