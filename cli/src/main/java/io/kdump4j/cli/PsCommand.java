package io.kdump4j.cli;

import io.kdump4j.analyze.PsResult;
import io.kdump4j.analyze.Session;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kdump4j ps DUMP [--json]}. */
@Command(name = "ps", mixinStandardHelpOptions = true, description = "List every task (crash's ps): PID, PPID, CPU, task, state, RSS, command.")
final class PsCommand implements Callable<Integer> {
    @Mixin
    AnalysisOptions options;

    @Override
    public Integer call() throws IOException {
        try (Session s = options.open()) {
            options.print(PsResult.of(s));
        }
        return ExitCodes.OK;
    }
}
