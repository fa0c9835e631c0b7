package io.kdump4j.setup.check;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A kernel's build configuration (the {@code .config} Kconfig writes): {@code CONFIG_X=y},
 * {@code =m}, {@code ="string"}, {@code =123}, and {@code # CONFIG_X is not set}. Read from
 * {@code /proc/config.gz} (CONFIG_IKCONFIG_PROC), {@code /boot/config-<release>} or any file,
 * plain, gzip or xz (told apart by their magic bytes, not their names).
 *
 * @param source where the text came from, for messages
 * @param values option name without the {@code CONFIG_} prefix to its value; "n" for "is not set"
 */
public record KernelConfig(String source, Map<String, String> values) {
    /** Kconfig text is a few hundred KiB; anything far larger is not a kernel config. */
    static final long MAX_TEXT = 16L << 20;

    public KernelConfig {
        values = Map.copyOf(values);
    }

    public static KernelConfig parse(String source, String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.startsWith("CONFIG_")) {
                int eq = l.indexOf('=');
                if (eq > 7) {
                    String v = l.substring(eq + 1);
                    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                        v = v.substring(1, v.length() - 1);
                    }
                    out.put(l.substring(7, eq), v);
                }
            } else if (l.startsWith("# CONFIG_") && l.endsWith(" is not set")) {
                out.put(l.substring(9, l.length() - " is not set".length()), "n");
            }
        }
        return new KernelConfig(source, out);
    }

    /** Reads a plain, gzip or xz config file. */
    public static KernelConfig load(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(8);
            byte[] magic = raw.readNBytes(6);
            raw.reset();
            InputStream in;
            if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
                in = new GZIPInputStream(raw);
            } else if (magic.length == 6 && (magic[0] & 0xff) == 0xfd && magic[1] == '7' && magic[2] == 'z'
                    && magic[3] == 'X' && magic[4] == 'Z' && magic[5] == 0) {
                in = new XZInputStream(raw);
            } else {
                in = raw;
            }
            byte[] text = in.readNBytes((int) MAX_TEXT + 1);
            if (text.length > MAX_TEXT) {
                throw new IOException(file + ": more than " + MAX_TEXT + " bytes of text: not a kernel config");
            }
            KernelConfig c = parse(file.toString(), new String(text, StandardCharsets.UTF_8));
            if (c.values.isEmpty()) {
                throw new IOException(file + ": no CONFIG_ lines: not a kernel config");
            }
            return c;
        }
    }

    /**
     * The running kernel's config: {@code /proc/config.gz} first (it is the kernel's own), then
     * the installed config file ({@code /boot/config-<release>} or, on Debian 14,
     * {@code /usr/lib/modules/<release>/config}: {@link InstalledKernel#config()}); empty when
     * neither is readable.
     */
    public static Optional<KernelConfig> ofRunningKernel(HostFiles host, String release) {
        for (Path f : new Path[] {host.path("/proc/config.gz"), new InstalledKernel(host, release).config()}) {
            if (Files.isReadable(f)) {
                try {
                    return Optional.of(load(f));
                } catch (IOException e) {
                    // An unreadable candidate is the same as a missing one: try the next.
                }
            }
        }
        return Optional.empty();
    }

    /** The value ({@code y}, {@code m}, {@code n}, a number or string), or "n" when absent. */
    public String value(String option) {
        return values.getOrDefault(strip(option), "n");
    }

    /** Built in ({@code =y}). */
    public boolean builtIn(String option) {
        return value(option).equals("y");
    }

    /** Built in or a module. */
    public boolean enabled(String option) {
        String v = value(option);
        return v.equals("y") || v.equals("m");
    }

    public boolean has(String option) {
        return values.containsKey(strip(option));
    }

    private static String strip(String option) {
        return option.startsWith("CONFIG_") ? option.substring(7) : option;
    }
}
