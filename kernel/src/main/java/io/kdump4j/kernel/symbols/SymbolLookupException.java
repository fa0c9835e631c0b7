package io.kdump4j.kernel.symbols;

import java.io.IOException;

/**
 * A symbol the analysis needs is not known: kallsyms lacks it (data symbols of a kernel built
 * without {@code CONFIG_KALLSYMS_ALL}) and no System.map that has it was given. The message says
 * what to do.
 */
public final class SymbolLookupException extends IOException {
    public SymbolLookupException(String message) {
        super(message);
    }
}
