package io.kdump4j.cli;

import io.kdump4j.analyze.Json;
import io.kdump4j.analyze.Result;
import io.kdump4j.analyze.Session;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options every analysis command shares: the dump, {@code --json} and {@code --system-map}. */
final class AnalysisOptions {
    @Parameters(index = "0", paramLabel = "DUMP", description = "ELF, kdump-compressed or flattened dump")
    Path dump;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Option(names = "--system-map", paramLabel = "FILE",
            description = "the kernel's System.map, for data symbols that kallsyms lacks (kernels without CONFIG_KALLSYMS_ALL)")
    Path systemMap;

    @Option(names = "--vmlinux", paramLabel = "FILE",
            description = "the kernel's vmlinux (its .symtab), instead of a System.map; DWARF is not needed")
    Path vmlinux;

    @Option(names = "--btf", paramLabel = "FILE",
            description = "vmlinux BTF from a file (/sys/kernel/btf/vmlinux of the same kernel) instead of the dump's")
    Path btf;

    Session open() throws IOException {
        return Session.open(dump, systemMap, vmlinux, btf);
    }

    /** Prints a result as text or JSON. */
    void print(Result r) {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        out.print(json ? Json.write(r.toJson()) : r.toText());
        out.flush();
    }
}
