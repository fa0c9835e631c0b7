package io.kdump4j.analyze;

import io.kdump4j.kernel.unwind.Frame;
import io.kdump4j.kernel.unwind.Registers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One task's (or CPU's) kernel stack.
 *
 * @param pid the PID, -1 when unknown
 * @param comm the command, null when unknown
 * @param task the task_struct address, 0 when unknown
 * @param cpu the CPU, -1 when not running
 * @param source where the unwinding started ("NT_PRSTATUS of CPU 0", "saved context")
 * @param frames the frames, innermost first
 */
public record TaskStack(int pid, String comm, long task, int cpu, String source, List<Frame> frames) {

    /** crash's bt layout: a header, {@code #N [sp] function at pc}, exception registers. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("PID: %-8s TASK: %s  CPU: %-4s COMMAND: \"%s\"%n", pid < 0 ? "?" : String.valueOf(pid),
                task == 0 ? "?" : Hex.addr(task), cpu < 0 ? "-" : String.valueOf(cpu), comm == null ? "?" : comm));
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            sb.append(String.format("%s#%d [%s] %s at %s%s%n", i < 10 ? " " : "", i, Hex.addr(f.sp()),
                    f.function() == null ? "(unknown)" : f.function() + "+0x" + Long.toHexString(f.offset()),
                    Hex.addr(f.pc()), (f.module() == null ? "" : " [" + f.module() + "]")
                            + (f.note() == null || f.note().equals("exception") ? "" : "  (" + f.note() + ")")));
            if (f.regs() != null) {
                // crash's marker for a kernel-mode exception frame: where the CPU was interrupted.
                if (i + 1 < frames.size() && "exception".equals(frames.get(i + 1).note())) {
                    Frame at = frames.get(i + 1);
                    sb.append("    [exception RIP: ").append(at.function() == null ? Hex.addr(at.pc())
                            : at.function() + "+" + at.offset()).append("]\n");
                }
                appendRegs(sb, f.regs());
            }
        }
        return sb.toString();
    }

    static void appendRegs(StringBuilder sb, Registers r) {
        List<String> names = new ArrayList<>(r.values().keySet());
        for (int i = 0; i < names.size(); i += 3) {
            sb.append("   ");
            for (int j = i; j < Math.min(i + 3, names.size()); j++) {
                sb.append(String.format(" %8s: %s", names.get(j).toUpperCase(java.util.Locale.ROOT), Hex.addr(r.get(names.get(j)))));
            }
            sb.append('\n');
        }
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", pid < 0 ? null : pid);
        m.put("comm", comm);
        m.put("task", task == 0 ? null : Hex.of(task));
        m.put("cpu", cpu < 0 ? null : cpu);
        m.put("source", source);
        m.put("frames", frames(frames));
        return m;
    }

    static List<Object> frames(List<Frame> frames) {
        List<Object> out = new ArrayList<>();
        for (Frame f : frames) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("function", f.function());
            j.put("offset", f.function() == null ? null : f.offset());
            j.put("module", f.module());
            j.put("pc", Hex.of(f.pc()));
            j.put("sp", Hex.of(f.sp()));
            if (f.note() != null) {
                j.put("note", f.note());
            }
            if (f.regs() != null) {
                Map<String, Object> regs = new LinkedHashMap<>();
                f.regs().values().forEach((k, v) -> regs.put(k, Hex.of(v)));
                j.put("registers", regs);
            }
            out.add(j);
        }
        return out;
    }
}
