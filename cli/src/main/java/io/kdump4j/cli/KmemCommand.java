package io.kdump4j.cli;

import io.kdump4j.analyze.KmemResult;
import io.kdump4j.analyze.Session;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kdump4j kmem DUMP [--json]}. */
@Command(name = "kmem", mixinStandardHelpOptions = true, description = "Show memory usage (crash's kmem -i).")
final class KmemCommand implements Callable<Integer> {
    @Mixin
    AnalysisOptions options;

    @Option(names = "-i", description = "memory usage summary (the only kmem mode; accepted for crash users)")
    boolean info;

    @Override
    public Integer call() throws IOException {
        try (Session s = options.open()) {
            options.print(KmemResult.of(s));
        }
        return ExitCodes.OK;
    }
}
