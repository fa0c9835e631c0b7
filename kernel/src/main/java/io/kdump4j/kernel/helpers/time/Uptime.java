package io.kdump4j.kernel.helpers.time;

import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.symbols.KernelSymbols;
import io.kdump4j.kernel.types.KObject;
import io.kdump4j.kernel.types.KernelTypes;
import java.io.IOException;
import java.util.OptionalLong;

/**
 * Time since boot from the timekeeper ({@code tk_core.timekeeper}, kernel/time/timekeeping.c):
 * CLOCK_MONOTONIC seconds ({@code ktime_sec}) plus the time spent suspended ({@code offs_boot}),
 * which is CLOCK_BOOTTIME, what {@code uptime} shows. {@code tk_core} is a {@code struct tk_data}
 * since Linux 6.13 and an anonymous struct before; both begin with a
 * {@code seqcount_raw_spinlock_t} followed by the timekeeper, so the timekeeper sits at that
 * seqcount's size rounded up to the timekeeper's 8-byte alignment unless BTF says otherwise.
 * Since Linux 6.17 (commit 22c62b9a84b8 "timekeeping: Introduce auxiliary timekeepers") there is
 * no {@code tk_core} symbol: it is {@code timekeeper_data[TIMEKEEPER_CORE]}, element 0 of an
 * array of {@code struct tk_data}, so the same object is at {@code timekeeper_data}.
 */
public final class Uptime {
    private Uptime() {
    }

    /** Nanoseconds since boot, empty when the timekeeper is not readable. */
    public static OptionalLong nanos(KernelDump k) {
        try {
            KernelTypes t = KernelTypes.of(k);
            KernelSymbols syms = KernelSymbols.of(k);
            long tkCore = syms.has("tk_core") ? syms.address("tk_core") : syms.address("timekeeper_data");
            long off;
            if (t.struct("tk_data").isPresent() && t.has("tk_data", "timekeeper")) {
                off = t.offset("tk_data", "timekeeper");
            } else {
                long seq = t.struct("seqcount_raw_spinlock").isPresent() ? t.sizeOf("seqcount_raw_spinlock") : 4;
                off = (seq + 7) & ~7L;
            }
            KObject tk = KObject.of(t, "timekeeper", tkCore + off);
            long sec = tk.member("ktime_sec").value();
            long boot = tk.has("offs_boot") ? tk.member("offs_boot").value() : 0;
            return OptionalLong.of(sec * 1_000_000_000L + boot);
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** "DD days, HH:MM:SS" or "HH:MM:SS" as crash prints uptime. */
    public static String format(long nanos) {
        long s = nanos / 1_000_000_000L;
        long days = s / 86400;
        String hms = String.format("%02d:%02d:%02d", (s / 3600) % 24, (s / 60) % 60, s % 60);
        return days > 0 ? days + " days, " + hms : hms;
    }
}
