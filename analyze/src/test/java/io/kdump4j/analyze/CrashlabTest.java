package io.kdump4j.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.kernel.unwind.Frame;
import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real panics other than sysrq, made by lab/crashlab/run.sh on every kernel of the lab
 * (scripts/setup-crashlab.sh: the host's default Debian kernel and sid's newest), each in QEMU,
 * saved with dump-guest-memory: an OOM panic (vm.panic_on_oom), a hung-task panic (a writer
 * blocked on a frozen ext4), and the lab module's NULL dereference, BUG(), WARN() with
 * panic_on_warn, general protection fault and soft lockup. Each analysis is held to what the
 * crashed kernel printed on its console (CrashlabConsole): the report's class, the panic line,
 * the panicking task, the modules, the culprit (the RIP line's function and module) and the call
 * trace. Skipped only where the lab has not run (no console log): CI runs it.
 */
class CrashlabTest {

    static final List<String> MODES = List.of("null", "bug", "warn", "gpf", "softlockup", "oom", "hung");
    static final List<String> MODULE_MODES = MODES.subList(0, 5);

    /** The lab's kernels, as scripts/setup-crashlab.sh listed them. */
    static List<String> releases() {
        Path list = Fixtures.cache().resolve("crashlab").resolve("kernels");
        try {
            return Files.isRegularFile(list) ? Files.readAllLines(list).stream().filter(l -> !l.isBlank()).toList()
                    : List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Stream<Arguments> runs() {
        return runs(MODES);
    }

    static Stream<Arguments> moduleRuns() {
        return runs(MODULE_MODES);
    }

    private static Stream<Arguments> runs(List<String> modes) {
        List<String> r = releases();
        if (r.isEmpty()) {
            return Stream.of(Arguments.of("(none)", "(none)"));
        }
        return r.stream().flatMap(k -> modes.stream().map(m -> Arguments.of(k, m)));
    }

    private static Path run(String release, String mode) {
        Path dir = Fixtures.cache().resolve("crashlab").resolve(release).resolve(mode);
        assumeTrue(Files.isRegularFile(dir.resolve("run.log")) || Files.isRegularFile(dir.resolve("console.log")),
                "the crash lab has not run " + mode + " on " + release + " (" + dir
                        + "): scripts/setup-crashlab.sh, then lab/crashlab/run.sh");
        assertTrue(Files.isRegularFile(dir.resolve("console.log")), "the lab's run made no console log: see "
                + dir.resolve("run.log"));
        return dir;
    }

    /** The dump of a run: a console log without a dump is a lab run that went wrong (a failure). */
    private static Path dump(Path run) {
        Path p = run.resolve("vmcore.elf");
        assertTrue(Files.isRegularFile(p), "no dump " + p + ": the kernel did not panic; see " + run.resolve("console.log"));
        return p;
    }

    /** Module function each mode of lab/crashlab/module/crashlab_mod.c faults or spins in. */
    private static String moduleFunction(String mode) {
        return switch (mode) {
            case "null" -> "crashlab_null_deref";
            case "bug" -> "crashlab_bug";
            case "warn" -> "crashlab_warn";
            case "gpf" -> "crashlab_gpf";
            case "softlockup" -> "crashlab_spin";
            default -> null;
        };
    }

    /** Reports already made in this test run (each dump is analyzed once). */
    private static final Map<Path, CrashReport> REPORTS = new ConcurrentHashMap<>();

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

    private static List<String> names(List<Frame> frames) {
        return frames.stream().map(Frame::function).toList();
    }

    /** Index of a function in a list of names, clone suffixes (.cold, .isra.0) aside; -1 if absent. */
    private static int indexOf(List<String> names, String function) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) != null && Signature.normalize(names.get(i)).equals(Signature.normalize(function))) {
                return i;
            }
        }
        return -1;
    }

    /** One run of the lab: what the kernel printed, and kdump4j's report on its dump. */
    private record Lab(CrashlabConsole console, CrashReport report) {
        static Lab of(String release, String mode) throws IOException {
            Path run = run(release, mode);
            return new Lab(CrashlabConsole.read(run.resolve("console.log")), analyze(dump(run)));
        }
    }

    /** Class, panic line, panicking task and modules: as the kernel printed them. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("runs")
    void reportIsTheConsoles(String release, String mode) throws IOException {
        Lab lab = Lab.of(release, mode);
        CrashlabConsole c = lab.console();
        CrashReport r = lab.report();
        assertEquals(c.headlineClass(), r.panicClass(), "panic class");
        assertEquals(c.panicLine(), r.classification().panicMessage(), "panic line");
        String[] task = c.panickingTask();
        assertEquals(Integer.parseInt(task[0]), r.pid(), "panicking pid");
        assertEquals(task[1], r.comm(), "panicking comm");
        assertNotNull(r.modules(), "modules");
        assertEquals(new java.util.TreeSet<>(c.modules()), new java.util.TreeSet<>(r.modules()), "modules");
    }

    /**
     * The culprit: the RIP line's function and module when the fault is in a module; otherwise a
     * function of the kernel's own Call Trace (of the blocked task for a hung task). Then the call
     * trace: kdump4j's frames below the culprit are exactly the reliable entries the kernel's
     * unwinder printed below it (all of them when the culprit is the RIP).
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("runs")
    void culpritAndTraceAreTheConsoles(String release, String mode) throws IOException {
        Lab lab = Lab.of(release, mode);
        CrashlabConsole c = lab.console();
        CrashReport r = lab.report();
        assertNotNull(r.culprit(), "no culprit");
        String culprit = r.culprit().function();
        List<String> trace = c.firstTrace();
        String[] rip = c.rip();
        if (rip != null && !rip[1].isEmpty()) {
            assertEquals(rip[0], culprit, "culprit = the RIP line's function");
            assertEquals(rip[1], r.culprit().module(), "culprit's module = the RIP line's");
        } else {
            assertTrue(indexOf(trace, culprit) >= 0, "culprit " + culprit + " not in the console's trace " + trace);
        }
        if (moduleFunction(mode) != null) {
            assertEquals(moduleFunction(mode), culprit, "the lab module's function for " + mode);
            assertEquals("crashlab_mod", r.culprit().module());
        }
        List<Frame> stack = mode.equals("hung") ? r.blockedTasks().get(0).frames() : r.frames();
        List<String> f = names(stack);
        int at = indexOf(f, culprit);
        assertTrue(at >= 0, "culprit " + culprit + " not in kdump4j's frames " + f);
        int t = indexOf(trace, culprit);
        List<String> below = t < 0 ? trace : trace.subList(t + 1, trace.size());
        assertTrue(below.size() >= 3, "console trace " + trace);
        assertEquals(below, f.subList(at + 1, f.size()), "frames below " + culprit + " (console: " + trace + ")");
    }

    /** The lab module's crashes: culprit's source, taint, signature, the faulting frame's %pS. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("moduleRuns")
    void moduleCrashes(String release, String mode) throws IOException {
        Path run = run(release, mode);
        CrashReport r = analyze(dump(run));
        String culprit = moduleFunction(mode);
        // A soft lockup spins (the RIP is udelay's): the culprit comes from the stack, else from the log.
        assertEquals(mode.equals("softlockup") ? "stack" : "log", r.culprit().source());
        assertEquals(List.of(culprit, "crashlab_init", "do_one_initcall", "do_init_module"), r.signatureFrames());
        // O (out-of-tree) and E (unsigned) for the lab module; D after an Oops; L after a soft lockup.
        String letters = io.kdump4j.kernel.helpers.panic.Taint.letters(r.taintMask());
        assertTrue(letters.contains("O") && letters.contains("E"), letters);
        assertEquals(mode.equals("null") || mode.equals("bug") || mode.equals("gpf"), letters.contains("D"), letters);
        assertEquals(mode.equals("softlockup"), letters.contains("L"), letters);
        // The stack goes on below the module's init function into the kernel (module init text ORC).
        List<String> f = names(r.frames());
        assertTrue(f.containsAll(List.of(culprit, "crashlab_init", "do_one_initcall", "do_syscall_64")), f.toString());
        if (!mode.equals("softlockup")) {
            // The faulting frame, symbolized from the module's own kallsyms, reads as the kernel's %pS.
            Classification.LogLocation l = r.classification().location();
            Frame fault = r.frames().stream().filter(x -> culprit.equals(x.function())).findFirst().orElseThrow();
            assertEquals(l.offset(), fault.offset());
            assertEquals(l.size(), fault.size());
            assertEquals(l.module(), fault.module());
        }
    }

    /** One bug, one signature: the module's crashes on every kernel of the lab (other code, KASLR) match. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"null", "bug", "warn", "gpf", "softlockup"})
    void signaturesAgreeAcrossKernels(String mode) throws IOException {
        List<String> releases = releases();
        assumeTrue(releases.size() >= 2, "the lab ran fewer than two kernels");
        String first = analyze(dump(run(releases.get(0), mode))).signature();
        for (String k : releases.subList(1, releases.size())) {
            assertEquals(first, analyze(dump(run(k, mode))).signature(), releases.get(0) + " vs " + k);
        }
    }

    /** The OOM panic: the kernel's own evidence line and the user-mode page fault's registers. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("releases")
    void oomPanic(String release) throws IOException {
        CrashReport r = analyze(dump(run(release, "oom")));
        assertTrue(r.classification().evidence().contains("invoked oom-killer"), r.classification().evidence());
        assertEquals("out_of_memory", Signature.normalize(r.culprit().function()));
        assertTrue(r.frames().get(r.frames().size() - 1).regs() != null, "the user-mode page fault's pt_regs");
    }

    /** The hung task: the blocked writer the kernel reported, its frames, the culprit's source. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("releases")
    void hungTaskPanic(String release) throws IOException {
        CrashReport r = analyze(dump(run(release, "hung")));
        assertEquals("khungtaskd", r.comm(), "the panicking task");
        assertTrue(r.classification().evidence().matches("INFO: task init:\\d+ blocked for more than 2 seconds\\."),
                r.classification().evidence());
        TaskStack blocked = r.blockedTasks().get(0);
        assertEquals("init", blocked.comm());
        assertTrue(r.classification().evidence().contains(":" + blocked.pid() + " "), "the reported task is the blocked one");
        assertEquals("blocked task " + blocked.pid(), r.culprit().source());
        assertTrue(names(blocked.frames()).containsAll(List.of("__schedule", "mnt_want_write", "path_openat")),
                names(blocked.frames()).toString());
    }
}
