package io.kdump4j.setup.check;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the machine's files are: {@code /proc/cmdline} is {@code root/proc/cmdline}. The root is
 * {@code /} on a real machine and a fake tree in tests, so every check can be run against both.
 */
public record HostFiles(Path root) {
    /** The running machine. */
    public static HostFiles live() {
        return new HostFiles(Path.of("/"));
    }

    /** The path of an absolute machine path such as {@code /proc/iomem} under the root. */
    public Path path(String absolute) {
        String rel = absolute.startsWith("/") ? absolute.substring(1) : absolute;
        return root.resolve(rel);
    }

    /** The file's text, or empty when it does not exist or cannot be read (no permission). */
    public Optional<String> read(String absolute) {
        Path p = path(absolute);
        try {
            return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The first line of the file, trimmed, or empty. */
    public Optional<String> readLine(String absolute) {
        return read(absolute).map(s -> s.lines().findFirst().orElse("").trim());
    }

    /** The file's bytes (at most {@code max}), or empty when it does not exist or cannot be read. */
    public Optional<byte[]> readBytes(String absolute, int max) {
        try (var in = Files.newInputStream(path(absolute))) {
            return Optional.of(in.readNBytes(max));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public boolean exists(String absolute) {
        return Files.exists(path(absolute));
    }
}
