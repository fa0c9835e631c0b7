package io.kdump4j.capture;

import static io.kdump4j.capture.CaptureFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.Note;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kdump-compressed output of the real fixtures in every codec, read back page for page by the
 * check reader and by the real makedumpfile (Debian's arm64 build under qemu-user for arm64).
 */
class KdumpOutputTest {

    static List<String> cases() {
        return CASES;
    }

    static List<Object[]> casesAndCodecs() {
        List<Object[]> out = new ArrayList<>();
        for (String c : CASES) {
            for (Compression k : Compression.values()) {
                out.add(new Object[] {c, k});
            }
        }
        return out;
    }

    /** The codecs Debian's makedumpfile reads: it is built without snappy and zstd (the check reader covers those). */
    static List<Object[]> casesAndMakedumpfileCodecs() {
        return casesAndCodecs().stream()
                .filter(a -> a[1] == Compression.ZLIB || a[1] == Compression.LZO || a[1] == Compression.NONE).toList();
    }

    static String key(Compression k) {
        return k.name().toLowerCase() + "-d1.kdump";
    }

    @ParameterizedTest
    @MethodSource("casesAndCodecs")
    void everyPageReadsBackEqualToTheSource(String c, Compression k) throws Exception {
        long t0 = System.nanoTime();
        Path out = saved(c, key(k), options(k, 1));
        long t1 = System.nanoTime();
        long n = comparePages(source(c), out, true);
        System.out.printf("%s %s d1: %d pages compared, %d bytes, save %d ms, compare %d ms%n", c, k, n,
                Files.size(out), (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
        try (DumpFile src = Dumps.open(source(c))) {
            assertEquals(src.memory().pagesPresent(), n, "pages compared = pages present in the source");
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void headerCarriesTheSourceFacts(String c) throws Exception {
        Path out = saved(c, key(Compression.ZLIB), options(Compression.ZLIB, 1));
        try (DumpFile src = Dumps.open(source(c)); KdumpCheckReader r = new KdumpCheckReader(out, src.byteOrder())) {
            assertEquals(0x1, r.status, "status: zlib, complete");
            assertEquals(src.memory().pageSize(), r.blockSize);
            assertEquals(1, r.dumpLevel);
            assertEquals(TIMESTAMP.getEpochSecond(), r.timestamp);
            long cpus = src.notes().stream().filter(n -> n.is("CORE", Note.NT_PRSTATUS)).count();
            assertEquals(cpus, r.nrCpus);
            assertEquals(4096 + 104, r.offsetNote);
            String vmcoreinfo = new String(r.src.read(r.offsetVmcoreinfo, (int) r.sizeVmcoreinfo, "vmcoreinfo"),
                    StandardCharsets.ISO_8859_1);
            assertEquals(src.vmcoreinfo().orElseThrow(), vmcoreinfo);
            assertEquals(Files.readString(io.kdump4j.testkit.Fixtures.dir(c).resolve("vmcoreinfo.txt"),
                    StandardCharsets.ISO_8859_1).strip(), vmcoreinfo.strip(), "VMCOREINFO = the fixture's vmcoreinfo.txt");
            assertTrue(vmcoreinfo.contains("OSRELEASE=" + r.utsname[2] + "\n"), "utsname release = OSRELEASE");
            assertEquals("Linux", r.utsname[0]);
            assertEquals("(none)", r.utsname[1], "nodename read from init_uts_ns (the capture kernel's /init set none)");
            assertTrue(r.utsname[3].startsWith("#1 SMP"), "version read from init_uts_ns: " + r.utsname[3]);
            assertEquals(x86(c) ? "x86_64" : "aarch64", r.utsname[4]);
            assertEquals(2 * KdumpCheckReaderMath.bitmapBlocks(r.maxMapnr, r.blockSize), r.bitmapBlocks);
        }
    }

    @ParameterizedTest
    @MethodSource("casesAndMakedumpfileCodecs")
    void makedumpfileDumpDmesgEqualsGolden(String c, Compression k) throws Exception {
        Path out = saved(c, key(k), options(k, 1));
        assertSameText(Files.readString(golden(c), StandardCharsets.ISO_8859_1), dmesg(c, out), "dmesg of " + out);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void makedumpfileRefiltersOurDumpAtLevel31(String c) throws Exception {
        Path out = saved(c, key(Compression.ZLIB), options(Compression.ZLIB, 1));
        Path refiltered = out.resolveSibling(out.getFileName() + ".d31");
        makedumpfile(c, "-d", "31", "-c", out.toString(), refiltered.toString());
        assertTrue(Files.size(refiltered) < Files.size(out), "level 31 is smaller than level 1");
        assertSameText(Files.readString(golden(c), StandardCharsets.ISO_8859_1), dmesg(c, refiltered),
                "dmesg of the refiltered dump");
        Files.delete(refiltered);
    }

    /**
     * makedumpfile decodes every page of our lzo dump: re-saving it uncompressed gives the same
     * file, from the sub-header on, as makedumpfile saving the source itself. ({@code makedumpfile -E}
     * would be the obvious check, but 1.7.2 refuses ELF output from kdump-compressed input: "'-E'
     * option is disable, because ... is kdump compressed format".) Block 0 differs by design: its
     * timestamp comes from the input header.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void makedumpfileDecodesEveryPageOfOurDump(String c) throws Exception {
        Path out = saved(c, key(Compression.LZO), options(Compression.LZO, 1));
        Path again = out.resolveSibling(out.getFileName() + ".raw");
        Path direct = out.resolveSibling("direct-from-source.raw");
        makedumpfile(c, "-d", "1", out.toString(), again.toString());
        makedumpfile(c, "-d", "1", source(c).toString(), direct.toString());
        assertEquals(Files.size(direct), Files.size(again), "sizes");
        try (var a = java.nio.channels.FileChannel.open(direct); var b = java.nio.channels.FileChannel.open(again)) {
            var ma = a.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, a.size());
            var mb = b.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, b.size());
            int block = 4096;
            assertEquals(-1, ma.slice(block, ma.capacity() - block).mismatch(mb.slice(block, mb.capacity() - block)),
                    "first difference after block 0");
            System.out.printf("%s: makedumpfile re-saved our lzo dump: %d bytes equal to its own save of the source%n",
                    c, Files.size(direct) - block);
        }
        Files.delete(again);
        Files.delete(direct);
    }
}
