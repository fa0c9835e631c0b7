package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kdump4j dmesg --caller-ids} prints exactly what Debian 13's makedumpfile 1.7.6 prints
 * with {@code --dump-dmesg} (run here on the same real dump; fetched by
 * scripts/fetch-makedumpfile-trixie.sh, which scripts/setup.sh runs), while the default stays
 * Debian 12's 1.7.2 form (DmesgMatchesMakedumpfileTest).
 */
class DmesgCallerIdsMatchMakedumpfile176Test {
    private static final Path MAKEDUMPFILE_176 = Path.of(System.getProperty("user.home"),
            ".cache/kdump4j/makedumpfile-trixie/usr/bin/makedumpfile");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"x86_64-6.1.0-56-amd64/sysrq-elf", "x86_64-6.12.117+deb12-amd64/sysrq-elf",
        "x86_64-6.1.0-56-amd64/sysrq-flat/vmcore.flat"})
    void sameBytesAsMakedumpfile176(String fixture) throws Exception {
        assumeTrue(Files.isExecutable(MAKEDUMPFILE_176),
                "trixie's makedumpfile is fetched by scripts/fetch-makedumpfile-trixie.sh (run by scripts/setup.sh)");
        Path dump = fixture.endsWith(".flat") ? Fixtures.dir(fixture) : Fixtures.elfCore(fixture);
        Path theirs = tmp.resolve("dmesg.txt");
        ProcessBuilder pb = new ProcessBuilder(MAKEDUMPFILE_176.toString(), "--dump-dmesg", dump.toString(), theirs.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("makedumpfile.log").toFile());
        if (fixture.endsWith(".flat")) {
            // makedumpfile reads a flattened stream only from standard input with -R; reassemble first.
            Path kdump = tmp.resolve("vmcore.kdump");
            Process r = new ProcessBuilder(MAKEDUMPFILE_176.toString(), "-R", kdump.toString())
                    .redirectInput(dump.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("r.log").toFile()).start();
            assertTrue(r.waitFor(120, TimeUnit.SECONDS) && r.exitValue() == 0, () -> "makedumpfile -R: " + log(tmp.resolve("r.log")));
            pb.command().set(2, kdump.toString());
        }
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "makedumpfile 1.7.6 --dump-dmesg finished");
        assertEquals(0, p.exitValue(), () -> "makedumpfile 1.7.6: " + log(tmp.resolve("makedumpfile.log")));
        byte[] want = Files.readAllBytes(theirs);
        assertTrue(new String(want, 0, Math.min(200, want.length), StandardCharsets.ISO_8859_1).contains("[      T0] "),
                "makedumpfile 1.7.6 prints the caller-id column");

        CliRun ours = CliRun.of("dmesg", "--caller-ids", dump.toString());
        assertEquals(0, ours.exitCode(), ours::stderr);
        assertArrayEquals(want, ours.stdout(), "dmesg --caller-ids = makedumpfile 1.7.6 --dump-dmesg");
        CliRun plain = CliRun.of("dmesg", dump.toString());
        assertTrue(!new String(plain.stdout(), StandardCharsets.ISO_8859_1).contains("[      T0] "),
                "the default is makedumpfile 1.7.2's form, without caller ids");
    }

    private static String log(Path p) {
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
