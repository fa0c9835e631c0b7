package io.kdump4j.setup.boot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * GRUB: kdump4j's own {@code /etc/default/grub.d/kdump4j.cfg} (grub-mkconfig sources every
 * {@code *.cfg} there after /etc/default/grub, as kdump-tools' file does), then {@code update-grub}.
 */
public record Grub(Path root) implements BootLoader {
    @Override
    public String name() {
        return "grub";
    }

    @Override
    public Path file() {
        return root.resolve("etc/default/grub.d/kdump4j.cfg");
    }

    @Override
    public FileEdit add(String param) throws IOException {
        return FileEdit.of(file(), "# kdump4j: crash kernel memory. " + MARK.substring(2) + ".\n"
                + "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT " + param + "\"\n");
    }

    @Override
    public FileEdit remove(String before) throws IOException {
        return FileEdit.of(file(), null);
    }

    @Override
    public List<List<String>> update(List<String> releases) {
        return List.of(List.of("update-grub"));
    }
}
