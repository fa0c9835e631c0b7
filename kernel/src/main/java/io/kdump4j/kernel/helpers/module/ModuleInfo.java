package io.kdump4j.kernel.helpers.module;

/**
 * One loaded module ({@code struct module}).
 *
 * @param address the struct module address
 * @param name {@code name}
 * @param base the start of its core text
 * @param size the bytes of its core memory (all core regions together)
 * @param textSize bytes of core text, 0 when unknown
 * @param taints {@code taints} (TAINT_* bits this module caused)
 * @param state {@code state}: "live", "coming", "going", "unformed"
 * @param symbols the number of symbols in its kallsyms
 * @param initTextBase the start of its init text (its {@code module_init} function runs there
 *     while it loads), 0 once freed or when absent
 * @param initTextSize bytes of init text, 0 when none
 */
public record ModuleInfo(long address, String name, long base, long size, long textSize, long taints,
        String state, int symbols, long initTextBase, long initTextSize) {
}
