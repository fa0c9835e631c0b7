package io.kdump4j.setup.initramfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.setup.config.Kdump4jConfig;
import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capture initramfs without the Java runtime (jlink is exercised by the QEMU test), read back
 * by GNU cpio: essentials first, modules in load order, same bytes twice, /init valid sh.
 */
class InitramfsBuilderTest {
    static InitramfsSpec spec(Path out, Path modules) {
        Kdump4jConfig c = Kdump4jConfig.defaults();
        return new InitramfsSpec(out, c, null, modules, null, null, Map.of(), Compression.GZIP, Fixtures.cache());
    }

    @Test
    void buildsReproduciblyWithEssentialsFirst(@TempDir Path tmp) throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/bin/busybox")), "busybox-static is not installed (scripts/setup-e2e.sh)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/cpio")), "cpio is not installed (scripts/setup-e2e.sh)");
        Path modules = Fixtures.cache().resolve("kernels/current/modules");
        Path mods = Files.isDirectory(modules.resolve("kernel")) ? modules : null;
        InitramfsReport a = InitramfsBuilder.build(spec(tmp.resolve("a.img"), mods));
        InitramfsReport b = InitramfsBuilder.build(spec(tmp.resolve("b.img"), mods));
        assertArrayEquals(Files.readAllBytes(a.output()), Files.readAllBytes(b.output()));
        List<String> names = Fixtures.run(List.of("sh", "-c", "gzip -dc < " + a.output() + " | cpio -t --quiet")).lines().toList();
        assertEquals(a.entries(), names.size());
        assertTrue(names.indexOf("bin/busybox") < names.indexOf("init"), names.toString());
        assertTrue(names.contains("dev/console") && names.contains("bin/sh") && names.contains("sbin/findfs"), names.toString());
        if (mods != null) {
            assertTrue(names.indexOf("init") < names.indexOf("lib/modules/ext4.ko"), "essentials before modules");
            assertTrue(a.modules().indexOf("jbd2") < a.modules().indexOf("ext4"), a.modules().toString());
        }
        Path x = Files.createDirectories(tmp.resolve("x"));
        Fixtures.run(List.of("sh", "-c", "cd " + x + " && gzip -dc < " + a.output() + " | cpio -i -d --quiet"));
        String init = Files.readString(x.resolve("init"));
        assertTrue(init.startsWith("#!/bin/sh\n"));
        assertTrue(init.contains("TARGET='LABEL=kdump4j'"), init);
        // The script parses: busybox sh -n.
        Fixtures.run(List.of("/bin/busybox", "sh", "-n", x.resolve("init").toString()));
        // The config travels whole: every command in the capture kernel reads the same settings.
        assertEquals(Kdump4jConfig.defaults(), Kdump4jConfig.load(x.resolve("etc/kdump4j.conf")));
        assertTrue(Files.isSymbolicLink(x.resolve("bin/sh")));
        assertEquals(Path.of("/bin/busybox"), Files.readSymbolicLink(x.resolve("bin/sh")));
    }
}
