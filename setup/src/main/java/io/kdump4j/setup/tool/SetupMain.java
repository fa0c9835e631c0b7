package io.kdump4j.setup.tool;

import io.kdump4j.setup.check.CheckOptions;
import io.kdump4j.setup.check.CheckReport;
import io.kdump4j.setup.check.Finding;
import io.kdump4j.setup.check.HostFiles;
import io.kdump4j.setup.check.Preflight;
import io.kdump4j.setup.check.Severity;
import io.kdump4j.setup.load.CaptureLoader;
import io.kdump4j.setup.load.CaptureStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The set-up commands without picocli, for capture initramfs images that carry only the setup
 * and format modules (smaller, and usable while the cli module is being reworked):
 * {@code check [--kernel-config F]}, {@code load --kernel F [--initrd F] [--append ...]},
 * {@code unload}, {@code status}. Exit codes follow the cli's: check 0/1/2; others 0 ok,
 * 3 on a failed operation, 2 on a usage error. The cli module's commands are the main ones.
 */
public final class SetupMain {
    private SetupMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: kdump4j check|load|unload|status ...");
            return 2;
        }
        HostFiles host = HostFiles.live();
        String arch = CheckOptions.hostArch();
        try {
            switch (args[0]) {
                case "check" -> {
                    CheckOptions o = CheckOptions.defaults();
                    if (args.length == 3 && args[1].equals("--kernel-config")) {
                        o = o.withKernelConfig(Path.of(args[2]));
                    }
                    CheckReport r = Preflight.run(host, o);
                    for (Finding f : r.findings()) {
                        System.out.println(f.severity() + " " + f.id() + ": " + f.found());
                        if (f.severity() != Severity.OK && !f.fix().isEmpty()) {
                            System.out.println("    fix: " + f.fix());
                        }
                    }
                    System.out.println("verdict: " + r.verdict());
                    return r.exitCode();
                }
                case "load" -> {
                    Path kernel = null;
                    Path initrd = null;
                    List<String> append = new ArrayList<>();
                    for (int i = 1; i < args.length; i++) {
                        switch (args[i]) {
                            case "--kernel" -> kernel = Path.of(args[++i]);
                            case "--initrd" -> initrd = Path.of(args[++i]);
                            case "--append" -> append.add(args[++i]);
                            default -> {
                                System.err.println("kdump4j load: unknown argument " + args[i]);
                                return 2;
                            }
                        }
                    }
                    if (kernel == null) {
                        System.err.println("kdump4j load: --kernel is required");
                        return 2;
                    }
                    String cmdline = CaptureLoader.commandLine(host, arch, append);
                    long t0 = System.nanoTime();
                    CaptureLoader.Loaded l = CaptureLoader.load(host, arch, kernel, initrd, cmdline);
                    System.out.printf("loaded %s (%d bytes) + %s (%d bytes) into %d reserved bytes in %.2f s%ncmdline: %s%n",
                            l.kernel(), l.kernelBytes(), l.initrd(), l.initrdBytes(), l.reservedBytes(),
                            (System.nanoTime() - t0) / 1e9, l.cmdline());
                    return 0;
                }
                case "unload" -> {
                    CaptureLoader.unload(arch);
                    System.out.println("unloaded");
                    return 0;
                }
                case "status" -> {
                    CaptureStatus s = CaptureStatus.read(host);
                    System.out.println("loaded: " + s.loaded().map(String::valueOf).orElse("unknown")
                            + "\nreserved: " + s.reservedBytes());
                    return s.loaded().orElse(false) ? 0 : 1;
                }
                default -> {
                    System.err.println("kdump4j: unknown command " + args[0] + " (check, load, unload, status)");
                    return 2;
                }
            }
        } catch (IOException e) {
            System.err.println("kdump4j: " + e.getMessage());
            return 3;
        }
    }
}
