package io.kdump4j.kernel.helpers.printk;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One kernel log message.
 *
 * @param sequence the kernel's sequence number ({@code printk_info.seq}) for the printk
 *     ringbuffer; for the structured log_buf, which does not store it in records and whose
 *     {@code log_first_seq} is not in VMCOREINFO, the ordinal from the oldest record (0, 1, ...)
 * @param timestampNanos {@code ts_nsec}: nanoseconds of local_clock() since boot (unsigned)
 * @param facility the syslog facility (0 = kernel)
 * @param level the log level 0..7
 * @param flags the 5-bit {@code LOG_NEWLINE/LOG_CONT} flags
 * @param callerId {@code caller_id} when the kernel records it ({@code CONFIG_PRINTK_CALLER} for
 *     log_buf, always in the printk ringbuffer): bit 31 set = CPU number, else task PID
 * @param text the message bytes as the kernel stored them (no trailing newline; may hold
 *     embedded newlines and any byte value)
 * @param subsystem the dev_printk subsystem ("pci"), empty when none (ringbuffer only)
 * @param device the dev_printk device ("+pci:0000:00:01.0"), empty when none (ringbuffer only)
 * @param source which kernel buffer the record came from
 */
public record LogRecord(long sequence, long timestampNanos, int facility, int level, int flags,
        OptionalInt callerId, byte[] text, String subsystem, String device, Source source) {

    /** The kernel log format a record was read from. */
    public enum Source {
        /** The lockless {@code printk_ringbuffer} (Linux 5.10+). */
        PRINTK_RINGBUFFER,
        /** The structured {@code log_buf} of {@code struct printk_log} records (Linux 3.5 .. 5.9). */
        LOG_BUF
    }

    /** The text decoded as UTF-8 (invalid sequences replaced), for display. */
    public String message() {
        return new String(text, StandardCharsets.UTF_8);
    }

    /** Compares the text by content (a record's default equality would compare the array's identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof LogRecord r && sequence == r.sequence && timestampNanos == r.timestampNanos
                && facility == r.facility && level == r.level && flags == r.flags && callerId.equals(r.callerId)
                && Arrays.equals(text, r.text) && subsystem.equals(r.subsystem) && device.equals(r.device)
                && source == r.source;
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequence, timestampNanos, level, callerId, Arrays.hashCode(text), source);
    }

    @Override
    public String toString() {
        return "LogRecord[seq=" + sequence + ", ts=" + timestampNanos + ", level=" + level + ", " + message() + "]";
    }
}
