package io.kdump4j.capture;

import static io.kdump4j.capture.CaptureFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** kdump-compressed output of the real fixtures, read back by makedumpfile and by the check reader. */
class KdumpOutputTest {

    static java.util.List<String> cases() {
        return CASES;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void zlibLevel1ReadsBackPageForPage(String c) throws Exception {
        long t0 = System.nanoTime();
        Path out = saved(c, "zlib-d1.kdump", options(Compression.ZLIB, 1));
        long t1 = System.nanoTime();
        long n = comparePages(source(c), out, true);
        System.out.printf("%s zlib d1: %d pages compared, %d bytes, save %d ms, compare %d ms%n", c, n, Files.size(out),
                (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
        assertTrue(n > 1000);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void makedumpfileDmesgOfZlibOutputEqualsGolden(String c) throws Exception {
        assumeTrue(x86(c), "Debian's x86_64 makedumpfile cannot read arm64 dumps: skipped for " + c);
        Path out = saved(c, "zlib-d1.kdump", options(Compression.ZLIB, 1));
        assertSameText(Files.readString(golden(c), StandardCharsets.ISO_8859_1), dmesg(out), "dmesg of " + out);
    }
}
