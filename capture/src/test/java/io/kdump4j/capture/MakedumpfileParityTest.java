package io.kdump4j.capture;

import static io.kdump4j.capture.CaptureFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.codec.PageCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our kdump-compressed output next to makedumpfile's own, from the same source and with the
 * same options, default header facts included (utsname read from init_uts_ns, timestamp from
 * CRASHTIME, phys_base, CPUs): the files must be byte for byte the same: header, sub-header, note
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
        // makedumpfile's own compressor (zlib's deflate): by default zlib pages come from libdeflate,
        // the same format in other bytes (PageCodecTest bounds their size against zlib's)
        SaveOptions o = SaveOptions.defaults().withLevels(level).withCompression(compression).withThreads(2)
                .withWriteOrder(WriteOrder.PFN).withEncoder(PageCodec.Encoder.MAKEDUMPFILE);
        try (DumpFile src = Dumps.open(source(c))) {
            assertEquals(SaveResult.Status.COMPLETE, Saver.save(src, o, ours).status());
        }
        System.out.printf("%s %s d%d: makedumpfile %d bytes, ours %d bytes%n", c, compression, level,
                Files.size(theirs), Files.size(ours));
        assertSameBytes(theirs, ours);
        Files.delete(theirs);
        Files.delete(ours);
    }

    /**
     * arm64, where this machine's makedumpfile cannot run: the fixture's vmcore.kdump was written
     * by makedumpfile ({@code -c -d 31}) in the arm64 capture kernel from the same crash as its
     * ELF core. Without a classifier our level-31 dump keeps more pages, so the 2nd bitmap,
     * descriptors and data differ; everything before them must be identical: header block,
     * sub-header, note blob and the 1st bitmap.
     */
    @org.junit.jupiter.api.Test
    void arm64HeadersAndFirstBitmapEqualMakedumpfilesOwnDump() throws Exception {
        String c = "arm64-6.1.0-56-arm64/sysrq";
        Path theirs = io.kdump4j.testkit.Fixtures.dir(c).resolve("vmcore.kdump");
        Path ours = work().resolve("arm64-d31.kdump");
        try (DumpFile src = Dumps.open(source(c))) {
            assertEquals(SaveResult.Status.COMPLETE, Saver.save(src,
                    SaveOptions.defaults().withLevels(31).withCompression(Compression.ZLIB), ours).status());
        }
        try (KdumpCheckReader a = new KdumpCheckReader(theirs, java.nio.ByteOrder.LITTLE_ENDIAN);
                KdumpCheckReader b = new KdumpCheckReader(ours, java.nio.ByteOrder.LITTLE_ENDIAN)) {
            long upTo = a.descBase - a.bitmap2.length;
            assertEquals(upTo, b.descBase - b.bitmap2.length, "layout up to the 2nd bitmap");
            byte[] x = a.src.read(0, (int) upTo, "makedumpfile's headers and 1st bitmap");
            byte[] y = b.src.read(0, (int) upTo, "our headers and 1st bitmap");
            assertEquals(-1, java.util.Arrays.mismatch(x, y), "first differing byte");
            System.out.printf("arm64: %d bytes of headers, notes and 1st bitmap equal makedumpfile's%n", upTo);
        }
        Files.delete(ours);
    }
}
