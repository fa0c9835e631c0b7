package io.kdump4j.capture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.capture.classify.ClassifyFixtures;
import io.kdump4j.testkit.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Level 31 saves filtered by the struct page classifier, one codec per fixture: every frame our
 * dump keeps decodes to the source's bytes, and the 1st bitmap is the source's RAM.
 */
class ClassifiedSaveReadBackTest {

    @ParameterizedTest
    @CsvSource({"x86_64-6.1.0-56-amd64/sysrq-elf, ZLIB", "x86_64-6.12.117+deb12-amd64/sysrq-elf, ZSTD",
        "arm64-6.1.0-56-arm64/sysrq, SNAPPY", "x86_64-6.12.117+deb12-amd64/sysrq-elf, NONE"})
    void keptPagesReadBackEqual(String c, Compression codec) throws Exception {
        Path ours = ClassifyFixtures.ours(c, 31, codec);
        long n = CaptureFixtures.comparePages(Fixtures.elfCore(c), ours, false);
        System.out.printf("%s d31 %s: %d pages equal to the source%n", c, codec, n);
        assertTrue(n > 5_000, "pages compared: " + n);
    }
}
