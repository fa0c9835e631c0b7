package io.kdump4j.capture;

import static io.kdump4j.capture.CaptureFixtures.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The heap a save needs does not grow with the dump: an 800 MB level-0 save (every page) runs in
 * a JVM with a 32 MiB heap, where holding even the page descriptors (4.7 MB) and bitmaps would be
 * fine but holding pages would not.
 */
class HeapBoundTest {

    private static void saveIn32MiB(String compression, String container, String name) throws Exception {
        Path out = work().resolve(name);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String output = run(java, "-Xmx32m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SaveMain.class.getName(), source("x86_64-6.1.0-56-amd64/sysrq-elf").toString(), out.toString(),
                compression, container);
        System.out.println("32 MiB heap, " + compression + " " + container + ": " + output.strip());
        assertTrue(output.startsWith("COMPLETE"), output);
        assertTrue(Files.size(out) > 50_000_000L);
        Files.delete(out);
    }

    @Test
    void kdumpLevel0SavesIn32MiBOfHeap() throws Exception {
        saveIn32MiB("ZLIB", "KDUMP", "heap.kdump");
    }

    @Test
    void elfLevel0SavesIn32MiBOfHeap() throws Exception {
        saveIn32MiB("NONE", "ELF", "heap.elf");
    }

}
