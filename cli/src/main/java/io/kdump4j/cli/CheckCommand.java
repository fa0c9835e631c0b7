package io.kdump4j.cli;

import io.kdump4j.analyze.Json;
import io.kdump4j.setup.check.CapturePath;
import io.kdump4j.setup.check.CheckOptions;
import io.kdump4j.setup.check.CheckReport;
import io.kdump4j.setup.check.Finding;
import io.kdump4j.setup.check.HostFiles;
import io.kdump4j.setup.check.Preflight;
import io.kdump4j.setup.check.Severity;
import io.kdump4j.setup.config.Kdump4jConfig;
import io.kdump4j.setup.initramfs.InitramfsFreshness;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kdump4j check [--kernel-config FILE] [--json]}: is this machine ready to save a dump?
 * Exit 0 ready, 1 not ready, 2 could not check (unlike the other commands' codes: scripts ask
 * exactly this question).
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check that a crash will be caught: kernel options, crashkernel= reservation, capture kernel "
                + "loaded, CMA, lockdown, kallsyms, target space. Exit 0 ready, 1 not ready, 2 could not check.")
final class CheckCommand implements Callable<Integer> {
    @Option(names = "--kernel-config", paramLabel = "FILE", description = "kernel config (plain, .gz or .xz) instead of the running kernel's")
    Path kernelConfig;

    @Option(names = "--config", paramLabel = "FILE", description = "kdump4j config (default: /etc/kdump4j.conf)")
    Path config = Kdump4jConfig.DEFAULT_FILE;

    @Option(names = "--target-dir", paramLabel = "DIR", description = "where dumps are saved, to check its free space")
    Path targetDir;

    @Option(names = "--root", paramLabel = "DIR", hidden = true, description = "read /proc, /sys and /boot under DIR (tests)")
    Path root = Path.of("/");

    @Option(names = "--json", description = "print a JSON object")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Kdump4jConfig c = Kdump4jConfig.load(config);
        CheckOptions o = CheckOptions.defaults().withKernelConfig(kernelConfig);
        HostFiles host = new HostFiles(root);
        Path initrd = c.initrdFor(host.readLine("/proc/sys/kernel/osrelease").orElse(""));
        if (java.nio.file.Files.isRegularFile(initrd)) {
            o = o.withInitrd(initrd);
        }
        if (targetDir != null) {
            o = o.withTarget(targetDir, c.dumpLevel());
        }
        CheckReport r = Preflight.run(host, o);
        String release = host.readLine("/proc/sys/kernel/osrelease").orElse("");
        if (!release.isEmpty()) {
            // The capture path (issue 13): kernel image and initramfs there and current, the unit enabled.
            List<Finding> all = new java.util.ArrayList<>(r.findings());
            all.addAll(CapturePath.check(host, c.kernelFor(release), initrd, InitramfsFreshness.inputs(config,
                    InitramfsCommand.ownJarsOrNone(), host.path("/lib/modules/" + release))));
            r = new CheckReport(all);
        }
        System.out.print(json ? Json.write(toJson(r)) : toText(r));
        return r.exitCode();
    }

    static Map<String, Object> toJson(CheckReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verdict", r.verdict().name().toLowerCase(java.util.Locale.ROOT));
        m.put("exit_code", r.exitCode());
        List<Map<String, Object>> fs = r.findings().stream().map(f -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("id", f.id());
            x.put("severity", f.severity().name().toLowerCase(java.util.Locale.ROOT));
            x.put("found", f.found());
            x.put("meaning", f.meaning());
            x.put("fix", f.fix());
            return x;
        }).toList();
        m.put("findings", fs);
        return m;
    }

    static String toText(CheckReport r) {
        StringBuilder sb = new StringBuilder();
        for (Finding f : r.findings()) {
            sb.append(String.format("%-7s %-22s %s%n", f.severity(), f.id(), f.found()));
            if (f.severity() != Severity.OK) {
                if (!f.meaning().isEmpty()) {
                    sb.append("        means: ").append(f.meaning()).append('\n');
                }
                if (!f.fix().isEmpty()) {
                    sb.append("        fix:   ").append(f.fix()).append('\n');
                }
            }
        }
        sb.append(switch (r.verdict()) {
            case READY -> "ready: a crash now will be saved\n";
            case NOT_READY -> "NOT ready: fix the FAIL lines above\n";
            case UNKNOWN -> "could not check everything (UNKNOWN lines above)\n";
        });
        return sb.toString();
    }
}
