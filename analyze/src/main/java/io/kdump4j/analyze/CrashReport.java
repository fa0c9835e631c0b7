package io.kdump4j.analyze;

import io.kdump4j.kernel.helpers.panic.Taint;
import io.kdump4j.kernel.helpers.time.Uptime;
import io.kdump4j.kernel.unwind.Frame;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code analyze} report: why the kernel went down, in one screen. The JSON schema is
 * documented in docs/analyze-json.md.
 *
 * @param dumpFile the dump's file name
 * @param format the container ("ELF", "kdump-compressed", ...)
 * @param release the kernel release
 * @param version utsname version
 * @param machine the architecture
 * @param buildId VMCOREINFO BUILD-ID, null when absent
 * @param crashTime CRASHTIME (unix seconds), -1 when absent
 * @param uptimeNanos time since boot, -1 when unknown
 * @param classification the panic class and its evidence in the log
 * @param cpu the panicking CPU, -1 when unknown
 * @param pid the crashing task's PID, -1 when unknown
 * @param comm the crashing task's command, null when unknown
 * @param task the crashing task's task_struct, 0 when unknown
 * @param culprit the faulting function (the log's RIP/pc line, else the first meaningful frame)
 * @param frames the panicking CPU's call trace
 * @param taintMask the taint flags, -1 when unknown
 * @param modules the loaded modules' names, null when unreadable
 * @param logExcerpt the log lines that matter, with timestamps
 * @param signature the de-duplication signature
 * @param signatureFrames the frames the signature is made of
 * @param blockedTasks tasks in uninterruptible sleep (state D) with their stacks, at most
 *     {@link Analyzer#BLOCKED}: what a hung-task or lockup report needs
 * @param notes what could not be read and why
 */
public record CrashReport(String dumpFile, String format, String release, String version, String machine,
        String buildId, long crashTime, long uptimeNanos, Classification classification, int cpu, int pid,
        String comm, long task, Culprit culprit, List<Frame> frames, long taintMask, List<String> modules,
        List<String> logExcerpt, String signature, List<String> signatureFrames, List<TaskStack> blockedTasks,
        List<String> notes) implements Result {

    /**
     * The function blamed for the crash.
     *
     * @param function the function
     * @param offset the offset in it, -1 when unknown
     * @param module its module, null for vmlinux
     * @param source "log" (the kernel's RIP/pc/WARNING line) or "stack" (first meaningful frame)
     */
    public record Culprit(String function, long offset, String module, String source) {
    }

    public String panicClass() {
        return classification.panicClass().id();
    }

    @Override
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("kdump4j analyze: ").append(dumpFile).append(" (").append(format).append(")\n\n");
        field(sb, "KERNEL", release + " " + machine + (version == null ? "" : "  " + version));
        if (crashTime >= 0) {
            field(sb, "CRASH TIME", Instant.ofEpochSecond(crashTime).toString());
        }
        field(sb, "UPTIME", uptimeNanos < 0 ? "(unknown)" : Uptime.format(uptimeNanos));
        field(sb, "PANIC CLASS", panicClass() + ": " + classification.panicClass().description());
        field(sb, "PANIC", classification.panicMessage() == null ? "(no panic message in the log)" : classification.panicMessage());
        if (classification.evidence() != null && !classification.evidence().equals(classification.panicMessage())) {
            field(sb, "EVIDENCE", classification.evidence());
        }
        field(sb, "CPU", cpu < 0 ? "(unknown)" : String.valueOf(cpu));
        field(sb, "TASK", (pid < 0 ? "?" : "PID " + pid) + (comm == null ? "" : " \"" + comm + "\"")
                + (task == 0 ? "" : " task_struct " + Hex.addr(task)));
        if (culprit != null) {
            field(sb, "CULPRIT", culprit.function() + (culprit.offset() >= 0 ? "+0x" + Long.toHexString(culprit.offset()) : "")
                    + (culprit.module() == null ? " (vmlinux)" : " [" + culprit.module() + "]") + "  from the " + culprit.source());
        }
        field(sb, "TAINT", taintMask < 0 ? "(unknown)" : Taint.kernelString(taintMask));
        for (String t : taintMask <= 0 ? List.<String>of() : Taint.explain(taintMask)) {
            sb.append("               ").append(t).append('\n');
        }
        if (modules != null) {
            field(sb, "MODULES", modules.isEmpty() ? "(none)" : String.join(" ", modules));
        }
        field(sb, "SIGNATURE", signature + "  (" + panicClass() + " | " + String.join(" < ", signatureFrames) + ")");
        sb.append("\nCALL TRACE (CPU ").append(cpu).append("):\n");
        int i = 0;
        for (Frame f : frames) {
            sb.append(String.format(" #%-2d %s%s%n", i++, f.symbolized(),
                    f.note() == null || f.note().equals("exception") ? "" : "  (" + f.note() + ")"));
            if (f.regs() != null) {
                TaskStack.appendRegs(sb, f.regs());
            }
        }
        if (!blockedTasks.isEmpty()) {
            sb.append("\nBLOCKED TASKS (state D):\n");
            for (TaskStack t : blockedTasks) {
                sb.append(String.format("  PID %d \"%s\": %s%n", t.pid(), t.comm(), String.join(" < ",
                        t.frames().stream().limit(8).map(f -> f.function() == null ? "?" : f.function()).toList())));
            }
        }
        sb.append("\nLOG (the lines that matter):\n");
        for (String l : logExcerpt) {
            sb.append("  ").append(l).append('\n');
        }
        for (String n : notes) {
            sb.append("note: ").append(n).append('\n');
        }
        return sb.toString();
    }

    private static void field(StringBuilder sb, String k, String v) {
        sb.append(String.format("%12s: %s%n", k, v));
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", "kdump4j-analyze/1");
        m.put("dump", Map.of("file", dumpFile, "format", format));
        Map<String, Object> kernel = new LinkedHashMap<>();
        kernel.put("release", release);
        kernel.put("version", version);
        kernel.put("machine", machine);
        kernel.put("build_id", buildId);
        m.put("kernel", kernel);
        m.put("crash_time", crashTime < 0 ? null : Instant.ofEpochSecond(crashTime).toString());
        m.put("uptime_seconds", uptimeNanos < 0 ? null : uptimeNanos / 1e9);
        m.put("panic_class", panicClass());
        m.put("panic_description", classification.panicClass().description());
        m.put("panic_message", classification.panicMessage());
        m.put("evidence", classification.evidence());
        m.put("cpu", cpu < 0 ? null : cpu);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("pid", pid < 0 ? null : pid);
        t.put("comm", comm);
        t.put("address", task == 0 ? null : Hex.of(task));
        m.put("task", t);
        if (culprit != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("function", culprit.function());
            c.put("offset", culprit.offset() < 0 ? null : culprit.offset());
            c.put("module", culprit.module());
            c.put("source", culprit.source());
            m.put("culprit", c);
        } else {
            m.put("culprit", null);
        }
        m.put("frames", TaskStack.frames(frames));
        Map<String, Object> taint = new LinkedHashMap<>();
        taint.put("mask", taintMask < 0 ? null : taintMask);
        taint.put("string", taintMask < 0 ? null : Taint.kernelString(taintMask));
        taint.put("flags", taintMask < 0 ? List.of() : Taint.explain(taintMask));
        m.put("taint", taint);
        m.put("modules", modules);
        m.put("log", logExcerpt);
        m.put("signature", signature);
        m.put("signature_frames", new ArrayList<>(signatureFrames));
        List<Object> blocked = new ArrayList<>();
        for (TaskStack b : blockedTasks) {
            blocked.add(b.toJson());
        }
        m.put("blocked_tasks", blocked);
        m.put("notes", notes);
        return m;
    }
}
