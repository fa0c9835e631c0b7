package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.mem.PhysicalMemory;
import io.kdump4j.testkit.Fixtures;
import io.kdump4j.testkit.Makedumpfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kdump4j save} on the x86_64 6.1 fixture, checked by the real peers: makedumpfile reads
 * the kernel log from our dumps and re-filters them, {@code makedumpfile -R} rebuilds our
 * stdout stream, and a full disk gives exit code 6 with the log saved.
 */
class SaveCommandTest {
    static final String C61 = "x86_64-6.1.0-56-amd64/sysrq-elf";
    private static Path dir;

    @BeforeAll
    static void scratch() throws IOException {
        Path shm = Path.of("/dev/shm");
        dir = Files.isWritable(shm) ? Files.createTempDirectory(shm, "kdump4j-save-cli")
                : Files.createTempDirectory("kdump4j-save-cli");
    }

    @AfterAll
    static void clean() throws IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    static Path core() throws IOException {
        return Fixtures.elfCore(C61);
    }

    static String golden() throws IOException {
        return Files.readString(Fixtures.dir(C61).resolve("dmesg.makedumpfile.txt"), StandardCharsets.ISO_8859_1);
    }

    /** Runs save into {@code dir/name} and returns the dump. */
    static Path save(String name, String... options) throws IOException {
        Path out = dir.resolve(name);
        String[] args = new String[options.length + 3];
        args[0] = "save";
        System.arraycopy(options, 0, args, 1, options.length);
        args[options.length + 1] = core().toString();
        args[options.length + 2] = out.toString();
        CliRun r = CliRun.of(args);
        System.out.print(r.stderr());
        assertEquals(ExitCodes.OK, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("complete, dump level"), r.stderr());
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"zlib", "lzo"})
    void makedumpfileReadsTheLogAndRefiltersOurLevel31Dump(String codec) throws Exception {
        Makedumpfile.assumeInstalled();
        Path ours = save("d31." + codec, "-d", "31", "-c", codec, "--threads", "2");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ours)));
        Path log = dir.resolve("d31." + codec + ".dmesg.txt");
        assertEquals(golden(), Files.readString(log, StandardCharsets.ISO_8859_1), "TARGET.dmesg.txt");

        Path theirs = dir.resolve("d31." + codec + ".mdf-dmesg.txt");
        Fixtures.run(List.of(Makedumpfile.PATH, "--dump-dmesg", ours.toString(), theirs.toString()));
        assertEquals(Files.readString(log, StandardCharsets.ISO_8859_1),
                Files.readString(theirs, StandardCharsets.ISO_8859_1), "makedumpfile --dump-dmesg of our dump");

        Path refiltered = dir.resolve("d31." + codec + ".refiltered");
        String report = Fixtures.run(List.of(Makedumpfile.PATH, "-d", "31", "-c", ours.toString(),
                refiltered.toString()));
        assertTrue(report.contains("The dumpfile is saved"), report);
        assertEquals(0, xor(dumped(ours), dumped(refiltered)), "frames changed when makedumpfile re-filtered our level 31 dump");
    }

    /** {@code -} writes the flattened stream to stdout; makedumpfile -R rebuilds the same frames as a file save. */
    @Test
    void stdoutStreamIsAFlattenedDumpMakedumpfileReassembles() throws Exception {
        Makedumpfile.assumeInstalled();
        CliRun r = CliRun.of("save", "-d", "31", "-c", "lzo", core().toString(), "-");
        assertEquals(ExitCodes.OK, r.exitCode(), r.stderr());
        Path flat = dir.resolve("stdout.flat");
        Files.write(flat, r.stdout());
        Path re = dir.resolve("stdout.kdump");
        Fixtures.run(List.of("sh", "-c", "\"$1\" -R \"$2\" < \"$3\"", "sh", Makedumpfile.PATH, re.toString(),
                flat.toString()));
        Path file = save("d31.file.lzo", "-d", "31", "-c", "lzo");
        assertEquals(0, xor(dumped(file), dumped(re)), "frames in the stdout stream or a file save, not both");
        Path text = dir.resolve("stdout.dmesg.txt");
        Fixtures.run(List.of(Makedumpfile.PATH, "--dump-dmesg", re.toString(), text.toString()));
        assertEquals(golden(), Files.readString(text, StandardCharsets.ISO_8859_1));
    }

    /**
     * ELF output at level 31 has the frames of makedumpfile's {@code -E -d 31}: re-filtered by
     * makedumpfile at level 31, ours and its own ELF give the same frames. (Zero pages are left
     * out of both ELF files, so both hold fewer frames than a kdump-compressed save, which keeps
     * zero pages as one shared page.)
     */
    @Test
    void elfOutputRefilteredByMakedumpfileLikeItsOwnElf() throws Exception {
        Makedumpfile.assumeInstalled();
        Path elf = save("d31.elf", "-d", "31", "--format", "elf");
        Path theirsElf = Makedumpfile.variant(C61, "save-E-d31.elf", "-E", "-d", "31");
        Path ours = dir.resolve("d31.elf.refiltered");
        Path theirs = dir.resolve("d31.mdf-elf.refiltered");
        Fixtures.run(List.of(Makedumpfile.PATH, "-l", "-d", "31", elf.toString(), ours.toString()));
        Fixtures.run(List.of(Makedumpfile.PATH, "-l", "-d", "31", theirsElf.toString(), theirs.toString()));
        java.util.BitSet a = dumped(theirs);
        java.util.BitSet b = dumped(ours);
        System.out.printf("makedumpfile -d 31 of its own -E -d 31: %d frames; of ours: %d%n", a.cardinality(),
                b.cardinality());
        assertEquals(0, xor(a, b), "frames in one re-filtered ELF and not the other");
    }

    /** A target too small for the dump: the log is saved, the dump is TARGET.incomplete, exit code 6. */
    @Test
    void fullDiskExitsSixWithTheLogSaved() throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("small"));
        try {
            Fixtures.run(List.of("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt.toString()));
        } catch (IOException e) {
            System.out.println("*** SKIPPING the full-disk test: cannot mount a tmpfs (not root?): " + e.getMessage());
            assumeTrue(false, "no tmpfs");
        }
        try {
            Path target = mnt.resolve("vmcore");
            CliRun r = CliRun.of("save", "-d", "1,31", "-c", "zlib", core().toString(), target.toString());
            System.out.print(r.stderr());
            assertEquals(ExitCodes.INCOMPLETE, r.exitCode(), r.stderr());
            assertTrue(r.stderr().contains("INCOMPLETE"), r.stderr());
            assertTrue(r.stderr().contains("tried [1, 31]"), r.stderr());
            assertTrue(Files.exists(mnt.resolve("vmcore.incomplete")));
            assertTrue(!Files.exists(target));
            assertEquals(golden(), Files.readString(mnt.resolve("vmcore.dmesg.txt"), StandardCharsets.ISO_8859_1));
            Path copy = dir.resolve("incomplete.kdump");
            Files.copy(mnt.resolve("vmcore.incomplete"), copy);
            try (DumpFile d = Dumps.open(copy)) {
                assertTrue(d.details().incomplete(), "the header says incomplete");
            }
        } finally {
            Fixtures.run(List.of("umount", mnt.toString()));
        }
    }

    @Test
    void usageErrors() throws Exception {
        Path t = dir.resolve("never");
        assertEquals(ExitCodes.USAGE, CliRun.of("save", "-d", "40", core().toString(), t.toString()).exitCode());
        assertEquals(ExitCodes.USAGE,
                CliRun.of("save", "--format", "elf", "-c", "zlib", core().toString(), t.toString()).exitCode());
        assertEquals(ExitCodes.USAGE, CliRun.of("save", "--format", "elf", core().toString(), "-").exitCode());
        assertEquals(ExitCodes.USAGE, CliRun.of("save", "-c", "gzip", core().toString(), t.toString()).exitCode());
        Files.writeString(t, "keep me");
        CliRun r = CliRun.of("save", core().toString(), t.toString());
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.stderr().contains("exists"), r.stderr());
        assertEquals("keep me", Files.readString(t));
        assertEquals(ExitCodes.IO, CliRun.of("save", dir.resolve("missing").toString(), t + "2").exitCode());
    }

    /** How many frames are in one set and not the other. */
    static int xor(java.util.BitSet a, java.util.BitSet b) {
        java.util.BitSet d = (java.util.BitSet) a.clone();
        d.xor(b);
        return d.cardinality();
    }

    static java.util.BitSet dumped(Path dump) throws IOException {
        try (DumpFile d = Dumps.open(dump)) {
            PhysicalMemory m = d.memory();
            java.util.BitSet b = new java.util.BitSet();
            for (long pfn = 0; pfn < m.maxPfn(); pfn++) {
                if (m.state(pfn) == PhysicalMemory.PageState.PRESENT) {
                    b.set(Math.toIntExact(pfn));
                }
            }
            return b;
        }
    }
}
