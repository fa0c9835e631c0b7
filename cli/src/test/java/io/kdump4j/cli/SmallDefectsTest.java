package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** Small command-line defects, each pinned: help without picocli warnings, --config on every command. */
class SmallDefectsTest {
    /** "about 1% larger" in an option description made picocli print 3 format warnings. */
    @Test
    void saveHelpPrintsNoPicocliWarnings() {
        CliRun r = CliRun.of("save", "--help");
        assertEquals(0, r.exitCode(), r.stderr());
        assertFalse(r.stderr().contains("[picocli WARN]"), r.stderr());
        assertFalse(r.out().contains("[picocli WARN]"), r.out());
        assertEquals(true, r.out().contains("about 1% larger"), r.out());
    }

    /** The docs say every command takes --config; status refused it (usage error, exit 2). */
    @Test
    void statusAcceptsConfig() {
        CliRun r = CliRun.of("status", "--config", "/nonexistent/kdump4j.conf", "--json");
        assertFalse(r.exitCode() == ExitCodes.USAGE, r.stderr());
    }

    /** A stream to /dev/full said "closed pipe?"; now the error is the device's own. */
    @Test
    void saveToAFullDeviceSaysSo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(java.nio.file.Path.of("/dev/full")), "no /dev/full");
        java.nio.file.Path core = java.nio.file.Files.write(tmp.resolve("core.elf"),
                new io.kdump4j.testkit.ElfCoreWriter().load(0, io.kdump4j.testkit.KdumpWriter.patternPage(0, 4096), 4096).build());
        java.util.List<String> cmd = java.util.List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "save", "-d", "0", core.toString(), "-");
        Process p = new ProcessBuilder(cmd).redirectOutput(new java.io.File("/dev/full"))
                .redirectError(tmp.resolve("err").toFile()).start();
        p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES);
        String err = java.nio.file.Files.readString(tmp.resolve("err"));
        assertFalse(p.exitValue() == 0, err);
        assertFalse(err.contains("closed pipe?"), err);
        org.junit.jupiter.api.Assertions.assertTrue(err.contains("No space left on device"), err);
    }

    /** unload with nothing loaded exited 3 (the syscall's error); the kernel's own word decides now. */
    @Test
    void unloadSeesNothingLoaded(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root) throws Exception {
        java.nio.file.Path f = root.resolve("sys/kernel/kexec_crash_loaded");
        java.nio.file.Files.createDirectories(f.getParent());
        java.nio.file.Files.writeString(f, "0\n");
        org.junit.jupiter.api.Assertions.assertTrue(UnloadCommand.nothingLoaded(new io.kdump4j.setup.check.HostFiles(root)));
        java.nio.file.Files.writeString(f, "1\n");
        assertFalse(UnloadCommand.nothingLoaded(new io.kdump4j.setup.check.HostFiles(root)));
    }
}
