package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.testkit.ElfCoreWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One header field cannot exhaust the heap: an ELF core whose PT_NOTE holds 40 MiB (a
 * VMCOREINFO note of 40 MiB) at the capture kernel's {@code -Xmx32m}. Before, the reader
 * allowed any allocation up to a fixed 256 MiB: {@code save} died of OutOfMemoryError and left
 * neither dump nor log. Now the segment is refused against the heap that is left, the save
 * writes the memory with a warning naming the segment, and info reports.
 */
class HeapLimitTest {
    @TempDir
    Path tmp;

    private Path hugeNoteCore() throws IOException {
        byte[] page = new byte[4096];
        page[0] = 0x42;
        return Files.write(tmp.resolve("huge-note.elf"), new ElfCoreWriter()
                .vmcoreinfo("OSRELEASE=6.1.0-x\n" + "A".repeat(40 << 20)).load(0, page, 8192).build());
    }

    @Test
    void saveAtTheCaptureHeapWritesTheDumpAndSaysWhyItLacksTheNotes() throws Exception {
        Path core = hugeNoteCore();
        Path target = tmp.resolve("vmcore");
        CliProcess r = CliProcess.run("32m", tmp, "save", "-d", "0", core.toString(), target.toString());
        assertEquals(ExitCodes.OK, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("PT_NOTE segment 0"), r.stderr());
        assertTrue(r.stderr().contains("more than the heap allows"), r.stderr());
        try (DumpFile d = Dumps.open(target)) {
            byte[] got = new byte[1];
            d.memory().read(0, got, 0, 1);
            assertEquals(0x42, got[0], "the page was saved");
        }
    }

    @Test
    void infoAtTheCaptureHeapReportsAndNamesTheSegment() throws Exception {
        Path core = hugeNoteCore();
        CliProcess r = CliProcess.run("32m", tmp, "info", core.toString());
        assertEquals(ExitCodes.OK, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("PT_NOTE segment 0"), r.stdout());
        assertFalse(r.stderr().contains("OutOfMemoryError"), r.stderr());
    }
}
