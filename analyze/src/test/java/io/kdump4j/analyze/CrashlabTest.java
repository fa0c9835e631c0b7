package io.kdump4j.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Real panics other than sysrq, made by lab/crashlab/crashlab.sh (QEMU, the Debian 6.1 kernel,
 * dump-guest-memory): an OOM panic (vm.panic_on_oom), a hung-task panic (a writer blocked on a
 * frozen ext4), and the lab module's NULL dereference, BUG(), WARN() with panic_on_warn,
 * general protection fault and soft lockup. The dumps are large and made on demand into the
 * cache; without them the tests are skipped (run {@code lab/crashlab/crashlab.sh MODE}).
 */
class CrashlabTest {

    /** The kernels the lab ran: 6.1 (the default) and 6.12 (KRELEASE=6.12.117+deb12-amd64). */
    static List<String> releases() {
        return List.of("6.1.0-56-amd64", "6.12.117+deb12-amd64");
    }

    private static Path dump(String mode) {
        return dump("6.1.0-56-amd64", mode);
    }

    private static Path dump(String release, String mode) {
        Path dir = Fixtures.cache().resolve("crashlab");
        if (!release.equals("6.1.0-56-amd64")) {
            dir = dir.resolve(release);
        }
        Path p = dir.resolve(mode).resolve("vmcore.elf");
        assumeTrue(Files.isRegularFile(p), "no crash-lab dump " + p + ": run KRELEASE=" + release
                + " lab/crashlab/crashlab.sh " + mode);
        return p;
    }

    /** Reports already made in this test run (each dump is analyzed once). */
    private static final java.util.Map<Path, CrashReport> REPORTS = new java.util.concurrent.ConcurrentHashMap<>();

    private static CrashReport analyze(Path dump) throws IOException {
        CrashReport done = REPORTS.get(dump);
        if (done != null) {
            return done;
        }
        try (Session s = Session.open(dump, null)) {
            CrashReport r = Analyzer.run(s);
            REPORTS.put(dump, r);
            return r;
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("releases")
    void oomPanic(String release) throws IOException {
        CrashReport r = analyze(dump(release, "oom"));
        assertEquals("oom", r.panicClass());
        assertEquals("Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled",
                r.classification().panicMessage());
        assertTrue(r.classification().evidence().contains("invoked oom-killer"), r.classification().evidence());
        assertEquals(1, r.pid());
        assertEquals("init", r.comm());
        assertEquals("out_of_memory", Signature.normalize(r.culprit().function()));
        List<String> f = r.frames().stream().map(x -> x.function()).toList();
        int panic = f.indexOf("panic");
        assertTrue(panic >= 0 && f.subList(panic, f.size()).containsAll(List.of("handle_mm_fault",
                "exc_page_fault", "asm_exc_page_fault")), f.toString());
        // __alloc_pages became __alloc_pages_noprof in Linux 6.10 (memory allocation profiling).
        assertTrue(f.stream().anyMatch(n -> n != null && n.startsWith("__alloc_pages")), f.toString());
        assertTrue(r.frames().get(r.frames().size() - 1).regs() != null, "the user-mode page fault's pt_regs");
        assertEquals(List.of("qemu_fw_cfg"), r.modules());
    }

    /** The lab module's crashes: class, evidence, culprit in the module, taint, signature. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0} {1}")
    @org.junit.jupiter.params.provider.CsvSource({
        "6.1.0-56-amd64, null, null-pointer-dereference, crashlab_null_deref, log, Kernel panic - not syncing: Fatal exception",
        "6.1.0-56-amd64, bug, bug, crashlab_bug, log, Kernel panic - not syncing: Fatal exception",
        "6.1.0-56-amd64, warn, warning, crashlab_warn, log, Kernel panic - not syncing: kernel: panic_on_warn set ...",
        "6.1.0-56-amd64, gpf, general-protection-fault, crashlab_gpf, log, Kernel panic - not syncing: Fatal exception",
        "6.1.0-56-amd64, softlockup, soft-lockup, crashlab_spin, stack, Kernel panic - not syncing: softlockup: hung tasks",
        "6.12.117+deb12-amd64, null, null-pointer-dereference, crashlab_null_deref, log, Kernel panic - not syncing: Fatal exception",
        "6.12.117+deb12-amd64, bug, bug, crashlab_bug, log, Kernel panic - not syncing: Fatal exception",
        "6.12.117+deb12-amd64, warn, warning, crashlab_warn, log, Kernel panic - not syncing: kernel: panic_on_warn set ...",
        "6.12.117+deb12-amd64, gpf, general-protection-fault, crashlab_gpf, log, Kernel panic - not syncing: Fatal exception",
        "6.12.117+deb12-amd64, softlockup, soft-lockup, crashlab_spin, stack, Kernel panic - not syncing: softlockup: hung tasks"})
    void moduleCrashes(String release, String mode, String cls, String culprit, String source, String message)
            throws IOException {
        CrashReport r = analyze(dump(release, mode));
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
        if (source.equals("log")) {
            // The faulting frame, symbolized from the module's own kallsyms, reads as the kernel's %pS.
            Classification.LogLocation l = r.classification().location();
            io.kdump4j.kernel.unwind.Frame fault = r.frames().stream().filter(x -> culprit.equals(x.function()))
                    .findFirst().orElseThrow();
            assertEquals(l.offset(), fault.offset());
            assertEquals(l.size(), fault.size());
            assertEquals(l.module(), fault.module());
        }
    }

    private static final java.util.regex.Pattern TRACE_LINE =
            java.util.regex.Pattern.compile("^ ([A-Za-z_][\\w.]*)\\+0x[0-9a-f]+/0x[0-9a-f]+(?: \\[\\S+\\])?$");

    /**
     * The kernel's own unwinder printed the faulting context's call trace into the log; its
     * reliable entries (those without "?") are exactly kdump4j's frames below the faulting one.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0} {1}")
    @org.junit.jupiter.params.provider.CsvSource({
        "6.1.0-56-amd64, null, crashlab_null_deref", "6.1.0-56-amd64, bug, crashlab_bug",
        "6.1.0-56-amd64, gpf, crashlab_gpf", "6.1.0-56-amd64, warn, crashlab_warn",
        "6.12.117+deb12-amd64, null, crashlab_null_deref", "6.12.117+deb12-amd64, bug, crashlab_bug",
        "6.12.117+deb12-amd64, gpf, crashlab_gpf", "6.12.117+deb12-amd64, warn, crashlab_warn"})
    void framesEqualTheKernelsOwnTrace(String release, String mode, String culprit) throws IOException {
        Path d = dump(release, mode);
        List<String> trace = new java.util.ArrayList<>();
        try (Session s = Session.open(d, null)) {
            boolean in = false;
            for (io.kdump4j.kernel.helpers.printk.LogRecord rec : LogResult.of(s).records()) {
                String m = rec.message();
                if (m.equals("Call Trace:") && trace.isEmpty()) {
                    in = true;
                } else if (in && m.equals(" </TASK>")) {
                    break;
                } else if (in) {
                    java.util.regex.Matcher t = TRACE_LINE.matcher(m);
                    if (t.matches()) {
                        trace.add(t.group(1));
                    }
                }
            }
        }
        List<String> f = analyze(d).frames().stream().map(x -> x.function()).toList();
        int at = f.indexOf(culprit);
        assertTrue(at >= 0 && trace.size() >= 5, f + " / " + trace);
        assertEquals(trace, f.subList(at + 1, f.size()));
    }

    /** One bug, one signature: the module's crashes on 6.1 and 6.12 (other KASLR, other code) match. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"null", "bug", "warn", "gpf", "softlockup", "hung"})
    void signaturesAgreeAcrossKernels(String mode) throws IOException {
        assertEquals(analyze(dump("6.1.0-56-amd64", mode)).signature(), analyze(dump("6.12.117+deb12-amd64", mode)).signature());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("releases")
    void hungTaskPanic(String release) throws IOException {
        CrashReport r = analyze(dump(release, "hung"));
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
