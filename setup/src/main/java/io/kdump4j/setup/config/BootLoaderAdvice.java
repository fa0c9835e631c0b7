package io.kdump4j.setup.config;

/**
 * How to add or change a boot parameter permanently, for the boot loaders kdump4j meets:
 * GRUB (x86_64 and most arm64 servers) and U-Boot (arm64 boards).
 */
public final class BootLoaderAdvice {
    private BootLoaderAdvice() {
    }

    /** Instructions to add {@code param} (e.g. {@code crashkernel=256M}) to the boot command line. */
    public static String add(String param) {
        String size = param.startsWith("crashkernel=") ? param.substring("crashkernel=".length()) : param;
        return "kdump4j enable --crashkernel " + size + " (writes it where this machine's boot loader takes it: GRUB, "
                + "u-boot-menu, flash-kernel or systemd-boot), then reboot; by hand with GRUB: " + param
                + " in GRUB_CMDLINE_LINUX_DEFAULT (/etc/default/grub.d/), update-grub, reboot; on a U-Boot board "
                + "U_BOOT_PARAMETERS in /etc/default/u-boot and u-boot-update (a saveenv'd bootargs is overwritten by "
                + "u-boot-menu and flash-kernel on the next kernel)";
    }

    /** Instructions to remove a parameter. */
    public static String remove(String param) {
        return "kdump4j disable (when kdump4j enable set it); else GRUB: remove " + param + " from GRUB_CMDLINE_LINUX (and GRUB_CMDLINE_LINUX_DEFAULT) in /etc/default/grub, "
                + "run update-grub, reboot; U-Boot: setenv bootargs without it; saveenv; reset";
    }
}
