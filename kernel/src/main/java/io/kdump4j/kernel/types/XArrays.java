package io.kdump4j.kernel.types;

import io.kdump4j.format.io.Bytes;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelMemory;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Iteration of a {@code struct xarray} (include/linux/xarray.h; also every radix tree and IDR
 * since Linux 4.20, commit f8d5d0cc145c "xarray: Add definition of struct xarray"): the head is
 * an entry; an entry with low bits {@code 10} and a value above 4096 is an internal pointer to a
 * {@code struct xa_node} (shift, offset, count, ..., {@code slots[XA_CHUNK_SIZE]}); other
 * internal entries (sibling, retry, zero) hold no object; everything else is a stored pointer
 * or a tagged value. Offsets come from BTF.
 */
public final class XArrays {
    /** More entries than any xarray in a kernel this tool reads. */
    static final int MAX_ENTRIES = 16_000_000;

    private XArrays() {
    }

    /** Index to entry of every present entry of the xarray at {@code xarray}, in index order. */
    public static Map<Long, Long> entries(KernelTypes types, long xarray) throws IOException {
        KernelMemory m = types.dump().memory();
        long head = m.u64(xarray + types.offset("xarray", "xa_head"));
        long slotsOff = types.offset("xa_node", "slots");
        long shiftOff = types.offset("xa_node", "shift");
        long slots = types.field("xa_node", "slots").map(f -> {
            try {
                return types.resolve(f.type()).arrayLength();
            } catch (TypeLookupException e) {
                return 64L;
            }
        }).orElse(64L);
        Map<Long, Long> out = new LinkedHashMap<>();
        if (isNode(head)) {
            walk(m, head - 2, 0, slotsOff, shiftOff, (int) slots, out, 0);
        } else if (head != 0 && !isInternal(head)) {
            out.put(0L, head);
        }
        return out;
    }

    private static void walk(KernelMemory m, long node, long base, long slotsOff, long shiftOff, int slots,
            Map<Long, Long> out, int depth) throws IOException {
        if (depth > 12) {
            throw new DumpFormatException("kernel memory", node, "an xarray deeper than 12 levels (a cycle)");
        }
        int shift = m.u8(node + shiftOff);
        if (shift > 64) {
            throw new DumpFormatException("kernel memory", node, "an xa_node with shift " + shift);
        }
        byte[] raw = m.read(node + slotsOff, 8 * slots);
        for (int i = 0; i < slots; i++) {
            long e = Bytes.s64(raw, 8 * i, ByteOrder.LITTLE_ENDIAN);
            if (e == 0) {
                continue;
            }
            long index = base + ((long) i << shift);
            if (isNode(e)) {
                if (shift == 0) {
                    continue;
                }
                walk(m, e - 2, index, slotsOff, shiftOff, slots, out, depth + 1);
            } else if (!isInternal(e)) {
                if (out.size() >= MAX_ENTRIES) {
                    throw new DumpFormatException("kernel memory", node, "an xarray of more than " + MAX_ENTRIES + " entries");
                }
                out.put(index, e);
            }
        }
    }

    /** {@code xa_is_node()}: internal entry above 4096. */
    private static boolean isNode(long e) {
        return (e & 3) == 2 && Long.compareUnsigned(e, 4096) > 0;
    }

    /** {@code xa_is_internal()}: low bits 10 (sibling, retry, zero and node entries). */
    private static boolean isInternal(long e) {
        return (e & 3) == 2;
    }
}
