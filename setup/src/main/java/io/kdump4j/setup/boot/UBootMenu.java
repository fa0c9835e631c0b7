package io.kdump4j.setup.boot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * u-boot-menu (Debian's extlinux.conf for U-Boot boards): {@code U_BOOT_PARAMETERS} in
 * {@code /etc/default/u-boot}, then {@code u-boot-update}; u-boot-update's own default for it is
 * {@code ro quiet}.
 */
public record UBootMenu(Path root) implements BootLoader {
    @Override
    public String name() {
        return "u-boot-menu";
    }

    @Override
    public Path file() {
        return root.resolve("etc/default/u-boot");
    }

    @Override
    public FileEdit add(String param) throws IOException {
        return ShellDefaults.add(file(), "U_BOOT_PARAMETERS", "ro quiet", param);
    }

    @Override
    public FileEdit remove(String before) throws IOException {
        return ShellDefaults.remove(file(), before == null);
    }

    @Override
    public List<List<String>> update(List<String> releases) {
        return List.of(List.of("u-boot-update"));
    }
}
