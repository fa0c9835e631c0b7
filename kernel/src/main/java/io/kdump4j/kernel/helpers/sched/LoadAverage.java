package io.kdump4j.kernel.helpers.sched;

import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.symbols.KernelSymbols;
import java.io.IOException;
import java.util.Optional;

/**
 * The load average {@code avenrun[3]}: fixed point with {@code FSHIFT} = 11 fractional bits
 * (include/linux/sched/loadavg.h). Printed as the kernel's /proc/loadavg and crash do: integer
 * part and two decimals, after adding {@code FIXED_1/200} for rounding.
 */
public final class LoadAverage {
    private static final int FSHIFT = 11;
    private static final long FIXED_1 = 1L << FSHIFT;

    private LoadAverage() {
    }

    /** The three averages (1, 5, 15 minutes) as raw fixed-point values; empty when unreadable. */
    public static Optional<long[]> raw(KernelDump k) {
        try {
            long a = KernelSymbols.of(k).address("avenrun");
            return Optional.of(new long[] {k.memory().u64(a), k.memory().u64(a + 8), k.memory().u64(a + 16)});
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** "0.08, 0.02, 0.01". */
    public static String format(long[] avenrun) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < avenrun.length; i++) {
            long v = avenrun[i] + FIXED_1 / 200;
            long whole = v >>> FSHIFT;
            long frac = ((v & (FIXED_1 - 1)) * 100) >>> FSHIFT;
            sb.append(i == 0 ? "" : ", ").append(whole).append('.').append(String.format("%02d", frac));
        }
        return sb.toString();
    }

    /** One value as a double, for JSON. */
    public static double value(long raw) {
        return raw / (double) FIXED_1;
    }
}
