package io.kdump4j.kernel.symbols;

/**
 * An address resolved to the symbol that contains it.
 *
 * @param symbol the containing symbol
 * @param offset the address minus the symbol's address
 */
public record SymbolMatch(Symbol symbol, long offset) {

    /** {@code name+0x1a/0x40 [module]}, the form the kernel's {@code %pS} prints. */
    public String format() {
        StringBuilder sb = new StringBuilder(symbol.name());
        sb.append("+0x").append(Long.toHexString(offset));
        if (symbol.size() > 0) {
            sb.append("/0x").append(Long.toHexString(symbol.size()));
        }
        if (symbol.module() != null) {
            sb.append(" [").append(symbol.module()).append(']');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
