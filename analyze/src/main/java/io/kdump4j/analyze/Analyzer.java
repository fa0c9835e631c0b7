package io.kdump4j.analyze;

import io.kdump4j.format.DumpDetails;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.helpers.module.ModuleInfo;
import io.kdump4j.kernel.helpers.module.Modules;
import io.kdump4j.kernel.helpers.panic.PanicInfo;
import io.kdump4j.kernel.helpers.panic.Panics;
import io.kdump4j.kernel.helpers.printk.KernelLog;
import io.kdump4j.kernel.helpers.printk.LogRecord;
import io.kdump4j.kernel.helpers.sched.TaskInfo;
import io.kdump4j.kernel.helpers.sched.Tasks;
import io.kdump4j.kernel.helpers.time.Uptime;
import io.kdump4j.kernel.unwind.Stacks;
import io.kdump4j.kernel.unwind.Frame;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the {@code analyze} report. Every part is read independently: a part that the dump
 * cannot give (filtered pages, data symbols missing from kallsyms) becomes a note and the rest of
 * the report still comes out.
 */
public final class Analyzer {
    /** At most this many log lines in the excerpt (the first and the last ones are kept). */
    static final int EXCERPT = 80;
    /** At most this many blocked tasks are reported. */
    static final int BLOCKED = 16;
    /** khungtaskd's report (kernel/hung_task.c). */
    private static final Pattern HUNG = Pattern.compile("^INFO: task .*:(\\d+) blocked for more than");

    private Analyzer() {
    }

    public static CrashReport run(Session s) throws IOException {
        KernelDump k = s.kernel();
        List<String> notes = new ArrayList<>();
        List<LogRecord> log;
        try {
            log = KernelLog.read(k);
        } catch (IOException e) {
            log = List.of();
            notes.add("kernel log unreadable: " + e.getMessage());
        }
        List<String> messages = new ArrayList<>(log.size());
        for (LogRecord r : log) {
            messages.add(r.message());
        }
        Classification c = PanicClassifier.classify(messages);
        PanicInfo p = Panics.of(k);

        List<Frame> frames = List.of();
        try {
            frames = BtResult.panicStack(k).frames();
        } catch (IOException | RuntimeException e) {
            notes.add("no call trace: " + e.getMessage());
        }
        List<String> functions = new ArrayList<>();
        for (Frame f : frames.subList(Signature.meaningfulStart(frames), frames.size())) {
            functions.add(f.function());
        }
        List<TaskStack> blocked = blockedTasks(k, notes);
        CrashReport.Culprit culprit = culprit(c, frames);
        TaskStack hung = c.panicClass() == PanicClass.HUNG_TASK ? hungTask(c, blocked) : null;
        if (hung != null) {
            // The panicking task is khungtaskd; what matters is what the blocked task waits in.
            List<Frame> waiting = Signature.afterScheduler(hung.frames());
            if (!waiting.isEmpty()) {
                Frame f = waiting.get(0);
                culprit = new CrashReport.Culprit(f.function(), f.offset(), f.module(), "blocked task " + hung.pid());
                functions = new ArrayList<>();
                for (Frame w : waiting) {
                    functions.add(w.function());
                }
            }
        }
        List<String> modules = null;
        try {
            modules = new ArrayList<>();
            for (ModuleInfo m : Modules.of(k).list()) {
                modules.add(m.name());
            }
        } catch (IOException e) {
            modules = null;
            notes.add("module list unreadable: " + e.getMessage());
        }
        List<String> sigFrames = Signature.frames(functions);
        if (sigFrames.isEmpty() && culprit != null) {
            sigFrames = List.of(Signature.normalize(culprit.function()));
            functions = sigFrames;
        }
        DumpDetails d = k.dump().details();
        String format = d.format().id() + (d.flattened() ? " (flattened)" : "");
        long uptime = Uptime.nanos(k).orElse(-1);
        if (uptime < 0 && !log.isEmpty()) {
            // The timekeeper needs data symbols; the last log timestamp is within a second of it.
            uptime = log.get(log.size() - 1).timestampNanos();
            notes.add("uptime taken from the last log timestamp (tk_core not in kallsyms)");
        }
        if (p.cpu() < 0) {
            notes.add("the panicking CPU is unknown: no panic_cpu symbol and no \"CPU: N PID:\" line after the panic");
        }
        return new CrashReport(s.path().getFileName().toString(), format, k.release(), k.version(), k.arch().name(),
                k.buildId().orElse(null), k.crashTime().orElse(-1), uptime, c, p.cpu(), p.pid(), p.comm(), p.task(),
                culprit, frames, p.taintMask().orElse(-1), modules, excerpt(log, c), Signature.of(c.panicClass(), functions),
                sigFrames, blocked, notes);
    }

    /** Tasks in state D with their stacks (at most {@link #BLOCKED}). */
    private static List<TaskStack> blockedTasks(KernelDump k, List<String> notes) {
        List<TaskStack> blocked = new ArrayList<>();
        try {
            for (TaskInfo t : Tasks.of(k).list()) {
                if (t.state() == 'D' && blocked.size() < BLOCKED) {
                    blocked.add(new TaskStack(t.pid(), t.comm(), t.address(), -1, "saved context",
                            Stacks.of(k).taskStack(t.address())));
                }
            }
        } catch (IOException e) {
            notes.add("task list unreadable: " + e.getMessage());
        }
        return blocked;
    }

    /** The blocked task that khungtaskd reported ("INFO: task COMM:PID blocked for more than"). */
    private static TaskStack hungTask(Classification c, List<TaskStack> blocked) {
        Matcher m = HUNG.matcher(c.evidence() == null ? "" : c.evidence());
        if (m.find()) {
            int pid = Integer.parseInt(m.group(1));
            for (TaskStack t : blocked) {
                if (t.pid() == pid) {
                    return t;
                }
            }
        }
        return blocked.isEmpty() ? null : blocked.get(0);
    }

    /**
     * The faulting function: the log's RIP/pc/WARNING location unless it is a busy-wait helper;
     * else the first frame of the interrupted context (or after panic()) that is not crash
     * machinery.
     */
    private static CrashReport.Culprit culprit(Classification c, List<Frame> frames) {
        if (c.location() != null && !Signature.machinery(c.location().function())) {
            Classification.LogLocation l = c.location();
            return new CrashReport.Culprit(l.function(), l.offset(), l.module(), "log");
        }
        for (Frame f : frames.subList(Signature.meaningfulStart(frames), frames.size())) {
            if (!Signature.machinery(f.function())) {
                return new CrashReport.Culprit(f.function(), f.offset(), f.module(), "stack");
            }
        }
        return null;
    }

    /** From the evidence (or ten lines before the panic) to the end, timestamps as dmesg prints them. */
    static List<String> excerpt(List<LogRecord> log, Classification c) {
        if (log.isEmpty()) {
            return List.of();
        }
        int from = c.evidenceIndex() >= 0 ? c.evidenceIndex() : Math.max(0, log.size() - 20);
        from = Math.max(0, Math.min(from, log.size() - 1) - 2);
        List<String> all = new ArrayList<>();
        for (int i = from; i < log.size(); i++) {
            LogRecord r = log.get(i);
            long ts = r.timestampNanos();
            String prefix = String.format("[%5d.%06d] ", ts / 1_000_000_000L, (ts % 1_000_000_000L) / 1000);
            for (String line : r.message().split("\n", -1)) {
                all.add(prefix + line);
            }
        }
        if (all.size() <= EXCERPT) {
            return all;
        }
        List<String> out = new ArrayList<>(all.subList(0, EXCERPT - 20));
        out.add("[...] " + (all.size() - EXCERPT) + " lines left out");
        out.addAll(all.subList(all.size() - 20, all.size()));
        return out;
    }
}
