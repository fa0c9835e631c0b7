package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when the file is not a good dump: one line naming the file and the offset,
 * a documented exit code, and no stack trace.
 */
class BadInputTest {
    @TempDir
    Path tmp;

    private static void assertOneCleanLine(CliRun r, int code, Path file) {
        assertEquals(code, r.exitCode(), r.stderr());
        String err = r.stderr().strip();
        assertEquals(1, err.lines().count(), () -> "expected one line, got:\n" + err);
        assertTrue(err.contains(file.toString()), () -> "the message should name the file: " + err);
        assertFalse(err.contains("\tat "), "no stack trace without --debug");
    }

    private static Path prefixOf(Path src, Path dst, long n) throws IOException {
        try (InputStream in = Files.newInputStream(src); OutputStream out = Files.newOutputStream(dst)) {
            byte[] buf = new byte[1 << 16];
            long left = n;
            while (left > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (r < 0) {
                    break;
                }
                out.write(buf, 0, r);
                left -= r;
            }
        }
        return dst;
    }

    @Test
    void aTextFileIsNotADump() throws IOException {
        Path f = Files.writeString(tmp.resolve("notes.txt"), "hello, this is not a crash dump\n");
        CliRun r = CliRun.of("info", f.toString());
        assertOneCleanLine(r, ExitCodes.BAD_DUMP, f);
        assertTrue(r.stderr().contains("offset 0"), r.stderr());
    }

    @Test
    void anEmptyFileIsNotADump() throws IOException {
        Path f = Files.createFile(tmp.resolve("empty"));
        assertOneCleanLine(CliRun.of("dmesg", f.toString()), ExitCodes.BAD_DUMP, f);
    }

    @Test
    void aMissingFileIsAnIoError() {
        Path f = tmp.resolve("no-such-vmcore");
        assertOneCleanLine(CliRun.of("info", f.toString()), ExitCodes.IO, f);
    }

    @Test
    void aTruncatedKdumpNamesTheOffset() throws IOException {
        Path src = Fixtures.dir("arm64-6.1.0-56-arm64/sysrq/vmcore.kdump");
        Path f = prefixOf(src, tmp.resolve("truncated.kdump"), 3000);
        CliRun r = CliRun.of("info", f.toString());
        assertOneCleanLine(r, ExitCodes.BAD_DUMP, f);
        assertTrue(r.stderr().contains("offset"), r.stderr());
    }

    @Test
    void aTruncatedElfCoreNamesTheOffset() throws IOException {
        Path src = Fixtures.elfCore("x86_64-6.1.0-56-amd64/sysrq-elf");
        Path f = prefixOf(src, tmp.resolve("truncated.elf"), 1 << 20);
        CliRun r = CliRun.of("dmesg", f.toString());
        assertOneCleanLine(r, ExitCodes.BAD_DUMP, f);
        assertTrue(r.stderr().contains("offset"), r.stderr());
    }

    @Test
    void aTruncatedFlattenedStreamNamesTheOffset() throws IOException {
        Path src = Fixtures.dir("x86_64-6.1.0-56-amd64/sysrq-flat/vmcore.flat");
        Path f = prefixOf(src, tmp.resolve("truncated.flat"), 4096 + 16 + 100);
        CliRun r = CliRun.of("info", f.toString());
        assertOneCleanLine(r, ExitCodes.BAD_DUMP, f);
    }

    @Test
    void debugAddsTheStackTrace() throws IOException {
        Path f = Files.writeString(tmp.resolve("junk"), "junk");
        CliRun r = CliRun.of("info", "--debug", f.toString());
        assertEquals(ExitCodes.BAD_DUMP, r.exitCode());
        assertTrue(r.stderr().contains("\tat "), "--debug prints the stack trace");
    }

    @Test
    void aUsageErrorIsExitCode2() {
        assertEquals(ExitCodes.USAGE, CliRun.of("info").exitCode());
        assertEquals(ExitCodes.USAGE, CliRun.of("no-such-command").exitCode());
    }
}
