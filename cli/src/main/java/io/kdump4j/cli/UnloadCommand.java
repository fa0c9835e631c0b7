package io.kdump4j.cli;

import io.kdump4j.setup.check.HostFiles;
import io.kdump4j.setup.load.CaptureStatus;
import java.nio.file.Path;
import picocli.CommandLine.Option;

import io.kdump4j.setup.check.CheckOptions;
import io.kdump4j.setup.load.CaptureLoader;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code kdump4j unload}: removes the capture kernel (kexec_file_load with KEXEC_FILE_UNLOAD). */
@Command(name = "unload", mixinStandardHelpOptions = true, description = "Unload the capture kernel.")
final class UnloadCommand implements Callable<Integer> {
    /** Accepted like every command's (README): unload needs nothing from it. */
    @Option(names = "--config", paramLabel = "FILE", description = "kdump4j config (not needed to unload)")
    Path config;

    /** Whether the kernel says no capture kernel is loaded (/sys/kernel/kexec_crash_loaded is 0). */
    static boolean nothingLoaded(HostFiles host) {
        return CaptureStatus.read(host).loaded().map(l -> !l).orElse(false);
    }

    @Override
    public Integer call() throws IOException {
        // Nothing loaded is what was asked for: say so and succeed (it failed with exit 3).
        if (nothingLoaded(HostFiles.live())) {
            System.out.println("no capture kernel is loaded");
            return ExitCodes.OK;
        }
        CaptureLoader.unload(CheckOptions.hostArch());
        System.out.println("capture kernel unloaded");
        return ExitCodes.OK;
    }
}
