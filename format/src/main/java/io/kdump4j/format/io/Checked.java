package io.kdump4j.format.io;

/**
 * Arithmetic on values read from a file, where overflow means a corrupt or hostile file,
 * not a bug: every result is exact or a {@link DumpFormatException} naming where the value
 * came from. Also the memory budget that every allocation sized by a file value must pass.
 */
public final class Checked {
    /** No single array sized by a file value may exceed this many bytes. */
    public static final long MAX_ALLOCATION = 256L << 20;

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
     * Validates a size read from a file before it is allocated: non-negative, within the
     * memory budget, and (when {@code available >= 0}) no larger than the bytes that exist.
     */
    public static int allocation(long size, long available, String source, long offset, String what)
            throws DumpFormatException {
        if (size < 0) {
            throw new DumpFormatException(source, offset, what + " has a negative size (" + size + ")");
        }
        if (size > MAX_ALLOCATION) {
            throw new DumpFormatException(source, offset, what + " claims " + size
                    + " bytes, more than the " + (MAX_ALLOCATION >> 20) + " MiB this reader allows for it");
        }
        if (available >= 0 && size > available) {
            throw new DumpFormatException(source, offset, what + " claims " + size
                    + " bytes but only " + available + " bytes remain in the file (truncated or corrupt)");
        }
        return (int) size;
    }
}
