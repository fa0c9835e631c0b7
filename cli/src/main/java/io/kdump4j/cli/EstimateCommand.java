package io.kdump4j.cli;

import io.kdump4j.analyze.Json;
import io.kdump4j.setup.check.CrashkernelEstimate;
import io.kdump4j.setup.config.BootLoaderAdvice;
import io.kdump4j.setup.config.Kdump4jConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kdump4j estimate [--initrd F] [--json]}: the crashkernel= this initramfs needs. */
@Command(name = "estimate", mixinStandardHelpOptions = true,
        description = "The crashkernel= size the capture initramfs needs, from the kernel's measured footprint.")
final class EstimateCommand implements Callable<Integer> {
    @Option(names = "--initrd", paramLabel = "FILE", description = "capture initramfs (default: the config's initrd)")
    Path initrd;

    @Option(names = "--config", paramLabel = "FILE", description = "kdump4j config (default: /etc/kdump4j.conf)")
    Path config = Kdump4jConfig.DEFAULT_FILE;

    @Option(names = "--json", description = "print a JSON object")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Path i = initrd;
        if (i == null) {
            String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
            i = Kdump4jConfig.load(config).initrdFor(release);
        }
        CrashkernelEstimate e = CrashkernelEstimate.of(i);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("initrd", i.toString());
        m.put("compressed_bytes", e.compressedBytes());
        m.put("archive_bytes", e.archiveBytes());
        m.put("java", e.java());
        m.put("kernel_bytes", e.kernelBytes());
        m.put("user_space_bytes", e.userSpaceBytes());
        m.put("required_bytes", e.requiredBytes());
        m.put("recommended", e.parameter());
        if (json) {
            System.out.print(Json.write(m));
        } else {
            long mib = 1 << 20;
            System.out.printf("%s: %d MiB compressed, %d MiB unpacked, %s%n"
                            + "capture kernel %d MiB + initramfs + %s %d MiB = %d MiB needed%n%s%nto set it: %s%n",
                    i, e.compressedBytes() / mib, e.archiveBytes() / mib, e.java() ? "with Java" : "without Java (raw copy only)",
                    e.kernelBytes() / mib, e.java() ? "JVM" : "busybox", e.userSpaceBytes() / mib, e.requiredBytes() / mib,
                    e.parameter(), BootLoaderAdvice.add(e.parameter()));
        }
        return ExitCodes.OK;
    }
}
