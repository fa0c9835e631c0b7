package io.kdump4j.setup.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /etc/kdump4j.conf}: what every command reads. One {@code key = value} per line, '#'
 * starts a comment. Unknown keys are errors (a typo must not silently fall back to a default).
 *
 * <pre>
 * target = LABEL=kdump4j      # device path, UUID=..., LABEL=..., or raw:/dev/vdb (no file system)
 * path = /kdump4j             # directory on the target's file system
 * dump_level = 31             # makedumpfile-style bit mask of excluded page types
 * codec = zlib                # zlib, lzo, snappy, zstd, none
 * failure_action = reboot     # after a failed save: reboot, poweroff, shell
 * final_action = reboot       # after a save: reboot, poweroff
 * append =                    # extra capture kernel parameters (win over derived ones)
 * modules = virtio_pci virtio_blk ext4   # kernel modules the target needs (deps are added)
 * kernel = /boot/vmlinuz-%r   # capture kernel, %r = running release
 * initrd = /var/lib/kdump4j/initrd.img-%r
 * </pre>
 */
public record Kdump4jConfig(String target, String path, int dumpLevel, String codec, String failureAction,
                            String finalAction, List<String> append, List<String> modules, String kernel,
                            String initrd) {
    public static final Path DEFAULT_FILE = Path.of("/etc/kdump4j.conf");
    static final List<String> ACTIONS = List.of("reboot", "poweroff", "shell");
    static final List<String> CODECS = List.of("zlib", "lzo", "snappy", "zstd", "none");

    public Kdump4jConfig {
        append = List.copyOf(append);
        modules = List.copyOf(modules);
    }

    public static Kdump4jConfig defaults() {
        return new Kdump4jConfig("LABEL=kdump4j", "/kdump4j", 31, "zlib", "reboot", "reboot", List.of(),
                List.of("virtio_pci", "virtio_blk", "ext4"), "/boot/vmlinuz-%r", "/var/lib/kdump4j/initrd.img-%r");
    }

    /** Reads the file; a missing file gives the defaults. */
    public static Kdump4jConfig load(Path file) throws IOException {
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return defaults();
        }
    }

    public static Kdump4jConfig parse(String source, String text) throws IOException {
        Map<String, String> kv = new TreeMap<>();
        Map<String, Integer> lines = new TreeMap<>();
        int n = 0;
        for (String raw : text.split("\n")) {
            n++;
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IOException(source + ":" + n + ": expected key = value, found \"" + line + "\"");
            }
            String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            Integer first = lines.putIfAbsent(key, n);
            if (first != null) {
                // A second value would silently win over the first: which one the admin meant is unknown.
                throw new IOException(source + ":" + n + ": " + key + " is set twice (first on line " + first + ")");
            }
            kv.put(key, line.substring(eq + 1).strip());
        }
        Kdump4jConfig d = defaults();
        String target = take(kv, "target", d.target);
        String path = take(kv, "path", d.path);
        String level = take(kv, "dump_level", String.valueOf(d.dumpLevel));
        int dumpLevel;
        try {
            dumpLevel = Integer.parseInt(level);
        } catch (NumberFormatException e) {
            dumpLevel = -1;
        }
        if (dumpLevel < 0 || dumpLevel > 31) {
            throw new IOException(source + ": dump_level must be 0-31, found \"" + level + "\"");
        }
        String codec = oneOf(source, "codec", take(kv, "codec", d.codec), CODECS);
        String failure = oneOf(source, "failure_action", take(kv, "failure_action", d.failureAction), ACTIONS);
        String fin = oneOf(source, "final_action", take(kv, "final_action", d.finalAction), ACTIONS);
        List<String> append = words(take(kv, "append", ""));
        List<String> modules = kv.containsKey("modules") ? words(take(kv, "modules", "")) : d.modules;
        String kernel = take(kv, "kernel", d.kernel);
        String initrd = take(kv, "initrd", d.initrd);
        if (!kv.isEmpty()) {
            throw new IOException(source + ": unknown key(s) " + kv.keySet()
                    + " (known: target, path, dump_level, codec, failure_action, final_action, append, modules, kernel, initrd)");
        }
        if (!path.startsWith("/")) {
            throw new IOException(source + ": path must be absolute, found \"" + path + "\"");
        }
        return new Kdump4jConfig(target, path, dumpLevel, codec, failure, fin, append, modules, kernel, initrd);
    }

    /** {@code kernel} with %r replaced by the release. */
    public Path kernelFor(String release) {
        return Path.of(kernel.replace("%r", release));
    }

    public Path initrdFor(String release) {
        return Path.of(initrd.replace("%r", release));
    }

    private static String take(Map<String, String> kv, String key, String def) {
        String v = kv.remove(key);
        return v == null ? def : v;
    }

    private static String oneOf(String source, String key, String v, List<String> allowed) throws IOException {
        if (!allowed.contains(v)) {
            throw new IOException(source + ": " + key + " must be one of " + allowed + ", found \"" + v + "\"");
        }
        return v;
    }

    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        for (String w : s.split("\\s+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }
}
