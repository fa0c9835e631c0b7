package io.kdump4j.testkit;

import java.util.Arrays;

/** Damage for tests: bytes overwritten at chosen offsets, files cut short. */
public final class Corrupt {
    private Corrupt() {
    }

    /** A copy of {@code file} with {@code bytes} written at {@code offset}. */
    public static byte[] overwrite(byte[] file, int offset, byte... bytes) {
        byte[] out = file.clone();
        System.arraycopy(bytes, 0, out, offset, bytes.length);
        return out;
    }

    /** A copy of {@code file} with a little-endian 64-bit value written at {@code offset}. */
    public static byte[] overwriteLong(byte[] file, int offset, long value, boolean bigEndian) {
        byte[] v = new byte[8];
        for (int i = 0; i < 8; i++) {
            v[bigEndian ? 7 - i : i] = (byte) (value >>> (8 * i));
        }
        return overwrite(file, offset, v);
    }

    /** A copy of {@code file} with a little-endian 32-bit value written at {@code offset}. */
    public static byte[] overwriteInt(byte[] file, int offset, int value) {
        return overwrite(file, offset, (byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24));
    }

    /** The first {@code length} bytes of {@code file}. */
    public static byte[] truncate(byte[] file, int length) {
        return Arrays.copyOf(file, length);
    }

    /** A copy with {@code byteValue} xor-ed into the byte at {@code offset}. */
    public static byte[] flip(byte[] file, int offset, int xor) {
        byte[] out = file.clone();
        out[offset] ^= (byte) xor;
        return out;
    }
}
