package io.kdump4j.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real panics other than sysrq, made by lab/crashlab/crashlab.sh (QEMU, the Debian 6.1 kernel,
 * dump-guest-memory): an OOM panic (vm.panic_on_oom) and a hung-task panic (a writer blocked on
 * a frozen ext4). The dumps are large and made on demand into the cache; without them the tests
 * are skipped (run {@code lab/crashlab/crashlab.sh oom} and {@code ... hung}).
 */
class CrashlabTest {

    private static Path dump(String mode) {
        Path p = Fixtures.cache().resolve("crashlab").resolve(mode).resolve("vmcore.elf");
        assumeTrue(Files.isRegularFile(p), "no crash-lab dump " + p + ": run lab/crashlab/crashlab.sh " + mode);
        return p;
    }

    private static CrashReport analyze(Path dump) throws IOException {
        try (Session s = Session.open(dump, null)) {
            return Analyzer.run(s);
        }
    }

    @Test
    void oomPanic() throws IOException {
        CrashReport r = analyze(dump("oom"));
        assertEquals("oom", r.panicClass());
        assertEquals("Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled",
                r.classification().panicMessage());
        assertTrue(r.classification().evidence().contains("invoked oom-killer"), r.classification().evidence());
        assertEquals(1, r.pid());
        assertEquals("init", r.comm());
        assertEquals("out_of_memory", Signature.normalize(r.culprit().function()));
        List<String> f = r.frames().stream().map(x -> x.function()).toList();
        int panic = f.indexOf("panic");
        assertTrue(panic >= 0 && f.subList(panic, f.size()).containsAll(List.of("__alloc_pages", "handle_mm_fault",
                "exc_page_fault", "asm_exc_page_fault")), f.toString());
        assertTrue(r.frames().get(r.frames().size() - 1).regs() != null, "the user-mode page fault's pt_regs");
        assertEquals(List.of("qemu_fw_cfg"), r.modules());
    }

    @Test
    void hungTaskPanic() throws IOException {
        CrashReport r = analyze(dump("hung"));
        assertEquals("hung-task", r.panicClass());
        assertEquals("Kernel panic - not syncing: hung_task: blocked tasks", r.classification().panicMessage());
        assertEquals("khungtaskd", r.comm(), "the panicking task");
        assertTrue(r.classification().evidence().matches("INFO: task init:\\d+ blocked for more than 2 seconds\\."));
        TaskStack blocked = r.blockedTasks().get(0);
        assertEquals("init", blocked.comm());
        assertTrue(r.classification().evidence().contains(":" + blocked.pid() + " "), "the reported task is the blocked one");
        List<String> f = blocked.frames().stream().map(x -> x.function()).toList();
        assertTrue(f.containsAll(List.of("__schedule", "percpu_rwsem_wait", "mnt_want_write", "path_openat")), f.toString());
        assertEquals("percpu_rwsem_wait", r.culprit().function());
        assertEquals("blocked task " + blocked.pid(), r.culprit().source());
        assertEquals(List.of("percpu_rwsem_wait", "__percpu_down_read", "mnt_want_write", "path_openat"), r.signatureFrames());
        assertTrue(r.modules().containsAll(List.of("ext4", "jbd2", "loop")));
    }
}
