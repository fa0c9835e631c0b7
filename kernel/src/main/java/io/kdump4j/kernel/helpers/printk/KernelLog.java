package io.kdump4j.kernel.helpers.printk;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelDump;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * The kernel log (dmesg) of a dump, read from VMCOREINFO alone (no debug info).
 *
 * <p>Format by feature, as makedumpfile and kexec-tools decide: {@code SYMBOL(prb)} means the
 * lockless printk ringbuffer (Linux 5.10+); else {@code SYMBOL(log_first_idx)} means the
 * structured log_buf (3.5 .. 5.9). The plain character ring of older kernels is not read.
 */
public final class KernelLog {
    private KernelLog() {
    }

    /** Every record, oldest first. */
    public static List<LogRecord> read(KernelDump k) throws IOException {
        if (k.vmcoreinfo().symbol("prb").isPresent()) {
            return PrintkRingbuffer.read(k);
        }
        if (k.vmcoreinfo().symbol("log_first_idx").isPresent()) {
            return StructuredLogBuf.read(k);
        }
        throw new DumpFormatException(k.dump().name(), -1, "no kernel log found: VMCOREINFO has neither SYMBOL(prb) "
                + "(Linux 5.10+) nor SYMBOL(log_first_idx) (Linux 3.5 .. 5.9); kernels before 3.5 are not supported");
    }

    /**
     * Writes records exactly as {@code makedumpfile --dump-dmesg} 1.7.2 (built for x86_64, as
     * Debian 12 ships it) does: no caller ids. See {@link MakedumpfileText}.
     */
    public static void writeMakedumpfileText(List<LogRecord> records, OutputStream out) throws IOException {
        MakedumpfileText.write(records, out, false);
    }

    /**
     * Writes records as makedumpfile 1.7.5 and later does: like 1.7.2, plus a {@code "[%8s] "}
     * caller id ("T123", "C0") after the timestamp of every record that has one.
     */
    public static void writeMakedumpfileTextWithCallerIds(List<LogRecord> records, OutputStream out)
            throws IOException {
        MakedumpfileText.write(records, out, true);
    }
}
