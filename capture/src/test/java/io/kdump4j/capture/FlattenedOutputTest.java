package io.kdump4j.capture;

import static io.kdump4j.capture.CaptureFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.io.Bytes;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** makedumpfile's flattened format: reassembled by the real {@code makedumpfile -R}. */
class FlattenedOutputTest {

    static List<String> cases() {
        return CASES;
    }

    /**
     * The flattened save, rebuilt by {@code makedumpfile -R}, is byte-identical to the direct
     * save with the same options; the flattened save uses one thread and the direct one two, so
     * this also shows the output does not depend on the thread count.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void makedumpfileReassemblesOurStreamIntoTheDirectFile(String c) throws Exception {
        Path direct = saved(c, "zlib-d1.kdump", options(Compression.ZLIB, 1));
        Path flat = work().resolve(c.replace('/', '_') + ".zlib-d1.flat");
        try (DumpFile src = Dumps.open(source(c))) {
            SaveResult r = Saver.save(src, options(Compression.ZLIB, 1).withFlattened(true).withThreads(1), flat);
            assertTrue(r.complete());
        }
        byte[] head = new byte[4096];
        try (var in = Files.newInputStream(flat)) {
            assertEquals(4096, in.readNBytes(head, 0, 4096));
        }
        assertEquals("makedumpfile", Bytes.cString(head, 0, 16));
        assertEquals(1, Bytes.s64(head, 16, ByteOrder.BIG_ENDIAN), "type");
        assertEquals(1, Bytes.s64(head, 24, ByteOrder.BIG_ENDIAN), "version");
        Path rebuilt = flat.resolveSibling(flat.getFileName() + ".R");
        run("sh", "-c", "makedumpfile -R '" + rebuilt + "' < '" + flat + "'");
        assertSameBytes(direct, rebuilt);
        Files.delete(rebuilt);
        Files.delete(flat);
    }

    /** Saving to a stream (stdout for ssh) gives the same bytes as a flattened file. */
    @ParameterizedTest
    @MethodSource("cases")
    void streamOutputEqualsFlattenedFile(String c) throws Exception {
        Path flat = work().resolve(c.replace('/', '_') + ".lzo-d1.flat");
        Path streamed = work().resolve(c.replace('/', '_') + ".lzo-d1.stream");
        SaveOptions o = options(Compression.LZO, 1).withFlattened(true);
        try (DumpFile src = Dumps.open(source(c))) {
            assertTrue(Saver.save(src, o, flat).complete());
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(streamed))) {
                SaveResult r = Saver.save(src, o, out);
                assertTrue(r.complete());
                assertEquals(null, r.path());
            }
        }
        assertSameBytes(flat, streamed);
        byte[] all = Files.readAllBytes(flat);
        assertEquals(-1, Bytes.s64(all, all.length - 16, ByteOrder.BIG_ENDIAN), "end marker offset");
        assertEquals(-1, Bytes.s64(all, all.length - 8, ByteOrder.BIG_ENDIAN), "end marker size");
        Files.delete(flat);
        Files.delete(streamed);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void makedumpfileReadsDmesgFromTheRebuiltElfStream(String c) throws Exception {
        Path flat = work().resolve(c.replace('/', '_') + ".elf.flat");
        try (DumpFile src = Dumps.open(source(c))) {
            assertTrue(Saver.save(src, options(Compression.NONE, 31).withContainer(Container.ELF).withFlattened(true),
                    flat).complete());
        }
        Path rebuilt = flat.resolveSibling(flat.getFileName() + ".R");
        run("sh", "-c", "makedumpfile -R '" + rebuilt + "' < '" + flat + "'");
        assertSameText(Files.readString(golden(c), StandardCharsets.ISO_8859_1), dmesg(c, rebuilt), "dmesg");
        Files.delete(rebuilt);
        Files.delete(flat);
    }
}
