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
    static final Kdump4jConfig CONFIG;

    static {
        try {
            CONFIG = Kdump4jConfig.parse("test", """
                    target = LABEL=kdump4j
                    keep = 3
                    min_free = 500
                    failure_action = dump_to_rootfs
                    root_target = UUID=0a1b2c3d-0000-4000-8000-00000000abcd
                    """);
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static InitramfsSpec spec(Path out, Path modules) {
        Kdump4jConfig c = CONFIG;
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
        assertTrue(init.contains("KEEP=3\nMIN_FREE=500\n"), init);
        assertTrue(init.contains("ROOT_TARGET='UUID=0a1b2c3d-0000-4000-8000-00000000abcd'"), init);
        assertTrue(init.contains(". /" + InitScript.STEPS + "\n"), init);
        // The scripts parse: busybox sh -n.
        Fixtures.run(List.of("/bin/busybox", "sh", "-n", x.resolve("init").toString()));
        Fixtures.run(List.of("/bin/busybox", "sh", "-n", x.resolve(InitScript.STEPS).toString()));
        // The config travels whole: every command in the capture kernel reads the same settings.
        assertEquals(CONFIG, Kdump4jConfig.load(x.resolve("etc/kdump4j.conf")));
        assertTrue(Files.isSymbolicLink(x.resolve("bin/sh")));
        assertEquals(Path.of("/bin/busybox"), Files.readSymbolicLink(x.resolve("bin/sh")));
    }

    /** {@code target = auto} is resolved by {@code kdump4j initramfs} on the machine; the builder refuses it unresolved. */
    @Test
    void anUnresolvedAutoTargetIsRefused(@TempDir Path tmp) {
        InitramfsSpec s = new InitramfsSpec(tmp.resolve("a.img"), Kdump4jConfig.defaults(), null, null, null, null,
                Map.of(), Compression.GZIP, Fixtures.cache());
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> InitramfsBuilder.build(s));
        assertTrue(e.getMessage().contains("target = auto"), e.getMessage());
    }
}
