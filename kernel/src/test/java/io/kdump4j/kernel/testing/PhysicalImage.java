package io.kdump4j.kernel.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A little-endian byte image of one physical memory range, for building synthetic dumps. */
public final class PhysicalImage {
    private final long base;
    private final ByteBuffer buf;

    public PhysicalImage(long base, int size) {
        this.base = base;
        this.buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    public long base() {
        return base;
    }

    public PhysicalImage u8(long paddr, int v) {
        buf.put(index(paddr), (byte) v);
        return this;
    }

    public PhysicalImage u16(long paddr, int v) {
        buf.putShort(index(paddr), (short) v);
        return this;
    }

    public PhysicalImage u32(long paddr, long v) {
        buf.putInt(index(paddr), (int) v);
        return this;
    }

    public PhysicalImage u64(long paddr, long v) {
        buf.putLong(index(paddr), v);
        return this;
    }

    public PhysicalImage bytes(long paddr, byte[] b) {
        buf.put(index(paddr), b);
        return this;
    }

    public long u64(long paddr) {
        return buf.getLong(index(paddr));
    }

    public byte[] array() {
        return buf.array();
    }

    private int index(long paddr) {
        return Math.toIntExact(paddr - base);
    }
}
