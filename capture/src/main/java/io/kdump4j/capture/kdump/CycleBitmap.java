package io.kdump4j.capture.kdump;

import java.util.Arrays;

/**
 * The bits of one bitmap for one cycle of page frames {@code [start, start + capacity)}.
 * Bit order as makedumpfile's {@code set_bitmap()} and crash's {@code page_is_dumpable()}:
 * frame n is byte {@code n >> 3}, bit {@code n & 7}, least significant bit first.
 */
final class CycleBitmap {
    private final byte[] bits;
    private long start;

    CycleBitmap(int capacity) {
        this.bits = new byte[capacity / 8];
    }

    void reset(long cycleStart) {
        this.start = cycleStart;
        Arrays.fill(bits, (byte) 0);
    }

    void set(long pfn) {
        int i = (int) (pfn - start);
        bits[i >>> 3] |= (byte) (1 << (i & 7));
    }

    void clear(long pfn) {
        int i = (int) (pfn - start);
        bits[i >>> 3] &= (byte) ~(1 << (i & 7));
    }

    boolean get(long pfn) {
        int i = (int) (pfn - start);
        return (bits[i >>> 3] & (1 << (i & 7))) != 0;
    }

    byte[] bytes() {
        return bits;
    }
}
