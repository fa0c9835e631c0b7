package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.helpers.printk.KernelLog;
import io.kdump4j.kernel.helpers.printk.LogRecord;
import io.kdump4j.testkit.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The kernel matrix (issue 11, tests/e2e/README.md): for each Debian kernel, the NEWEST one of its
 * suite and flavour at run time (scripts/fetch-kernel.sh), the kdump4j cycle in QEMU; just before
 * sysrq-c the first kernel records its own /proc/modules, every /proc/PID/stat and /proc/meminfo
 * (tests/e2e/truth.sh) and prints its Call Trace at the panic; the capture kernel saves a level-31
 * dump with kdump4j; then `ps`, `mod`, `kmem -i`, `bt` and `analyze` on that dump are checked
 * against what the first kernel said — not against another tool. One dynamic test per kernel and
 * check ("sid amd64 7.2.13+deb14-amd64: ps"), so a red build names both.
 *
 * <p>Two cycles run at a time ({@code -Dkdump4j.matrix.parallel}); the kernels are
 * {@code -Dkdump4j.matrix.kernels="SUITE [SERIES] FLAVOUR;..."}. Runs in the e2e profile; a
 * developer skips it with {@code -Dkdump4j.matrix=false}, which CI (CI=true) ignores.
 */
class KernelMatrixE2eTest {
    /**
     * The kernels every CI run checks (issue 11): the arm64 spec first, as the longest cycle;
     * bullseye 5.10 while the archive serves it (its dumps are read with the kallsyms shape scan).
     */
    static final String KERNELS = "sid arm64; bullseye 5.10 amd64; bookworm 6.1 amd64; bookworm 6.12 amd64; trixie amd64;"
            + " sid amd64; experimental amd64; sid rt-amd64; trixie cloud-amd64";
    /** MemFree, Cached, Buffers and Shmem move between the recording and the panic; see {@link #kmem}. */
    static final long KMEM_TOLERANCE_KB = 4096;

    /** One kernel's cycle: what happened, and what the checks found. */
    record Cycle(String spec, String release, Path work, Path dump, KernelTruth truth, List<String> console,
                 double fetchS, double cycleS, Optional<String> failure) {
    }

    /** One check's outcome, with the numbers for the table ("tasks 23/23"). */
    record Check(String name, boolean ok, String detail) {
    }

    @TestFactory
    Stream<DynamicTest> kernelMatrix() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("kdump4j.e2e"), "the kernel matrix runs with -Pe2e (-Dkdump4j.e2e=true)");
        boolean ci = "true".equals(System.getenv("CI"));
        Assumptions.assumeTrue(ci || Boolean.parseBoolean(System.getProperty("kdump4j.matrix", "true")),
                "kernel matrix skipped by -Dkdump4j.matrix=false (CI=true runs it regardless)");
        Path root = Path.of(System.getProperty("kdump4j.root", "..")).toAbsolutePath().normalize();
        List<String> specs = Stream.of(System.getProperty("kdump4j.matrix.kernels", KERNELS).split(";"))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        int parallel = Integer.getInteger("kdump4j.matrix.parallel", 2);
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        Map<String, Future<Cycle>> running = new LinkedHashMap<>();
        for (String spec : specs) {
            running.put(spec, pool.submit(() -> cycle(root, spec)));
        }
        pool.shutdown();
        Map<Cycle, List<Check>> results = new LinkedHashMap<>();
        for (var e : running.entrySet()) {
            Cycle c = e.getValue().get(40, TimeUnit.MINUTES);
            results.put(c, checks(c));
        }
        double totalS = (System.nanoTime() - t0) / 1e9;
        System.out.println(table(results, totalS, parallel));
        List<DynamicTest> tests = new ArrayList<>();
        for (var e : results.entrySet()) {
            Cycle c = e.getKey();
            String who = c.spec() + " " + c.release();
            tests.add(DynamicTest.dynamicTest(who + ": cycle", () ->
                    assertTrue(c.failure().isEmpty(), who + ": " + c.failure().orElse("") + " (" + c.work() + ")")));
            for (Check k : e.getValue()) {
                tests.add(DynamicTest.dynamicTest(who + ": " + k.name(), () -> assertTrue(k.ok(), who + ": " + k.name() + ": " + k.detail())));
            }
        }
        return tests.stream();
    }

    /** Fetches the kernel, runs the cycle, reads the saved dump and the truth off the test disk. */
    static Cycle cycle(Path root, String spec) {
        long t0 = System.nanoTime();
        String release = "?";
        Path work = Fixtures.cache().resolve("e2e/matrix/" + spec.replace(' ', '-'));
        try {
            Path kernelDir = Path.of(exec(root, List.of(root.resolve("scripts/fetch-kernel.sh").toString()), spec.split(" "), Map.of())
                    .strip().lines().reduce((a, b) -> b).orElseThrow());
            release = kernelDir.getFileName().toString();
            double fetchS = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            boolean arm64 = spec.endsWith("arm64");
            Path console;
            Path disk;
            if (arm64) {
                // the arm64 harness: our kexec_load, device tree and purgatory in qemu-system-aarch64
                String tag = "matrix-" + spec.replace(' ', '-');
                work = Fixtures.cache().resolve("e2e-arm64/" + tag);
                exec(root, List.of(root.resolve("scripts/e2e-arm64.sh").toString()), new String[0],
                        Map.of("KERNEL", spec, "TAG", tag, "TIMEOUT", "900", "MAKEDUMPFILE", "no"));
                console = work.resolve("console.log");
                disk = work.resolve("disk.img");
            } else {
                E2eHarness.deleteTree(work);
                Files.createDirectories(work);
                Path staging = E2eHarness.stage(kernelDir, work);
                Path initrd = staging.resolve("boot/initrd.img");
                List<String> args = E2eHarness.initramfsArgs(initrd, E2eHarness.config(work, "initrd.img"), release, kernelDir,
                        E2eHarness.firstBoot(root, work, "first-boot.sh"), "gzip", work);
                synchronized (KernelMatrixE2eTest.class) {
                    // one build at a time: they share the jlink'd runtime in the cache
                    int rc = Main.run(args.toArray(String[]::new));
                    if (rc != 0) {
                        throw new IllegalStateException("kdump4j initramfs exit " + rc);
                    }
                }
                disk = E2eHarness.disk(work, staging);
                console = work.resolve("console.log");
                E2eHarness.runQemu(E2eHarness.x86Qemu(kernelDir, initrd, disk, "256M"), console,
                        Integer.getInteger("kdump4j.e2e.timeout", 600));
            }
            double cycleS = (System.nanoTime() - t1) / 1e9;
            List<String> log = Files.readAllLines(console, StandardCharsets.UTF_8);
            Path dump = work.resolve("vmcore");
            Files.deleteIfExists(dump);
            // The capture saves into a new dated directory (YYYYMMDD-HHMMSS/vmcore): the newest one.
            List<String> dirs = KdumpCycleE2eTest.dumpDirs(disk);
            if (!dirs.isEmpty()) {
                Fixtures.run(List.of("debugfs", "-R", "dump /kdump4j/" + dirs.get(dirs.size() - 1) + "/vmcore " + dump,
                        disk.toString()));
            }
            Path truthDir = work.resolve("truth");
            E2eHarness.deleteTree(truthDir);
            Fixtures.run(List.of("debugfs", "-R", "rdump /truth " + work, disk.toString()));
            Optional<String> failure = Optional.empty();
            KernelTruth truth = null;
            if (!Files.isRegularFile(dump) || Files.size(dump) == 0) {
                failure = Optional.of("no dump saved; console: " + String.join(" | ", E2eHarness.tail(String.join("\n", log), 8)));
            } else if (!Files.isRegularFile(truthDir.resolve("stat"))) {
                failure = Optional.of("the first kernel recorded no truth (tests/e2e/truth.sh)");
            } else {
                truth = KernelTruth.read(truthDir);
            }
            return new Cycle(spec, release, work, dump, truth, log, fetchS, cycleS, failure);
        } catch (Exception e) {
            return new Cycle(spec, release, work, null, null, List.of(), 0, (System.nanoTime() - t0) / 1e9,
                    Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    static String exec(Path root, List<String> cmd, String[] args, Map<String, String> env) throws Exception {
        List<String> all = new ArrayList<>(cmd);
        all.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(all).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", all) + " failed: " + String.join(" | ", E2eHarness.tail(out, 6)));
        }
        return out;
    }

    /** The checks of one cycle against its truth; none when the cycle saved nothing. */
    static List<Check> checks(Cycle c) throws Exception {
        if (c.failure().isPresent()) {
            return List.of();
        }
        List<Check> out = new ArrayList<>();
        String dump = c.dump().toString();
        List<String> map = new ArrayList<>();
        String savedLevel;
        List<String> dumpLog;
        try (DumpFile d = Dumps.open(c.dump())) {
            savedLevel = d.details().format().id() + " level " + d.details().dumpLevel().orElse(-1)
                    + (d.details().incomplete() ? " INCOMPLETE" : "");
            out.add(new Check("level-31 dump", d.details().dumpLevel().orElse(-1) == 31 && !d.details().incomplete(), savedLevel));
            // Kernels before 6.0 name no kallsyms tables in VMCOREINFO (the kernel commit that added
            // them: 5fd8fea935a1, "vmcoreinfo: include kallsyms symbols", 6.0): kdump4j finds them
            // by their shape (KallsymsScan), so no System.map is given for any kernel here.
            dumpLog = KernelLog.read(KernelDump.open(d)).stream().map(LogRecord::message).toList();
        }
        out.add(ps(c, run("ps", dump, map)));
        out.add(mod(c, run("mod", dump, map)));
        out.add(kmem(c, run("kmem", dump, map, "-i")));
        // The trace the console printed; a PREEMPT_RT kernel may print nothing on the console at
        // panic (its consoles print from threads the panic stops), so then the kernel's own log
        // in the dump is the record of what it said.
        Optional<List<String>> console = KernelTruth.panicTrace(c.console(), false);
        String source = "console";
        if (console.isEmpty()) {
            console = KernelTruth.panicTrace(dumpLog, true);
            source = "dump's kernel log";
        }
        CliRun bt = run("bt", dump, map);
        CliRun analyze = run("analyze", dump, map);
        if (console.isEmpty()) {
            out.add(new Check("bt", false, "no Call Trace after the sysrq panic on the console nor in the dump's log"));
            out.add(new Check("analyze", false, "no Call Trace to judge the culprit by"));
        } else {
            out.add(bt(bt, console.get(), source));
            out.add(analyze(analyze, console.get()));
        }
        return out;
    }

    static CliRun run(String command, String dump, List<String> map, String... extra) {
        List<String> a = new ArrayList<>(List.of(command));
        a.addAll(List.of(extra));
        a.add("--json");
        a.add(dump);
        a.addAll(map);
        return CliRun.of(a.toArray(String[]::new));
    }

    private static final Pattern OBJECT = Pattern.compile("\\{[^{}\\[\\]]*\\}");

    static List<String> objects(String json) {
        List<String> l = new ArrayList<>();
        Matcher m = OBJECT.matcher(json);
        while (m.find()) {
            l.add(m.group());
        }
        return l;
    }

    static Optional<String> field(String object, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\": (\"((?:[^\"\\\\]|\\\\.)*)\"|[-0-9.a-z]+)").matcher(object);
        return m.find() ? Optional.of(m.group(2) != null ? m.group(2) : m.group(1)) : Optional.empty();
    }

    static String failed(CliRun r) {
        return "exit " + r.exitCode() + ": " + r.stderr().strip().lines().findFirst().orElse("");
    }

    /** Every task of /proc in ps, with its comm and parent. */
    static Check ps(Cycle c, CliRun r) {
        if (r.exitCode() != 0) {
            return new Check("ps", false, failed(r));
        }
        Map<Integer, String> byPid = new LinkedHashMap<>();
        for (String o : objects(r.out())) {
            byPid.put(Integer.parseInt(field(o, "pid").orElseThrow()), o);
        }
        List<String> wrong = new ArrayList<>();
        for (KernelTruth.Task t : c.truth().tasks()) {
            String o = byPid.get(t.pid());
            if (o == null) {
                wrong.add(t.pid() + " " + t.comm() + " missing");
            } else if (!sameName(field(o, "comm").orElse(""), t.comm()) || !field(o, "ppid").orElse("").equals(String.valueOf(t.ppid()))) {
                wrong.add(t.pid() + " " + t.comm() + " ppid " + t.ppid() + " vs " + field(o, "comm").orElse("") + " ppid " + field(o, "ppid").orElse(""));
            }
        }
        int n = c.truth().tasks().size();
        return new Check("ps", wrong.isEmpty(), "tasks %d/%d%s".formatted(n - wrong.size(), n, wrong.isEmpty() ? "" : ": " + wrong));
    }

    /**
     * ps prints task_struct.comm (TASK_COMM_LEN 16: at most 15 characters), as crash does; /proc
     * prints what proc_task_name() (fs/proc/array.c) makes of it: a workqueue worker's comm with
     * the workqueue it last ran ("kworker/0:1-events", wq_worker_comm()) and a kernel thread's
     * full name when comm truncated it ("rcu_tasks_kthread", get_kthread_comm()). The same name
     * either way, by the kernel's own rule.
     */
    static boolean sameName(String comm, String proc) {
        return proc.equals(comm)
                || comm.length() == 15 && proc.startsWith(comm)
                || comm.startsWith("kworker/") && proc.startsWith(comm + "-");
    }

    /** Every module of /proc/modules in mod, with its size. */
    static Check mod(Cycle c, CliRun r) {
        if (r.exitCode() != 0) {
            return new Check("mod", false, failed(r));
        }
        Map<String, String> sizes = new LinkedHashMap<>();
        for (String o : objects(r.out())) {
            sizes.put(field(o, "name").orElseThrow(), field(o, "size").orElse("?"));
        }
        List<String> wrong = new ArrayList<>();
        c.truth().modules().forEach((name, size) -> {
            if (!String.valueOf(size).equals(sizes.get(name))) {
                wrong.add(name + " " + size + " vs " + sizes.get(name));
            }
        });
        int n = c.truth().modules().size();
        return new Check("mod", wrong.isEmpty() && sizes.size() == n,
                "modules %d/%d (mod lists %d)%s".formatted(n - wrong.size(), n, sizes.size(), wrong.isEmpty() ? "" : ": " + wrong));
    }

    /**
     * kmem -i against /proc/meminfo. TOTAL MEM is totalram_pages on both sides: equal. FREE,
     * CACHED, BUFFERS and SHMEM are counters the kernel keeps moving after the recording (umount
     * and sync write back and free the test disk's page cache, the shell forks, the panic prints):
     * they must agree within 4 MiB (1024 pages, 0.4% of the guest's 1 GiB).
     */
    static Check kmem(Cycle c, CliRun r) {
        if (r.exitCode() != 0) {
            return new Check("kmem -i", false, failed(r));
        }
        String o = r.out();
        long page = Long.parseLong(field(o, "page_size").orElseThrow()) / 1024;
        Map<String, String> pairs = Map.of("total_pages", "MemTotal", "free_pages", "MemFree", "cached_pages", "Cached",
                "buffers_pages", "Buffers", "shmem_pages", "Shmem");
        List<String> detail = new ArrayList<>();
        boolean ok = true;
        for (String k : List.of("total_pages", "free_pages", "cached_pages", "buffers_pages", "shmem_pages")) {
            long kb = Long.parseLong(field(o, k).orElseThrow()) * page;
            long truth = c.truth().meminfo().get(pairs.get(k));
            long tol = k.equals("total_pages") ? 0 : KMEM_TOLERANCE_KB;
            boolean good = Math.abs(kb - truth) <= tol;
            ok &= good;
            detail.add("%s %d/%d kB%s".formatted(pairs.get(k), kb, truth, good ? "" : " OFF"));
        }
        return new Check("kmem -i", ok, String.join(", ", detail));
    }

    /** The panic CPU's bt holds the trace's functions in their order. */
    static Check bt(CliRun r, List<String> trace, String source) {
        if (r.exitCode() != 0) {
            return new Check("bt", false, failed(r));
        }
        List<String> frames = Pattern.compile("\"function\": (?:\"([^\"]+)\"|null)").matcher(r.out()).results()
                .map(m -> m.group(1) == null ? "?" : m.group(1)).toList();
        int at = 0;
        for (String f : frames) {
            if (at < trace.size() && f.equals(trace.get(at))) {
                at++;
            }
        }
        return new Check("bt", at == trace.size(), "frames %d/%d of the %s trace in order%s".formatted(at, trace.size(), source,
                at == trace.size() ? "" : "; first missing " + trace.get(at) + "; bt: " + frames));
    }

    /** analyze: the sysrq class, a call trace, and the culprit the trace names after panic. */
    static Check analyze(CliRun r, List<String> trace) {
        if (r.exitCode() != 0) {
            return new Check("analyze", false, failed(r));
        }
        String o = r.out();
        String cls = field(o, "panic_class").orElse("none");
        Matcher m = Pattern.compile("\"culprit\": \\{\\s*\"function\": \"([^\"]+)\"").matcher(o);
        String culprit = m.find() ? m.group(1) : "none";
        String expected = trace.stream().filter(f -> !f.equals("panic") && !f.equals("vpanic")).findFirst().orElse("?");
        long frames = Pattern.compile("\"function\": ").matcher(o.substring(Math.max(0, o.indexOf("\"frames\"")))).results().count();
        boolean ok = cls.equals("sysrq") && culprit.equals(expected) && frames > 0;
        return new Check("analyze", ok, "class %s, culprit %s (trace: %s), %d frames".formatted(cls, culprit, expected, frames));
    }

    static String table(Map<Cycle, List<Check>> results, double totalS, int parallel) {
        StringBuilder b = new StringBuilder("kernel matrix (%d at a time, %.0f s in all):%n".formatted(parallel, totalS));
        for (var e : results.entrySet()) {
            Cycle c = e.getKey();
            b.append(String.format(Locale.ROOT, "%-22s %-28s fetch %5.1f s, cycle %6.1f s%n", c.spec(), c.release(), c.fetchS(), c.cycleS()));
            c.failure().ifPresent(f -> b.append("    cycle: FAIL ").append(f).append('\n'));
            for (Check k : e.getValue()) {
                b.append("    ").append(k.name()).append(": ").append(k.ok() ? "pass " : "FAIL ").append(k.detail()).append('\n');
            }
        }
        return b.toString();
    }
}
