package io.kdump4j.capture;

import static io.kdump4j.capture.CaptureFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.io.Bytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our kdump-compressed output next to makedumpfile's own, from the same source and with the
 * same options: given the utsname that makedumpfile reads from kernel memory (this saver does not
 * read kernel memory yet), the files must be byte for byte the same: header, sub-header, note
 * blob, both bitmaps, the shared zero page, descriptors and data.
 *
 * <p>Uncompressed output is independent of any library. For zlib the equality also needs the
 * JDK's deflate at level 1 to produce the same stream as the system zlib makedumpfile links
 * (true of zlib 1.2.x/1.3.x and the JDK's bundled or system zlib on Debian); a mismatch that
 * starts inside the data area of the zlib case on another machine points at that, not at the
 * layout. Pages are written in PFN order here ({@link WriteOrder#PFN}); by default the kernel
 * image's pages are written first, which moves page data but nothing else.
 */
class MakedumpfileParityTest {

    static List<Object[]> cases() {
        List<Object[]> out = new ArrayList<>();
        for (String c : CASES) {
            if (x86(c)) {
                out.add(new Object[] {c, Compression.NONE, "", 1});
                if (c.startsWith("x86_64-6.1.")) {
                    // Level 0: zero pages compressed one by one instead of shared (zlib keeps it at 78 MB).
                    out.add(new Object[] {c, Compression.ZLIB, "-c", 0});
                }
                out.add(new Object[] {c, Compression.ZLIB, "-c", 1});
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void sameBytesAsMakedumpfile(String c, Compression compression, String flag, int level) throws Exception {
        assumeTrue(x86(c), "Debian's x86_64 makedumpfile cannot read arm64 dumps");
        Path dir = work();
        String base = c.replace('/', '_') + ".parity-" + compression + "-d" + level;
        Path theirs = dir.resolve(base + ".mdf");
        Path ours = dir.resolve(base + ".ours");
        List<String> cmd = new ArrayList<>(List.of("makedumpfile"));
        if (!flag.isEmpty()) {
            cmd.add(flag);
        }
        cmd.addAll(List.of("-d", Integer.toString(level), source(c).toString(), theirs.toString()));
        io.kdump4j.testkit.Fixtures.run(cmd);
        byte[] h = readHead(theirs);
        Utsname uts = new Utsname(Bytes.cString(h, 12, 65), Bytes.cString(h, 77, 65), Bytes.cString(h, 142, 65),
                Bytes.cString(h, 207, 65), Bytes.cString(h, 272, 65), Bytes.cString(h, 337, 65));
        SaveOptions o = SaveOptions.defaults().withLevels(level).withCompression(compression).withThreads(2)
                .withUtsname(uts)
                .withWriteOrder(WriteOrder.PFN);
        try (DumpFile src = Dumps.open(source(c))) {
            assertEquals(SaveResult.Status.COMPLETE, Saver.save(src, o, ours).status());
        }
        System.out.printf("%s %s d%d: makedumpfile %d bytes, ours %d bytes%n", c, compression, level,
                Files.size(theirs), Files.size(ours));
        assertSameBytes(theirs, ours);
        Files.delete(theirs);
        Files.delete(ours);
    }

    private static byte[] readHead(Path p) throws java.io.IOException {
        try (var in = Files.newInputStream(p)) {
            return in.readNBytes(4096);
        }
    }
}
