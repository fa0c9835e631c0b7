package io.kdump4j.analyze;

import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.helpers.panic.PanicInfo;
import io.kdump4j.kernel.helpers.panic.Panics;
import io.kdump4j.kernel.helpers.sched.TaskInfo;
import io.kdump4j.kernel.helpers.sched.Tasks;
import io.kdump4j.kernel.unwind.Stacks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code bt [PID | -a]}: kernel stacks of the panicking task, of one task, or of every CPU's task. */
public record BtResult(List<TaskStack> stacks) implements Result {

    /** The panicking CPU's stack (crash's plain {@code bt}). */
    public static BtResult panic(Session s) throws IOException {
        return new BtResult(List.of(panicStack(s.kernel())));
    }

    /** The stack of the panicking CPU, from its NT_PRSTATUS registers. */
    static TaskStack panicStack(KernelDump k) throws IOException {
        PanicInfo p = Panics.of(k);
        Stacks st = Stacks.of(k);
        List<Stacks.CpuState> cpus = st.cpuStates();
        if (cpus.isEmpty()) {
            throw new io.kdump4j.format.io.DumpFormatException(k.dump().name(), -1, "no NT_PRSTATUS note: no CPU registers to start from");
        }
        int cpu = p.cpu() >= 0 && p.cpu() < cpus.size() ? p.cpu() : 0;
        Stacks.CpuState c = cpus.get(cpu);
        return new TaskStack(p.pid() >= 0 ? p.pid() : c.pid(), p.comm(), p.task(), cpu,
                "NT_PRSTATUS of CPU " + cpu, st.cpuStack(c, true));
    }

    /** The stacks of the tasks running on each CPU ({@code bt -a}). */
    public static BtResult allCpus(Session s) throws IOException {
        KernelDump k = s.kernel();
        Stacks st = Stacks.of(k);
        int panicCpu = Panics.of(k).cpu();
        Map<Integer, Long> current = currentOrEmpty(k);
        List<TaskStack> out = new ArrayList<>();
        for (Stacks.CpuState c : st.cpuStates()) {
            Long task = current.get(c.cpu());
            TaskInfo info = task == null ? null : Tasks.of(k).info(task, true);
            out.add(new TaskStack(info == null ? c.pid() : info.pid(), info == null ? null : info.comm(),
                    task == null ? 0 : task, c.cpu(), "NT_PRSTATUS of CPU " + c.cpu(), st.cpuStack(c, c.cpu() == panicCpu)));
        }
        return new BtResult(out);
    }

    /** The stack of every thread with that PID (usually one; PID 0 is every idle task). */
    public static BtResult pid(Session s, int pid) throws IOException {
        KernelDump k = s.kernel();
        Stacks st = Stacks.of(k);
        int panicCpu = Panics.of(k).cpu();
        List<TaskStack> out = new ArrayList<>();
        for (TaskInfo t : Tasks.of(k).list()) {
            if (t.pid() != pid) {
                continue;
            }
            if (t.onCpu() && t.cpu() < st.cpuStates().size()) {
                Stacks.CpuState c = st.cpuStates().get(t.cpu());
                out.add(new TaskStack(t.pid(), t.comm(), t.address(), t.cpu(), "NT_PRSTATUS of CPU " + t.cpu(),
                        st.cpuStack(c, t.cpu() == panicCpu)));
            } else {
                out.add(new TaskStack(t.pid(), t.comm(), t.address(), -1, "saved context", st.taskStack(t.address())));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no task with PID " + pid);
        }
        return new BtResult(out);
    }

    private static Map<Integer, Long> currentOrEmpty(KernelDump k) {
        try {
            return Tasks.of(k).currentTasks();
        } catch (IOException e) {
            return Map.of();
        }
    }

    @Override
    public String toText() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < stacks.size(); i++) {
            if (i > 0) {
                sb.append('\n');
            }
            sb.append(stacks.get(i).toText());
        }
        return sb.toString();
    }

    @Override
    public Object toJson() {
        List<Object> out = new ArrayList<>();
        for (TaskStack t : stacks) {
            out.add(t.toJson());
        }
        return out;
    }
}
