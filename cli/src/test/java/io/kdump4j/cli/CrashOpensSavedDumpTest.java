package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.testkit.Fixtures;
import io.kdump4j.testkit.Makedumpfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The crash utility (Debian 8.0.2) opens our level 31 kdump-compressed save of the x86_64 6.1
 * fixture with the kernel's -dbg vmlinux, and {@code log} and {@code bt} show the panic and the
 * sysrq backtrace; the same commands on makedumpfile's own dump are the control. The vmlinux
 * comes from Debian's linux-image-6.1.0-56-amd64-dbg, fetched once into the cache by
 * scripts/fetch-dbg.sh.
 */
class CrashOpensSavedDumpTest {
    private static final String CRASH = "/usr/bin/crash";
    private static Path dir;
    private static Path vmlinux;

    @BeforeAll
    static void setUp() throws IOException {
        dir = Files.createTempDirectory(Files.isWritable(Path.of("/dev/shm")) ? Path.of("/dev/shm")
                : Path.of(System.getProperty("java.io.tmpdir")), "kdump4j-crash");
        Path script = Path.of("..", "scripts", "fetch-dbg.sh").toAbsolutePath().normalize();
        try {
            String out = Fixtures.run(List.of(script.toString())).strip();
            vmlinux = Path.of(out.substring(out.lastIndexOf('\n') + 1));
        } catch (IOException e) {
            System.err.println("*** SKIPPING the crash tests: the -dbg vmlinux could not be fetched ("
                    + e.getMessage().lines().findFirst().orElse("") + "); run scripts/fetch-dbg.sh by hand ***");
        }
    }

    @AfterAll
    static void clean() throws IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void crashReadsLogAndBacktraceFromOurDump() throws Exception {
        assumeReady();
        Path ours = dir.resolve("d31.zlib");
        CliRun r = CliRun.of("save", "-d", "31", "-c", "zlib",
                Fixtures.elfCore(SaveCommandTest.C61).toString(), ours.toString());
        assertEquals(ExitCodes.OK, r.exitCode(), r.stderr());
        checkCrash(ours);
    }

    /** The control: the same commands on makedumpfile's dump of the same core. */
    @Test
    void crashReadsLogAndBacktraceFromMakedumpfilesDump() throws Exception {
        assumeReady();
        checkCrash(Makedumpfile.variant(SaveCommandTest.C61, "save-c-d31.kdump", "-c", "-d", "31"));
    }

    private static void assumeReady() {
        assumeTrue(vmlinux != null && Files.isRegularFile(vmlinux), "no -dbg vmlinux");
        if (!Files.isExecutable(Path.of(CRASH))) {
            System.err.println("*** SKIPPING: " + CRASH + " is not installed ***");
        }
        assumeTrue(Files.isExecutable(Path.of(CRASH)), "crash is not installed");
    }

    private static void checkCrash(Path dump) throws IOException, InterruptedException {
        Path commands = dir.resolve("commands");
        Files.writeString(commands, "log\nbt\nquit\n");
        Process p = new ProcessBuilder(CRASH, "-s", vmlinux.toString(), dump.toString())
                .redirectInput(commands.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "crash did not finish");
        assertEquals(0, p.exitValue(), out);
        for (String expected : List.of("Kernel panic - not syncing: sysrq triggered crash", "PID: 1 ",
                "COMMAND: \"init\"", "machine_kexec", "__crash_kexec", " panic at ", "sysrq_handle_crash",
                "write_sysrq_trigger", "ksys_write", "do_syscall_64")) {
            assertTrue(out.contains(expected), "crash output lacks \"" + expected + "\":\n" + out);
        }
        assertTrue(!out.contains("page excluded") && !out.contains("read error"), out);
    }
}
