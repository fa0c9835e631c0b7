package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The analysis subcommands end to end, against crash.txt and the makedumpfile dmesg. */
class AnalysisCommandsTest {
    private static final String X86_61 = "x86_64-6.1.0-56-amd64/sysrq-elf";
    private static final String ARM64 = "arm64-6.1.0-56-arm64/sysrq";

    @TempDir
    Path tmp;

    private static String crashField(String fixture, String name) throws IOException {
        String crash = Files.readString(Fixtures.dir(fixture).resolve("crash.txt"), StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(name) + ": (.*)$").matcher(crash);
        assertTrue(m.find(), name);
        return m.group(1);
    }

    private static String field(String text, String name) {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(name) + ": (.*)$").matcher(text);
        assertTrue(m.find(), name + " in\n" + text);
        return m.group(1);
    }

    @Test
    void sysEqualsCrashOnX86() throws IOException {
        CliRun r = CliRun.of("sys", Fixtures.elfCore(X86_61).toString());
        assertEquals(0, r.exitCode(), r.stderr());
        for (String f : List.of("CPUS", "DATE", "UPTIME", "LOAD AVERAGE", "NODENAME", "RELEASE", "VERSION", "PANIC")) {
            assertEquals(crashField(X86_61, f), field(r.out(), f), f);
        }
        assertTrue(field(r.out(), "MACHINE").startsWith(crashField(X86_61, "MACHINE").substring(0, 6)));
    }

    /** arm64's kernel has no data symbols in kallsyms: with its System.map every command works. */
    @Test
    void arm64WithSystemMapEqualsCrash() throws IOException {
        Path map = tmp.resolve("System.map");
        Fixtures.run(List.of("sh", "-c", "xz -dc '" + Fixtures.dir("arm64-6.1.0-56-arm64/kernel/System.map.xz") + "' > '" + map + "'"));
        String dump = Fixtures.elfCore(ARM64).toString();
        CliRun r = CliRun.of("sys", dump, "--system-map", map.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        for (String f : List.of("CPUS", "DATE", "UPTIME", "LOAD AVERAGE", "RELEASE", "VERSION", "PANIC")) {
            assertEquals(crashField(ARM64, f), field(r.out(), f), f);
        }
        CliRun ps = CliRun.of("ps", dump, "--system-map", map.toString());
        assertEquals(0, ps.exitCode(), ps.stderr());
        assertTrue(ps.out().contains(">       1       0   0  ffff54ee025aa080  R"), ps.out());
        CliRun bt = CliRun.of("bt", dump, "--system-map", map.toString());
        assertTrue(bt.out().startsWith("PID: 1        TASK: ffff54ee025aa080  CPU: 0    COMMAND: \"init\""), bt.out());
    }

    /** Without the System.map, what needs data symbols says so (exit 5); the rest still works. */
    @Test
    void arm64WithoutSystemMap() throws IOException {
        String dump = Fixtures.elfCore(ARM64).toString();
        CliRun ps = CliRun.of("ps", dump);
        assertEquals(ExitCodes.MISSING_DATA, ps.exitCode(), ps.stderr());
        assertTrue(ps.stderr().contains("--system-map") && ps.stderr().lines().count() == 1, ps.stderr());
        CliRun a = CliRun.of("analyze", dump);
        assertEquals(0, a.exitCode(), a.stderr());
        assertTrue(a.out().contains("PANIC CLASS: sysrq") && a.out().contains("sysrq_handle_crash"), a.out());
        assertEquals(0, CliRun.of("bt", dump).exitCode());
    }

    @Test
    void logIsTheMakedumpfileText() throws IOException {
        CliRun r = CliRun.of("log", Fixtures.elfCore(X86_61).toString());
        assertEquals(0, r.exitCode(), r.stderr());
        assertArrayEquals(Files.readAllBytes(Fixtures.dir(X86_61).resolve("dmesg.makedumpfile.txt")), r.stdout());
        CliRun j = CliRun.of("log", Fixtures.elfCore(X86_61).toString(), "--json");
        assertTrue(j.out().contains("\"text\": \"Kernel panic - not syncing: sysrq triggered crash\""));
    }

    @Test
    void btPsModKmemAndAnalyze() throws IOException {
        String dump = Fixtures.elfCore("x86_64-6.12.117+deb12-amd64/sysrq-elf").toString();
        CliRun bt = CliRun.of("bt", dump);
        assertEquals(0, bt.exitCode(), bt.stderr());
        assertTrue(bt.out().contains("] sysrq_handle_crash+0x1a at "), bt.out());
        assertTrue(CliRun.of("bt", dump, "-a").out().contains("COMMAND: \"swapper/1\""));
        CliRun sleep = CliRun.of("bt", dump, "200");
        assertTrue(sleep.out().contains("COMMAND: \"sleep\"") && sleep.out().contains("] __schedule+"), sleep.out());
        assertEquals(ExitCodes.MISSING_DATA, CliRun.of("bt", dump, "99999").exitCode());
        CliRun ps = CliRun.of("ps", dump, "--json");
        assertEquals(64, ps.out().split("\"pid\"", -1).length - 1, "62 tasks of drgn plus two idle tasks");
        assertTrue(CliRun.of("mod", dump).out().contains("virtio_blk"));
        assertTrue(CliRun.of("kmem", "-i", dump).out().contains("TOTAL MEM"));
        CliRun a = CliRun.of("analyze", dump, "--json");
        assertEquals(0, a.exitCode(), a.stderr());
        for (String k : List.of("\"panic_class\": \"sysrq\"", "\"panic_message\":", "\"cpu\": 0", "\"pid\": 1",
                "\"comm\": \"init\"", "\"frames\":", "\"function\": \"sysrq_handle_crash\"", "\"taint\":", "\"signature\":")) {
            assertTrue(a.out().contains(k), k);
        }
        Path html = tmp.resolve("report.html");
        assertEquals(0, CliRun.of("analyze", dump, "--html", "-o", html.toString()).exitCode());
        assertTrue(Files.readString(html).contains("sysrq_handle_crash"));
    }
}
