package io.kdump4j.kernel.unwind;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.symbols.KernelSymbols;
import java.io.IOException;
import java.util.Arrays;

/**
 * vmlinux's ORC tables, read from the dump: {@code __start_orc_unwind_ip .. __stop_orc_unwind_ip}
 * is an {@code int} per entry, each relative to its own address (ip = &table[i] + table[i]),
 * sorted by ip; {@code __start_orc_unwind .. __stop_orc_unwind} holds the 6-byte
 * {@code struct orc_entry} for each. (The kernel's {@code orc_lookup} block index only speeds
 * up its search; a binary search over the ips gives the same entry.)
 */
final class OrcTable {
    /** More entries than any kernel has (Debian 6.12: about 500k). */
    static final long MAX_ENTRIES = 8_000_000;

    private final long[] ips;
    private final byte[] entries;
    final OrcLayout layout;

    private OrcTable(long[] ips, byte[] entries, OrcLayout layout) {
        this.ips = ips;
        this.entries = entries;
        this.layout = layout;
    }

    static OrcTable load(KernelDump k, OrcLayout layout) throws IOException {
        KernelSymbols s = KernelSymbols.of(k);
        long ipStart = s.address("__start_orc_unwind_ip");
        long ipStop = s.address("__stop_orc_unwind_ip");
        long start = s.address("__start_orc_unwind");
        long stop = s.address("__stop_orc_unwind");
        long n = (ipStop - ipStart) / 4;
        if (n <= 0 || n > MAX_ENTRIES || (stop - start) != n * 6) {
            throw new DumpFormatException(k.dump().name(), -1, "the ORC tables do not agree: " + n
                    + " ips at 0x" + Long.toHexString(ipStart) + " but " + (stop - start) + " bytes of entries");
        }
        return load(k, ipStart, start, n, layout);
    }

    /**
     * A table of {@code n} entries: the ip array at {@code ipStart}, the entries at {@code start}
     * (a module's {@code arch.orc_unwind_ip}, {@code arch.orc_unwind}, {@code arch.num_orcs}).
     */
    static OrcTable load(KernelDump k, long ipStart, long start, long n, OrcLayout layout) throws IOException {
        if (n <= 0 || n > MAX_ENTRIES) {
            throw new DumpFormatException(k.dump().name(), -1, "an ORC table at 0x" + Long.toHexString(ipStart)
                    + " claims " + n + " entries, expected 1.." + MAX_ENTRIES);
        }
        byte[] raw = k.memory().read(ipStart, (int) (n * 4));
        long[] ips = new long[(int) n];
        for (int i = 0; i < n; i++) {
            int rel = (raw[4 * i] & 0xff) | (raw[4 * i + 1] & 0xff) << 8 | (raw[4 * i + 2] & 0xff) << 16
                    | raw[4 * i + 3] << 24;
            ips[i] = ipStart + 4L * i + rel;
        }
        byte[] entries = k.memory().read(start, (int) (n * 6));
        return new OrcTable(ips, entries, layout);
    }

    /** The entry covering {@code ip}: the last whose ip is at or below it; -1 when none. */
    int find(long ip) {
        int i = Arrays.binarySearch(ips, ip);
        if (i < 0) {
            i = -i - 2;
        } else {
            while (i + 1 < ips.length && ips[i + 1] == ip) {
                i++;
            }
        }
        return i;
    }

    int size() {
        return ips.length;
    }

    long ip(int i) {
        return ips[i];
    }

    boolean covers(long ip) {
        return ips.length > 0 && ip >= ips[0];
    }

    short spOffset(int i) {
        return (short) ((entries[6 * i] & 0xff) | (entries[6 * i + 1] & 0xff) << 8);
    }

    short bpOffset(int i) {
        return (short) ((entries[6 * i + 2] & 0xff) | (entries[6 * i + 3] & 0xff) << 8);
    }

    int flags(int i) {
        return (entries[6 * i + 4] & 0xff) | (entries[6 * i + 5] & 0xff) << 8;
    }
}
