package io.kdump4j.analyze;

import io.kdump4j.analyze.Classification.LogLocation;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies a crash from the kernel log text (the messages, without timestamps). The panic
 * message decides first where it is specific (sysrq, hung task, soft/hard lockup, OOM,
 * panic_on_warn, init killed, no root fs); a generic one ("Fatal exception", or none) is
 * explained by the last Oops-class report before it: the kernel's own headlines from
 * arch/x86/mm/fault.c ("BUG: kernel NULL pointer dereference", "BUG: unable to handle page
 * fault"), arch/arm64/mm/fault.c ("Unable to handle kernel NULL pointer dereference", "...paging
 * request"), traps ("general protection fault", "kernel BUG at", "invalid opcode"), the
 * watchdogs ("BUG: soft lockup", "Watchdog detected hard LOCKUP"), khungtaskd ("INFO: task ...
 * blocked for more than"), the OOM killer ("Out of memory") and {@code __warn()} ("WARNING:").
 */
public final class PanicClassifier {
    private static final String PANIC = "Kernel panic - not syncing: ";
    /** How many lines before the panic line are searched for the report that explains it. */
    private static final int WINDOW = 400;
    private static final Pattern SYMBOL = Pattern.compile(
            "([A-Za-z_][A-Za-z0-9_.$]*)\\+0x([0-9a-f]+)/0x([0-9a-f]+)(?: \\[([^\\]\\s]+)\\])?");
    private static final Pattern RIP = Pattern.compile("^(?:RIP: [0-9a-f]{4}:|pc : |EIP: |NIP |PC is at )");
    /**
     * __warn()'s banner: "WARNING: CPU: 1 PID: 1 at file.c:29 fn+0xc/0x20 [mod]" until Linux 6.18,
     * "WARNING: file.c:29 at fn+0xc/0x20 [mod], CPU#1: init/1" since 28ea295f941e (v6.19).
     */
    private static final Pattern WARNING = Pattern.compile(
            "^WARNING: (?:CPU: \\d+ PID: \\d+ at \\S+ |(?:\\S+:\\d+ )?at \\S+(?: \\[\\S+\\])?, CPU#\\d+: )");
    private static final Pattern OOPS_CODE = Pattern.compile("Oops: [0-9a-f]{4} ");

    private PanicClassifier() {
    }

    /** Classifies the log, given as its messages in order (oldest first). */
    public static Classification classify(List<String> lines) {
        int panicAt = -1;
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(PANIC)) {
                panicAt = i;
                break;
            }
        }
        String message = panicAt >= 0 ? lines.get(panicAt).strip() : null;
        PanicClass byMessage = message == null ? null : byMessage(message.substring(PANIC.length()));
        int end = panicAt >= 0 ? panicAt : lines.size();
        int start = Math.max(0, end - WINDOW);
        int evidence = -1;
        PanicClass byReport = null;
        for (int i = end - 1; i >= start; i--) {
            PanicClass c = byReport(lines.get(i));
            if (c != null) {
                // Prefer the headline of a report over its later lines: keep looking back while
                // the lines belong to the same report (an Oops prints "BUG:" then "Oops:").
                byReport = c;
                evidence = i;
                for (int j = i - 1; j >= Math.max(start, i - 6) && followUp(lines.get(evidence)); j--) {
                    PanicClass h = byReport(lines.get(j));
                    if (h != null && (h == byReport || byReport == PanicClass.OOPS)) {
                        byReport = h;
                        evidence = j;
                    }
                }
                break;
            }
        }
        PanicClass cls;
        if (byMessage != null && (byReport == null || byMessage != PanicClass.PANIC)) {
            cls = byMessage;
            if (byReport == null || !consistent(byMessage, byReport)) {
                evidence = panicAt;
            }
        } else if (byReport != null) {
            cls = byReport;
        } else {
            cls = message != null ? PanicClass.PANIC : PanicClass.UNKNOWN;
            evidence = panicAt;
        }
        LogLocation loc = location(lines, evidence >= 0 ? evidence : start, end, cls);
        return new Classification(cls, message, evidence >= 0 ? lines.get(evidence) : null, evidence, loc);
    }

    private static PanicClass byMessage(String m) {
        if (m.contains("sysrq triggered crash")) {
            return PanicClass.SYSRQ;
        }
        if (m.startsWith("hung_task: blocked tasks")) {
            return PanicClass.HUNG_TASK;
        }
        if (m.startsWith("softlockup: hung tasks")) {
            return PanicClass.SOFT_LOCKUP;
        }
        if (m.contains("Hard LOCKUP") || m.startsWith("hardlockup:")) {
            return PanicClass.HARD_LOCKUP;
        }
        if (m.contains("Out of memory") || m.contains("out of memory") || m.contains("deadlocked on memory")) {
            return PanicClass.OOM;
        }
        if (m.contains("panic_on_warn set")) {
            return PanicClass.WARNING;
        }
        if (m.startsWith("Attempted to kill init")) {
            return PanicClass.INIT_KILLED;
        }
        if (m.startsWith("VFS: Unable to mount root fs")) {
            return PanicClass.NO_ROOT_FS;
        }
        if (m.contains("Machine check") || m.contains("MCE")) {
            return PanicClass.MACHINE_CHECK;
        }
        if (m.toLowerCase(java.util.Locale.ROOT).contains("watchdog")) {
            return PanicClass.WATCHDOG;
        }
        return PanicClass.PANIC;
    }

    /**
     * A die() line without the "Oops: " that x86 puts before the trap's name since Linux 6.9
     * ("Oops: general protection fault, ...", "Oops: invalid opcode: 0000 [#1]"); the classic
     * "Oops: 0002 [#1]" (an error code, not a name) is kept.
     */
    static String withoutOopsPrefix(String line) {
        String l = line.strip();
        if (l.startsWith("Oops: ") && !OOPS_CODE.matcher(l).lookingAt()) {
            return l.substring("Oops: ".length());
        }
        return l;
    }

    /** The class a log line reports, or null. */
    static PanicClass byReport(String line) {
        String l = withoutOopsPrefix(line);
        if (l.startsWith("BUG: kernel NULL pointer dereference") || l.startsWith("Unable to handle kernel NULL pointer dereference")) {
            return PanicClass.NULL_POINTER_DEREFERENCE;
        }
        if (l.startsWith("BUG: unable to handle page fault") || l.startsWith("BUG: unable to handle kernel paging request")
                || l.startsWith("Unable to handle kernel paging request") || l.startsWith("BUG: unable to handle kernel")) {
            return PanicClass.PAGE_FAULT;
        }
        if (l.startsWith("general protection fault")) {
            return PanicClass.GENERAL_PROTECTION_FAULT;
        }
        if (l.startsWith("kernel BUG at") || l.startsWith("invalid opcode:")) {
            return PanicClass.BUG;
        }
        if (l.contains("BUG: soft lockup")) {
            return PanicClass.SOFT_LOCKUP;
        }
        if (l.contains("Watchdog detected hard LOCKUP") || l.contains("NMI watchdog: Watchdog detected hard LOCKUP")) {
            return PanicClass.HARD_LOCKUP;
        }
        if (l.startsWith("INFO: task ") && l.contains("blocked for more than")) {
            return PanicClass.HUNG_TASK;
        }
        if (l.startsWith("Out of memory") || l.contains("invoked oom-killer")) {
            return PanicClass.OOM;
        }
        if (WARNING.matcher(l).find()) {
            return PanicClass.WARNING;
        }
        if (l.startsWith("sysrq: Trigger a crash") || l.startsWith("SysRq : Trigger a crash")) {
            return PanicClass.SYSRQ;
        }
        if (l.startsWith("Oops:") || l.startsWith("Internal error: Oops")) {
            return PanicClass.OOPS;
        }
        if (l.startsWith("mce: ") && l.contains("Machine check")) {
            return PanicClass.MACHINE_CHECK;
        }
        return null;
    }

    /**
     * The die() lines that follow a report's headline ("Oops: 0002 [#1]", arm64's "Internal
     * error: Oops", x86's "invalid opcode: 0000" after "kernel BUG at"): the headline explains more.
     */
    private static boolean followUp(String line) {
        String l = withoutOopsPrefix(line);
        return l.startsWith("Oops:") || l.startsWith("Internal error: Oops") || l.startsWith("invalid opcode:");
    }

    private static boolean consistent(PanicClass message, PanicClass report) {
        return message == report;
    }

    /**
     * The faulting location: the first "RIP:"/"pc : " line after the evidence, or the location
     * on a WARNING line; null when the log names none.
     */
    private static LogLocation location(List<String> lines, int from, int end, PanicClass cls) {
        if (from >= 0 && from < lines.size() && WARNING.matcher(lines.get(from).strip()).find()) {
            LogLocation w = symbol(lines.get(from));
            if (w != null) {
                return w;
            }
        }
        for (int i = Math.max(0, from); i < Math.min(lines.size(), end + 40); i++) {
            String l = lines.get(i).strip();
            if (RIP.matcher(l).find()) {
                LogLocation s = symbol(l);
                if (s != null) {
                    return s;
                }
            }
        }
        return null;
    }

    static LogLocation symbol(String line) {
        Matcher m = SYMBOL.matcher(line);
        if (!m.find()) {
            return null;
        }
        return new LogLocation(m.group(1), Long.parseLong(m.group(2), 16), Long.parseLong(m.group(3), 16), m.group(4));
    }

}
