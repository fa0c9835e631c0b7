package io.kdump4j.kernel.helpers.printk;

import static io.kdump4j.kernel.helpers.printk.PrintkRingbuffer.corrupt;
import static io.kdump4j.kernel.helpers.printk.PrintkRingbuffer.field;
import static io.kdump4j.kernel.helpers.printk.PrintkRingbuffer.need;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.KernelMemory;
import io.kdump4j.kernel.Vmcoreinfo;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Reads the structured kernel log of Linux 3.5 .. 5.9 (commit 7ff9554bb578 "printk: convert
 * byte-buffer to variable-length record buffer", v3.5): {@code char *log_buf} of
 * {@code log_buf_len} bytes holding back-to-back records
 * <pre>
 * struct printk_log {            // "struct log" until 3.11
 *     u64 ts_nsec; u16 len; u16 text_len; u16 dict_len; u8 facility; u8 flags:5, level:3;
 *     u32 caller_id;             // CONFIG_PRINTK_CALLER, 5.1+
 * };                             // then text_len bytes of text, dict_len bytes of dict, padding
 * </pre>
 * from {@code log_first_idx} to {@code log_next_idx}. A record with {@code len == 0} marks the
 * end of the used buffer: the next record is at index 0. VMCOREINFO exports the
 * offsets of ts_nsec, len and text_len (and caller_id); facility and the flags/level byte are the
 * 4th and 5th bytes after text_len, past dict_len.
 *
 * <p>The walk is makedumpfile's ({@code dump_dmesg()}, {@code log_from_ptr()}, {@code log_next()}).
 * The buffer is read once (it is bounded by {@code log_buf_len}, a boot parameter, checked
 * against {@link #MAX_LOG_BUF}); a walk longer than the buffer can hold records, or one that
 * leaves the buffer, is reported as corruption rather than looping.
 */
final class StructuredLogBuf {
    /**
     * The largest log_buf accepted (256 MiB, also never more than the dump's RAM): the buffer is
     * copied to the heap, and {@code CONFIG_LOG_BUF_SHIFT} tops out at 32 MiB; only a
     * {@code log_buf_len=} boot parameter goes beyond that.
     */
    static final long MAX_LOG_BUF = 1L << 28;

    private StructuredLogBuf() {
    }

    /** Appends every record, oldest first, to {@code out}, checking {@code budget} between records. */
    static void read(KernelDump k, List<LogRecord> out, LogBudget budget) throws IOException {
        Vmcoreinfo vi = k.vmcoreinfo();
        KernelMemory mem = k.memory();
        String src = k.dump().name();
        ByteOrder order = k.arch().byteOrder();

        String type = vi.size("printk_log").isPresent() ? "printk_log" : "log";
        long hdrSize = need(src, vi.size(type), "SIZE(printk_log)");
        long tsOff = need(src, vi.offset(type, "ts_nsec"), "OFFSET(" + type + ".ts_nsec)");
        long lenOff = need(src, vi.offset(type, "len"), "OFFSET(" + type + ".len)");
        long textLenOff = need(src, vi.offset(type, "text_len"), "OFFSET(" + type + ".text_len)");
        OptionalLong callerOff = vi.offset(type, "caller_id");
        if (hdrSize < 12 || hdrSize > 256) {
            throw new DumpFormatException(src, -1, "VMCOREINFO SIZE(" + type + ")=" + hdrSize + " is implausible");
        }

        long logBufSym = need(src, vi.symbol("log_buf"), "SYMBOL(log_buf)");
        long logBuf = mem.pointer(logBufSym);
        long bufLen = mem.u32(need(src, vi.symbol("log_buf_len"), "SYMBOL(log_buf_len)"));
        long first = mem.u32(need(src, vi.symbol("log_first_idx"), "SYMBOL(log_first_idx)"));
        long nextIdx = mem.u32(need(src, vi.symbol("log_next_idx"), "SYMBOL(log_next_idx)"));
        long limit = Math.min(MAX_LOG_BUF, Math.max(k.memoryBytes(), hdrSize));
        if (bufLen < hdrSize || bufLen > limit) {
            throw corrupt(src, logBufSym, "log_buf_len " + bufLen + " is outside " + hdrSize + ".." + limit);
        }
        if (first > bufLen - hdrSize || nextIdx > bufLen) {
            throw corrupt(src, logBuf, "log_first_idx " + first + " / log_next_idx " + nextIdx
                    + " are outside the " + bufLen + "-byte buffer");
        }
        byte[] buf = mem.read(logBuf, (int) bufLen);

        long maxRecords = bufLen / hdrSize + 1;
        long ptr = first;
        long seq = 0;
        while (ptr != nextIdx) {
            if ((seq & 255) == 0) {
                budget.check(src, out.size());
            }
            if (seq > maxRecords) {
                throw corrupt(src, logBuf + ptr, "the record chain cycles (more than " + maxRecords
                        + " records in a " + bufLen + "-byte buffer)");
            }
            int len = (int) field(src, buf, ptr + lenOff, 2, order);
            long rec = len == 0 ? 0 : ptr;
            int recLen = len == 0 ? (int) field(src, buf, lenOff, 2, order) : len;
            int textLen = (int) field(src, buf, rec + textLenOff, 2, order);
            long textStart = rec + hdrSize;
            if (textStart + textLen > bufLen) {
                throw corrupt(src, logBuf + rec, "a record's " + textLen + " bytes of text run past the buffer");
            }
            long ts = field(src, buf, rec + tsOff, 8, order);
            int fac = (int) field(src, buf, rec + textLenOff + 4, 1, order);
            int flagsLevel = (int) field(src, buf, rec + textLenOff + 5, 1, order);
            OptionalInt caller = callerOff.isPresent()
                    ? OptionalInt.of((int) field(src, buf, rec + callerOff.getAsLong(), 4, order))
                    : OptionalInt.empty();
            byte[] text = Arrays.copyOfRange(buf, (int) textStart, (int) textStart + textLen);
            out.add(new LogRecord(seq++, ts, fac, flagsLevel >>> 5, flagsLevel & 0x1f, caller, text, "", "",
                    LogRecord.Source.LOG_BUF));
            long following = rec + recLen;
            // log_store() always leaves room for a header (the wrap marker) after a record.
            if (recLen == 0 || following > bufLen - hdrSize) {
                throw corrupt(src, logBuf + rec, "the next record index " + following + " is outside the buffer");
            }
            ptr = following;
        }
    }
}
