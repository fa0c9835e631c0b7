package io.kdump4j.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.codec.PageCodec;
import io.kdump4j.format.elf.ElfConstants;
import io.kdump4j.format.elf.ElfDump;
import io.kdump4j.format.elf.ProgramHeader;
import io.kdump4j.format.mem.PhysicalMemory;
import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.DataFormatException;

/** Shared helpers of the capture tests: fixture cases, saves cached per test run, checks against the source. */
final class CaptureFixtures {
    static final List<String> CASES = List.of("x86_64-6.1.0-56-amd64/sysrq-elf", "x86_64-6.12.117+deb12-amd64/sysrq-elf",
            "arm64-6.1.0-56-arm64/sysrq");

    /** One fixed timestamp, so that two saves of the same options are byte-identical. */
    static final Instant TIMESTAMP = Instant.ofEpochSecond(1_800_000_000L);

    private static final Map<String, Path> SAVED = new ConcurrentHashMap<>();
    private static Path work;

    private CaptureFixtures() {
    }

    static boolean x86(String c) {
        return c.startsWith("x86_64");
    }

    static Path source(String c) throws IOException {
        Path p = Fixtures.elfCore(c);
        assertNotNull(p, "fixture " + c + " has no ELF core");
        return p;
    }

    static Path golden(String c) {
        return Fixtures.dir(c).resolve("dmesg.makedumpfile.txt");
    }

    /**
     * A scratch directory for this JVM's outputs (large files: kept out of the work tree). In
     * /dev/shm when it has room (the tests write a few GB in all, and disk I/O was most of their
     * time), else in the temporary directory.
     */
    static synchronized Path work() throws IOException {
        if (work == null) {
            Path shm = Path.of("/dev/shm");
            boolean roomy = Files.isDirectory(shm) && Files.isWritable(shm)
                    && Files.getFileStore(shm).getUsableSpace() > (8L << 30);
            work = roomy ? Files.createTempDirectory(shm, "kdump4j-capture-test")
                    : Files.createTempDirectory("kdump4j-capture-test");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(work)));
        }
        return work;
    }

    static void deleteTree(Path p) {
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort cleanup of a temp dir
        }
    }

    static SaveOptions options(Compression c, int level) {
        return SaveOptions.defaults().withLevels(level).withCompression(c).withThreads(2).withTimestamp(TIMESTAMP);
    }

    /** Saves once per (case, key) in this JVM and returns the file. */
    static Path saved(String c, String key, SaveOptions o) throws IOException {
        String id = c + "|" + key;
        Path have = SAVED.get(id);
        if (have != null) {
            return have;
        }
        synchronized (SAVED) {
            Path out = work().resolve(c.replace('/', '_') + "." + key);
            try (DumpFile src = Dumps.open(source(c))) {
                SaveResult r = Saver.save(src, o, out);
                assertTrue(r.complete(), () -> "save of " + c + " " + key + " incomplete: " + r.problem());
                assertEquals(out, r.path());
            }
            SAVED.put(id, out);
            return out;
        }
    }

    static String run(String... cmd) throws IOException {
        return Fixtures.run(List.of(cmd));
    }

    /**
     * Runs Debian's makedumpfile of the case's architecture: the host's x86_64 build for x86_64
     * dumps; for arm64 dumps, which the x86_64 build refuses, Debian's arm64 build under
     * qemu-aarch64-static (user-mode emulation), fetched by scripts/arm64-makedumpfile.sh.
     */
    static String makedumpfile(String c, String... args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>();
        if (x86(c)) {
            cmd.add("makedumpfile");
        } else {
            Path root = Path.of(System.getProperty("kdump4j.root", "..")).toAbsolutePath().normalize();
            cmd.add(root.resolve("scripts/arm64-makedumpfile.sh").toString());
        }
        cmd.addAll(List.of(args));
        return Fixtures.run(cmd);
    }

    /** Runs {@code makedumpfile --dump-dmesg} (of the case's architecture) on a dump and returns the text it writes. */
    static String dmesg(String c, Path dump) throws IOException {
        Path out = dump.resolveSibling(dump.getFileName() + ".dmesg.txt");
        Files.deleteIfExists(out);
        makedumpfile(c, "--dump-dmesg", dump.toString(), out.toString());
        return Files.readString(out, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /**
     * Checks every frame of a kdump-compressed output against the source: the 1st bitmap is
     * exactly the source's RAM, every dumped page decodes to the source's bytes, and (with no
     * classifier) every present page is dumped. Returns the number of pages compared.
     */
    static long comparePages(Path source, Path kdump, boolean allPresentDumped) throws IOException, DataFormatException {
        long compared = 0;
        try (DumpFile src = Dumps.open(source);
                KdumpCheckReader out = new KdumpCheckReader(kdump, src.byteOrder())) {
            PhysicalMemory m = src.memory();
            assertEquals(m.maxPfn(), out.maxMapnr, "max_mapnr_64");
            byte[] expected = new byte[m.pageSize()];
            PageCodec[] codecs = new PageCodec[PageCodec.Kind.values().length];
            for (long pfn = 0; pfn < m.maxPfn(); pfn++) {
                PhysicalMemory.PageState s = m.state(pfn);
                assertEquals(s != PhysicalMemory.PageState.ABSENT, out.ram(pfn), "1st bitmap bit of pfn " + pfn);
                if (s != PhysicalMemory.PageState.PRESENT) {
                    assertTrue(!out.dumped(pfn), "2nd bitmap bit of absent pfn " + pfn);
                    continue;
                }
                if (!out.dumped(pfn)) {
                    assertTrue(!allPresentDumped, "present pfn 0x" + Long.toHexString(pfn) + " not dumped");
                    continue;
                }
                m.read(pfn * m.pageSize(), expected, 0, expected.length);
                byte[] got = out.page(pfn, codecs);
                assertNotNull(got, "pfn 0x" + Long.toHexString(pfn) + " lost in a complete dump");
                if (!Arrays.equals(expected, got)) {
                    throw new AssertionError("pfn 0x" + Long.toHexString(pfn) + " differs from the source");
                }
                compared++;
            }
        }
        return compared;
    }

    /**
     * Compares every PT_LOAD byte of an ELF dump with the source; returns the bytes compared. In an
     * incomplete dump, file data missing past the end of the file reads as lost and is skipped.
     */
    static long compareElfLoads(Path source, Path elf) throws IOException {
        long compared = 0;
        try (DumpFile src = Dumps.open(source); ElfDump out = (ElfDump) Dumps.open(elf)) {
            byte[] a = new byte[1 << 20];
            byte[] b = new byte[1 << 20];
            for (ProgramHeader h : out.programHeaders()) {
                if (h.type() != ElfConstants.PT_LOAD) {
                    continue;
                }
                for (long done = 0; done < h.filesz(); ) {
                    int n = (int) Math.min(a.length, h.filesz() - done);
                    src.memory().read(h.paddr() + done, a, 0, n);
                    try {
                        out.memory().read(h.paddr() + done, b, 0, n);
                    } catch (io.kdump4j.format.mem.MemoryFault f) {
                        if (f.reason() != io.kdump4j.format.mem.MemoryFault.Reason.LOST || !out.details().incomplete()) {
                            throw f;
                        }
                        break;
                    }
                    if (!Arrays.equals(a, 0, n, b, 0, n)) {
                        throw new AssertionError("PT_LOAD " + h.index() + " differs near paddr 0x"
                                + Long.toHexString(h.paddr() + done));
                    }
                    done += n;
                    compared += n;
                }
            }
        }
        return compared;
    }

    static ByteOrder le() {
        return ByteOrder.LITTLE_ENDIAN;
    }

    static void assertSameBytes(Path a, Path b) throws IOException {
        assertEquals(Files.size(a), Files.size(b), "sizes of " + a + " and " + b);
        assertEquals(-1L, Files.mismatch(a, b), "first differing byte of " + a + " and " + b);
    }

    static void assertSameText(String expected, String actual, String what) {
        if (!expected.equals(actual)) {
            String[] e = expected.split("\n", -1);
            String[] g = actual.split("\n", -1);
            for (int i = 0; i < Math.min(e.length, g.length); i++) {
                if (!e[i].equals(g[i])) {
                    throw new AssertionError(what + ": line " + (i + 1) + " differs:\nexpected: " + e[i] + "\nactual:   " + g[i]);
                }
            }
            throw new AssertionError(what + ": " + e.length + " lines expected, " + g.length + " found");
        }
    }
}
