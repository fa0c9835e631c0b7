package io.kdump4j.cli;

import io.kdump4j.setup.boot.Enabler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kdump4j disable}: undoes exactly what {@code kdump4j enable} did (recorded in /var/lib/kdump4j/enabled). */
@Command(name = "disable", mixinStandardHelpOptions = true,
        description = "Undo kdump4j enable: the boot loader's crashkernel=, kdump4j-load.service, the capture initramfs files.")
final class DisableCommand implements Callable<Integer> {
    @Option(names = "--root", paramLabel = "DIR", description = "the system's root (default /; tests, images)")
    Path root = Path.of("/");

    @Option(names = "--json", description = "print a JSON object")
    boolean json;

    @Override
    public Integer call() throws IOException {
        EnableCommand.print(Enabler.disable(root.toAbsolutePath(), EnableCommand::run), json, "disabled");
        return ExitCodes.OK;
    }
}
