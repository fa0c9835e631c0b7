package io.kdump4j.setup.boot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * flash-kernel (boards whose boot script or flash it writes): {@code LINUX_KERNEL_CMDLINE} in
 * {@code /etc/default/flash-kernel} (its default {@code quiet}), then {@code flash-kernel}.
 */
public record FlashKernel(Path root) implements BootLoader {
    @Override
    public String name() {
        return "flash-kernel";
    }

    @Override
    public Path file() {
        return root.resolve("etc/default/flash-kernel");
    }

    @Override
    public FileEdit add(String param) throws IOException {
        return ShellDefaults.add(file(), "LINUX_KERNEL_CMDLINE", "quiet", param);
    }

    @Override
    public FileEdit remove(String before) throws IOException {
        return ShellDefaults.remove(file(), before == null);
    }

    @Override
    public List<List<String>> update(List<String> releases) {
        return List.of(List.of("flash-kernel"));
    }
}
