package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden outputs made at test time by Debian's crash 8.0.2 with the kernel's -dbg vmlinux (which
 * kdump4j itself never needs): {@code mod} and {@code bt -a} on the 6.1 x86_64 fixture. The
 * vmlinux (630 MB, package linux-image-6.1.0-56-amd64-dbg) is taken from the system property
 * {@code kdump4j.vmlinux61}, else from the cache where the e2e harness unpacks it; without it
 * the test is skipped.
 */
class CrashGoldenTest {
    private static final String FIXTURE = "x86_64-6.1.0-56-amd64/sysrq-elf";
    private static final Pattern MOD = Pattern.compile("(?m)^([0-9a-f]{16})  (\\S+) +([0-9a-f]{16}) +(\\d+) ");
    private static final Pattern FRAME = Pattern.compile("^ ?#\\d+ \\[[0-9a-f]+\\] (\\S+) at [0-9a-f]+");

    @TempDir
    Path tmp;

    private static Path vmlinux() {
        String p = System.getProperty("kdump4j.vmlinux61");
        Path v = p != null ? Path.of(p) : Fixtures.cache().resolve(
                "dbg/linux-image-6.1.0-56-amd64-dbg_6.1.192-2/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64");
        return Files.isRegularFile(v) ? v : null;
    }

    private String crash(Path dump, String... commands) throws IOException {
        Path vmlinux = vmlinux();
        assumeTrue(vmlinux != null, "no -dbg vmlinux for 6.1.0-56-amd64 (set -Dkdump4j.vmlinux61=...)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/crash")), "crash is not installed");
        Path cmds = Files.write(tmp.resolve("cmds"), (String.join("\n", commands) + "\nquit\n").getBytes());
        return Fixtures.run(List.of("/usr/bin/crash", "-s", "-i", cmds.toString(), vmlinux.toString(), dump.toString()));
    }

    @Test
    void modAndOtherCpuBacktraceEqualCrash() throws IOException {
        Path dump = Fixtures.elfCore(FIXTURE);
        String golden = crash(dump, "mod", "bt -a");
        Set<String> expected = new TreeSet<>();
        Matcher m = MOD.matcher(golden);
        while (m.find()) {
            expected.add(m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(4));
        }
        assertTrue(expected.size() >= 5, golden);
        CliRun mod = CliRun.of("mod", dump.toString());
        Set<String> ours = new TreeSet<>();
        Matcher o = MOD.matcher(mod.out());
        while (o.find()) {
            ours.add(o.group(1) + " " + o.group(2) + " " + o.group(3) + " " + o.group(4));
        }
        assertEquals(expected, ours);

        // CPU 1 was stopped by the crash NMI: crash shows the NMI handler's frames, then the
        // interrupted context from "exception RIP" on. kdump4j starts from NT_PRSTATUS, which
        // holds that interrupted context, so its frames are crash's frames after the NMI stack.
        String cpu1 = golden.substring(golden.indexOf("CPU: 1 "));
        List<String> crashFrames = new ArrayList<>();
        boolean after = false;
        for (String line : cpu1.split("\n")) {
            if (line.contains("<NMI exception stack>")) {
                after = true;
                continue;
            }
            Matcher f = FRAME.matcher(line);
            if (after && f.find()) {
                crashFrames.add(f.group(1));
            }
        }
        assertTrue(crashFrames.size() >= 5, cpu1);
        CliRun bt = CliRun.of("bt", dump.toString(), "-a");
        String ours1 = bt.out().substring(bt.out().indexOf("CPU: 1 "));
        List<String> ourFrames = new ArrayList<>();
        for (String line : ours1.split("\n")) {
            Matcher f = Pattern.compile("^ ?#\\d+ \\[[0-9a-f]+\\] ([^+ ]+)\\+").matcher(line);
            if (f.find()) {
                ourFrames.add(f.group(1));
            }
        }
        assertEquals(crashFrames, ourFrames);
    }
}
