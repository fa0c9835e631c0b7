package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code kdump4j dmesg} prints exactly the bytes {@code makedumpfile --dump-dmesg} printed
 * (the golden {@code dmesg.makedumpfile.txt} of each fixture), on every real dump in the
 * fixtures and on every variant Debian's makedumpfile makes from them at test time.
 */
class DmesgMatchesMakedumpfileTest {

    static Stream<Arguments> fixtureDumps() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String c : List.of("x86_64-6.1.0-56-amd64/sysrq-elf", "x86_64-6.12.117+deb12-amd64/sysrq-elf",
                "arm64-6.1.0-56-arm64/sysrq")) {
            out.add(Arguments.of(Named.of(c + " ELF core", Fixtures.elfCore(c)), golden(c)));
        }
        out.add(Arguments.of(Named.of("arm64 kdump-compressed zlib d31",
                Fixtures.dir("arm64-6.1.0-56-arm64/sysrq/vmcore.kdump")), golden("arm64-6.1.0-56-arm64/sysrq")));
        out.add(Arguments.of(Named.of("x86_64 6.1 flattened zlib d31",
                Fixtures.dir("x86_64-6.1.0-56-amd64/sysrq-flat/vmcore.flat")), golden("x86_64-6.1.0-56-amd64/sysrq-flat")));
        return out.stream();
    }

    static Stream<Arguments> makedumpfileVariants() throws IOException {
        io.kdump4j.testkit.Makedumpfile.assumeInstalled();
        return MakedumpfileVariants.all().stream()
                .map(v -> Arguments.of(Named.of(v.toString(), v.file()), golden(v.fixtureCase())));
    }

    private static Path golden(String c) {
        return Fixtures.dir(c).resolve("dmesg.makedumpfile.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureDumps")
    void dmesgOfEveryFixtureIsByteIdentical(Path dump, Path golden) throws IOException {
        assertSameLog(dump, golden);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("makedumpfileVariants")
    void dmesgOfEveryMakedumpfileVariantIsByteIdentical(Path dump, Path golden) throws IOException {
        assertSameLog(dump, golden);
    }

    private static void assertSameLog(Path dump, Path golden) throws IOException {
        CliRun r = CliRun.of("dmesg", dump.toString());
        assertEquals(0, r.exitCode(), () -> "dmesg failed: " + r.stderr());
        byte[] want = Files.readAllBytes(golden);
        if (!java.util.Arrays.equals(want, r.stdout())) {
            String[] a = new String(want, java.nio.charset.StandardCharsets.ISO_8859_1).split("\n", -1);
            String[] b = new String(r.stdout(), java.nio.charset.StandardCharsets.ISO_8859_1).split("\n", -1);
            int i = 0;
            while (i < Math.min(a.length, b.length) && a[i].equals(b[i])) {
                i++;
            }
            assertEquals(i < a.length ? a[i] : "<end of makedumpfile's log>", i < b.length ? b[i] : "<end of our log>",
                    "first difference at line " + (i + 1) + " (makedumpfile " + a.length + " lines, ours " + b.length + ")");
        }
    }
}
