package io.kdump4j.setup.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.setup.config.Kdump4jConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed kernel's files in both of Debian's layouts, as its packages unpack them: the
 * trees are the packages' own file lists (dpkg-deb -c of linux-image-6.1.0-57-amd64 and of sid's
 * linux-binary-/linux-modules-7.2.13+deb14-amd64), with empty files.
 */
class InstalledKernelTest {
    static HostFiles tree(Path root, String... files) throws IOException {
        for (String f : files) {
            Path p = root.resolve(f.substring(1));
            Files.createDirectories(p.getParent());
            Files.writeString(p, "CONFIG_X=y\n");
        }
        return new HostFiles(root);
    }

    @Test
    void bookwormKeepsThemInBoot(@TempDir Path root) throws IOException {
        String r = "6.1.0-57-amd64";
        HostFiles h = tree(root, "/boot/vmlinuz-" + r, "/boot/config-" + r, "/boot/System.map-" + r,
                "/lib/modules/" + r + "/kernel/fs/ext4/ext4.ko", "/lib/modules/" + r + "/modules.order");
        InstalledKernel k = new InstalledKernel(h, r);
        assertEquals(root.resolve("boot/vmlinuz-" + r), k.vmlinuz());
        assertEquals(root.resolve("boot/config-" + r), k.config());
        assertEquals(root.resolve("lib/modules/" + r), k.modules());
    }

    @Test
    void sidKeepsThemWithTheModules(@TempDir Path root) throws IOException {
        String r = "7.2.13+deb14-amd64";
        HostFiles h = tree(root, "/usr/lib/modules/" + r + "/vmlinuz", "/usr/lib/modules/" + r + "/config",
                "/usr/lib/modules/" + r + "/System.map", "/usr/lib/modules/" + r + "/kernel/fs/ext4/ext4.ko.xz");
        InstalledKernel k = new InstalledKernel(h, r);
        assertEquals(root.resolve("usr/lib/modules/" + r + "/vmlinuz"), k.vmlinuz());
        assertEquals(root.resolve("usr/lib/modules/" + r + "/config"), k.config());
        assertEquals(root.resolve("usr/lib/modules/" + r), k.modules());
        assertTrue(KernelConfig.ofRunningKernel(h, r).orElseThrow().builtIn("X"), "check reads sid's config");
        // A boot loader hook that copies the kernel into /boot wins: it is what the machine boots.
        tree(root, "/boot/vmlinuz-" + r);
        assertEquals(root.resolve("boot/vmlinuz-" + r), k.vmlinuz());
    }

    @Test
    void neitherNamesTheClassicPlace(@TempDir Path root) {
        InstalledKernel k = new InstalledKernel(new HostFiles(root), "6.12.117+deb13-amd64");
        assertEquals(root.resolve("boot/vmlinuz-6.12.117+deb13-amd64"), k.vmlinuz(), "the error then names /boot");
        assertEquals(root.resolve("boot/config-6.12.117+deb13-amd64"), k.config());
    }

    @Test
    void theDefaultSettingFindsTheKernelAndAUsersIsTakenAsWritten() throws IOException {
        assertEquals(InstalledKernel.of("9.9-test").vmlinuz(), Kdump4jConfig.defaults().kernelFor("9.9-test"));
        Kdump4jConfig mine = Kdump4jConfig.parse("test", "kernel = /srv/k/vmlinuz-%r\n");
        assertEquals(Path.of("/srv/k/vmlinuz-9.9-test"), mine.kernelFor("9.9-test"));
    }
}
