package io.kdump4j.setup.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** enable then disable on a fake root tree for each boot loader: the edits, the commands, and exactly undone. */
class EnablerTest {
    @TempDir
    Path root;

    final List<List<String>> ran = new ArrayList<>();

    /** Records commands; "builds" the initramfs the way kdump4j initramfs would (a file at -o). */
    final Enabler.Runner runner = c -> {
        ran.add(c);
        if (c.get(0).equals("kdump4j")) {
            Path out = Path.of(c.get(c.indexOf("-o") + 1));
            Files.createDirectories(out.getParent());
            Files.writeString(out, "initramfs of " + c.get(3));
        }
    };

    void kernels(String... releases) throws IOException {
        for (String r : releases) {
            Files.createDirectories(root.resolve("lib/modules/" + r));
            Files.createDirectories(root.resolve("boot"));
            Files.writeString(root.resolve("boot/vmlinuz-" + r), "kernel");
        }
    }

    void file(String path, String text) throws IOException {
        Files.createDirectories(root.resolve(path).getParent());
        Files.writeString(root.resolve(path), text);
    }

    void tool(String name) throws IOException {
        file("usr/sbin/" + name, "#!/bin/sh\n");
        root.resolve("usr/sbin/" + name).toFile().setExecutable(true);
    }

    Enabler.Result enable() throws IOException {
        return Enabler.enable(root, "crashkernel=384M", p -> "crashkernel=999M", runner);
    }

    @Test
    void grubGetsItsOwnFileAndUpdateGrubAndLosesBoth() throws IOException {
        kernels("6.1.0-56-amd64", "6.12.117+deb13-amd64");
        file("boot/grub/grub.cfg", "menuentry\n");
        file("etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
        tool("update-grub");
        Enabler.Result r = enable();
        assertEquals("grub", r.bootLoader());
        assertEquals("GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=384M\"",
                Files.readString(root.resolve("etc/default/grub.d/kdump4j.cfg")).lines().reduce((a, b) -> b).orElseThrow());
        assertEquals("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n", Files.readString(root.resolve("etc/default/grub")));
        assertTrue(ran.contains(List.of("chroot", root.toString(), "update-grub")));
        assertTrue(ran.contains(List.of("systemctl", "--root=" + root, "enable", "kdump4j-load.service")));
        assertEquals(2, ran.stream().filter(c -> c.get(0).equals("kdump4j")).count(), "an initramfs per kernel");
        assertTrue(Files.isRegularFile(root.resolve("var/lib/kdump4j/initrd.img-6.12.117+deb13-amd64")));
        assertTrue(r.reboot().contains("next boot"));
        ran.clear();
        Enabler.Result d = Enabler.disable(root, runner);
        assertFalse(Files.exists(root.resolve("etc/default/grub.d/kdump4j.cfg")));
        assertFalse(Files.exists(root.resolve("var/lib/kdump4j/initrd.img-6.1.0-56-amd64")));
        assertFalse(Files.exists(root.resolve(Enabler.STATE)));
        assertEquals(List.of(List.of("systemctl", "--root=" + root, "disable", "kdump4j-load.service"), List.of("chroot", root.toString(), "update-grub")), ran);
        assertEquals(2, d.initrds().size());
    }

    @Test
    void uBootMenuKeepsItsDefaultAndTheUsersLines() throws IOException {
        kernels("6.1.0-56-arm64");
        file("boot/extlinux/extlinux.conf", "label l0\n");
        String mine = "U_BOOT_TIMEOUT=\"10\"\n";
        file("etc/default/u-boot", mine);
        tool("u-boot-update");
        assertEquals("u-boot-menu", enable().bootLoader());
        String text = Files.readString(root.resolve("etc/default/u-boot"));
        assertTrue(text.startsWith(mine));
        assertTrue(text.contains("U_BOOT_PARAMETERS=\"${U_BOOT_PARAMETERS:-ro quiet} crashkernel=384M\" " + BootLoader.MARK));
        enable(); // again: one line, not two
        assertEquals(1, Files.readString(root.resolve("etc/default/u-boot")).lines().filter(l -> l.endsWith(BootLoader.MARK)).count());
        assertTrue(ran.contains(List.of("chroot", root.toString(), "u-boot-update")));
        Enabler.disable(root, runner);
        assertEquals(mine, Files.readString(root.resolve("etc/default/u-boot")));
    }

    @Test
    void flashKernelExtendsLinuxKernelCmdline() throws IOException {
        kernels("6.1.0-56-arm64");
        String mine = "LINUX_KERNEL_CMDLINE=\"quiet\"\nLINUX_KERNEL_CMDLINE_DEFAULTS=\"\"\n";
        file("etc/default/flash-kernel", mine);
        tool("flash-kernel");
        assertEquals("flash-kernel", enable().bootLoader());
        assertTrue(Files.readString(root.resolve("etc/default/flash-kernel"))
                .endsWith("LINUX_KERNEL_CMDLINE=\"${LINUX_KERNEL_CMDLINE:-quiet} crashkernel=384M\" " + BootLoader.MARK + "\n"));
        assertTrue(ran.contains(List.of("chroot", root.toString(), "flash-kernel")));
        Enabler.disable(root, runner);
        assertEquals(mine, Files.readString(root.resolve("etc/default/flash-kernel")));
    }

    @Test
    void kernelInstallCreatesCmdlineFromProcAndDeletesItAgain() throws IOException {
        kernels("6.1.0-56-amd64");
        file("boot/efi/loader/loader.conf", "timeout 3\n");
        file("proc/cmdline", "BOOT_IMAGE=/vmlinuz root=UUID=abcd ro quiet crashkernel=128M\n");
        assertEquals("kernel-install", enable().bootLoader());
        assertEquals("root=UUID=abcd ro quiet crashkernel=384M\n", Files.readString(root.resolve("etc/kernel/cmdline")));
        assertTrue(ran.contains(List.of("chroot", root.toString(), "kernel-install", "add", "6.1.0-56-amd64", "/boot/vmlinuz-6.1.0-56-amd64")));
        Enabler.disable(root, runner);
        assertFalse(Files.exists(root.resolve("etc/kernel/cmdline")));
    }

    @Test
    void kernelInstallRestoresAnExistingCmdline() throws IOException {
        kernels("6.1.0-56-amd64");
        file("etc/kernel/cmdline", "root=/dev/sda2 rw\n");
        enable();
        assertEquals("root=/dev/sda2 rw crashkernel=384M\n", Files.readString(root.resolve("etc/kernel/cmdline")));
        Enabler.disable(root, runner);
        assertEquals("root=/dev/sda2 rw\n", Files.readString(root.resolve("etc/kernel/cmdline")));
    }

    @Test
    void noEditableBootLoaderSaysWhereTheCommandLineComesFrom() throws IOException {
        kernels("6.1.0-56-amd64");
        IOException e = assertThrows(IOException.class, this::enable);
        assertTrue(e.getMessage().contains("firmware or the hypervisor"), e.getMessage());
        assertTrue(ran.isEmpty(), "nothing done");
        assertFalse(Files.exists(root.resolve(Enabler.STATE)));
    }

    @Test
    void theEstimateOfTheLargestInitramfsWhenNoSizeIsGiven() throws IOException {
        kernels("6.1.0-56-amd64");
        file("boot/grub/grub.cfg", "menuentry\n");
        tool("update-grub");
        Enabler.Result r = Enabler.enable(root, null, p -> "crashkernel=" + p.getFileName(), runner);
        assertEquals("crashkernel=initrd.img-6.1.0-56-amd64", r.parameter());
    }

    @Test
    void disableWhenNotEnabledDoesNothing() throws IOException {
        Enabler.Result d = Enabler.disable(root, runner);
        assertNull(d.bootLoader());
        assertTrue(ran.isEmpty());
    }
}
