package io.kdump4j.kernel.helpers.printk;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The text {@code makedumpfile --dump-dmesg} writes, byte for byte (facts from makedumpfile's
 * {@code printk.c dump_record()} and {@code makedumpfile.c dump_log_entry()}):
 * <ul>
 * <li>each record starts with {@code "[%5llu.%06lu] "}: seconds and microseconds (truncated)
 *     of {@code ts_nsec};
 * <li>only in makedumpfile 1.7.5 and later (commit 48bb1e089056 "add PRINTK_CALLER id support
 *     to --dump-dmesg option", Dec 2023), when the kernel exports
 *     {@code OFFSET(printk_info.caller_id)} or {@code OFFSET(printk_log.caller_id)}:
 *     {@code "[%8s] "} of {@code "T<pid>"} or {@code "C<cpu>"}. Debian bookworm's 1.7.2, which
 *     made the golden files, never prints them, even though every 5.10+ kernel exports the offset;
 *     checked by running it on a synthetic log_buf dump with caller ids;
 * <li>each text byte: a newline becomes a newline plus as many spaces as the prefix above is
 *     long; a byte for which C's {@code isprint() || isspace()} holds in the "C" locale
 *     (0x20..0x7e, tab, LF, VT, FF, CR) is copied; any other byte becomes {@code \x%02x} of a
 *     <em>signed</em> {@code char} — on the x86_64 host makedumpfile is built for, a byte
 *     0x80..0xff prints as {@code \xffffff80..\xffffffff} (the int promotion sign-extends);
 * <li>the record ends with one newline. Dictionaries and dev_info are not printed.
 * </ul>
 */
final class MakedumpfileText {
    private MakedumpfileText() {
    }

    static void write(List<LogRecord> records, OutputStream sink, boolean callerIds) throws IOException {
        OutputStream out = new BufferedOutputStream(sink, 1 << 16);
        StringBuilder prefix = new StringBuilder(40);
        for (LogRecord r : records) {
            prefix.setLength(0);
            long ts = r.timestampNanos();
            long secs = Long.divideUnsigned(ts, 1_000_000_000L);
            long micros = Long.remainderUnsigned(ts, 1_000_000_000L) / 1000;
            prefix.append('[').append(pad(Long.toUnsignedString(secs), 5, ' ')).append('.')
                    .append(pad(Long.toString(micros), 6, '0')).append("] ");
            if (callerIds && r.callerId().isPresent()) {
                int cid = r.callerId().getAsInt();
                String id = ((cid & 0x8000_0000) != 0 ? "C" : "T") + Integer.toUnsignedString(cid & 0x7fff_ffff);
                prefix.append('[').append(pad(id, 8, ' ')).append("] ");
            }
            byte[] head = prefix.toString().getBytes(StandardCharsets.ISO_8859_1);
            out.write(head);
            for (byte b : r.text()) {
                int c = b & 0xff;
                if (c == '\n') {
                    out.write('\n');
                    for (int i = 0; i < head.length; i++) {
                        out.write(' ');
                    }
                } else if ((c >= 0x20 && c <= 0x7e) || (c >= 0x09 && c <= 0x0d)) {
                    out.write(c);
                } else {
                    String hex = c >= 0x80 ? "ffffff" + Integer.toHexString(c) : pad(Integer.toHexString(c), 2, '0');
                    out.write(("\\x" + hex).getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            out.write('\n');
        }
        out.flush();
    }

    private static String pad(String s, int width, char fill) {
        if (s.length() >= width) {
            return s;
        }
        return String.valueOf(fill).repeat(width - s.length()) + s;
    }
}
