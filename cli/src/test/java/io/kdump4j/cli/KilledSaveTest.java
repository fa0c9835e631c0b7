package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.mem.PhysicalMemory;
import io.kdump4j.testkit.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A save killed outright (SIGKILL: no chance to salvage) still leaves a file kdump4j reads.
 * Before, {@code save -f elf} wrote its PT_LOAD headers only after their data (in batches of
 * 1024): killed after 100+ MB, the file held only PT_NULL headers, and no tool could read a page.
 */
class KilledSaveTest {
    private static final String CASE = "x86_64-6.1.0-56-amd64/sysrq-elf";

    @TempDir
    Path tmp;

    @Test
    void anElfSaveKilledMidwayIsReadable() throws Exception {
        Path source = Fixtures.elfCore(CASE);
        Path target = tmp.resolve("vmcore");
        Path partial = tmp.resolve("vmcore.incomplete");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "save", "-f", "elf", "-d", "0", source.toString(), target.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while ((!Files.exists(partial) || Files.size(partial) < 200L << 20) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the save ended before it could be killed: " + Files.readString(tmp.resolve("out")));
        p.destroyForcibly(); // SIGKILL
        p.waitFor(1, TimeUnit.MINUTES);
        assertTrue(Files.exists(partial), "the killed save left TARGET.incomplete");
        try (DumpFile killed = Dumps.open(partial); DumpFile src = Dumps.open(source)) {
            assertTrue(killed.details().incomplete(), "marked incomplete");
            PhysicalMemory k = killed.memory();
            long checked = 0;
            byte[] a = new byte[4096];
            byte[] b = new byte[4096];
            for (long pfn = 0; pfn < k.maxPfn() && checked < 20_000; pfn++) {
                if (k.state(pfn) == PhysicalMemory.PageState.PRESENT) {
                    k.read(pfn * 4096, a, 0, 4096);
                    src.memory().read(pfn * 4096, b, 0, 4096);
                    assertArrayEquals(b, a, "pfn " + pfn);
                    checked++;
                }
            }
            assertTrue(checked >= 20_000, "pages readable in the killed save: " + checked);
        }
    }
}
