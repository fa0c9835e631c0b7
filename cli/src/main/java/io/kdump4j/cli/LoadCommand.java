package io.kdump4j.cli;

import io.kdump4j.analyze.Json;
import io.kdump4j.setup.check.CheckOptions;
import io.kdump4j.setup.check.HostFiles;
import io.kdump4j.setup.config.Kdump4jConfig;
import io.kdump4j.setup.kexec.Arm64LoaderExecutable;
import io.kdump4j.setup.kexec.KexecLoadSyscall;
import io.kdump4j.setup.load.Arm64CapturePlan;
import io.kdump4j.setup.load.Arm64Loader;
import io.kdump4j.setup.load.X86CapturePlan;
import io.kdump4j.setup.load.X86Loader;
import io.kdump4j.setup.load.CaptureLoader;
import java.nio.file.Files;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kdump4j load [--kernel F] [--initrd F] [--append P]...}: loads the capture kernel with
 * kexec_file_load(2) and the command line derived from /proc/cmdline. Defaults come from
 * /etc/kdump4j.conf (kernel, initrd, append).
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Load the capture kernel and initramfs into the crashkernel= reservation (kexec_file_load).")
final class LoadCommand implements Callable<Integer> {
    @Option(names = "--kernel", paramLabel = "FILE", description = "capture kernel (default: config's kernel, /boot/vmlinuz-<release>, else /usr/lib/modules/<release>/vmlinuz)")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", description = "capture initramfs (default: config's initrd)")
    Path initrd;

    @Option(names = "--append", paramLabel = "PARAM", description = "extra capture kernel parameter (repeatable; wins over derived ones)")
    List<String> append = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "kdump4j config (default: /etc/kdump4j.conf)")
    Path config = Kdump4jConfig.DEFAULT_FILE;

    @Option(names = "--dry-run", description = "print what would be loaded, load nothing")
    boolean dryRun;

    @Option(names = "--json", description = "print a JSON object")
    boolean json;

    @Option(names = "--dtb", paramLabel = "FILE", description = "arm64: device tree to start from (default: /sys/firmware/fdt)")
    Path dtb;

    @Option(names = "--root", paramLabel = "DIR", description = "arm64: read the machine's /proc and /sys under DIR "
            + "(facts copied off the target) instead of /; implies --arch aarch64")
    Path root;

    @Option(names = "--verify-segments", description = "arm64: the purgatory checks a byte sum of every segment "
            + "before entering the capture kernel (slower crash-to-capture; off by default)")
    boolean verifySegments;

    @Option(names = "--emit-loader", paramLabel = "FILE", description = "arm64: write a static arm64 program that makes "
            + "this kexec_load call, for targets that cannot run kdump4j (no Java 25); loads nothing here")
    Path emitLoader;

    @Option(names = "--syscall", paramLabel = "CALL", description = "x86_64: auto (default: kexec_file_load, then "
            + "kexec_load when that is missing or refuses the image), kexec_file_load or kexec_load (our own boot_params, "
            + "ELF core header and purgatory)")
    String syscall = "auto";

    @Option(names = "--arch", paramLabel = "ARCH", description = "x86_64 or aarch64 (default: this machine's; aarch64 "
            + "with --root or --emit-loader)")
    String archOption;

    @Override
    public Integer call() throws IOException {
        Kdump4jConfig c = Kdump4jConfig.load(config);
        HostFiles host = root != null ? new HostFiles(root) : HostFiles.live();
        String release = host.readLine("/proc/sys/kernel/osrelease").orElse("");
        Path k = kernel != null ? kernel : c.kernelFor(release);
        Path i = initrd != null ? initrd : c.initrdFor(release);
        List<String> extra = new ArrayList<>(c.append());
        extra.addAll(append);
        String arch = archOption != null ? archOption
                : root != null || emitLoader != null ? "aarch64" : CheckOptions.hostArch();
        CaptureLoader.Syscall call = switch (syscall) {
            case "auto" -> CaptureLoader.Syscall.AUTO;
            case "kexec_file_load" -> CaptureLoader.Syscall.KEXEC_FILE_LOAD;
            case "kexec_load" -> CaptureLoader.Syscall.KEXEC_LOAD;
            default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--syscall: auto, kexec_file_load or kexec_load, not " + syscall);
        };
        if (!arch.equals("x86_64") && !arch.equals("aarch64")) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--arch: x86_64 or aarch64, not " + arch);
        }
        if (!Files.isRegularFile(k)) {
            throw new IOException(k + ": capture kernel not found");
        }
        String rebuild = null;
        if (initrd == null && root == null && emitLoader == null && i.startsWith("/var/lib/kdump4j")) {
            // An initramfs kdump4j manages (the config's, in its own folder) follows the config, kdump4j and the
            // kernel's modules: rebuilt when older than one of them (one elsewhere, e.g. a test image's, is left be).
            rebuild = io.kdump4j.setup.initramfs.InitramfsFreshness.staleBecause(i, io.kdump4j.setup.initramfs
                    .InitramfsFreshness.inputs(config, InitramfsCommand.ownJarsOrNone(), Path.of("/lib/modules", release)))
                    .orElse(null);
        }
        if (rebuild != null && !dryRun) {
            System.err.println("kdump4j: rebuilding the capture initramfs: " + rebuild);
            int rc = Main.run("initramfs", "--kernel-release", release, "--config", config.toString(), "-o", i.toString());
            if (rc != ExitCodes.OK) {
                throw new IOException(i + ": could not rebuild the capture initramfs (kdump4j initramfs exit " + rc + ")");
            }
        } else if (rebuild == null && !Files.isRegularFile(i)) {
            throw new IOException(i + ": capture initramfs not found (kdump4j initramfs builds it)");
        }
        String cmdline = CaptureLoader.commandLine(host, arch, extra);
        Map<String, Object> m = new LinkedHashMap<>();
        if (rebuild != null) {
            m.put("rebuild", rebuild);
        }
        m.put("kernel", k.toString());
        m.put("initrd", i.toString());
        m.put("cmdline", cmdline);
        if (arch.equals("aarch64") && (dryRun || emitLoader != null)) {
            Arm64CapturePlan plan = Arm64Loader.plan(host, k, i, cmdline, dtb, verifySegments);
            if (emitLoader != null) {
                Files.write(emitLoader, Arm64LoaderExecutable.write(plan.entry(), plan.segments(),
                        new KexecLoadSyscall("aarch64").flags(true)));
                emitLoader.toFile().setExecutable(true);
                m.put("loader", emitLoader.toString());
            }
            m.put("entry", plan.entry());
            m.put("free_bytes", plan.freeBytes());
            if (!json) {
                System.out.print(plan.describe());
            }
            dryRun = true;
        }
        if (arch.equals("x86_64") && dryRun && call == CaptureLoader.Syscall.KEXEC_LOAD) {
            X86CapturePlan plan = X86Loader.plan(host, k, i, cmdline);
            m.put("entry", plan.entry());
            if (!json) {
                System.out.print(plan.describe());
            }
        }
        if (!dryRun) {
            long t0 = System.nanoTime();
            CaptureLoader.Loaded l = CaptureLoader.load(host, arch, k, i, cmdline, call);
            m.put("syscall", l.syscall());
            m.put("kernel_bytes", l.kernelBytes());
            m.put("initrd_bytes", l.initrdBytes());
            m.put("reserved_bytes", l.reservedBytes());
            m.put("seconds", (System.nanoTime() - t0) / 1e9);
        }
        m.put("loaded", !dryRun);
        if (json) {
            System.out.print(Json.write(m));
        } else {
            if (rebuild != null && dryRun) {
                System.out.println("would rebuild the capture initramfs first: " + rebuild);
            }
            System.out.println((dryRun ? (emitLoader != null ? "wrote loader " + emitLoader + " for " : "would load ")
                    : "loaded ") + k + " + " + i + (m.containsKey("syscall") ? " with " + m.get("syscall") : "")
                    + "\ncmdline: " + cmdline);
        }
        return ExitCodes.OK;
    }
}
