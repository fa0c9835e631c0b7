package io.kdump4j.setup.config;

import io.kdump4j.setup.check.InstalledKernel;
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
 * target = auto               # auto: the file system that holds path on this machine (resolved
 *                             # when the initramfs is built); or a device path, UUID=..., LABEL=...,
 *                             # or raw:/dev/vdb (no file system)
 * path = /var/crash           # dumps go to path/YYYYMMDD-HHMMSS/ (never overwritten)
 * keep = 0                    # after a complete save, remove the oldest dumps beyond N (0: keep all)
 * min_free = 0                # ... and while less than this many MiB are free (0: no floor)
 * watchdog = 120              # kill a saver whose dump has not grown for this many s (0: never)
 * save_timeout = 0            # kill a saver running longer than this many s (0: no limit)
 * fallback_margin = 64        # MiB the raw fallback copy leaves free on the target
 * root_target = auto          # where failure_action = dump_to_rootfs saves (auto: the file system of /)
 * dump_level = 31             # makedumpfile-style bit mask of excluded page types
 * codec = zlib                # zlib, lzo, snappy, zstd, none
 * failure_action = reboot     # after a failed save: reboot, poweroff, shell, or dump_to_rootfs
 *                             # (save into /var/crash on root_target, then reboot; kdumpctl's)
 * final_action = reboot       # after a save: reboot, poweroff
 * append =                    # extra capture kernel parameters (win over derived ones)
 * modules = virtio_pci virtio_blk ext4   # kernel modules the target needs (deps are added)
 * kernel = /boot/vmlinuz-%r   # capture kernel, %r = running release (this default also finds
 *                             # /usr/lib/modules/%r/vmlinuz, Debian 14's place)
 * initrd = /var/lib/kdump4j/initrd.img-%r
 * </pre>
 */
public record Kdump4jConfig(String target, String path, int dumpLevel, String codec, String failureAction,
                            String finalAction, List<String> append, List<String> modules, String kernel,
                            String initrd, Retention retention, String rootTarget) {
    public static final Path DEFAULT_FILE = Path.of("/etc/kdump4j.conf");
    static final String DEFAULT_KERNEL = "/boot/vmlinuz-%r";
    /** The value of {@code target} and {@code root_target} that the initramfs build resolves. */
    public static final String AUTO = "auto";
    static final List<String> ACTIONS = List.of("reboot", "poweroff", "shell");
    static final List<String> FAILURE_ACTIONS = List.of("reboot", "poweroff", "shell", "dump_to_rootfs");

    /**
     * How the capture keeps dumps and watches its saver: {@code keep} dumps at most (0: all),
     * {@code minFreeMib} MiB free at least (0: no floor), both enforced only after a complete
     * save; the saver is killed when its dump has not grown for {@code watchdogSeconds} or ran
     * {@code saveTimeoutSeconds} (0: never); the raw fallback leaves {@code fallbackMarginMib} free.
     */
    public record Retention(int keep, long minFreeMib, int watchdogSeconds, int saveTimeoutSeconds,
                            long fallbackMarginMib) {
        public static Retention defaults() {
            return new Retention(0, 0, 120, 0, 64);
        }
    }
    static final List<String> CODECS = List.of("zlib", "lzo", "snappy", "zstd", "none");

    public Kdump4jConfig {
        append = List.copyOf(append);
        modules = List.copyOf(modules);
    }

    public static Kdump4jConfig defaults() {
        return new Kdump4jConfig(AUTO, "/var/crash", 31, "zlib", "reboot", "reboot", List.of(),
                List.of("virtio_pci", "virtio_blk", "ext4"), DEFAULT_KERNEL, "/var/lib/kdump4j/initrd.img-%r",
                Retention.defaults(), AUTO);
    }

    /** This config with the target (and the path on it) and the root target the build resolved, and more modules. */
    public Kdump4jConfig resolved(String target, String path, String rootTarget, List<String> moreModules) {
        List<String> m = new ArrayList<>(modules);
        for (String x : moreModules) {
            if (!m.contains(x)) {
                m.add(x);
            }
        }
        return new Kdump4jConfig(target, path, dumpLevel, codec, failureAction, finalAction, append, m, kernel,
                initrd, retention, rootTarget);
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
        String failure = oneOf(source, "failure_action", take(kv, "failure_action", d.failureAction),
                FAILURE_ACTIONS);
        String fin = oneOf(source, "final_action", take(kv, "final_action", d.finalAction), ACTIONS);
        List<String> append = words(take(kv, "append", ""));
        List<String> modules = kv.containsKey("modules") ? words(take(kv, "modules", "")) : d.modules;
        String kernel = take(kv, "kernel", d.kernel);
        String initrd = take(kv, "initrd", d.initrd);
        Retention r = d.retention;
        Retention retention = new Retention(
                (int) number(source, kv, "keep", r.keep(), 10_000),
                number(source, kv, "min_free", r.minFreeMib(), 1L << 40),
                (int) number(source, kv, "watchdog", r.watchdogSeconds(), 86_400),
                (int) number(source, kv, "save_timeout", r.saveTimeoutSeconds(), 7 * 86_400),
                number(source, kv, "fallback_margin", r.fallbackMarginMib(), 1L << 40));
        String rootTarget = take(kv, "root_target", d.rootTarget);
        if (!kv.isEmpty()) {
            throw new IOException(source + ": unknown key(s) " + kv.keySet()
                    + " (known: target, path, dump_level, codec, failure_action, final_action, append, modules, kernel, "
                    + "initrd, keep, min_free, watchdog, save_timeout, fallback_margin, root_target)");
        }
        if (!path.startsWith("/")) {
            throw new IOException(source + ": path must be absolute, found \"" + path + "\"");
        }
        return new Kdump4jConfig(target, path, dumpLevel, codec, failure, fin, append, modules, kernel, initrd,
                retention, rootTarget);
    }

    /** A whole number 0..max for {@code key}, or {@code def} when the key is absent. */
    private static long number(String source, Map<String, String> kv, String key, long def, long max)
            throws IOException {
        String v = kv.remove(key);
        if (v == null) {
            return def;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= 0 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException(source + ": " + key + " must be a whole number 0.." + max + ", found \"" + v + "\"");
    }

    /**
     * {@code kernel} with %r replaced by the release. The default setting names the installed
     * kernel wherever it is ({@link InstalledKernel#vmlinuz()}: /boot, else /usr/lib/modules); a
     * setting of the user's is taken as written.
     */
    public Path kernelFor(String release) {
        return kernel.equals(DEFAULT_KERNEL) ? InstalledKernel.of(release).vmlinuz() : Path.of(kernel.replace("%r", release));
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
