package io.kdump4j.analyze;

import io.kdump4j.format.Dumps;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.helpers.module.Modules;
import io.kdump4j.kernel.symbols.KernelSymbols;
import io.kdump4j.kernel.types.KernelTypes;
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
        return open(dump, systemMap, null, null);
    }

    /**
     * Opens {@code dump} with optional extra sources: a System.map or a vmlinux (its .symtab) for
     * symbols that kallsyms lacks, and a BTF file to use instead of the dump's BTF.
     */
    public static Session open(Path dump, Path systemMap, Path vmlinux, Path btf) throws IOException {
        KernelDump k = KernelDump.open(Dumps.open(dump));
        try {
            if (systemMap != null) {
                KernelSymbols.withSystemMap(k, systemMap);
            } else if (vmlinux != null) {
                KernelSymbols.withVmlinux(k, vmlinux);
            } else {
                try {
                    KernelSymbols.of(k);
                } catch (io.kdump4j.format.io.DumpFormatException e) {
                    // Damaged kallsyms: each command fails on its own with this error, while
                    // those that need no symbols (log, the log-based parts of analyze) work.
                }
            }
            if (btf != null) {
                KernelTypes.withBtfFile(k, btf);
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
