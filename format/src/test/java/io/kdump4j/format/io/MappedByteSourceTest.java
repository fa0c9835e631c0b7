package io.kdump4j.format.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads across tiny chunks, and a file cut short after it was mapped (SIGBUS in the copy). */
class MappedByteSourceTest {
    /** Closeable's contract: a second close has no effect (it threw "Already closed"). */
    @Test
    void closeIsIdempotent(@TempDir Path tmp) throws IOException {
        Path f = Files.write(tmp.resolve("f"), new byte[100]);
        MappedByteSource s = MappedByteSource.open(f);
        s.close();
        s.close();
        io.kdump4j.format.DumpFile d = io.kdump4j.format.Dumps.open(Files.write(tmp.resolve("n"),
                new io.kdump4j.testkit.ElfCoreWriter().load(0, new byte[4096], 4096).build()));
        d.close();
        d.close();
    }

    @Test
    void readsAcrossChunkBoundaries(@TempDir Path tmp) throws IOException {
        byte[] data = new byte[10_000];
        new Random(7).nextBytes(data);
        Path f = Files.write(tmp.resolve("f"), data);
        try (MappedByteSource s = MappedByteSource.open(f, 6)) {
            for (int off : new int[] {0, 63, 64, 1000, 9_000}) {
                byte[] got = new byte[1000];
                s.read(off, got, 0, got.length, "test bytes");
                assertArrayEquals(Arrays.copyOfRange(data, off, off + 1000), got, "offset " + off);
            }
        }
    }

    @Test
    void fileCutShortAfterMappingIsAnIoErrorNamingFileAndOffset(@TempDir Path tmp) throws IOException {
        Path f = Files.write(tmp.resolve("cut"), new byte[1 << 20]);
        try (MappedByteSource s = MappedByteSource.open(f)) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.truncate(4096);
            }
            IOException e = assertThrows(IOException.class, () -> s.read(512 * 1024, new byte[4096], 0, 4096, "page 128"));
            assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("offset 524288")
                    && e.getMessage().contains("page 128"), e.getMessage());
        }
    }
}
