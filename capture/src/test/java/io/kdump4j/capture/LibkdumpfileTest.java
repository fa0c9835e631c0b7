package io.kdump4j.capture;

import static io.kdump4j.capture.CaptureFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.mem.PhysicalMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * libkdumpfile (Debian's python3-libkdumpfile, built with zlib, lzo, snappy and zstd) reads our
 * kdump-compressed output: the independent reader for what Debian's makedumpfile cannot read,
 * snappy and zstd pages and arm64 dumps. It must return exactly the source's present pages.
 * Skipped when python3-libkdumpfile is not installed ({@code apt-get install python3-libkdumpfile}).
 */
class LibkdumpfileTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    static List<Object[]> cases() {
        List<Object[]> out = new ArrayList<>();
        for (String c : CASES) {
            out.add(new Object[] {c, Compression.SNAPPY});
            out.add(new Object[] {c, Compression.ZSTD});
            if (!x86(c)) {
                out.add(new Object[] {c, Compression.ZLIB});
                out.add(new Object[] {c, Compression.LZO});
            }
        }
        return out;
    }

    private static boolean available() {
        try {
            run(PYTHON.toString(), "-c", "import kdumpfile");
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void libkdumpfileReadsEveryPageOfOurDump(String c, Compression k) throws Exception {
        assumeTrue(available(), "python3-libkdumpfile is not installed");
        Path out = saved(c, KdumpOutputTest.key(k), options(k, 1));
        Path script = work().resolve("libkdumpfile_pages.py");
        if (!Files.exists(script)) {
            try (var in = LibkdumpfileTest.class.getResourceAsStream("libkdumpfile_pages.py")) {
                Files.copy(in, script);
            }
        }
        String expected;
        try (DumpFile src = Dumps.open(source(c))) {
            PhysicalMemory m = src.memory();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] page = new byte[m.pageSize()];
            byte[] pfnBytes = new byte[8];
            long n = 0;
            for (long pfn = 0; pfn < m.maxPfn(); pfn++) {
                if (m.state(pfn) != PhysicalMemory.PageState.PRESENT) {
                    continue;
                }
                m.read(pfn * m.pageSize(), page, 0, page.length);
                io.kdump4j.format.io.Bytes.put64(pfnBytes, 0, java.nio.ByteOrder.LITTLE_ENDIAN, pfn);
                sha.update(pfnBytes);
                sha.update(page);
                n++;
            }
            expected = n + " " + HexFormat.of().formatHex(sha.digest());
            String got = run(PYTHON.toString(), script.toString(), out.toString(), Long.toString(m.maxPfn()),
                    Integer.toString(m.pageSize())).strip();
            System.out.printf("%s %s: libkdumpfile read %s%n", c, k, got);
            assertEquals(expected, got, "pages read by libkdumpfile and their SHA-256");
        }
    }
}
