package io.kdump4j.setup.initramfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A kernel's module tree ({@code /lib/modules/<release>}) and load orders computed from the
 * modules' own {@code .modinfo}: a request for {@code ext4} gives {@code crc16, mbcache, jbd2,
 * crc32c_generic, ext4}. Modules the kernel has built in ({@code modules.builtin}, shipped in
 * Debian's packages) need no file and are skipped.
 */
public final class KernelModules {
    private final Path dir;
    private final Map<String, Path> files = new HashMap<>();
    private final Set<String> builtin = new HashSet<>();
    private final Map<String, ModuleInfo> cache = new HashMap<>();

    private KernelModules(Path dir) {
        this.dir = dir;
    }

    /** Indexes {@code dir} by module name (file names, '-' read as '_'). */
    public static KernelModules open(Path dir) throws IOException {
        KernelModules m = new KernelModules(dir);
        try (Stream<Path> s = Files.walk(dir.resolve("kernel"))) {
            s.filter(p -> p.getFileName().toString().matches(".*\\.ko(\\.xz|\\.gz|\\.zst)?"))
                    .sorted()
                    .forEach(p -> m.files.putIfAbsent(ModuleInfo.fileNameToModule(p.getFileName().toString()), p));
        }
        Path b = dir.resolve("modules.builtin");
        if (Files.exists(b)) {
            for (String line : Files.readAllLines(b, StandardCharsets.UTF_8)) {
                String f = line.substring(line.lastIndexOf('/') + 1);
                if (!f.isBlank()) {
                    m.builtin.add(ModuleInfo.fileNameToModule(f));
                }
            }
        }
        return m;
    }

    public Path dir() {
        return dir;
    }

    public boolean isBuiltin(String name) {
        return builtin.contains(name.replace('-', '_'));
    }

    public boolean has(String name) {
        return files.containsKey(name.replace('-', '_'));
    }

    /**
     * The modules to load, dependencies first, for the requested names. A requested module that
     * is built in is skipped; one that is neither built in nor present is an error naming it. A
     * soft dependency ({@code softdep pre:}, e.g. ext4 -> crypto-crc32c) names an alias rather
     * than a file: see {@link #softdepModule}; skipped when no module matches (the kernel may
     * have it built in).
     */
    public List<ModuleInfo> resolve(List<String> requested) throws IOException {
        LinkedHashMap<String, ModuleInfo> order = new LinkedHashMap<>();
        for (String r : requested) {
            String n = r.replace('-', '_');
            if (isBuiltin(n)) {
                continue;
            }
            if (!has(n)) {
                throw new IOException("kernel module " + r + " is neither built in nor in " + dir);
            }
            visit(n, order, new ArrayList<>());
        }
        return List.copyOf(order.values());
    }

    private void visit(String name, Map<String, ModuleInfo> order, List<String> path) throws IOException {
        if (order.containsKey(name) || isBuiltin(name)) {
            return;
        }
        if (path.contains(name)) {
            throw new IOException("kernel modules depend on each other in a cycle: " + String.join(" -> ", path) + " -> " + name);
        }
        ModuleInfo m = info(name);
        path.add(name);
        for (String d : m.depends()) {
            if (!has(d) && !isBuiltin(d)) {
                throw new IOException("kernel module " + name + " depends on " + d + ", which is neither built in nor in " + dir);
            }
            visit(d, order, path);
        }
        for (String s : m.softdeps()) {
            String n = softdepModule(s);
            if (n != null) {
                visit(n, order, path);
            }
        }
        path.remove(path.size() - 1);
        order.put(name, m);
    }

    /**
     * The module file for a soft dependency, which usually names a crypto algorithm alias:
     * ext4 and jbd2 say {@code pre: crypto-crc32c}, provided by crc32c_generic.ko (its
     * {@code alias=crypto-crc32c}). Without modules.alias (made by depmod, not shipped) we try
     * the name, the name without "crypto_", and each with "_generic"; null when none exists.
     */
    String softdepModule(String softdep) {
        String s = softdep.replace('-', '_');
        String bare = s.startsWith("crypto_") ? s.substring(7) : s;
        for (String c : new String[] {s, bare, s + "_generic", bare + "_generic"}) {
            if (has(c) || isBuiltin(c)) {
                return c;
            }
        }
        return null;
    }

    private ModuleInfo info(String name) throws IOException {
        ModuleInfo m = cache.get(name);
        if (m == null) {
            m = ModuleInfo.read(files.get(name));
            cache.put(name, m);
        }
        return m;
    }
}
