package io.kdump4j.cli;

import io.kdump4j.analyze.Json;
import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kdump4j info DUMP [--json]}: what a dump is, from its headers and VMCOREINFO. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Describe a dump: format, compression, dump level, kernel, crash time, CPUs, memory.")
final class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DUMP", description = "ELF, kdump-compressed or flattened dump")
    Path dump;

    @Option(names = "--json", description = "print a JSON object (stable keys)")
    boolean json;

    @Override
    public Integer call() throws IOException {
        try (DumpFile d = Dumps.open(dump)) {
            DumpInfo info = DumpInfo.of(d, Files.size(dump));
            System.out.print(json ? Json.write(info.toJson()) : info.toText());
        }
        return ExitCodes.OK;
    }
}
