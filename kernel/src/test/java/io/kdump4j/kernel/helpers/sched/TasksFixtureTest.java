package io.kdump4j.kernel.helpers.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.kernel.FixtureDumps;
import io.kdump4j.kernel.KernelDump;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The task list of each x86_64 fixture against the real tools with debug info: crash's
 * {@code list task_struct.tasks -s task_struct.pid,comm -h init_task} (crash.txt) and drgn's
 * {@code for_each_task} count and first/last tasks (drgn.txt).
 */
class TasksFixtureTest {
    private static final Pattern CRASH_TASK = Pattern.compile("(?m)^  pid = (\\d+),\\n  comm = \"(.*)\",$");
    private static final Pattern CRASH_PS = Pattern.compile("(?m)^>? +(\\d+) +\\d+ +\\d+ +([0-9a-f]{16}) +[A-Z]{2} ");
    private static final Pattern DRGN_COUNT = Pattern.compile("(\\d+) tasks; first/last: \\[(.*)\\] \\.\\.\\. \\[(.*)\\];");

    /** Cases where crash printed its task list ({@code task} output; crash 8.0.2 stops early on 6.12). */
    static Stream<FixtureDumps.Case> withCrashTaskList() throws IOException {
        return cases().filter(c -> FixtureDumps.withCrashOutputUnchecked(CRASH_TASK).contains(c));
    }

    /** Cases where crash printed its ps lines. */
    static Stream<FixtureDumps.Case> withCrashPs() throws IOException {
        return cases().filter(c -> FixtureDumps.withCrashOutputUnchecked(CRASH_PS).contains(c));
    }

    static Stream<FixtureDumps.Case> cases() throws IOException {
        return FixtureDumps.all().stream().filter(c -> c.golden("drgn.txt").isPresent());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void taskListEqualsDrgnAndCrash(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            List<TaskInfo> tasks = Tasks.of(k).list();
            Set<String> ours = tasks.stream().filter(t -> t.pid() != 0)
                    .map(t -> t.pid() + " " + t.comm()).collect(Collectors.toCollection(TreeSet::new));
            String drgn = Files.readString(c.golden("drgn.txt").orElseThrow(), StandardCharsets.UTF_8);
            Matcher m = DRGN_COUNT.matcher(drgn);
            assertTrue(m.find(), "drgn.txt has a for_each_task line");
            assertEquals(Integer.parseInt(m.group(1)), ours.size(), "drgn's task count");
            for (String quoted : (m.group(2) + ", " + m.group(3)).split(", ")) {
                String t = quoted.replace("'", "").trim();
                assertTrue(ours.contains(t), "drgn lists " + t + "; we have " + ours);
            }
            assertTrue(tasks.stream().anyMatch(t -> t.pid() == 0 && t.comm().equals("swapper/0")));
            assertEquals(k.cpus(), tasks.stream().filter(TaskInfo::onCpu).count(), "one current task per CPU");
            assertTrue(tasks.stream().anyMatch(t -> t.pid() == 1 && t.comm().equals("init") && t.onCpu()));
        }
    }

    /** crash's ps lines (it lists only the running tasks on 6.1): the VSZ column in KiB. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("withCrashPs")
    void vszEqualsCrash(FixtureDumps.Case c) throws IOException {
        String crash = Files.readString(c.golden("crash.txt").orElseThrow(), StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("(?m)^>? +(\\d+) +\\d+ +\\d+ +([0-9a-f]{16}) +[A-Z]{2} +[0-9.]+ +(\\d+) +\\d+ ").matcher(crash);
        int compared = 0;
        try (KernelDump k = FixtureDumps.open(c)) {
            Map<Long, TaskInfo> byAddr = Tasks.of(k).list().stream()
                    .collect(Collectors.toMap(TaskInfo::address, t -> t, (a, b) -> a));
            while (m.find()) {
                TaskInfo t = byAddr.get(Long.parseUnsignedLong(m.group(2), 16));
                assertEquals(Integer.parseInt(m.group(1)), t.pid());
                assertEquals(Long.parseLong(m.group(3)), t.vszPages() * k.pageSize() / 1024, t.toString());
                compared++;
            }
        }
        assertTrue(compared >= 3, compared + " ps lines");
    }

    /**
     * The PID namespace's IDR (an xarray: {@code init_pid_ns.idr.idr_rt}) maps every PID in use
     * to its {@code struct pid}: its indexes are exactly the tasks' PIDs.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pidIdrHoldsEveryTaskPid(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            io.kdump4j.kernel.types.KernelTypes types = io.kdump4j.kernel.types.KernelTypes.of(k);
            long ns = io.kdump4j.kernel.symbols.KernelSymbols.of(k).address("init_pid_ns");
            long xa = ns + types.offset("pid_namespace", "idr.idr_rt");
            Set<Long> ids = new TreeSet<>(io.kdump4j.kernel.types.XArrays.entries(types, xa).keySet());
            Set<Long> pids = Tasks.of(k).list().stream().filter(t -> t.pid() > 0).map(t -> (long) t.pid())
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(pids, ids);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withCrashTaskList")
    void taskListEqualsCrashList(FixtureDumps.Case c) throws IOException {
        String crash = Files.readString(c.golden("crash.txt").orElseThrow(), StandardCharsets.ISO_8859_1);
        Matcher m = CRASH_TASK.matcher(crash);
        Set<String> expected = new TreeSet<>();
        while (m.find()) {
            expected.add(m.group(1) + " " + m.group(2).replaceAll("(\\\\000)+$", ""));
        }
        try (KernelDump k = FixtureDumps.open(c)) {
            Map<Long, TaskInfo> byAddr = Tasks.of(k).list().stream()
                    .collect(Collectors.toMap(TaskInfo::address, t -> t, (a, b) -> a));
            Set<String> ours = new TreeSet<>();
            long init = Tasks.of(k).initTask();
            ours.add(byAddr.get(init).pid() + " " + byAddr.get(init).comm());
            byAddr.values().stream().filter(t -> t.pid() != 0).forEach(t -> ours.add(t.pid() + " " + t.comm()));
            assertEquals(expected, ours);
        }
    }
}
