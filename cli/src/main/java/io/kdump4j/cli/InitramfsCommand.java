package io.kdump4j.cli;

import io.kdump4j.analyze.Json;
import io.kdump4j.setup.check.InstalledKernel;
import io.kdump4j.setup.config.Kdump4jConfig;
import io.kdump4j.setup.initramfs.Compression;
import io.kdump4j.setup.initramfs.InitramfsBuilder;
import io.kdump4j.setup.initramfs.InitramfsReport;
import io.kdump4j.setup.initramfs.InitramfsSpec;
import io.kdump4j.setup.initramfs.JavaImage;
import io.kdump4j.setup.initramfs.KernelModules;
import io.kdump4j.setup.initramfs.TargetFilesystem;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kdump4j initramfs [-o FILE]}: the capture initramfs (busybox, modules, Java runtime,
 * kdump4j, /init) for the running kernel or the one given, following /etc/kdump4j.conf.
 */
@Command(name = "initramfs", mixinStandardHelpOptions = true,
        description = "Write a capture initramfs: busybox, the target's kernel modules, a jlink'd Java runtime, kdump4j and /init.")
final class InitramfsCommand implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "initramfs to write (default: the config's initrd for the release, /var/lib/kdump4j/initrd.img-<release>)")
    Path output;

    @Option(names = "--compression", paramLabel = "C", description = "gzip (default), zstd or none")
    String compression = "gzip";

    @Option(names = "--kernel-release", paramLabel = "R", description = "kernel release whose modules to take (default: running)")
    String release;

    @Option(names = "--modules-dir", paramLabel = "DIR", description = "module tree (default: /lib/modules/<release>, else /usr/lib/modules/<release>)")
    Path modulesDir;

    @Option(names = "--busybox", paramLabel = "FILE", description = "static busybox (default: /bin/busybox)")
    Path busybox;

    @Option(names = "--jdk", paramLabel = "DIR", description = "JDK for jlink (default: the running one)")
    Path jdk = Path.of(System.getProperty("java.home"));

    @Option(names = "--target-jmods", paramLabel = "DIR",
            description = "jmods of a JDK 25 for the capture kernel's architecture, linked by --jdk's jlink "
                    + "(arm64 from x86_64: Debian's openjdk-25-jdk-headless:arm64, scripts/setup-java-arm64.sh)")
    Path targetJmods;

    @Option(names = "--sysroot", paramLabel = "DIR",
            description = "where the target's shared libraries are (default /; with --target-jmods: unpacked "
                    + "libc6, libgcc-s1, libstdc++6, zlib1g of that architecture)")
    Path sysroot = Path.of("/");

    @Option(names = "--no-java", description = "no Java runtime: the capture side only makes a raw copy")
    boolean noJava;

    @Option(names = "--first-boot", paramLabel = "FILE", description = "script /init sources on a normal boot (tests)")
    Path firstBoot;

    @Option(names = "--config", paramLabel = "FILE", description = "kdump4j config (default: /etc/kdump4j.conf)")
    Path config = Kdump4jConfig.DEFAULT_FILE;

    @Option(names = "--kernel-config", paramLabel = "FILE",
            description = "kernel config to bundle as /boot/config-<release> for kdump4j check (default: /boot/config-<release>, else /usr/lib/modules/<release>/config)")
    Path kernelConfig;

    @Option(names = "--jar", paramLabel = "FILE", hidden = true,
            description = "bundle these jars instead of kdump4j's own module path (tests)")
    List<Path> jars = new ArrayList<>();

    @Option(names = "--cache", paramLabel = "DIR", description = "jlink runtime cache (default: ~/.cache/kdump4j)")
    Path cache = Path.of(System.getProperty("user.home"), ".cache", "kdump4j");

    @Option(names = "--json", description = "print a JSON object")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Kdump4jConfig c = Kdump4jConfig.load(config);
        String r = release != null ? release : Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        Path mods = modulesDir != null ? modulesDir : InstalledKernel.of(r).modules();
        c = resolveTargets(c, Files.isDirectory(mods) ? KernelModules.open(mods) : null);
        Path out = output != null ? output : Path.of(c.initrd().replace("%r", r));
        if (output == null && out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        InitramfsSpec spec = new InitramfsSpec(out, c, busybox, Files.isDirectory(mods) ? mods : null,
                noJava ? null : new JavaImage(jdk, targetJmods, sysroot, jars.isEmpty() ? ownJars() : jars,
                        "io.kdump4j.cli/io.kdump4j.cli.Main"),
                firstBoot == null ? null : Files.readString(firstBoot), configFile(r, kernelConfig),
                Compression.parse(compression), cache);
        InitramfsReport rep = InitramfsBuilder.build(spec);
        if (rep.modules().isEmpty()) {
            System.err.println("kdump4j: warning: no kernel modules in " + rep.output() + " ("
                    + (Files.isDirectory(mods) ? "the config's modules = is empty" : mods + " does not exist")
                    + "): the capture kernel can reach the target only if its drivers are built in");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("output", rep.output().toString());
        m.put("compressed_bytes", rep.compressedBytes());
        m.put("archive_bytes", rep.archiveBytes());
        m.put("java_bytes", rep.javaRuntimeBytes());
        m.put("entries", rep.entries());
        m.put("modules", rep.modules());
        System.out.print(json ? Json.write(m) : String.format("%s: %d bytes (%d unpacked), %d entries, modules: %s%n",
                rep.output(), rep.compressedBytes(), rep.archiveBytes(), rep.entries(), String.join(" ", rep.modules())));
        return ExitCodes.OK;
    }

    /**
     * {@code target = auto}: the file system holding {@code path} on this machine, found by UUID in
     * the capture kernel, {@code path} made relative to it, its drivers added to the modules;
     * {@code root_target = auto} with {@code failure_action = dump_to_rootfs}: the file system
     * of /, likewise. A resolved driver the capture kernel has neither as a module nor built in
     * is left out with a note (it is built into this kernel under another name, or not needed).
     */
    private static Kdump4jConfig resolveTargets(Kdump4jConfig c, KernelModules km) throws IOException {
        boolean auto = c.target().equals(Kdump4jConfig.AUTO);
        boolean rootAuto = c.rootTarget().equals(Kdump4jConfig.AUTO) && c.failureAction().equals("dump_to_rootfs");
        if (!auto && !rootAuto) {
            return c;
        }
        List<String> more = new ArrayList<>();
        String target = c.target();
        String path = c.path();
        if (auto) {
            TargetFilesystem t = TargetFilesystem.resolve(Path.of(c.path()));
            target = t.device();
            path = t.pathInside();
            more.addAll(t.modules());
            note(c.path() + " is on " + t.fsType() + " " + t.device() + " (mounted on " + t.mountPoint()
                    + "): the capture kernel saves into " + path + " there", t.notes());
        }
        String root = c.rootTarget();
        if (rootAuto) {
            TargetFilesystem t = TargetFilesystem.resolve(Path.of("/var/crash"));
            root = t.device();
            more.addAll(t.modules());
            note("dump_to_rootfs: the root file system is " + t.fsType() + " " + t.device(), t.notes());
        }
        List<String> usable = new ArrayList<>();
        for (String m : more) {
            if (km == null || km.has(m) || km.isBuiltin(m)) {
                usable.add(m);
            } else {
                System.err.println("kdump4j initramfs: note: driver " + m + " is neither a module nor built in of "
                        + km.dir() + "; not added");
            }
        }
        return c.resolved(target, path, root, usable);
    }

    private static void note(String what, List<String> notes) {
        System.err.println("kdump4j initramfs: " + what);
        notes.forEach(n -> System.err.println("kdump4j initramfs: note: " + n));
    }

    /** The kernel config travels with the image so that kdump4j check works in the guest. */
    private static Map<String, Path> configFile(String release, Path given) {
        Path p = given != null ? given : InstalledKernel.of(release).config();
        return Files.isReadable(p) ? Map.of("boot/config-" + release, p) : Map.of();
    }

    /** kdump4j's jars, or none when it does not run from a module path. */
    static List<Path> ownJarsOrNone() {
        try {
            return ownJars();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The jars kdump4j runs from (its module path), to bundle as they are; not JLine's: the
     * capture kernel's console is serial and gets plain progress lines (the two jars are 0.45 MiB less to hold
     * in the crashkernel reservation).
     */
    private static List<Path> ownJars() throws IOException {
        String mp = System.getProperty("jdk.module.path");
        if (mp == null || mp.isBlank()) {
            throw new IOException("kdump4j is not running from a module path (bin/kdump4j does): cannot find its jars to bundle");
        }
        List<Path> jars = new ArrayList<>();
        for (String e : mp.split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isDirectory(p)) {
                try (var s = Files.list(p)) {
                    s.filter(x -> x.toString().endsWith(".jar") && !jline(x)).sorted().forEach(jars::add);
                }
            } else if (e.endsWith(".jar") && !jline(p)) {
                jars.add(p);
            }
        }
        return jars;
    }

    private static boolean jline(Path jar) {
        return jar.getFileName().toString().startsWith("jline-");
    }
}
