package io.kdump4j.kernel.helpers.panic;

import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.helpers.printk.KernelLog;
import io.kdump4j.kernel.helpers.printk.LogRecord;
import io.kdump4j.kernel.helpers.sched.TaskInfo;
import io.kdump4j.kernel.helpers.sched.Tasks;
import io.kdump4j.kernel.symbols.KernelSymbols;
import io.kdump4j.kernel.symbols.Symbol;
import io.kdump4j.kernel.unwind.Stacks;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The panicking CPU and task, the panic message and the taint of a dump.
 *
 * <p>The CPU: {@code panic_cpu} (an {@code atomic_t}, -1 until a CPU enters {@code panic()},
 * Linux 4.5+); when the symbol is not readable (no {@code CONFIG_KALLSYMS_ALL}), the CPU named
 * by the log's "CPU: N PID: P Comm: C" line after the panic message; with one CPU, that one.
 * The task: the current task of that CPU's runqueue; else the PID and command from the log.
 */
public final class Panics {
    private static final Pattern CPU_LINE = Pattern.compile("^CPU: (\\d+) (?:UID: \\d+ )?PID: (\\d+) Comm: (\\S+)");
    private static final String PANIC = "Kernel panic - not syncing: ";

    private Panics() {
    }

    public static PanicInfo of(KernelDump k) throws IOException {
        return k.service(PanicInfo.class, Panics::read);
    }

    private static PanicInfo read(KernelDump k) throws IOException {
        List<LogRecord> log = readLog(k);
        String message = null;
        int logCpu = -1;
        int logPid = -1;
        String logComm = null;
        for (int i = log.size() - 1; i >= 0; i--) {
            String m = log.get(i).message();
            if (m.startsWith(PANIC)) {
                message = m.strip();
                for (int j = i + 1; j < log.size() && j < i + 4; j++) {
                    Matcher cm = CPU_LINE.matcher(log.get(j).message());
                    if (cm.find()) {
                        logCpu = Integer.parseInt(cm.group(1));
                        logPid = Integer.parseInt(cm.group(2));
                        logComm = cm.group(3);
                        break;
                    }
                }
                break;
            }
        }
        int cpu = -1;
        String source = null;
        Optional<Symbol> pc;
        try {
            pc = KernelSymbols.of(k).lookup("panic_cpu");
        } catch (IOException e) {
            // Unreadable kallsyms: the log and the notes still tell the CPU.
            pc = Optional.empty();
        }
        if (pc.isPresent()) {
            try {
                int v = (int) k.memory().u32(pc.get().address());
                if (v >= 0 && v < 8192) {
                    cpu = v;
                    source = "panic_cpu";
                }
            } catch (IOException e) {
                // Fall back to the log below.
            }
        }
        if (cpu < 0 && logCpu >= 0) {
            cpu = logCpu;
            source = "log";
        }
        if (cpu < 0 && Stacks.of(k).cpuStates().size() == 1) {
            cpu = 0;
            source = "only CPU";
        }
        int pid = logPid;
        String comm = logComm;
        long task = 0;
        if (cpu >= 0) {
            try {
                Map<Integer, Long> current = Tasks.of(k).currentTasks();
                Long t = current.get(cpu);
                if (t != null) {
                    TaskInfo info = Tasks.of(k).info(t, true);
                    task = t;
                    pid = info.pid();
                    comm = info.comm();
                }
            } catch (IOException e) {
                // The runqueues need data symbols; the log's PID and command stay.
            }
        }
        return new PanicInfo(cpu, source, pid, comm, task, message, taintMask(k, log));
    }

    /** {@code tainted_mask}, else the mask rebuilt from the log's last "Tainted: " string. */
    private static OptionalLong taintMask(KernelDump k, List<LogRecord> log) {
        try {
            Optional<Symbol> s = KernelSymbols.of(k).lookup("tainted_mask");
            if (s.isPresent()) {
                return OptionalLong.of(k.memory().u64(s.get().address()));
            }
        } catch (IOException e) {
            // Try the log.
        }
        for (int i = log.size() - 1; i >= 0; i--) {
            String m = log.get(i).message();
            if (m.contains(" Not tainted ")) {
                return OptionalLong.of(0);
            }
            int at = m.indexOf(" Tainted: ");
            if (at >= 0) {
                String flags = m.substring(at + " Tainted: ".length());
                long mask = 0;
                String letters = "PFSRMBUDAWCIOELKXTNJ";
                for (int b = 0; b < flags.length() && b < letters.length(); b++) {
                    char c = flags.charAt(b);
                    if (c == ' ' || c == 'G') {
                        continue;
                    }
                    int bit = letters.indexOf(c);
                    if (bit < 0) {
                        break;
                    }
                    mask |= 1L << bit;
                }
                return OptionalLong.of(mask);
            }
        }
        return OptionalLong.empty();
    }

    private static List<LogRecord> readLog(KernelDump k) {
        try {
            return KernelLog.read(k);
        } catch (IOException e) {
            return List.of();
        }
    }
}
