package io.kdump4j.cli;

import io.kdump4j.analyze.BtResult;
import io.kdump4j.analyze.Session;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kdump4j bt DUMP [PID | -a] [--json]}: kernel stacks. */
@Command(name = "bt", mixinStandardHelpOptions = true,
        description = "Print kernel stacks (crash's bt): the panicking task by default, a PID's threads, or every CPU with -a.")
final class BtCommand implements Callable<Integer> {
    @Mixin
    AnalysisOptions options;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PID", description = "the task to unwind")
    Integer pid;

    @Option(names = "-a", description = "the task running on every CPU")
    boolean all;

    @Override
    public Integer call() throws IOException {
        try (Session s = options.open()) {
            BtResult r;
            if (all) {
                r = BtResult.allCpus(s);
            } else if (pid != null) {
                try {
                    r = BtResult.pid(s, pid);
                } catch (IllegalArgumentException e) {
                    throw new MissingDataException(e.getMessage(), e);
                }
            } else {
                r = BtResult.panic(s);
            }
            options.print(r);
        }
        return ExitCodes.OK;
    }
}
