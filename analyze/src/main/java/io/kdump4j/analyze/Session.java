package io.kdump4j.analyze;

import io.kdump4j.format.Dumps;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.helpers.module.Modules;
import io.kdump4j.kernel.symbols.KernelSymbols;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One opened dump for the commands: the kernel program, with a System.map installed first when
 * the user gave one, and the modules' symbols loaded when the module list is readable.
 */
public final class Session implements Closeable {
    private final KernelDump kernel;
    private final Path path;

    private Session(KernelDump kernel, Path path) {
        this.kernel = kernel;
        this.path = path;
    }

    /** Opens {@code dump}; {@code systemMap} may be null. */
    public static Session open(Path dump, Path systemMap) throws IOException {
        KernelDump k = KernelDump.open(Dumps.open(dump));
        try {
            if (systemMap != null) {
                KernelSymbols.withSystemMap(k, systemMap);
            } else {
                KernelSymbols.of(k);
            }
            try {
                Modules.of(k).loadSymbols();
            } catch (IOException e) {
                // Without the module list (no data symbols), module addresses stay unnamed.
            }
            return new Session(k, dump);
        } catch (IOException | RuntimeException e) {
            k.close();
            throw e;
        }
    }

    public KernelDump kernel() {
        return kernel;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        kernel.close();
    }
}
