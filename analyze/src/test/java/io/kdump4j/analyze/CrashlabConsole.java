package io.kdump4j.analyze;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the crashed kernel printed about its crash on the serial console of a crash-lab run
 * (lab/crashlab/crashlab.sh writes it beside the dump): the truth CrashlabTest holds kdump4j's
 * analysis to. Only the kernel's own words are read: the panic line, the report's headline,
 * the RIP line, the CPU/PID/Comm line, "Modules linked in:" (or /proc/modules, which the lab's
 * /init prints before it crashes the kernel) and the first Call Trace.
 */
record CrashlabConsole(List<String> lines) {

    private static final Pattern STAMP = Pattern.compile("^\\[\\s*\\d+\\.\\d+\\] ?");
    /** A reliable Call Trace entry; "? name" entries are the unwinder's guesses and are left out. */
    private static final Pattern TRACE = Pattern.compile("^ ([A-Za-z_][\\w.]*)\\+0x[0-9a-f]+/0x[0-9a-f]+(?: \\[(\\S+)\\])?$");
    private static final Pattern RIP = Pattern.compile("^RIP: 00\\d\\d:([A-Za-z_][\\w.]*)\\+0x[0-9a-f]+/0x[0-9a-f]+(?: \\[(\\S+)\\])?");
    /** __warn()'s banner, before and since Linux 6.19 ("WARNING: file.c:29 at fn+0xc/0x20, CPU#1: init/1"). */
    private static final Pattern WARNING = Pattern.compile("^WARNING: (?:CPU: \\d+ PID: \\d+ at |.* at \\S+(?: \\[\\S+\\])?, CPU#\\d+: )");
    private static final Pattern TASK = Pattern.compile("^CPU: \\d+ (?:UID: \\d+ )?PID: (\\d+) Comm: (\\S+)");

    static CrashlabConsole read(Path log) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1).split("\r?\n")) {
            out.add(STAMP.matcher(l).replaceFirst(""));
        }
        return new CrashlabConsole(out);
    }

    /** The "Kernel panic - not syncing: ..." line. */
    String panicLine() {
        return lines.stream().filter(l -> l.startsWith("Kernel panic - not syncing: ")).findFirst()
                .map(String::strip).orElseThrow(() -> new AssertionError("no panic on the console"));
    }

    /**
     * The panic class the kernel's first report headline names, in kdump4j's words (the
     * headlines are the kernel's: mm/fault.c, lib/bug.c, kernel/panic.c, traps.c, watchdog.c,
     * hung_task.c, oom_kill.c).
     */
    String headlineClass() {
        for (String l : lines) {
            if (l.startsWith("BUG: kernel NULL pointer dereference")) {
                return "null-pointer-dereference";
            } else if (l.contains("kernel BUG at ")) {
                return "bug";
            } else if (WARNING.matcher(l).find()) {
                return "warning";
            } else if (l.contains("general protection fault")) {
                return "general-protection-fault";
            } else if (l.contains("BUG: soft lockup")) {
                return "soft-lockup";
            } else if (l.startsWith("INFO: task ") && l.contains(" blocked for more than ")) {
                return "hung-task";
            } else if (l.contains(" invoked oom-killer: ")) {
                return "oom";
            }
        }
        throw new AssertionError("no crash report headline on the console");
    }

    /** The faulting instruction's function and module ("" for the kernel), or null without a RIP line. */
    String[] rip() {
        for (String l : lines) {
            Matcher m = RIP.matcher(l);
            if (m.find()) {
                return new String[] {m.group(1), m.group(2) == null ? "" : m.group(2)};
            }
        }
        return null;
    }

    /** PID and comm of the panicking task: the panic's own CPU line, else the report's before it. */
    String[] panickingTask() {
        int panic = lines.indexOf(panicLine());
        for (int i = panic; i < lines.size(); i++) {
            Matcher m = TASK.matcher(lines.get(i));
            if (m.find()) {
                return new String[] {m.group(1), m.group(2)};
            }
        }
        for (int i = panic; i >= 0; i--) {
            Matcher m = TASK.matcher(lines.get(i));
            if (m.find()) {
                return new String[] {m.group(1), m.group(2)};
            }
        }
        throw new AssertionError("no CPU/PID/Comm line on the console");
    }

    /**
     * The loaded modules: those of the crash report's first "Modules linked in:" line, without
     * taint flags and "[last unloaded]"; when the report prints none (OOM, hung task), the
     * kernel's /proc/modules as the lab's /init printed it just before the crash.
     */
    List<String> modules() {
        for (String l : lines) {
            if (l.startsWith("Modules linked in:")) {
                String rest = l.substring("Modules linked in:".length()).replaceAll("\\[last unloaded:.*", "");
                return Arrays.stream(rest.trim().split("\\s+")).filter(s -> !s.isEmpty())
                        .map(s -> s.replaceAll("\\(.*\\)$", "")).toList();
            }
        }
        int from = lines.lastIndexOf("crashlab: /proc/modules:");
        int to = lines.lastIndexOf("crashlab: end of /proc/modules");
        if (from < 0 || to < from) {
            throw new AssertionError("neither \"Modules linked in:\" nor /proc/modules on the console");
        }
        return lines.subList(from + 1, to).stream().filter(l -> l.startsWith("crashlab: ")).map(l -> l.substring("crashlab: ".length()).split(" ")[0]).toList();
    }

    /** The reliable entries of the first Call Trace, up to its end (" </TASK>"). */
    List<String> firstTrace() {
        List<String> trace = new ArrayList<>();
        int start = lines.indexOf("Call Trace:");
        if (start < 0) {
            throw new AssertionError("no Call Trace on the console");
        }
        for (int i = start + 1; i < lines.size() && !lines.get(i).equals(" </TASK>"); i++) {
            Matcher t = TRACE.matcher(lines.get(i));
            if (t.matches()) {
                trace.add(t.group(1));
            }
        }
        return trace;
    }
}
