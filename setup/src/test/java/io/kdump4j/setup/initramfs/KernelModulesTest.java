package io.kdump4j.setup.initramfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dependency resolution on the real Debian kernel package unpacked by scripts/setup-e2e.sh,
 * checked against kmod's own {@code modinfo -F depends}. Skipped when the package is not there.
 */
class KernelModulesTest {
    static Path modules;

    @BeforeAll
    static void findKernel() {
        Path current = Fixtures.cache().resolve("kernels/current/modules");
        Assumptions.assumeTrue(Files.isDirectory(current.resolve("kernel")),
                "no Debian kernel package in " + current + ": run scripts/setup-e2e.sh to fetch it");
        modules = current;
    }

    @Test
    void ext4AndVirtioInDependencyOrder() throws IOException {
        KernelModules k = KernelModules.open(modules);
        List<ModuleInfo> order = k.resolve(List.of("virtio_pci", "virtio_blk", "ext4"));
        List<String> names = order.stream().map(ModuleInfo::name).toList();
        for (String n : List.of("virtio_pci", "virtio_blk", "ext4", "jbd2", "mbcache")) {
            assertTrue(names.contains(n), names.toString());
        }
        for (int i = 0; i < order.size(); i++) {
            for (String d : order.get(i).depends()) {
                assertTrue(k.isBuiltin(d) || names.subList(0, i).contains(d), d + " must come before " + names.get(i) + ": " + names);
            }
        }
        // ext4's "softdep=pre: crypto-crc32c" (kmod: modinfo -F softdep) is crc32c_generic.ko's alias;
        // without it ext4 cannot mount ("Cannot load crc32c driver").
        assertTrue(names.contains("crc32c_generic"), names.toString());
        assertTrue(names.indexOf("crc32c_generic") < names.indexOf("ext4"), names.toString());
    }

    /** Our .modinfo reader agrees with kmod's modinfo on every module under fs/ and drivers/virtio/. */
    @Test
    void dependsAgreeWithKmod() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/sbin/modinfo")) || Files.isExecutable(Path.of("/usr/sbin/modinfo")),
                "kmod's modinfo is not installed");
        List<Path> kos = new ArrayList<>();
        for (String sub : List.of("kernel/fs", "kernel/drivers/virtio", "kernel/drivers/block")) {
            try (Stream<Path> s = Files.walk(modules.resolve(sub))) {
                s.filter(p -> p.toString().matches(".*\\.ko(\\.xz)?")).forEach(kos::add);
            }
        }
        assertTrue(kos.size() > 50, "modules found: " + kos.size());
        for (Path ko : kos) {
            String want = Fixtures.run(List.of("modinfo", "-F", "depends", ko.toString())).strip();
            List<String> expected = want.isEmpty() ? List.of()
                    : Arrays.stream(want.split(",")).map(s -> s.replace('-', '_')).toList();
            assertEquals(expected, ModuleInfo.read(ko).depends(), ko.toString());
        }
    }

    /** Debian trixie and later ship .ko.xz: the same module compressed by the real xz tool reads the same. */
    @Test
    void xzCompressedModule(@TempDir Path tmp) throws IOException {
        Path ko = modules.resolve("kernel/fs/ext4/ext4.ko");
        Path copy = tmp.resolve("ext4.ko");
        Files.copy(ko, copy);
        Fixtures.run(List.of("xz", "--check=crc32", copy.toString()));
        ModuleInfo a = ModuleInfo.read(ko);
        ModuleInfo b = ModuleInfo.read(tmp.resolve("ext4.ko.xz"));
        assertEquals(a.depends(), b.depends());
        assertEquals(a.softdeps(), b.softdeps());
        assertArrayEquals(a.image(), b.image());
    }

    @Test
    void garbageIsAFormatError(@TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("bad.ko");
        byte[] b = Files.readAllBytes(modules.resolve("kernel/fs/ext4/ext4.ko"));
        Files.write(bad, Arrays.copyOf(b, 200));
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> ModuleInfo.read(bad));
        assertTrue(e.getMessage().contains("bad.ko"), e.getMessage());
        Files.write(bad, new byte[] {1, 2, 3});
        assertThrows(DumpFormatException.class, () -> ModuleInfo.read(bad));
    }

    @Test
    void missingModuleIsNamed() throws IOException {
        KernelModules k = KernelModules.open(modules);
        IOException e = assertThrows(IOException.class, () -> k.resolve(List.of("no_such_module")));
        assertTrue(e.getMessage().contains("no_such_module"));
    }
}
