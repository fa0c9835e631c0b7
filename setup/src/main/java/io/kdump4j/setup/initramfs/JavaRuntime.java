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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A minimal Java runtime for the capture kernel, made by {@code jlink} from a JDK and cached by
 * (JDK release or target jmods, modules, options) because jlink takes tens of seconds. For another
 * architecture the host's jlink links that architecture's {@code jmods} (jlink only requires the
 * same feature release, 25); the libraries the runtime loads come from {@link SharedLibraries}.
 */
public final class JavaRuntime {
    static final List<String> JLINK_OPTIONS = List.of("--strip-debug", "--no-man-pages", "--no-header-files",
            "--compress", "zip-6");
    /**
     * For foreign jmods: {@code --strip-debug} would also strip native debug symbols with the
     * host's objcopy, which cannot read aarch64 files, so only the Java debug attributes are
     * stripped. Debian's jmods carry split {@code .debuginfo} files (600 MB for libjvm), which are
     * left out.
     */
    static final List<String> CROSS_JLINK_OPTIONS = List.of("--strip-java-debug-attributes",
            "--exclude-files", "**.debuginfo", "--no-man-pages", "--no-header-files", "--compress", "zip-6");

    private JavaRuntime() {
    }

    /**
     * The runtime to bundle for {@code image}: a JDK's is jlinked (cached); a runtime that is
     * itself a jlink image with no {@code jlink} (the Debian package's /usr/lib/kdump4j/runtime,
     * linked for exactly kdump4j's modules when the package was built) is bundled as it is.
     */
    public static Path forImage(JavaImage image, Path cache) throws IOException {
        Path jdk = image.jdk();
        if (!image.crossLinked() && !Files.isExecutable(jdk.resolve("bin/jlink"))
                && Files.isExecutable(jdk.resolve("bin/java")) && Files.isRegularFile(jdk.resolve("lib/modules"))) {
            return jdk;
        }
        return build(image, modulesNeeded(jdk, image.jars()), cache);
    }

    /** The runtime for {@code modules} as {@code image} asks, built into {@code cache} unless already there. */
    public static Path build(JavaImage image, List<String> modules, Path cache) throws IOException {
        Path jdk = image.jdk();
        Path jlink = jdk.resolve("bin/jlink");
        if (!Files.isExecutable(jlink)) {
            throw new IOException(jdk + ": no bin/jlink (give a JDK 25, not a JRE, with --jdk)");
        }
        List<String> options = image.crossLinked() ? CROSS_JLINK_OPTIONS : JLINK_OPTIONS;
        String source;
        if (image.crossLinked()) {
            Path base = image.jmods().resolve("java.base.jmod");
            if (!Files.isRegularFile(base)) {
                throw new IOException(image.jmods() + ": no java.base.jmod (give the jmods folder of a JDK 25)");
            }
            source = base.toRealPath() + " " + Files.size(base) + " " + Files.getLastModifiedTime(base)
                    + " with " + Files.readString(jdk.resolve("release"));
        } else {
            source = Files.readString(jdk.resolve("release"));
        }
        String key = key(source + modules + options);
        Path out = cache.resolve("jlink").resolve(key);
        if (Files.isRegularFile(out.resolve("bin/java"))) {
            return out;
        }
        Files.createDirectories(out.getParent());
        Path tmp = out.resolveSibling(key + ".tmp");
        deleteTree(tmp);
        List<String> cmd = new ArrayList<>(List.of(jlink.toString()));
        if (image.crossLinked()) {
            cmd.addAll(List.of("--module-path", image.jmods().toString()));
        }
        cmd.addAll(List.of("--add-modules", String.join(",", modules), "--output", tmp.toString()));
        cmd.addAll(options);
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
