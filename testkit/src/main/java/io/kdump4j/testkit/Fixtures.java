package io.kdump4j.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real dumps in ../shared/fixtures, and a cache outside the work tree for what tests
 * derive from them (decompressed ELF cores, makedumpfile variants). Locations come from the
 * system properties {@code kdump4j.fixtures} and {@code kdump4j.cache} (set by the build),
 * else {@code ../shared/fixtures} and {@code ~/.cache/kdump4j}.
 */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path root() {
        String p = System.getProperty("kdump4j.fixtures");
        if (p != null) {
            return Path.of(p).toAbsolutePath().normalize();
        }
        String top = System.getProperty("kdump4j.root", ".");
        return Path.of(top).resolve("../shared/fixtures").toAbsolutePath().normalize();
    }

    public static Path cache() {
        String p = System.getProperty("kdump4j.cache");
        Path c = p != null ? Path.of(p) : Path.of(System.getProperty("user.home"), ".cache", "kdump4j");
        try {
            Files.createDirectories(c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return c;
    }

    /** A fixture folder, e.g. {@code x86_64-6.1.0-56-amd64/sysrq-elf}. */
    public static Path dir(String relative) {
        return root().resolve(relative);
    }

    /** Every fixture case folder (those holding a dump), sorted. */
    public static List<Path> cases() throws IOException {
        List<Path> out = new ArrayList<>();
        try (var s = Files.walk(root(), 2)) {
            s.filter(Files::isDirectory)
                    .filter(d -> !d.getFileName().toString().equals("kernel"))
                    .filter(d -> d.getParent() != null && !d.getParent().equals(root()))
                    .sorted()
                    .forEach(out::add);
        }
        return out;
    }

    /**
     * The ELF core of a fixture case, decompressed from {@code vmcore.elf.zst} into the cache
     * once (by the {@code zstd} tool), or null when the case has none.
     */
    public static Path elfCore(String relative) throws IOException {
        Path zst = dir(relative).resolve("vmcore.elf.zst");
        if (!Files.exists(zst)) {
            return null;
        }
        Path out = cache().resolve("fixtures").resolve(relative).resolve("vmcore.elf");
        if (Files.exists(out) && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(zst)) >= 0) {
            return out;
        }
        Files.createDirectories(out.getParent());
        Path tmp = out.resolveSibling("vmcore.elf.tmp");
        run(List.of("zstd", "-q", "-d", "-f", "-o", tmp.toString(), zst.toString()));
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return out;
    }

    /** Runs a command, failing with its output when it exits non-zero. */
    public static String run(List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(20, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(command + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }
}
