package io.kdump4j.analyze;

import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.Utsname;
import io.kdump4j.kernel.helpers.panic.PanicInfo;
import io.kdump4j.kernel.helpers.panic.Panics;
import io.kdump4j.kernel.helpers.sched.LoadAverage;
import io.kdump4j.kernel.helpers.sched.Tasks;
import io.kdump4j.kernel.helpers.time.Uptime;
import io.kdump4j.kernel.symbols.KernelSymbols;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@code sys}: the system summary crash prints on start-up, from the dump alone.
 *
 * @param dumpFile the dump's file name
 * @param cpus CPUs with a register note
 * @param crashTime CRASHTIME (unix seconds), -1 when absent
 * @param uptimeNanos time since boot, -1 when unknown
 * @param loadAverage the three averages as printed, null when unknown
 * @param tasks the number of tasks, -1 when the task list is unreadable
 * @param nodename utsname nodename, null when unknown
 * @param release the kernel release
 * @param version utsname version
 * @param machine "x86_64" or "aarch64"
 * @param mhz the CPU clock from {@code cpu_khz} (x86_64), -1 when unknown
 * @param memoryBytes RAM described by the dump
 * @param panic the panic message, null when none
 */
public record SysResult(String dumpFile, int cpus, long crashTime, long uptimeNanos, String loadAverage, int tasks,
        String nodename, String release, String version, String machine, long mhz, long memoryBytes, String panic)
        implements Result {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss 'UTC' yyyy", Locale.ROOT);

    public static SysResult of(Session s) throws IOException {
        KernelDump k = s.kernel();
        int tasks;
        try {
            tasks = Tasks.of(k).list().size();
        } catch (IOException e) {
            tasks = -1;
        }
        long mhz = -1;
        try {
            KernelSymbols syms = KernelSymbols.of(k);
            if (syms.has("cpu_khz")) {
                mhz = k.memory().u32(syms.address("cpu_khz")) / 1000;
            }
        } catch (IOException e) {
            mhz = -1;
        }
        PanicInfo p = Panics.of(k);
        OptionalLong up = Uptime.nanos(k);
        return new SysResult(s.path().getFileName().toString(), k.cpus(), k.crashTime().orElse(-1),
                up.orElse(-1), LoadAverage.raw(k).map(LoadAverage::format).orElse(null), tasks,
                k.utsname().map(Utsname::nodename).orElse(null), k.release(), k.version(), k.arch().name(), mhz,
                k.memoryBytes(), p.message());
    }

    /** CRASHTIME as crash's DATE ("Thu Nov 26 03:52:16 UTC 2026"), or null. */
    public String date() {
        return crashTime < 0 ? null : DATE.format(Instant.ofEpochSecond(crashTime).atZone(ZoneOffset.UTC));
    }

    @Override
    public String toText() {
        StringBuilder sb = new StringBuilder();
        line(sb, "KERNEL", "(none needed: kallsyms and BTF read from the dump)");
        line(sb, "DUMPFILE", dumpFile);
        line(sb, "CPUS", String.valueOf(cpus));
        line(sb, "DATE", date() == null ? "(unknown)" : date());
        line(sb, "UPTIME", uptimeNanos < 0 ? "(unknown)" : Uptime.format(uptimeNanos));
        line(sb, "LOAD AVERAGE", loadAverage == null ? "(unknown: avenrun not in kallsyms; give --system-map)" : loadAverage);
        line(sb, "TASKS", tasks < 0 ? "(unknown)" : String.valueOf(tasks));
        line(sb, "NODENAME", nodename == null ? "(unknown)" : nodename);
        line(sb, "RELEASE", release);
        line(sb, "VERSION", version == null ? "(unknown)" : version);
        line(sb, "MACHINE", machine + (mhz > 0 ? "  (" + mhz + " Mhz)" : ""));
        line(sb, "MEMORY", String.format("%.1f MiB in the dump", memoryBytes / (1024.0 * 1024)));
        if (panic != null) {
            line(sb, "PANIC", "\"" + panic + "\"");
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String k, String v) {
        sb.append(String.format("%12s: %s%n", k, v));
    }

    @Override
    public Object toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dumpfile", dumpFile);
        m.put("cpus", cpus);
        m.put("crash_time", crashTime < 0 ? null : Instant.ofEpochSecond(crashTime).toString());
        m.put("uptime_seconds", uptimeNanos < 0 ? null : uptimeNanos / 1e9);
        m.put("load_average", loadAverage);
        m.put("tasks", tasks < 0 ? null : tasks);
        m.put("nodename", nodename);
        m.put("release", release);
        m.put("version", version);
        m.put("machine", machine);
        m.put("cpu_mhz", mhz < 0 ? null : mhz);
        m.put("memory_bytes", memoryBytes);
        m.put("panic", panic);
        return m;
    }
}
