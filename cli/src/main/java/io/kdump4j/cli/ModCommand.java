package io.kdump4j.cli;

import io.kdump4j.analyze.ModResult;
import io.kdump4j.analyze.Session;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kdump4j mod DUMP [--json]}. */
@Command(name = "mod", mixinStandardHelpOptions = true, description = "List the loaded modules (crash's mod): address, name, base, size, taint.")
final class ModCommand implements Callable<Integer> {
    @Mixin
    AnalysisOptions options;

    @Override
    public Integer call() throws IOException {
        try (Session s = options.open()) {
            options.print(ModResult.of(s));
        }
        return ExitCodes.OK;
    }
}
