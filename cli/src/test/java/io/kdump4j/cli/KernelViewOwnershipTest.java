package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.testkit.ElfCoreWriter;
import io.kdump4j.testkit.KdumpWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One owner per dump: the commands open the dump once and use a kernel view over it, so a dump
 * whose kernel cannot be read (no VMCOREINFO: a QEMU dump without {@code -device vmcoreinfo};
 * another architecture) still gets its report, with every kernel fact the headers and
 * VMCOREINFO hold. Before the fix {@code info} printed the report and then exited 1 with
 * "internal error: ... Already closed" (the dump was closed twice).
 */
class KernelViewOwnershipTest {
    @TempDir
    Path tmp;

    private Path write(String name, byte[] b) throws IOException {
        return Files.write(tmp.resolve(name), b);
    }

    @Test
    void infoOnAnElfCoreWithoutVmcoreinfoReportsAndExitsZero() throws IOException {
        Path f = write("bare.elf", new ElfCoreWriter().load(0, new byte[8192], 8192).build());
        CliRun r = CliRun.of("info", f.toString());
        assertEquals(ExitCodes.OK, r.exitCode(), r.stderr());
        assertFalse(r.stderr().contains("Already closed"), r.stderr());
        assertTrue(r.out().contains("no VMCOREINFO"), r.out());
        assertTrue(r.out().contains("pages: 2 present"), r.out());
        assertFalse(r.out().contains("offset -1"), r.out());
    }

    @Test
    void infoOnAnotherArchitectureKeepsVmcoreinfosFacts() throws IOException {
        // e_machine 3 (i386): the kernel view refuses it, but VMCOREINFO still says what ran.
        Path f = write("i386.elf", new ElfCoreWriter().machine(3)
                .vmcoreinfo("OSRELEASE=6.1.0-test-686\nBUILD-ID=abcdef01\nCRASHTIME=1764000000\nPAGESIZE=4096\n")
                .load(0, new byte[4096], 4096).build());
        CliRun r = CliRun.of("info", "--json", f.toString());
        assertEquals(ExitCodes.OK, r.exitCode(), r.stderr());
        assertTrue(r.out().contains("\"release\": \"6.1.0-test-686\""), r.out());
        assertTrue(r.out().contains("\"build_id\": \"abcdef01\""), r.out());
        assertTrue(r.out().contains("\"crash_time\": 1764000000"), r.out());
        assertTrue(r.out().contains("i386"), r.out());
    }

    @Test
    void infoOnAKdumpFileWithoutVmcoreinfoTakesTheReleaseFromItsHeader() throws IOException {
        KdumpWriter w = new KdumpWriter();
        w.page(0, KdumpWriter.patternPage(0, 4096));
        Path f = write("bare.kdump", w.build());
        CliRun r = CliRun.of("info", "--json", f.toString());
        assertEquals(ExitCodes.OK, r.exitCode(), r.stderr());
        assertTrue(r.out().contains("\"release\": \"6.1.0-test\""), r.out());
        assertTrue(r.out().contains("\"version\": \"#1 SMP\""), r.out());
    }

    @Test
    void dmesgWithoutVmcoreinfoIsMissingDataWithoutAnOffset() throws IOException {
        Path f = write("bare.elf", new ElfCoreWriter().load(0, new byte[4096], 4096).build());
        CliRun r = CliRun.of("dmesg", f.toString());
        assertEquals(ExitCodes.MISSING_DATA, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("no VMCOREINFO"), r.stderr());
        assertFalse(r.stderr().contains("offset -1"), r.stderr());
        assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    }
}
