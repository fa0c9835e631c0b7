package io.kdump4j.setup.elfcore;

import io.kdump4j.format.note.VmcoreinfoText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.testkit.Fixtures;
import io.kdump4j.testkit.Fuzz;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VMCOREINFO reader on the first 64 KiB of a real ELF core (what the arm64 e2e guest copies
 * of /proc/kcore), and on damaged copies of it.
 */
class KcoreVmcoreinfoTest {
    static byte[] head() throws IOException {
        try (InputStream in = Files.newInputStream(Fixtures.elfCore("arm64-6.1.0-56-arm64/sysrq"))) {
            return in.readNBytes(65536);
        }
    }

    @Test
    void readsTheNoteFromAHeadCopy(@TempDir Path tmp) throws IOException {
        Path kcore = tmp.resolve("kcore");
        Files.write(kcore, head());
        var info = KcoreVmcoreinfo.read(kcore);
        // The values the fixture's vmcoreinfo.txt (written by the lab from the same note) has.
        String text = Files.readString(Fixtures.dir("arm64-6.1.0-56-arm64/sysrq").resolve("vmcoreinfo.txt"));
        assertEquals(VmcoreinfoText.parse("vmcoreinfo.txt", text).number("NUMBER(kimage_voffset)"),
                info.number("NUMBER(kimage_voffset)"));
        assertEquals(java.util.Optional.of("6.1.0-56-arm64"), info.text("OSRELEASE"));
    }

    /**
     * A repeated key: the later line wins, as for the dumps the same kernel writes (this reader
     * kept the first before it went through the format module's one parser; the test failed
     * then).
     */
    @Test
    void aRepeatedKeyTakesTheLaterLine(@TempDir Path tmp) throws IOException {
        Path kcore = tmp.resolve("kcore");
        Files.write(kcore, new io.kdump4j.testkit.ElfCoreWriter().vmcoreinfo("OSRELEASE=6.1.0-old\n"
                + "NUMBER(kimage_voffset)=0xffffc18500000000\nOSRELEASE=6.1.0-new\n"
                + "NUMBER(kimage_voffset)=0xffffc185c3c00000\n").build());
        var info = KcoreVmcoreinfo.read(kcore);
        assertEquals(java.util.OptionalLong.of(0xffffc185c3c00000L), info.number("NUMBER(kimage_voffset)"));
        assertEquals(java.util.Optional.of("6.1.0-new"), info.text("OSRELEASE"));
    }

    @Test
    void truncatedCopyNamesTheFile(@TempDir Path tmp) throws IOException {
        Path kcore = tmp.resolve("kcore");
        Files.write(kcore, java.util.Arrays.copyOf(head(), 100));
        var e = assertThrows(DumpFormatException.class, () -> KcoreVmcoreinfo.read(kcore));
        assertEquals(kcore.toString(), e.source());
    }

    @Test
    void damagedHeadersGiveFormatErrorsOnly(@TempDir Path tmp) throws IOException {
        byte[] good = head();
        Path kcore = tmp.resolve("kcore");
        Fuzz.check("kcore damage", 300, r -> {
            byte[] b = good.clone();
            for (int i = 0; i < 1 + r.nextInt(6); i++) {
                b[r.nextInt(r.nextBoolean() ? 64 + 56 * 4 : 8192)] = (byte) r.nextInt(256);
            }
            Files.write(kcore, b);
            try {
                KcoreVmcoreinfo.read(kcore);
            } catch (DumpFormatException expected) {
                assertEquals(kcore.toString(), expected.source());
            }
        });
    }
}
