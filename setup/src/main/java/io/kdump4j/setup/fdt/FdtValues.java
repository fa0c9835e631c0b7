package io.kdump4j.setup.fdt;

import java.nio.charset.StandardCharsets;

/**
 * Property values as the device tree specification (v0.4, chapter 2.2.4) encodes them: cells are
 * big-endian u32, a 64-bit address or size is two cells (high first) when {@code #address-cells}
 * or {@code #size-cells} is 2, strings are NUL-terminated.
 */
public final class FdtValues {
    private FdtValues() {
    }

    /** Each value as one big-endian u32 cell; values must fit in 32 bits. */
    public static byte[] cells(long... values) {
        byte[] out = new byte[values.length * 4];
        for (int i = 0; i < values.length; i++) {
            if (values[i] >>> 32 != 0) {
                throw new IllegalArgumentException("cell value 0x" + Long.toHexString(values[i]) + " needs more than 32 bits");
            }
            putCell(out, i * 4, values[i]);
        }
        return out;
    }

    /**
     * {@code <address size>} pairs with the given cell counts (1 or 2 each), as in {@code reg} or
     * {@code linux,usable-memory-range}. A value that does not fit the cells is refused rather than
     * cut: a 1-cell root cannot describe memory above 4 GiB.
     */
    public static byte[] addressSizePairs(int addressCells, int sizeCells, long... addressSize) {
        checkCells(addressCells, "#address-cells");
        checkCells(sizeCells, "#size-cells");
        if (addressSize.length % 2 != 0) {
            throw new IllegalArgumentException("address/size values come in pairs");
        }
        int per = (addressCells + sizeCells) * 4;
        byte[] out = new byte[addressSize.length / 2 * per];
        for (int i = 0; i < addressSize.length / 2; i++) {
            int at = i * per;
            at = putNumber(out, at, addressCells, addressSize[2 * i], "address");
            putNumber(out, at, sizeCells, addressSize[2 * i + 1], "size");
        }
        return out;
    }

    /** The {@code index}-th u32 cell of a value. */
    public static long cell(byte[] value, int index) {
        int o = index * 4;
        return ((value[o] & 0xffL) << 24) | ((value[o + 1] & 0xffL) << 16) | ((value[o + 2] & 0xffL) << 8)
                | (value[o + 3] & 0xffL);
    }

    /** A number of {@code cells} cells (1 or 2) starting at cell {@code index}. */
    public static long number(byte[] value, int index, int cells) {
        return cells == 1 ? cell(value, index) : (cell(value, index) << 32) | cell(value, index + 1);
    }

    /** A 64-bit value as two cells, high first. */
    public static byte[] u64(long v) {
        byte[] out = new byte[8];
        putCell(out, 0, v >>> 32);
        putCell(out, 4, v & 0xffff_ffffL);
        return out;
    }

    public static byte[] string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    private static int putNumber(byte[] out, int at, int cells, long v, String what) {
        if (cells == 1) {
            if (v >>> 32 != 0) {
                throw new IllegalArgumentException(what + " 0x" + Long.toHexString(v) + " does not fit in one cell");
            }
            putCell(out, at, v);
            return at + 4;
        }
        putCell(out, at, v >>> 32);
        putCell(out, at + 4, v & 0xffff_ffffL);
        return at + 8;
    }

    private static void checkCells(int cells, String what) {
        if (cells != 1 && cells != 2) {
            throw new IllegalArgumentException(what + " is " + cells + "; only 1 and 2 are supported");
        }
    }

    private static void putCell(byte[] out, int at, long v) {
        out[at] = (byte) (v >>> 24);
        out[at + 1] = (byte) (v >>> 16);
        out[at + 2] = (byte) (v >>> 8);
        out[at + 3] = (byte) v;
    }
}
