package io.kdump4j.setup.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Debian configs in the fixtures, read as .xz, as plain text (by xz -d) and as .gz. */
class KernelConfigTest {
    static final Path X86_61 = Fixtures.dir("x86_64-6.1.0-56-amd64/kernel/config.xz");
    static final Path X86_612 = Fixtures.dir("x86_64-6.12.117+deb12-amd64/kernel/config.xz");
    static final Path ARM64_61 = Fixtures.dir("arm64-6.1.0-56-arm64/kernel/config.xz");

    @Test
    void debianX86Kernels() throws IOException {
        for (Path p : List.of(X86_61, X86_612)) {
            KernelConfig c = KernelConfig.load(p);
            for (String o : List.of("KEXEC", "KEXEC_FILE", "CRASH_DUMP", "PROC_VMCORE", "SYSFS", "RELOCATABLE",
                    "KALLSYMS", "KALLSYMS_ALL", "DEBUG_INFO_BTF", "RD_GZIP", "RD_ZSTD")) {
                assertTrue(c.builtIn(o), p + ": " + o);
            }
            // Modules the capture initramfs must carry on Debian: the virtio disk and ext4.
            assertEquals("m", c.value("VIRTIO_BLK"), p.toString());
            assertEquals("m", c.value("EXT4_FS"), p.toString());
        }
    }

    @Test
    void debianArm64HasNoKexecFileAndNoKallsymsAll() throws IOException {
        KernelConfig c = KernelConfig.load(ARM64_61);
        assertTrue(c.builtIn("KEXEC"));
        assertEquals("n", c.value("KEXEC_FILE"));
        assertTrue(c.has("KEXEC_FILE"), "'is not set' lines are recorded");
        assertEquals("n", c.value("KALLSYMS_ALL"));
        assertEquals("64", c.value("CMA_SIZE_MBYTES"));
        assertEquals("48", c.value("ARM64_VA_BITS"));
    }

    /** Every option line the real xz tool yields is in our parse, with the same value. */
    @Test
    void sameAsXzToolAndGzip(@TempDir Path tmp) throws IOException {
        String text = Fixtures.run(List.of("xz", "-dc", X86_61.toString()));
        Path plain = tmp.resolve("config");
        Files.writeString(plain, text);
        Path gz = tmp.resolve("config.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(text.getBytes());
        }
        KernelConfig fromXz = KernelConfig.load(X86_61);
        assertEquals(fromXz.values(), KernelConfig.load(plain).values());
        assertEquals(fromXz.values(), KernelConfig.load(gz).values());
        long lines = text.lines().filter(l -> l.startsWith("CONFIG_") || l.endsWith(" is not set")).count();
        assertEquals(lines, fromXz.values().size());
        // Quoted values lose their quotes: CONFIG_DEFAULT_HOSTNAME="(none)".
        assertEquals("(none)", fromXz.value("DEFAULT_HOSTNAME"));
    }

    @Test
    void notAConfig(@TempDir Path tmp) throws IOException {
        Path p = tmp.resolve("x");
        Files.writeString(p, "hello\n");
        assertThrows(IOException.class, () -> KernelConfig.load(p));
        assertFalse(KernelConfig.ofRunningKernel(new HostFiles(tmp), "none").isPresent());
    }
}
