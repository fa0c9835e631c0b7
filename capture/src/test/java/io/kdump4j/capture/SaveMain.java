package io.kdump4j.capture;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import java.nio.file.Path;

/** Saves a dump in a separate JVM, for the heap bound test: {@code SaveMain SOURCE TARGET COMPRESSION CONTAINER [LEVEL]}. */
public final class SaveMain {
    private SaveMain() {
    }

    public static void main(String[] args) throws Exception {
        SaveOptions o = SaveOptions.defaults().withLevels(args.length > 4 ? Integer.parseInt(args[4]) : 0).withThreads(2)
                .withContainer(Container.valueOf(args[3])).withCompression(Compression.valueOf(args[2]))
                .withCyclePfns(1 << 16);
        try (DumpFile src = Dumps.open(Path.of(args[0]))) {
            SaveResult r = Saver.save(src, o, Path.of(args[1]));
            Runtime rt = Runtime.getRuntime();
            System.out.println(r.status() + " used-heap=" + (rt.totalMemory() - rt.freeMemory()) + " " + r.summary());
            System.exit(r.complete() ? 0 : 3);
        }
    }
}
