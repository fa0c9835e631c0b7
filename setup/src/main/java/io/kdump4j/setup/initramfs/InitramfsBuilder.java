package io.kdump4j.setup.initramfs;

import io.kdump4j.setup.config.Kdump4jConfig;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Builds the capture initramfs: collects every entry into a sorted tree (parents before
 * children, the same order for the same inputs; essentials first, see {@link #ESSENTIAL}), then writes it with {@link CpioNewcWriter}
 * through the chosen {@link Compression}, to a temporary file renamed into place when complete.
 *
 * <pre>
 * /init                       InitScript.render
 * /bin/busybox, applet links  Busybox
 * /dev/console 5:1, /dev/null 1:3   device nodes as header fields
 * /lib/modules/NAME.ko        decompressed, in load order (/init lists them)
 * /opt/kdump4j/java/...       jlink runtime;  /opt/kdump4j/lib/*.jar  kdump4j
 * /lib/..., /lib64/...        glibc and friends the runtime needs (SharedLibraries), and
 *                             libdeflate.so.0 when the system root has it (zlib pages)
 * /bin/kdump4j                launcher
 * /etc/kdump4j.conf           the config the image was built for
 * /etc/kdump4j/first-boot     optional hook for a normal boot (QEMU test)
 * </pre>
 */
public final class InitramfsBuilder {
    /** One entry of the tree. */
    sealed interface Node permits Dir, Bytes, HostFile, Link, CharDev {
    }

    record Dir(int mode) implements Node {
    }

    record Bytes(int mode, byte[] data) implements Node {
    }

    record HostFile(int mode, Path source) implements Node {
    }

    record Link(String target) implements Node {
    }

    record CharDev(int mode, int major, int minor) implements Node {
    }

    /**
     * Archive order: what the raw-copy fallback needs first (busybox, /init, /dev), then the
     * modules, then the Java runtime. The kernel unpacks the archive in order and stops at the
     * first write error ("Initramfs unpacking failed: write error" when the crashkernel=
     * reservation is too small), so a truncated unpack still leaves a working /init.
     */
    static final int ESSENTIAL = 0;
    static final int MODULES = 1;
    static final int JAVA = 2;

    private final TreeMap<String, Node> tree = new TreeMap<>();
    private final java.util.HashMap<String, Integer> groups = new java.util.HashMap<>();
    private int group = ESSENTIAL;

    private InitramfsBuilder() {
    }

    public static InitramfsReport build(InitramfsSpec spec) throws IOException {
        return new InitramfsBuilder().run(spec);
    }

    private InitramfsReport run(InitramfsSpec spec) throws IOException {
        for (String d : List.of("dev", "proc", "sys", "tmp", "mnt", "run", "root", "etc/kdump4j", "bin", "sbin",
                "usr/bin", "usr/sbin", "lib/modules")) {
            dir(d);
        }
        put("dev/console", new CharDev(0600, 5, 1));
        put("dev/null", new CharDev(0666, 1, 3));

        Busybox bb = Busybox.locate(spec.busybox());
        put("bin/busybox", new HostFile(0755, bb.binary()));
        for (String a : bb.applets()) {
            if (!a.equals("bin/busybox")) {
                put(a, new Link("/bin/busybox"));
            }
        }

        if (spec.config().target().equals(Kdump4jConfig.AUTO)) {
            throw new IOException("target = auto is resolved to the file system holding path (" + spec.config().path()
                    + ") by kdump4j initramfs on the machine whose disk it is; give the builder a resolved target");
        }
        List<String> moduleNames = new ArrayList<>();
        group = MODULES;
        if (spec.modulesDir() != null && !spec.config().modules().isEmpty()) {
            KernelModules km = KernelModules.open(spec.modulesDir());
            for (ModuleInfo m : km.resolve(spec.config().modules())) {
                put("lib/modules/" + m.name() + ".ko", new Bytes(0644, m.image()));
                moduleNames.add(m.name());
            }
        }

        long javaBytes = 0;
        boolean java = spec.java() != null;
        if (java) {
            group = JAVA;
            javaBytes = addJava(spec.java(), spec.cache());
        }
        group = ESSENTIAL;
        put("init", new Bytes(0755, InitScript.render(spec.config(), moduleNames, java).getBytes(StandardCharsets.UTF_8)));
        put(InitScript.STEPS, new Bytes(0644, InitScript.steps().getBytes(StandardCharsets.UTF_8)));
        put("etc/kdump4j.conf", new Bytes(0644, configText(spec).getBytes(StandardCharsets.UTF_8)));
        if (spec.firstBoot() != null) {
            put("etc/kdump4j/first-boot", new Bytes(0755, spec.firstBoot().getBytes(StandardCharsets.UTF_8)));
        }
        for (Map.Entry<String, Path> e : new TreeMap<>(spec.extraFiles()).entrySet()) {
            put(e.getKey(), new HostFile(mode(e.getValue()), e.getValue()));
        }
        return write(spec, moduleNames, javaBytes);
    }

    private long addJava(JavaImage image, Path cache) throws IOException {
        Path runtime = JavaRuntime.forImage(image, cache);
        long bytes = 0;
        try (Stream<Path> s = Files.walk(runtime)) {
            for (Path p : s.sorted().toList()) {
                String rel = "opt/kdump4j/java/" + runtime.relativize(p).toString().replace('\\', '/');
                if (p.equals(runtime)) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    put(rel, new Link(Files.readSymbolicLink(p).toString()));
                } else if (Files.isDirectory(p)) {
                    dir(rel);
                } else {
                    put(rel, new HostFile(mode(p), p));
                    bytes += Files.size(p);
                }
            }
        }
        // libdeflate is opened by name at run time (the zlib page codec); without it zlib compresses
        for (Map.Entry<String, Path> lib : SharedLibraries.resolve(runtime, image.sysroot(),
                List.of("libdeflate.so.0")).entrySet()) {
            put(lib.getKey(), new HostFile(0755, lib.getValue()));
            bytes += Files.size(lib.getValue());
        }
        for (Path jar : image.jars()) {
            put("opt/kdump4j/lib/" + jar.getFileName(), new HostFile(0644, jar));
            bytes += Files.size(jar);
        }
        List<String> nativeModules = List.of("io.kdump4j.setup", "io.kdump4j.format");
        put("bin/kdump4j", new Bytes(0755, InitScript.launcher(image.main(), nativeModules).getBytes(StandardCharsets.UTF_8)));
        return bytes;
    }

    private static String configText(InitramfsSpec spec) {
        var c = spec.config();
        return "# the kdump4j.conf this initramfs was built for\n"
                + "target = " + c.target() + "\npath = " + c.path() + "\ndump_level = " + c.dumpLevel()
                + "\ncodec = " + c.codec() + "\nfailure_action = " + c.failureAction()
                + "\nfinal_action = " + c.finalAction() + "\nappend = " + String.join(" ", c.append())
                + "\nmodules = " + String.join(" ", c.modules()) + "\nkernel = " + c.kernel()
                + "\ninitrd = " + c.initrd() + "\nkeep = " + c.retention().keep()
                + "\nmin_free = " + c.retention().minFreeMib() + "\nwatchdog = " + c.retention().watchdogSeconds()
                + "\nsave_timeout = " + c.retention().saveTimeoutSeconds()
                + "\nfallback_margin = " + c.retention().fallbackMarginMib() + "\nroot_target = " + c.rootTarget() + "\n";
    }

    private InitramfsReport write(InitramfsSpec spec, List<String> modules, long javaBytes) throws IOException {
        Path out = spec.output().toAbsolutePath();
        Files.createDirectories(out.getParent());
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        long archive;
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
             OutputStream z = spec.compression().wrap(file)) {
            CpioNewcWriter w = new CpioNewcWriter(z, 0);
            List<String> order = new ArrayList<>(tree.keySet());
            order.sort(java.util.Comparator.comparingInt((String n) -> groups.get(n)).thenComparing(n -> n));
            for (String name : order) {
                switch (tree.get(name)) {
                    case Dir d -> w.directory(name, d.mode());
                    case Bytes b -> w.file(name, b.mode(), b.data());
                    case HostFile f -> w.file(name, f.mode(), f.source());
                    case Link l -> w.symlink(name, l.target());
                    case CharDev c -> w.charDevice(name, c.mode(), c.major(), c.minor());
                }
            }
            w.finish();
            archive = w.size();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new InitramfsReport(out, Files.size(out), archive, tree.size(), modules, javaBytes);
    }

    private void dir(String path) {
        String p = path;
        while (true) {
            tree.putIfAbsent(p, new Dir(0755));
            groups.merge(p, group, Math::min);
            int slash = p.lastIndexOf('/');
            if (slash < 0) {
                return;
            }
            p = p.substring(0, slash);
        }
    }

    private void put(String path, Node n) {
        int slash = path.lastIndexOf('/');
        if (slash > 0) {
            dir(path.substring(0, slash));
        }
        tree.put(path, n);
        groups.merge(path, group, Math::min);
    }

    private static int mode(Path p) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        int m = 0;
        for (PosixFilePermission x : perms) {
            m |= switch (x) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return m;
    }
}
