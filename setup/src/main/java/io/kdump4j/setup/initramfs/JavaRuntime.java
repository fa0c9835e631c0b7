package io.kdump4j.setup.initramfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A minimal Java runtime for the capture kernel, made by {@code jlink} from a JDK and cached by
 * (JDK release file, modules, options) because jlink takes tens of seconds. The runtime is
 * dynamically linked against glibc, so {@link #sharedLibraries} lists the host libraries it
 * needs (by {@code ldd}), which go into the initramfs at the same paths.
 */
public final class JavaRuntime {
    static final List<String> JLINK_OPTIONS = List.of("--strip-debug", "--no-man-pages", "--no-header-files",
            "--compress", "zip-6");

    private JavaRuntime() {
    }

    /** The runtime for {@code modules} from {@code jdk}, built into {@code cache} unless already there. */
    public static Path build(Path jdk, List<String> modules, Path cache) throws IOException {
        Path jlink = jdk.resolve("bin/jlink");
        if (!Files.isExecutable(jlink)) {
            throw new IOException(jdk + ": no bin/jlink (give a JDK 25, not a JRE, with --jdk)");
        }
        String key = key(Files.readString(jdk.resolve("release")) + modules + JLINK_OPTIONS);
        Path out = cache.resolve("jlink").resolve(key);
        if (Files.isRegularFile(out.resolve("bin/java"))) {
            return out;
        }
        Files.createDirectories(out.getParent());
        Path tmp = out.resolveSibling(key + ".tmp");
        deleteTree(tmp);
        List<String> cmd = new ArrayList<>(List.of(jlink.toString(), "--add-modules", String.join(",", modules),
                "--output", tmp.toString()));
        cmd.addAll(JLINK_OPTIONS);
        run(cmd, 600);
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        return out;
    }

    /** The JDK modules {@code jars} need, by {@code jdeps --print-module-deps}. */
    public static List<String> modulesNeeded(Path jdk, List<Path> jars) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(jdk.resolve("bin/jdeps").toString(), "--ignore-missing-deps",
                "--multi-release", "25", "--print-module-deps", "--module-path",
                String.join(":", jars.stream().map(Path::toString).toList())));
        jars.forEach(j -> cmd.add(j.toString()));
        String out = run(cmd, 300).strip();
        List<String> mods = new ArrayList<>();
        for (String m : out.lines().reduce((a, b) -> b).orElse("java.base").split(",")) {
            if (m.startsWith("java.") || m.startsWith("jdk.")) {
                mods.add(m.strip());
            }
        }
        if (!mods.contains("java.base")) {
            mods.add(0, "java.base");
        }
        return mods.stream().sorted().toList();
    }

    /**
     * Host shared libraries the runtime's executables and libraries load, from {@code ldd}: the
     * path the loader will look them up by, mapped to the real file (symlinks resolved).
     */
    public static TreeMap<String, Path> sharedLibraries(Path runtime) throws IOException {
        TreeMap<String, Path> libs = new TreeMap<>();
        List<Path> elves = new ArrayList<>();
        elves.add(runtime.resolve("bin/java"));
        try (Stream<Path> s = Files.walk(runtime.resolve("lib"))) {
            s.filter(p -> p.toString().endsWith(".so")).sorted().forEach(elves::add);
        }
        for (Path e : elves) {
            String out;
            try {
                out = run(List.of("ldd", e.toString()), 60);
            } catch (IOException notDynamic) {
                continue;
            }
            for (String line : out.split("\n")) {
                String l = line.strip();
                String path = null;
                int arrow = l.indexOf("=> ");
                if (arrow >= 0) {
                    String rest = l.substring(arrow + 3);
                    int sp = rest.indexOf(' ');
                    path = sp < 0 ? rest : rest.substring(0, sp);
                } else if (l.startsWith("/")) {
                    path = l.substring(0, l.indexOf(' ') < 0 ? l.length() : l.indexOf(' '));
                }
                if (path != null && path.startsWith("/") && !path.startsWith(runtime.toString())) {
                    libs.put(path, Path.of(path).toRealPath());
                }
            }
        }
        return libs;
    }

    static String key(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String run(List<String> cmd, int seconds) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out after " + seconds + " s: " + String.join(" ", cmd));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
