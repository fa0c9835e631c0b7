package io.kdump4j.setup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Kdump4jConfigTest {
    @Test
    void parsesAndDefaults() throws IOException {
        Kdump4jConfig c = Kdump4jConfig.parse("t", """
                # comment
                target = UUID=1234-abcd   # trailing comment
                dump_level = 1
                codec = zstd
                final_action = poweroff
                append = nokaslr   loglevel=7
                modules = nvme ext4
                """);
        assertEquals("UUID=1234-abcd", c.target());
        assertEquals(1, c.dumpLevel());
        assertEquals("zstd", c.codec());
        assertEquals("poweroff", c.finalAction());
        assertEquals("reboot", c.failureAction());
        assertEquals(List.of("nokaslr", "loglevel=7"), c.append());
        assertEquals(List.of("nvme", "ext4"), c.modules());
        assertEquals(Path.of("/boot/vmlinuz-6.1.0-56-amd64"), c.kernelFor("6.1.0-56-amd64"));
    }

    @Test
    void theDefaultIsVarCrashOnItsOwnFileSystemKeptForever() throws IOException {
        Kdump4jConfig d = Kdump4jConfig.parse("t", "");
        assertEquals(Kdump4jConfig.AUTO, d.target());
        assertEquals("/var/crash", d.path());
        assertEquals(new Kdump4jConfig.Retention(0, 0, 120, 0, 64), d.retention());
        Kdump4jConfig c = Kdump4jConfig.parse("t", """
                keep = 2
                min_free = 1024
                watchdog = 30
                save_timeout = 3600
                fallback_margin = 128
                failure_action = dump_to_rootfs
                root_target = LABEL=root
                """);
        assertEquals(new Kdump4jConfig.Retention(2, 1024, 30, 3600, 128), c.retention());
        assertEquals("dump_to_rootfs", c.failureAction());
        assertEquals("LABEL=root", c.rootTarget());
        Kdump4jConfig r = c.resolved("UUID=x", "/crash", "UUID=y", List.of("nvme", "virtio_pci"));
        assertEquals(List.of("UUID=x", "/crash", "UUID=y"), List.of(r.target(), r.path(), r.rootTarget()));
        assertEquals(List.of("virtio_pci", "virtio_blk", "ext4", "nvme"), r.modules());
        IOException e = assertThrows(IOException.class, () -> Kdump4jConfig.parse("f", "keep = -1\n"));
        assertTrue(e.getMessage().contains("keep must be a whole number"), e.getMessage());
        assertThrows(IOException.class, () -> Kdump4jConfig.parse("f", "watchdog = soon\n"));
        assertThrows(IOException.class, () -> Kdump4jConfig.parse("f", "final_action = dump_to_rootfs\n"));
    }

    @Test
    void rejectsTyposAndBadValues() {
        IOException e = assertThrows(IOException.class, () -> Kdump4jConfig.parse("f", "targt = /dev/sdb\n"));
        assertTrue(e.getMessage().contains("targt"), e.getMessage());
        assertThrows(IOException.class, () -> Kdump4jConfig.parse("f", "dump_level = 32\n"));
        assertThrows(IOException.class, () -> Kdump4jConfig.parse("f", "codec = bzip2\n"));
        assertThrows(IOException.class, () -> Kdump4jConfig.parse("f", "final_action = explode\n"));
        assertThrows(IOException.class, () -> Kdump4jConfig.parse("f", "path = relative\n"));
        IOException line = assertThrows(IOException.class, () -> Kdump4jConfig.parse("f", "\n\nnonsense\n"));
        assertTrue(line.getMessage().startsWith("f:3:"), line.getMessage());
    }

    @Test
    void missingFileGivesDefaults(@TempDir Path tmp) throws IOException {
        assertEquals(Kdump4jConfig.defaults(), Kdump4jConfig.load(tmp.resolve("none.conf")));
    }

    /** A key set twice is an error naming the file and both lines (issue 13), not a silent last-wins. */
    @Test
    void aDuplicateKeyIsAnErrorWithFileAndLine() {
        IOException e = assertThrows(IOException.class,
                () -> Kdump4jConfig.parse("/etc/kdump4j.conf", "codec = zstd\n# c\nCodec = lzo\n"));
        assertEquals("/etc/kdump4j.conf:3: codec is set twice (first on line 1)", e.getMessage());
    }
}
