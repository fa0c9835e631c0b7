package io.kdump4j.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.kdump.KdumpFile;
import io.kdump4j.testkit.KdumpWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code save} writes the phys_base of the dump it reads: for an x86_64 kernel before 4.10
 * (no NUMBER(phys_base) in VMCOREINFO) relocated 32 MiB up, the source's sub-header value, not 0.
 */
class SavePhysBaseTest {
    private static final long TEXT = 0xffff_ffff_8100_0000L;
    private static final long PHYS_BASE = 0x200_0000L;

    @TempDir
    Path tmp;

    @Test
    void refilteredDumpKeepsPhysBase() throws Exception {
        String vi = "OSRELEASE=4.9.0-relocated\nPAGESIZE=4096\nSYMBOL(init_top_pgt)=" + Long.toHexString(TEXT + 0x1000)
                + "\nSYMBOL(init_uts_ns)=" + Long.toHexString(TEXT + 0x3000) + "\nOFFSET(uts_namespace.name)=0\n";
        long textPfn = (TEXT - 0xffff_ffff_8000_0000L + PHYS_BASE) / 4096;
        KdumpWriter w = new KdumpWriter().vmcoreinfo(vi).physBase(PHYS_BASE).maxMapnr(textPfn + 8).machine("x86_64");
        for (long p = textPfn; p < textPfn + 8; p++) {
            w.page(p, KdumpWriter.patternPage(p, 4096));
        }
        Path src = Files.write(tmp.resolve("old.kdump"), w.build());
        Path out = tmp.resolve("saved.kdump");
        try (DumpFile d = Dumps.open(src)) {
            assertTrue(Saver.save(d, SaveOptions.defaults().withLevels(0).withThreads(1), out).complete());
        }
        try (DumpFile d = Dumps.open(out)) {
            assertEquals(PHYS_BASE, ((KdumpFile) d).subHeader().physBase());
        }
    }
}
