package io.kdump4j.setup.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.setup.initramfs.Compression;
import io.kdump4j.setup.initramfs.CpioNewcWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The estimate against the QEMU cycle's measured outcomes (see CrashkernelEstimate's Javadoc). */
class CrashkernelEstimateTest {
    static final long MIB = 1 << 20;

    /** The e2e image: 28442620 bytes gzip, 54978488 unpacked, with Java: 192M worked, 160M did not. */
    @Test
    void matchesTheMeasuredCycle() {
        CrashkernelEstimate e = CrashkernelEstimate.compute(28442620, 54978488, true);
        assertTrue(e.requiredBytes() > 160 * MIB, e.toString());
        assertTrue(e.requiredBytes() <= 192 * MIB, e.toString());
        assertEquals("crashkernel=192M", e.parameter());
    }

    /** The raw-copy image (kdump4j initramfs --no-java): 1758231 bytes, 5038072 unpacked: 96M worked, 80M did not. */
    @Test
    void rawCopyImage() {
        CrashkernelEstimate e = CrashkernelEstimate.compute(1758231, 5038072, false);
        assertTrue(e.requiredBytes() > 80 * MIB, e.toString());
        assertTrue(e.recommendedBytes() <= 112 * MIB, e.toString());
    }

    @Test
    void readsTheArchive(@TempDir Path tmp) throws IOException {
        for (Compression c : Compression.values()) {
            Path f = tmp.resolve("i" + c.suffix());
            try (OutputStream o = c.wrap(Files.newOutputStream(f)); CpioNewcWriter w = new CpioNewcWriter(o, 0)) {
                w.directory("opt/kdump4j/java/bin", 0755);
                w.file("opt/kdump4j/java/bin/java", 0755, new byte[1000]);
                w.finish();
            }
            CrashkernelEstimate e = CrashkernelEstimate.of(f);
            assertTrue(e.java(), c.toString());
            assertEquals(Files.size(f), e.compressedBytes());
            // header+name "opt/kdump4j/java/bin" (21 with NUL) = 131 -> 132; file: 110+26 -> 136, data 1000; trailer 110+11 -> 124
            assertEquals(132 + 136 + 1000 + 124, e.archiveBytes(), c.toString());
        }
    }

    @Test
    void truncatedArchiveIsAFormatError(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("t");
        Files.write(f, "070701000000".getBytes());
        assertThrows(DumpFormatException.class, () -> CrashkernelEstimate.of(f));
        Files.write(f, new byte[200]);
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> CrashkernelEstimate.of(f));
        assertTrue(e.getMessage().contains("070701"), e.getMessage());
    }
}
