package io.kdump4j.cli;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import java.nio.file.Path;

/** Placeholder entry point, replaced by the picocli command tree. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        try (DumpFile d = Dumps.open(Path.of(args[0]))) {
            System.out.println(d.details());
            System.out.println(d.memory().pagesPresent() + " pages; notes " + d.notes().size());
            System.out.println(d.vmcoreinfo().orElse("").lines().findFirst().orElse(""));
        }
    }
}
