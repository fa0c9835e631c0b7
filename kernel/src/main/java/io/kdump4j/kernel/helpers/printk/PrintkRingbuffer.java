package io.kdump4j.kernel.helpers.printk;

import io.kdump4j.format.io.Bytes;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.KernelMemory;
import io.kdump4j.kernel.Vmcoreinfo;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Reads the lockless printk ringbuffer (Linux 5.10+, commit 896fbe20b4e2 "printk: use the
 * lockless ringbuffer"). Kernel types ({@code kernel/printk/printk_ringbuffer.h}):
 * <pre>
 * struct printk_ringbuffer { struct prb_desc_ring desc_ring; struct prb_data_ring text_data_ring;
 *                            atomic_long_t fail; };
 * struct prb_desc_ring     { unsigned int count_bits; struct prb_desc *descs; struct printk_info *infos;
 *                            atomic_long_t head_id, tail_id; ... };
 * struct prb_desc          { atomic_long_t state_var; struct prb_data_blk_lpos text_blk_lpos; };
 * struct prb_data_blk_lpos { unsigned long begin, next; };
 * struct prb_data_ring     { unsigned int size_bits; char *data; atomic_long_t head_lpos, tail_lpos; };
 * struct printk_info       { u64 seq; u64 ts_nsec; u16 text_len; u8 facility; u8 flags:5, level:3;
 *                            u32 caller_id; struct dev_printk_info dev_info; };
 * </pre>
 * Every offset comes from VMCOREINFO except {@code facility} and the flags/level byte, which
 * the kernel does not export: they are the two bytes after {@code text_len}.
 *
 * <p>The walk is the one makedumpfile ({@code dump_lockless_dmesg()}) and kexec-tools'
 * vmcore-dmesg do, so that output matches: descriptor ids from {@code tail_id} to
 * {@code head_id} inclusive; a descriptor counts only if its state_var holds the same id and
 * the state is committed or finalized; data-less blocks are skipped; a block whose
 * {@code begin} is past its {@code next} wrapped and its text starts at the ring's start; the
 * text follows the block's leading {@code unsigned long} id and is clamped to the block.
 *
 * <p>Records are read one at a time: nothing proportional to the ring's size is held.
 */
final class PrintkRingbuffer {
    /** {@code CONFIG_LOG_BUF_SHIFT} is at most 25 and descriptors are a 32nd of that; allow generous room. */
    private static final long MAX_COUNT_BITS = 26;
    private static final long MAX_SIZE_BITS = 32;
    private static final int MAX_STRUCT = 4096;

    private PrintkRingbuffer() {
    }

    /** Appends every record, oldest first, to {@code out}, checking {@code budget} between descriptors. */
    static void read(KernelDump k, List<LogRecord> out, LogBudget budget) throws IOException {
        Vmcoreinfo vi = k.vmcoreinfo();
        KernelMemory mem = k.memory();
        String src = k.dump().name();
        ByteOrder order = k.arch().byteOrder();
        int ptrSize = k.arch().pointerSize();

        long prbAddr = mem.pointer(need(src, vi.symbol("prb"), "SYMBOL(prb)"));
        int rbSize = struct(src, vi, "printk_ringbuffer");
        byte[] rb = mem.read(prbAddr, rbSize);

        long descRing = need(src, vi.offset("printk_ringbuffer", "desc_ring"), "OFFSET(printk_ringbuffer.desc_ring)");
        long textRing = need(src, vi.offset("printk_ringbuffer", "text_data_ring"),
                "OFFSET(printk_ringbuffer.text_data_ring)");
        long counter = vi.offset("atomic_long_t", "counter").orElse(0);

        long countBits = field(src, rb, descRing + off(src, vi, "prb_desc_ring", "count_bits"), 4, order);
        long descs = pointer(k, src, rb, descRing + off(src, vi, "prb_desc_ring", "descs"));
        long infos = pointer(k, src, rb, descRing + off(src, vi, "prb_desc_ring", "infos"));
        long headId = field(src, rb, descRing + off(src, vi, "prb_desc_ring", "head_id") + counter, ptrSize, order);
        long tailId = field(src, rb, descRing + off(src, vi, "prb_desc_ring", "tail_id") + counter, ptrSize, order);
        long sizeBits = field(src, rb, textRing + off(src, vi, "prb_data_ring", "size_bits"), 4, order);
        long data = pointer(k, src, rb, textRing + off(src, vi, "prb_data_ring", "data"));
        if (countBits > MAX_COUNT_BITS || sizeBits > MAX_SIZE_BITS) {
            throw corrupt(src, prbAddr, "count_bits " + countBits + " / size_bits " + sizeBits
                    + " are beyond any printk ringbuffer (at most " + MAX_COUNT_BITS + " / " + MAX_SIZE_BITS + ")");
        }
        long count = 1L << countBits;
        long ringSize = 1L << sizeBits;

        int descSize = struct(src, vi, "prb_desc");
        long stateOff = off(src, vi, "prb_desc", "state_var") + counter;
        long lposOff = off(src, vi, "prb_desc", "text_blk_lpos");
        long beginOff = lposOff + off(src, vi, "prb_data_blk_lpos", "begin");
        long nextOff = lposOff + off(src, vi, "prb_data_blk_lpos", "next");

        int infoSize = struct(src, vi, "printk_info");
        long seqOff = off(src, vi, "printk_info", "seq");
        long tsOff = off(src, vi, "printk_info", "ts_nsec");
        long lenOff = off(src, vi, "printk_info", "text_len");
        OptionalLong callerOff = vi.offset("printk_info", "caller_id");
        OptionalLong devOff = vi.offset("printk_info", "dev_info");
        long subOff = vi.offset("dev_printk_info", "subsystem").orElse(0);
        long devNameOff = vi.offset("dev_printk_info", "device").orElse(16);
        int subLen = (int) Math.min(64, vi.length("printk_info_subsystem").orElse(16));
        int devLen = (int) Math.min(64, vi.length("printk_info_device").orElse(48));

        int flagsShift = 8 * ptrSize - 2;
        long idMask = ~(3L << flagsShift);
        long stateMask = 3;
        // Ids are masked to DESC_ID_MASK wherever the kernel makes one (DESC_ID()): state bits in
        // head_id or tail_id are corruption (one flipped bit made this walk endless: the masked
        // id it counts never reached an unmasked head). A longer tail..head distance than the
        // ring holds is a corrupted ring too; only the last `count` ids can match their
        // descriptors anyway, the rest would be skipped as misses. So the walk visits at most
        // `count` descriptors.
        headId &= idMask;
        tailId &= idMask;
        long distance = (headId - tailId) & idMask;
        long id = distance >= count ? (headId - count + 1) & idMask : tailId;

        byte[] desc = new byte[descSize];
        byte[] info = new byte[infoSize];
        for (long visited = 0; visited < count; visited++) {
            if ((visited & 255) == 0) {
                budget.check(src, out.size());
            }
            long slot = Long.remainderUnsigned(id, count);
            mem.readVirtual(descs + slot * descSize, desc, 0, descSize);
            long sv = field(src, desc, stateOff, ptrSize, order);
            long state = (sv >>> flagsShift) & stateMask;
            boolean idMatches = (sv & idMask) == id;
            if (idMatches && (state == 1 || state == 2)) {
                long begin = Long.remainderUnsigned(field(src, desc, beginOff, ptrSize, order), ringSize);
                long next = Long.remainderUnsigned(field(src, desc, nextOff, ptrSize, order), ringSize);
                if (begin != next) {
                    mem.readVirtual(infos + slot * infoSize, info, 0, infoSize);
                    int textLen = (int) field(src, info, lenOff, 2, order);
                    if (Long.compareUnsigned(begin, next) > 0) {
                        begin = 0;
                    }
                    begin += ptrSize;
                    long avail = next - begin;
                    if (Long.compareUnsigned(avail, textLen) < 0) {
                        textLen = (int) avail;
                    }
                    // makedumpfile would read past its copy of the ring here; stay inside it.
                    textLen = (int) Math.max(0, Math.min(textLen, ringSize - Math.min(begin, ringSize)));
                    byte[] text = mem.read(data + begin, textLen);
                    int fac = (int) field(src, info, lenOff + 2, 1, order);
                    int flagsLevel = (int) field(src, info, lenOff + 3, 1, order);
                    OptionalInt caller = callerOff.isPresent()
                            ? OptionalInt.of((int) field(src, info, callerOff.getAsLong(), 4, order))
                            : OptionalInt.empty();
                    String subsystem = "";
                    String device = "";
                    if (devOff.isPresent()) {
                        subsystem = string(info, devOff.getAsLong() + subOff, subLen);
                        device = string(info, devOff.getAsLong() + devNameOff, devLen);
                    }
                    out.add(new LogRecord(field(src, info, seqOff, 8, order), field(src, info, tsOff, 8, order),
                            fac, flagsLevel >>> 5, flagsLevel & 0x1f, caller, text, subsystem, device,
                            LogRecord.Source.PRINTK_RINGBUFFER));
                }
            }
            if (id == headId) {
                return;
            }
            id = (id + 1) & idMask;
        }
        throw corrupt(src, prbAddr, "the walk from tail_id to head_id did not end within the ring's " + count
                + " descriptors");
    }

    /** A kernel pointer inside a structure copied from memory, tag bits stripped. */
    private static long pointer(KernelDump k, String src, byte[] b, long off) throws DumpFormatException {
        return k.arch().stripPointer(field(src, b, off, k.arch().pointerSize(), k.arch().byteOrder()));
    }

    private static String string(byte[] b, long off, int max) {
        if (off < 0 || off >= b.length) {
            return "";
        }
        int end = (int) off;
        int limit = (int) Math.min(b.length, off + max);
        while (end < limit && b[end] != 0) {
            end++;
        }
        return new String(b, (int) off, end - (int) off, StandardCharsets.UTF_8);
    }

    static long need(String src, OptionalLong v, String key) throws DumpFormatException {
        if (v.isEmpty()) {
            throw new DumpFormatException(src, -1, "cannot read the kernel log: VMCOREINFO lacks " + key);
        }
        return v.getAsLong();
    }

    static long off(String src, Vmcoreinfo vi, String type, String member) throws DumpFormatException {
        return need(src, vi.offset(type, member), "OFFSET(" + type + "." + member + ")");
    }

    static int struct(String src, Vmcoreinfo vi, String type) throws DumpFormatException {
        long size = need(src, vi.size(type), "SIZE(" + type + ")");
        if (size <= 0 || size > MAX_STRUCT) {
            throw new DumpFormatException(src, -1, "VMCOREINFO SIZE(" + type + ")=" + size
                    + " is not a plausible structure size (1.." + MAX_STRUCT + ")");
        }
        return (int) size;
    }

    /** An unsigned field of {@code width} bytes at {@code off} of a structure copied from memory. */
    static long field(String src, byte[] b, long off, int width, ByteOrder order) throws DumpFormatException {
        if (off < 0 || off > b.length - width) {
            throw new DumpFormatException(src, -1, "VMCOREINFO places a " + width + "-byte field at offset " + off
                    + " of a " + b.length + "-byte structure");
        }
        int o = (int) off;
        return switch (width) {
            case 1 -> b[o] & 0xffL;
            case 2 -> Bytes.u16(b, o, order);
            case 4 -> Bytes.u32(b, o, order);
            default -> Bytes.s64(b, o, order);
        };
    }

    static DumpFormatException corrupt(String src, long vaddr, String problem) {
        return new DumpFormatException(src, -1, "kernel log at virtual 0x" + Long.toHexString(vaddr)
                + " is corrupted: " + problem);
    }
}
