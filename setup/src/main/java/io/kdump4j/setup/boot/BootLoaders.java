package io.kdump4j.setup.boot;

import java.nio.file.Files;
import java.nio.file.Path;

/** Which boot loader a machine (under {@code root}) really boots with. */
public final class BootLoaders {
    private BootLoaders() {
    }

    /**
     * The boot loader found, or null with {@link Detection#why()} saying why none is editable.
     *
     * @param loader the boot loader, or null
     * @param why    what was found: the files that decided it, or why the command line is not kdump4j's to edit
     */
    public record Detection(BootLoader loader, String why) {
    }

    /**
     * systemd-boot first (a loader.conf on the ESP, or /etc/kernel/cmdline: an EFI machine can also
     * have GRUB's packages), then GRUB (its grub.cfg and update-grub), flash-kernel (its default
     * file and tool), u-boot-menu (extlinux.conf and u-boot-update).
     */
    public static Detection detect(Path root) {
        for (String l : new String[] {"boot/efi/loader/loader.conf", "efi/loader/loader.conf", "boot/loader/loader.conf"}) {
            if (Files.isRegularFile(root.resolve(l))) {
                return new Detection(new KernelInstall(root), "systemd-boot: /" + l);
            }
        }
        if (Files.isRegularFile(root.resolve("etc/kernel/cmdline"))) {
            return new Detection(new KernelInstall(root), "kernel-install: /etc/kernel/cmdline");
        }
        if (Files.isRegularFile(root.resolve("boot/grub/grub.cfg")) && tool(root, "update-grub")) {
            return new Detection(new Grub(root), "GRUB: /boot/grub/grub.cfg, update-grub");
        }
        if (Files.isRegularFile(root.resolve("etc/default/flash-kernel")) && tool(root, "flash-kernel")) {
            return new Detection(DefaultsFile.flashKernel(root), "flash-kernel: /etc/default/flash-kernel");
        }
        if (Files.isRegularFile(root.resolve("boot/extlinux/extlinux.conf")) && tool(root, "u-boot-update")) {
            return new Detection(DefaultsFile.uBootMenu(root), "u-boot-menu: /boot/extlinux/extlinux.conf, u-boot-update");
        }
        String hint = Files.isRegularFile(root.resolve("boot/extlinux/extlinux.conf"))
                ? " (/boot/extlinux/extlinux.conf is there but no u-boot-update: install u-boot-menu, or edit that file by hand)"
                : "";
        return new Detection(null, "no boot loader configuration kdump4j can edit (GRUB, u-boot-menu, flash-kernel, "
                + "systemd-boot/kernel-install)" + hint + ": this kernel's command line comes from the firmware or the "
                + "hypervisor (QEMU -append, a cloud's direct kernel boot, U-Boot's saved bootargs); add crashkernel= there");
    }

    private static boolean tool(Path root, String name) {
        return Files.isExecutable(root.resolve("usr/sbin/" + name)) || Files.isExecutable(root.resolve("sbin/" + name));
    }
}
