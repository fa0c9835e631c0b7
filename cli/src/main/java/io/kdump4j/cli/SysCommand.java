package io.kdump4j.cli;

import io.kdump4j.analyze.SysResult;
import io.kdump4j.analyze.Session;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kdump4j sys DUMP [--json]}. */
@Command(name = "sys", mixinStandardHelpOptions = true, description = "Show the system summary (crash's sys): kernel, date, uptime, load, tasks, memory, panic.")
final class SysCommand implements Callable<Integer> {
    @Mixin
    AnalysisOptions options;

    @Override
    public Integer call() throws IOException {
        try (Session s = options.open()) {
            options.print(SysResult.of(s));
        }
        return ExitCodes.OK;
    }
}
