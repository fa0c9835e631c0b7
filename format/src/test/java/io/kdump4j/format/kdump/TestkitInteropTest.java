package io.kdump4j.format.kdump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.testkit.FlatWriter;
import io.kdump4j.testkit.Fixtures;
import io.kdump4j.testkit.KdumpWriter;
import io.kdump4j.testkit.Makedumpfile;
import io.kdump4j.testkit.TestCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The testkit's writers, read by the real makedumpfile: the synthetic edge cases are only
 * worth something if the files are what makedumpfile itself understands.
 */
class TestkitInteropTest {

    @Test
    void makedumpfileRebuildsTheTestkitsScrambledFlattenedStream(@TempDir Path dir) throws Exception {
        Makedumpfile.assumeInstalled();
        byte[] file = Synthetic.standard(TestCodec.ZLIB, 4096).build();
        Path flat = dir.resolve("in.flat");
        Files.write(flat, FlatWriter.scrambled(file, 1234, 11));
        Path out = dir.resolve("out.kdump");
        Fixtures.run(List.of("sh", "-c", Makedumpfile.PATH + " -R " + out + " < " + flat));
        assertArrayEquals(file, Files.readAllBytes(out));
    }

    @Test
    void makedumpfileReassemblesTheTestkitsSplitParts(@TempDir Path dir) throws Exception {
        Makedumpfile.assumeInstalled();
        KdumpWriter w = Synthetic.standard(TestCodec.ZLIB, 4096);
        List<String> cmd = new ArrayList<>(List.of(Makedumpfile.PATH, "--reassemble"));
        List<byte[]> parts = w.buildSplit(3);
        for (int i = 0; i < parts.size(); i++) {
            Path p = dir.resolve("part" + i);
            Files.write(p, parts.get(i));
            cmd.add(p.toString());
        }
        Path out = dir.resolve("whole.kdump");
        cmd.add(out.toString());
        Fixtures.run(cmd);
        try (DumpFile d = Dumps.open(out)) {
            assertFalse(d.details().split());
            Synthetic.assertReadsBack(w, d.memory());
        }
    }
}
