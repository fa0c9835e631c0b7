package io.kdump4j.cli;

import io.kdump4j.analyze.Json;
import io.kdump4j.setup.check.HostFiles;
import io.kdump4j.setup.config.Kdump4jConfig;
import io.kdump4j.setup.load.CaptureStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kdump4j status [--json]}: capture kernel loaded (exit 0) or not (exit 1), the reservation,
 * the capture kernel and initramfs for the running release, and the dumps saved (the config's path).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Is a capture kernel loaded, how much memory is reserved, which kernel and initramfs, "
                + "which dumps are saved. Exit 0 loaded, 1 not.")
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--json", description = "print a JSON object")
    boolean json;

    @Option(names = "--config", paramLabel = "FILE", description = "kdump4j config (default: /etc/kdump4j.conf)")
    Path config = Kdump4jConfig.DEFAULT_FILE;

    @Override
    public Integer call() throws IOException {
        HostFiles host = HostFiles.live();
        CaptureStatus s = CaptureStatus.read(host);
        Kdump4jConfig c = Kdump4jConfig.load(config);
        String release = host.readLine("/proc/sys/kernel/osrelease").orElse("");
        Path kernel = c.kernelFor(release);
        Path initrd = c.initrdFor(release);
        Path dumps = Path.of(c.path());
        List<String> saved = new ArrayList<>();
        if (Files.isDirectory(dumps)) {
            try (Stream<Path> l = Files.list(dumps)) {
                l.map(p -> p.getFileName().toString()).sorted().forEach(saved::add);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loaded", s.loaded().orElse(null));
        m.put("reserved_bytes", s.reservedBytes() < 0 ? null : s.reservedBytes());
        m.put("kernel", kernel.toString());
        m.put("kernel_present", Files.isRegularFile(kernel));
        m.put("initrd", initrd.toString());
        m.put("initrd_present", Files.isRegularFile(initrd));
        m.put("dumps_dir", dumps.toString());
        m.put("dumps", saved);
        System.out.print(json ? Json.write(m)
                : "capture kernel: " + s.loaded().map(l -> l ? "loaded" : "not loaded").orElse("unknown (no kexec in this kernel)")
                + "\nreserved: " + (s.reservedBytes() < 0 ? "unknown" : s.reservedBytes() + " bytes")
                + "\nkernel: " + kernel + (Files.isRegularFile(kernel) ? "" : " (missing)")
                + "\ninitramfs: " + initrd + (Files.isRegularFile(initrd) ? "" : " (missing: kdump4j initramfs builds it)")
                + "\nsaved dumps in " + dumps + ": " + (saved.isEmpty() ? "none" : String.join(" ", saved)) + "\n");
        return s.loaded().orElse(false) ? ExitCodes.OK : 1;
    }
}
