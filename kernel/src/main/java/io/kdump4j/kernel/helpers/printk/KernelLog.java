package io.kdump4j.kernel.helpers.printk;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelDump;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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

    /**
     * Every record, oldest first. The walk is bounded by the ring's size (one pass over its
     * descriptors or buffer), so a corrupted log ends in a {@link DumpFormatException}, never a loop.
     */
    public static List<LogRecord> read(KernelDump k) throws IOException {
        List<LogRecord> out = new ArrayList<>();
        read(k, out, LogBudget.UNLIMITED);
        return out;
    }

    /**
     * The log as far as it can be read within {@code limit} of wall-clock time, for a capture,
     * where the log may delay the dump by seconds but must never stop it. The walk runs on a
     * daemon thread: it checks the deadline between records, and should a read block instead
     * (a stuck device), it is abandoned after {@code limit} plus {@link #GRACE}. Never throws:
     * what the walk read before an error, a corruption or the deadline is returned with the
     * reason it stopped.
     */
    public static Partial readWithin(KernelDump k, Duration limit) {
        List<LogRecord> out = Collections.synchronizedList(new ArrayList<>());
        LogBudget budget = LogBudget.nanos(limit.toNanos());
        String[] problem = new String[1];
        Thread t = Thread.ofPlatform().daemon().name("kdump4j-kernel-log").unstarted(() -> {
            try {
                read(k, out, budget);
            } catch (IOException | RuntimeException e) {
                synchronized (problem) {
                    problem[0] = e.getMessage() == null ? e.toString() : e.getMessage();
                }
            }
        });
        t.start();
        try {
            t.join(limit.plus(GRACE));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            budget.stop();
            synchronized (out) {
                return new Partial(List.copyOf(out), "reading the kernel log did not finish within "
                        + limit.plus(GRACE).toMillis() + " ms: stopped after " + out.size() + " records");
            }
        }
        synchronized (problem) {
            return new Partial(List.copyOf(out), problem[0]);
        }
    }

    /** How long a walk stuck in a read gets past its deadline before {@link #readWithin} abandons it. */
    public static final Duration GRACE = Duration.ofSeconds(1);

    /**
     * The records read, oldest first, and why the walk stopped before the end ({@code null}
     * when the log was read whole).
     */
    public record Partial(List<LogRecord> records, String problem) {
        public boolean whole() {
            return problem == null;
        }
    }

    private static void read(KernelDump k, List<LogRecord> out, LogBudget budget) throws IOException {
        if (k.vmcoreinfo().symbol("prb").isPresent()) {
            PrintkRingbuffer.read(k, out, budget);
        } else if (k.vmcoreinfo().symbol("log_first_idx").isPresent()) {
            StructuredLogBuf.read(k, out, budget);
        } else {
            throw new DumpFormatException(k.dump().name(), -1, "no kernel log found: VMCOREINFO has neither "
                    + "SYMBOL(prb) (Linux 5.10+) nor SYMBOL(log_first_idx) (Linux 3.5 .. 5.9); kernels before 3.5 "
                    + "are not supported");
        }
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
