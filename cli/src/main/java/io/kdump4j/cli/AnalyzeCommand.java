package io.kdump4j.cli;

import io.kdump4j.analyze.Analyzer;
import io.kdump4j.analyze.CrashReport;
import io.kdump4j.analyze.HtmlReport;
import io.kdump4j.analyze.Json;
import io.kdump4j.analyze.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kdump4j analyze DUMP [--json | --html] [-o FILE]}: why the kernel crashed, in one
 * report. JSON schema: docs/analyze-json.md.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Explain the crash: panic class, message, CPU and task, culprit, call trace, taint, "
                + "the log lines that matter and a signature for de-duplication.")
final class AnalyzeCommand implements Callable<Integer> {
    @Mixin
    AnalysisOptions options;

    @Option(names = "--html", description = "write a self-contained HTML page")
    boolean html;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write to FILE instead of standard output")
    Path output;

    @Override
    public Integer call() throws IOException {
        String text;
        try (Session s = options.open()) {
            CrashReport r = Analyzer.run(s);
            text = html ? HtmlReport.render(r) : options.json ? Json.write(r.toJson()) : r.toText();
        }
        if (output != null) {
            Files.writeString(output, text, StandardCharsets.UTF_8);
        } else {
            System.out.write(text.getBytes(StandardCharsets.UTF_8));
            System.out.flush();
        }
        return ExitCodes.OK;
    }
}
