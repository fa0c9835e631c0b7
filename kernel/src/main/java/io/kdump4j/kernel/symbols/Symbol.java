package io.kdump4j.kernel.symbols;

/**
 * One symbol of the kernel or of a module.
 *
 * @param name the symbol name as kallsyms or System.map spells it ({@code __handle_sysrq.cold})
 * @param address the run-time address (KASLR applied)
 * @param size bytes up to the next higher symbol address; 0 when unknown (the last symbol, or
 *     a gap too large to belong to the symbol)
 * @param type the {@code nm} type letter ({@code T} global text, {@code t} local text,
 *     {@code D}/{@code d} data, {@code B}/{@code b} bss, {@code R}/{@code r} read-only, ...)
 * @param module the module name, or null for vmlinux
 */
public record Symbol(String name, long address, long size, char type, String module) {

    /** Whether this is a text (code) symbol. */
    public boolean isText() {
        return type == 'T' || type == 't' || type == 'W' || type == 'w';
    }

    /** Whether the symbol is global (upper-case type letter). */
    public boolean isGlobal() {
        return Character.isUpperCase(type);
    }
}
