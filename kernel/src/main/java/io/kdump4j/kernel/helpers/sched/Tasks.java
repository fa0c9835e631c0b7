package io.kdump4j.kernel.helpers.sched;

import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.KernelMemory;
import io.kdump4j.kernel.helpers.percpu.PerCpu;
import io.kdump4j.kernel.symbols.KernelSymbols;
import io.kdump4j.kernel.types.KObject;
import io.kdump4j.kernel.types.KernelTypes;
import io.kdump4j.kernel.types.Lists;
import io.kdump4j.kernel.types.TypeLookupException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The task list: {@code init_task}, every task on {@code init_task.tasks} (the thread-group
 * leaders) and each leader's threads ({@code signal->thread_head} linked through
 * {@code task->thread_node}, present since Linux 3.14 and the only thread list since 6.7), plus
 * the idle task of every other CPU ({@code rq->idle}), which no list links.
 */
public final class Tasks {
    /** {@code task_state_array} of fs/proc/array.c: index = fls(state & TASK_REPORT). */
    private static final String STATES = "RSDTtXZP";
    private static final long TASK_REPORT = 0x7f;
    /** {@code TASK_UNINTERRUPTIBLE | TASK_NOLOAD}: reported as 'I' (idle). */
    private static final long TASK_IDLE = 0x402;
    private static final long TASK_REPORT_IDLE = 0x80;

    private final KernelDump dump;
    private final KernelTypes types;
    private final KernelSymbols symbols;

    private Tasks(KernelDump dump) throws IOException {
        this.dump = dump;
        this.types = KernelTypes.of(dump);
        this.symbols = KernelSymbols.of(dump);
    }

    public static Tasks of(KernelDump k) throws IOException {
        return k.service(Tasks.class, Tasks::new);
    }

    /** The address of {@code init_task} (PID 0 of CPU 0). */
    public long initTask() throws IOException {
        return symbols.address("init_task");
    }

    /** Every task_struct address: init_task, the idle tasks, every thread of every process. */
    public List<Long> addresses() throws IOException {
        KernelMemory m = dump.memory();
        Set<Long> out = new java.util.LinkedHashSet<>();
        long init = initTask();
        out.add(init);
        out.addAll(idleTasks().values());
        long tasksOff = types.offset("task_struct", "tasks");
        for (long leader : Lists.entries(m, init + tasksOff, tasksOff)) {
            out.add(leader);
            out.addAll(threads(leader));
        }
        return new ArrayList<>(out);
    }

    /** The threads of a thread group, the leader included. */
    public List<Long> threads(long leader) throws IOException {
        KernelMemory m = dump.memory();
        if (types.has("task_struct", "thread_node") && types.has("signal_struct", "thread_head")) {
            long signal = m.pointer(leader + types.offset("task_struct", "signal"));
            if (signal == 0) {
                return List.of(leader);
            }
            long head = signal + types.offset("signal_struct", "thread_head");
            return Lists.entries(m, head, types.offset("task_struct", "thread_node"));
        }
        long off = types.offset("task_struct", "thread_group");
        List<Long> out = new ArrayList<>();
        out.add(leader);
        out.addAll(Lists.entries(m, leader + off, off));
        return out;
    }

    /** CPU number to {@code rq->idle} of that CPU's runqueue. */
    public Map<Integer, Long> idleTasks() throws IOException {
        return runqueueField("idle");
    }

    /** CPU number to {@code rq->curr}: the task running on each CPU at the crash. */
    public Map<Integer, Long> currentTasks() throws IOException {
        return runqueueField("curr");
    }

    private Map<Integer, Long> runqueueField(String member) throws IOException {
        PerCpu pc = PerCpu.of(dump);
        long off = types.offset("rq", member);
        Map<Integer, Long> out = new LinkedHashMap<>();
        for (int cpu = 0; cpu < pc.cpus(); cpu++) {
            long rq = pc.address("runqueues", cpu);
            long t = dump.memory().pointer(rq + off);
            if (t != 0) {
                out.put(cpu, t);
            }
        }
        return out;
    }

    /** Every task with its ps fields, sorted by PID then task address (crash's order). */
    public List<TaskInfo> list() throws IOException {
        Set<Long> running = new HashSet<>(currentTasks().values());
        List<TaskInfo> out = new ArrayList<>();
        for (long t : addresses()) {
            out.add(info(t, running.contains(t)));
        }
        out.sort(Comparator.comparingInt(TaskInfo::pid).thenComparingInt(TaskInfo::cpu));
        return out;
    }

    /** The ps fields of one task. */
    public TaskInfo info(long task, boolean onCpu) throws IOException {
        KObject t = KObject.of(types, "task_struct", task);
        int pid = (int) t.member("pid").value();
        int tgid = (int) t.member("tgid").value();
        long parent = t.member("real_parent").value();
        // The idle tasks of secondary CPUs are forked by PID 1 during SMP bring-up; like crash and
        // /proc, PID 0 is shown without a parent.
        int ppid = pid == 0 || parent == 0 || parent == task ? 0
                : (int) KObject.of(types, "task_struct", parent).member("tgid").value();
        String comm = t.member("comm").string();
        char state = state(t);
        int cpu = (int) (t.has("thread_info.cpu") ? t.member("thread_info.cpu").value() : t.member("cpu").value());
        long mm = t.member("mm").value();
        long vsz = mm == 0 ? 0 : KObject.of(types, "mm_struct", mm).member("total_vm").value();
        return new TaskInfo(task, pid, tgid, ppid, comm, state, cpu, onCpu, mm == 0, mm == 0 ? 0 : rss(mm), vsz);
    }

    /**
     * The /proc state letter. The state member is {@code __state} since Linux 5.14 (commit
     * 2f064a59a11f "sched: Change task_struct::state"), {@code state} before.
     */
    char state(KObject t) throws IOException {
        long raw = t.has("__state") ? t.member("__state").value() : t.member("state").value();
        long exit = t.member("exit_state").value();
        if (raw == TASK_IDLE) {
            return 'I';
        }
        long s = (raw | exit) & TASK_REPORT;
        if (s == 0) {
            return (raw & TASK_REPORT_IDLE) != 0 ? 'I' : 'R';
        }
        int idx = 64 - Long.numberOfLeadingZeros(s);
        return idx < STATES.length() ? STATES.charAt(idx) : '?';
    }

    /**
     * Resident pages of an mm: MM_FILEPAGES + MM_ANONPAGES + MM_SHMEMPAGES. The counters were
     * {@code atomic_long_t rss_stat.count[]} until Linux 6.2 made them {@code struct percpu_counter
     * rss_stat[]} (commit f1a7941243c1 "mm: convert mm's rss stats into percpu_counter"); the
     * shared count of the latter leaves out what per-CPU deltas hold (at most a batch per CPU).
     * Before 6.2 each thread also kept up to 64 pending events per counter in task->rss_stat
     * (SPLIT_RSS_COUNTING), folded into the mm lazily; like /proc, only the mm's are counted.
     */
    private long rss(long mm) throws IOException {
        try {
            KObject m = KObject.of(types, "mm_struct", mm);
            KObject stat = m.member("rss_stat");
            long total = 0;
            for (String c : new String[] {"MM_FILEPAGES", "MM_ANONPAGES", "MM_SHMEMPAGES"}) {
                long i = types.enumConstant(c).orElseThrow();
                KObject counter = stat.type().kind() == io.kdump4j.kernel.btf.BtfKind.ARRAY
                        ? stat.index(i).member("count") : stat.member("count").index(i);
                total += Math.max(0, counter.has("counter") ? counter.member("counter").value() : counter.value());
            }
            return total;
        } catch (TypeLookupException | java.util.NoSuchElementException e) {
            return -1;
        }
    }
}
