package io.kdump4j.cli;

import io.kdump4j.analyze.Json;
import io.kdump4j.analyze.LogResult;
import io.kdump4j.analyze.Session;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kdump4j log DUMP [--json]}: the kernel log; the text is the same bytes as {@code dmesg}. */
@Command(name = "log", mixinStandardHelpOptions = true,
        description = "Print the kernel log (crash's log; same text as kdump4j dmesg), or its records as JSON.")
final class LogCommand implements Callable<Integer> {
    @Mixin
    AnalysisOptions options;

    @Override
    public Integer call() throws IOException {
        try (Session s = options.open()) {
            LogResult r = LogResult.of(s);
            if (options.json) {
                System.out.write(Json.write(r.toJson()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } else {
                System.out.write(r.bytes());
            }
            System.out.flush();
        }
        return ExitCodes.OK;
    }
}
