package io.kdump4j.setup.boot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A boot loader whose update tool sources a shell defaults file: one marked line there extends
 * the tool's command line variable ({@link ShellDefaults}), then the tool runs.
 *
 * @param root        the system's root
 * @param name        the Debian package's name
 * @param path        the defaults file, relative to root
 * @param variable    the variable holding the kernel command line
 * @param toolDefault the tool's own value when the variable is unset
 * @param tool        the command that rewrites the boot configuration
 */
public record DefaultsFile(Path root, String name, String path, String variable, String toolDefault, String tool)
        implements BootLoader {
    /** u-boot-menu (Debian's extlinux.conf for U-Boot boards): U_BOOT_PARAMETERS, default "ro quiet", u-boot-update. */
    public static DefaultsFile uBootMenu(Path root) {
        return new DefaultsFile(root, "u-boot-menu", "etc/default/u-boot", "U_BOOT_PARAMETERS", "ro quiet", "u-boot-update");
    }

    /** flash-kernel (boards whose boot script or flash it writes): LINUX_KERNEL_CMDLINE, default "quiet". */
    public static DefaultsFile flashKernel(Path root) {
        return new DefaultsFile(root, "flash-kernel", "etc/default/flash-kernel", "LINUX_KERNEL_CMDLINE", "quiet",
                "flash-kernel");
    }

    @Override
    public Path file() {
        return root.resolve(path);
    }

    @Override
    public FileEdit add(String param) throws IOException {
        return ShellDefaults.add(file(), variable, toolDefault, param);
    }

    @Override
    public FileEdit remove(String before) throws IOException {
        return ShellDefaults.remove(file(), before == null);
    }

    @Override
    public List<List<String>> update(List<String> releases) {
        return List.of(List.of(tool));
    }
}
