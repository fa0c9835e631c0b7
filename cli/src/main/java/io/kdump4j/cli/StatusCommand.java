package io.kdump4j.cli;

import io.kdump4j.analyze.Json;
import io.kdump4j.setup.check.HostFiles;
import io.kdump4j.setup.load.CaptureStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kdump4j status [--json]}: capture kernel loaded (exit 0) or not (exit 1), and the reservation. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Is a capture kernel loaded, and how much memory is reserved. Exit 0 loaded, 1 not.")
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--json", description = "print a JSON object")
    boolean json;

    /** Accepted like every command's (README): status needs nothing from it. */
    @Option(names = "--config", paramLabel = "FILE", description = "kdump4j config (not needed for status)")
    java.nio.file.Path config;

    @Override
    public Integer call() {
        CaptureStatus s = CaptureStatus.read(HostFiles.live());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loaded", s.loaded().orElse(null));
        m.put("reserved_bytes", s.reservedBytes() < 0 ? null : s.reservedBytes());
        System.out.print(json ? Json.write(m)
                : "capture kernel: " + s.loaded().map(l -> l ? "loaded" : "not loaded").orElse("unknown (no kexec in this kernel)")
                + "\nreserved: " + (s.reservedBytes() < 0 ? "unknown" : s.reservedBytes() + " bytes") + "\n");
        return s.loaded().orElse(false) ? ExitCodes.OK : 1;
    }
}
