package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.testkit.Fixtures;
import io.kdump4j.testkit.Makedumpfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kdump4j reassemble} writes what {@code makedumpfile -R} writes, and refuses what is not flattened. */
class ReassembleTest {
    private static final String FLAT_CASE = "x86_64-6.1.0-56-amd64/sysrq-flat";

    @TempDir
    Path tmp;

    @Test
    void reassembledFixtureIsByteIdenticalToMakedumpfileR() throws IOException {
        Path flat = Fixtures.dir(FLAT_CASE).resolve("vmcore.flat");
        Path expected = Makedumpfile.reassembled(flat, Makedumpfile.dir(FLAT_CASE).resolve("R.kdump"));
        Path ours = tmp.resolve("vmcore.kdump");
        CliRun r = CliRun.of("reassemble", flat.toString(), ours.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(-1, Files.mismatch(expected, ours), "first differing byte");
        CliRun info = CliRun.of("info", "--json", ours.toString());
        assertEquals(0, info.exitCode(), info.stderr());
        assertTrue(info.out().contains("\"flattened\": false"), info.out());
    }

    @Test
    void aNormalDumpIsRefusedWithoutWritingTheTarget() throws IOException {
        Path kdump = Fixtures.dir("arm64-6.1.0-56-arm64/sysrq/vmcore.kdump");
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("reassemble", kdump.toString(), out.toString());
        assertEquals(ExitCodes.BAD_DUMP, r.exitCode());
        assertTrue(r.stderr().contains("flattened"), r.stderr());
        assertFalse(Files.exists(out));
    }
}
