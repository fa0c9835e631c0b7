package io.kdump4j.kernel.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.kernel.FixtureDumps;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.helpers.sched.TaskInfo;
import io.kdump4j.kernel.helpers.sched.Tasks;
import io.kdump4j.kernel.symbols.KernelSymbols;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** hlist and rbtree walks and container_of on kernel data whose shape is known. */
class ContainersFixtureTest {

    static Stream<FixtureDumps.Case> cases() throws IOException {
        return FixtureDumps.all().stream().filter(c -> c.fixture().startsWith("x86_64"));
    }

    /**
     * Every task is on the hlist of its own {@code struct pid}: {@code task->thread_pid->tasks[PIDTYPE_PID]}
     * holds {@code task->pid_links[PIDTYPE_PID]}, and container_of gives the task back.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyTaskIsOnItsPidsHlist(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            KernelTypes t = KernelTypes.of(k);
            int checked = 0;
            for (TaskInfo info : Tasks.of(k).list()) {
                if (info.pid() == 0) {
                    continue;
                }
                KObject task = KObject.of(t, "task_struct", info.address());
                KObject pid = task.member("thread_pid").deref();
                assertEquals(info.pid(), pid.member("numbers").index(0).member("nr").value());
                List<Long> nodes = Lists.hlist(k.memory(), pid.member("tasks").index(0).address());
                long link = task.member("pid_links").index(0).address();
                assertEquals(List.of(link), nodes, info.toString());
                KObject back = KObject.of(t, "hlist_node", nodes.get(0)).containerOf("task_struct", "pid_links");
                assertEquals(info.address(), back.address());
                checked++;
            }
            assertTrue(checked > 40);
        }
    }

    /**
     * {@code vmap_area_root} (an rbtree keyed by {@code va_start}) walked in order gives ascending
     * addresses and the same areas as {@code vmap_area_list} (VMCOREINFO). Linux 6.9 moved busy
     * areas into per-node trees (vmap_nodes), so the 6.12 kernel has neither.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void vmapAreaTreeEqualsTheList(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            KernelSymbols s = KernelSymbols.of(k);
            if (!s.has("vmap_area_root")) {
                // Linux 6.9's "mm: vmalloc: remove global vmap_area_root rb-tree" moved busy areas
                // into per-node trees: a kernel without the global tree must have those instead.
                assertTrue(s.has("vmap_nodes"), "neither vmap_area_root nor vmap_nodes");
                return;
            }
            KernelTypes t = KernelTypes.of(k);
            long rbOff = t.offset("vmap_area", "rb_node");
            List<Long> tree = Lists.rbtree(k.memory(), s.address("vmap_area_root"));
            long prev = 0;
            for (long node : tree) {
                long start = k.memory().u64(node - rbOff + t.offset("vmap_area", "va_start"));
                assertTrue(Long.compareUnsigned(start, prev) > 0, "ascending va_start");
                prev = start;
            }
            List<Long> list = Lists.entries(k.memory(), s.address("vmap_area_list"), t.offset("vmap_area", "list"));
            assertEquals(list, tree.stream().map(n -> n - rbOff).toList());
            assertTrue(tree.size() > 10, tree.size() + " vmap areas");
        }
    }
}
