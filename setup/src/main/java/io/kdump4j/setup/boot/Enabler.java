package io.kdump4j.setup.boot;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@code kdump4j enable} and {@code disable} under a root: the capture initramfs for every
 * installed kernel, {@code crashkernel=} through the boot loader, kdump4j-load.service enabled;
 * what was done is recorded in {@code /var/lib/kdump4j/enabled} so that disable undoes exactly it.
 */
public final class Enabler {
    /** Where enable records what it did. */
    public static final String STATE = "var/lib/kdump4j/enabled";
    public static final String UNIT = "kdump4j-load.service";

    /** Runs a command (update-grub, systemctl, {@code kdump4j initramfs ...}); tests record them. */
    public interface Runner {
        void run(List<String> command) throws IOException;
    }

    /**
     * What enable or disable did.
     *
     * @param bootLoader the boot loader's name
     * @param why        the files that identified it
     * @param file       the file kdump4j edited
     * @param parameter  the crashkernel= parameter written (enable) or removed (disable)
     * @param initrds    the capture initramfs files built (enable) or removed (disable)
     * @param commands   the commands run, in order
     * @param reboot     why a reboot is needed, or null when none is
     */
    public record Result(String bootLoader, String why, Path file, String parameter, List<Path> initrds,
                         List<List<String>> commands, String reboot) {
    }

    private Enabler() {
    }

    /** The kernels installed under root: /lib/modules/R with /boot/vmlinuz-R, sorted. */
    public static List<String> kernels(Path root) throws IOException {
        Path mods = root.resolve("lib/modules");
        if (!Files.isDirectory(mods)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(mods)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(r -> Files.isRegularFile(root.resolve("boot/vmlinuz-" + r))).sorted().toList();
        }
    }

    /**
     * Enables kdump4j.
     *
     * @param parameter the crashkernel= parameter, or null for {@code estimate} of the largest initramfs built
     * @param estimate  the parameter an initramfs needs ({@code CrashkernelEstimate})
     */
    public static Result enable(Path root, String parameter, Function<Path, String> estimate, Runner runner)
            throws IOException {
        BootLoaders.Detection d = BootLoaders.detect(root);
        if (d.loader() == null) {
            throw new IOException(d.why());
        }
        List<List<String>> ran = new ArrayList<>();
        Runner r = c -> {
            ran.add(c);
            runner.run(c);
        };
        List<String> kernels = kernels(root);
        if (kernels.isEmpty()) {
            throw new IOException(root.resolve("lib/modules") + ": no installed kernel (with /boot/vmlinuz-<release>)");
        }
        List<Path> initrds = new ArrayList<>();
        for (String k : kernels) {
            Path out = root.resolve("var/lib/kdump4j/initrd.img-" + k);
            List<String> cmd = new ArrayList<>(List.of("kdump4j", "initramfs", "--kernel-release", k, "-o", out.toString()));
            if (!root.equals(Path.of("/"))) {
                cmd.addAll(List.of("--modules-dir", root.resolve("lib/modules/" + k).toString(),
                        "--kernel-config", root.resolve("boot/config-" + k).toString()));
            }
            r.run(cmd);
            initrds.add(out);
        }
        String param = parameter;
        if (param == null) {
            Path largest = initrds.getFirst();
            for (Path p : initrds) {
                if (Files.isRegularFile(p) && (!Files.isRegularFile(largest) || Files.size(p) > Files.size(largest))) {
                    largest = p;
                }
            }
            param = estimate.apply(largest);
        }
        BootLoader b = d.loader();
        Properties state = readState(root);
        String before = state != null ? state.getProperty("before") : FileEdit.read(b.file());
        boolean created = state != null ? Boolean.parseBoolean(state.getProperty("created")) : before == null;
        FileEdit edit = b.add(param);
        edit.apply();
        Properties s = new Properties();
        s.setProperty("bootloader", b.name());
        s.setProperty("file", b.file().toString());
        s.setProperty("parameter", param);
        s.setProperty("created", String.valueOf(created));
        if (before != null) {
            s.setProperty("before", before);
        }
        s.setProperty("initrds", String.join(":", initrds.stream().map(Path::toString).toList()));
        writeState(root, s);
        for (List<String> c : b.update(kernels)) {
            r.run(inRoot(root, c));
        }
        r.run(systemctl(root, "enable"));
        String reboot = "the kernel reserves crash kernel memory only while it boots: " + param
                + " takes effect at the next boot, and " + UNIT + " loads the capture kernel then";
        Path cmdline = root.resolve("proc/cmdline");
        if (Files.isReadable(cmdline) && Arrays.asList(Files.readString(cmdline).strip().split("\\s+")).contains(param)) {
            reboot = null;
            if (root.equals(Path.of("/"))) {
                r.run(List.of("systemctl", "start", UNIT));
            }
        }
        return new Result(b.name(), d.why(), b.file(), param, initrds, ran, reboot);
    }

    /** Undoes what {@link #enable} recorded; a root where kdump4j is not enabled gets an empty result. */
    public static Result disable(Path root, Runner runner) throws IOException {
        Properties state = readState(root);
        if (state == null) {
            return new Result(null, "kdump4j is not enabled here (no /" + STATE + ")", null, null, List.of(), List.of(), null);
        }
        List<List<String>> ran = new ArrayList<>();
        Runner r = c -> {
            ran.add(c);
            runner.run(c);
        };
        BootLoader b = switch (state.getProperty("bootloader", "")) {
            case "grub" -> new Grub(root);
            case "u-boot-menu" -> DefaultsFile.uBootMenu(root);
            case "flash-kernel" -> DefaultsFile.flashKernel(root);
            case "kernel-install" -> new KernelInstall(root);
            default -> throw new IOException(root.resolve(STATE) + ": unknown bootloader " + state.getProperty("bootloader"));
        };
        if (root.equals(Path.of("/"))) {
            r.run(List.of("systemctl", "stop", UNIT));
        }
        r.run(systemctl(root, "disable"));
        String before = Boolean.parseBoolean(state.getProperty("created")) ? null : state.getProperty("before");
        b.remove(before).apply();
        for (List<String> c : b.update(kernels(root))) {
            r.run(inRoot(root, c));
        }
        List<Path> initrds = new ArrayList<>();
        for (String p : state.getProperty("initrds", "").split(":")) {
            if (!p.isEmpty() && Files.deleteIfExists(Path.of(p))) {
                initrds.add(Path.of(p));
            }
        }
        Files.delete(root.resolve(STATE));
        String param = state.getProperty("parameter");
        return new Result(b.name(), "recorded by kdump4j enable", b.file(), param, initrds, ran,
                "the memory " + param + " reserved stays reserved until the next boot");
    }

    /** The boot loader's tools run inside the root (chroot) when it is not this system's. */
    private static List<String> inRoot(Path root, List<String> c) {
        if (root.equals(Path.of("/"))) {
            return c;
        }
        List<String> x = new ArrayList<>(List.of("chroot", root.toString()));
        x.addAll(c);
        return x;
    }

    private static List<String> systemctl(Path root, String verb) {
        return root.equals(Path.of("/")) ? List.of("systemctl", verb, UNIT)
                : List.of("systemctl", "--root=" + root, verb, UNIT);
    }

    private static Properties readState(Path root) throws IOException {
        Path f = root.resolve(STATE);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return p;
    }

    private static void writeState(Path root, Properties p) throws IOException {
        Path f = root.resolve(STATE);
        Files.createDirectories(f.getParent());
        try (Writer w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
            p.store(w, "written by kdump4j enable: what kdump4j disable undoes");
        }
    }
}
