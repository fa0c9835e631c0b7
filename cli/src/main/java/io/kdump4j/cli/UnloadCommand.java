package io.kdump4j.cli;

import io.kdump4j.setup.check.CheckOptions;
import io.kdump4j.setup.load.CaptureLoader;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code kdump4j unload}: removes the capture kernel (kexec_file_load with KEXEC_FILE_UNLOAD). */
@Command(name = "unload", mixinStandardHelpOptions = true, description = "Unload the capture kernel.")
final class UnloadCommand implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
        CaptureLoader.unload(CheckOptions.hostArch());
        System.out.println("capture kernel unloaded");
        return ExitCodes.OK;
    }
}
