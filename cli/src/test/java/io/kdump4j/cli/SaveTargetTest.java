package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.testkit.ElfCoreWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code save} does to files beside its target that are already there. */
class SaveTargetTest {
    @TempDir
    Path tmp;

    private Path core() throws IOException {
        return Files.write(tmp.resolve("core.elf"), new ElfCoreWriter().load(0, new byte[8192], 8192).build());
    }

    /** An old TARGET.dmesg.txt was replaced without --force (only TARGET itself was protected). */
    @Test
    void anOldKernelLogIsKeptWithoutForce() throws IOException {
        Path target = tmp.resolve("vmcore");
        Path log = Files.writeString(tmp.resolve("vmcore.dmesg.txt"), "the log of last week's crash\n");
        CliRun r = CliRun.of("save", "-d", "0", core().toString(), target.toString());
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("vmcore.dmesg.txt exists"), r.stderr());
        assertEquals("the log of last week's crash\n", Files.readString(log));
        assertFalse(Files.exists(target));
        CliRun forced = CliRun.of("save", "--force", "-d", "0", core().toString(), target.toString());
        assertEquals(ExitCodes.OK, forced.exitCode(), forced.stderr());
        assertTrue(Files.exists(target));
    }
}
