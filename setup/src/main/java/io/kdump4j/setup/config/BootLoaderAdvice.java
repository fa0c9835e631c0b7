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
        return "GRUB: add " + param + " to GRUB_CMDLINE_LINUX in /etc/default/grub, run update-grub, reboot; "
                + "U-Boot: setenv bootargs \"${bootargs} " + param + "\"; saveenv; reset";
    }

    /** Instructions to remove a parameter. */
    public static String remove(String param) {
        return "GRUB: remove " + param + " from GRUB_CMDLINE_LINUX (and GRUB_CMDLINE_LINUX_DEFAULT) in /etc/default/grub, "
                + "run update-grub, reboot; U-Boot: setenv bootargs without it; saveenv; reset";
    }
}
