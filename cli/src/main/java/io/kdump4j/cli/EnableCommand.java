package io.kdump4j.cli;

import io.kdump4j.analyze.Json;
import io.kdump4j.setup.boot.Enabler;
import io.kdump4j.setup.check.CrashkernelEstimate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kdump4j enable [--crashkernel SIZE]}: a capture initramfs for every installed kernel,
 * crashkernel= through the machine's boot loader, kdump4j-load.service enabled.
 */
@Command(name = "enable", mixinStandardHelpOptions = true,
        description = {"Set kdump up on this machine: build the capture initramfs for every installed kernel, "
                + "reserve crash kernel memory through the boot loader in use (GRUB, u-boot-menu, flash-kernel, "
                + "systemd-boot/kernel-install) and enable kdump4j-load.service. A reboot makes the reservation.",
            "Undone exactly by kdump4j disable."})
final class EnableCommand implements Callable<Integer> {
    @Option(names = "--crashkernel", paramLabel = "SIZE",
            description = "memory to reserve, e.g. 384M (default: $CRASHKERNEL, else kdump4j estimate of the largest initramfs)")
    String size = System.getenv("CRASHKERNEL");

    @Option(names = "--root", paramLabel = "DIR", description = "the system's root (default /; tests, images)")
    Path root = Path.of("/");

    @Option(names = "--json", description = "print a JSON object")
    boolean json;

    @Override
    public Integer call() throws IOException {
        String param = size == null || size.isBlank() ? null
                : size.startsWith("crashkernel=") ? size : "crashkernel=" + size;
        Enabler.Result r = Enabler.enable(root.toAbsolutePath(), param, EnableCommand::estimate, EnableCommand::run);
        print(r, json, "enabled");
        return ExitCodes.OK;
    }

    private static String estimate(Path initrd) {
        try {
            return CrashkernelEstimate.of(initrd).parameter();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kdump4j's own steps run in this JVM; the boot loader's tools and systemctl as processes. */
    static void run(List<String> command) throws IOException {
        System.err.println("kdump4j: running " + String.join(" ", command));
        if (command.getFirst().equals("kdump4j")) {
            int rc = Main.run(command.subList(1, command.size()).toArray(String[]::new));
            if (rc != ExitCodes.OK) {
                throw new IOException(String.join(" ", command) + " failed (exit " + rc + ")");
            }
            return;
        }
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.to(new java.io.File("/dev/stderr")))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IOException(String.join(" ", command) + " exited " + rc);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }

    static void print(Enabler.Result r, boolean json, String verb) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("boot_loader", r.bootLoader());
        m.put("found", r.why());
        m.put("file", r.file() == null ? null : r.file().toString());
        m.put("parameter", r.parameter());
        m.put("initrds", r.initrds().stream().map(Path::toString).toList());
        m.put("commands", r.commands().stream().map(c -> String.join(" ", c)).toList());
        m.put("reboot", r.reboot());
        if (json) {
            System.out.print(Json.write(m));
            return;
        }
        if (r.bootLoader() == null) {
            System.out.println(r.why());
            return;
        }
        System.out.printf("kdump4j %s: %s (%s), %s in %s%n", verb, r.bootLoader(), r.why(), r.parameter(), r.file());
        for (Path p : r.initrds()) {
            System.out.println("capture initramfs: " + p);
        }
        if (verb.equals("enabled")) {
            System.out.println(r.reboot() == null ? "no reboot needed: this kernel already booted with " + r.parameter()
                    : "reboot needed: " + r.reboot());
        } else {
            System.out.println((String) r.reboot());
        }
    }
}
