package io.kdump4j.setup.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * systemd-boot through kernel-install: the one line of {@code /etc/kernel/cmdline}. Without that
 * file kernel-install takes the running kernel's {@code /proc/cmdline}; kdump4j then creates it
 * from that line (less the boot loader's {@code BOOT_IMAGE=} and {@code initrd=}). The entries
 * are rewritten with {@code kernel-install add} for each installed kernel.
 */
public record KernelInstall(Path root) implements BootLoader {
    @Override
    public String name() {
        return "kernel-install";
    }

    @Override
    public Path file() {
        return root.resolve("etc/kernel/cmdline");
    }

    @Override
    public FileEdit add(String param) throws IOException {
        String line = FileEdit.read(file());
        if (line == null) {
            Path proc = root.resolve("proc/cmdline");
            line = Files.isReadable(proc) ? Files.readString(proc) : "";
        }
        List<String> words = words(line);
        words.removeIf(w -> w.startsWith("BOOT_IMAGE=") || w.startsWith("initrd="));
        words.add(param);
        return FileEdit.of(file(), String.join(" ", words) + "\n");
    }

    @Override
    public FileEdit remove(String before) throws IOException {
        return FileEdit.of(file(), before);
    }

    @Override
    public List<List<String>> update(List<String> releases) {
        return releases.stream().map(r -> List.of("kernel-install", "add", r, "/boot/vmlinuz-" + r)).toList();
    }

    private static List<String> words(String line) {
        return new ArrayList<>(Arrays.stream(line.strip().split("\\s+")).filter(w -> !w.isEmpty()
                && !w.startsWith("crashkernel=")).toList());
    }
}
