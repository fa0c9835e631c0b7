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
 * dump-guest-memory): an OOM panic (vm.panic_on_oom), a hung-task panic (a writer blocked on a
 * frozen ext4), and the lab module's NULL dereference, BUG(), WARN() with panic_on_warn,
 * general protection fault and soft lockup. The dumps are large and made on demand into the
 * cache; without them the tests are skipped (run {@code lab/crashlab/crashlab.sh MODE}).
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

    /** The lab module's crashes: class, evidence, culprit in the module, taint, signature. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource({
        "null, null-pointer-dereference, crashlab_null_deref, log, Kernel panic - not syncing: Fatal exception",
        "bug, bug, crashlab_bug, log, Kernel panic - not syncing: Fatal exception",
        "warn, warning, crashlab_warn, log, Kernel panic - not syncing: kernel: panic_on_warn set ...",
        "gpf, general-protection-fault, crashlab_gpf, log, Kernel panic - not syncing: Fatal exception",
        "softlockup, soft-lockup, crashlab_spin, stack, Kernel panic - not syncing: softlockup: hung tasks"})
    void moduleCrashes(String mode, String cls, String culprit, String source, String message) throws IOException {
        CrashReport r = analyze(dump(mode));
        assertEquals(cls, r.panicClass());
        assertEquals(message, r.classification().panicMessage());
        assertEquals(culprit, r.culprit().function());
        assertEquals("crashlab_mod", r.culprit().module());
        assertEquals(source, r.culprit().source());
        assertEquals(1, r.pid());
        assertEquals(List.of(culprit, "crashlab_init", "do_one_initcall", "do_init_module"), r.signatureFrames());
        // O (out-of-tree) and E (unsigned) for the lab module; D after an Oops; L after a soft lockup.
        String letters = io.kdump4j.kernel.helpers.panic.Taint.letters(r.taintMask());
        assertTrue(letters.contains("O") && letters.contains("E"), letters);
        assertEquals(mode.equals("null") || mode.equals("bug") || mode.equals("gpf"), letters.contains("D"), letters);
        assertEquals(mode.equals("softlockup"), letters.contains("L"), letters);
        // The stack goes on below the module's init function into the kernel (module init text ORC).
        List<String> f = r.frames().stream().map(x -> x.function()).toList();
        assertTrue(f.containsAll(List.of(culprit, "crashlab_init", "do_one_initcall", "do_syscall_64")), f.toString());
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
