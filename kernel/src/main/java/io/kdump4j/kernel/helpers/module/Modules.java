package io.kdump4j.kernel.helpers.module;

import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.KernelMemory;
import io.kdump4j.kernel.symbols.KernelSymbols;
import io.kdump4j.kernel.symbols.Symbol;
import io.kdump4j.kernel.symbols.SymbolTable;
import io.kdump4j.kernel.types.KObject;
import io.kdump4j.kernel.types.KernelTypes;
import io.kdump4j.kernel.types.Lists;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Loaded modules: the {@code modules} list of {@code struct module} (linked by {@code list}).
 *
 * <p>Memory layout by feature: since Linux 6.4 (commit ac3b43283923 "module: replace
 * module_layout with module_memory") {@code mem[MOD_TEXT .. MOD_INIT_RODATA]} of
 * {@code struct module_memory {base, size, ...}}; before, {@code core_layout} (and
 * {@code init_layout}) of {@code struct module_layout {base, size, text_size, ...}}.
 *
 * <p>Symbols: each module keeps its own symbol table for kallsyms, {@code kallsyms} (RCU
 * pointer to {@code struct mod_kallsyms {symtab, num_symtab, strtab, typetab}}): ELF64
 * {@code Elf64_Sym} entries (24 bytes: st_name u32, st_info, st_other, st_shndx u16, st_value,
 * st_size) and, since Linux 5.2 (commit 1c7651f43777), a {@code typetab} with the nm letter of
 * each symbol.
 */
public final class Modules {
    private static final String[] STATES = {"live", "coming", "going", "unformed"};
    /** More symbols than a module has. */
    private static final long MAX_MODULE_SYMBOLS = 1_000_000;

    private final KernelDump dump;

    private Modules(KernelDump dump) {
        this.dump = dump;
    }

    public static Modules of(KernelDump k) throws IOException {
        return k.service(Modules.class, Modules::new);
    }

    /** Every module, in list order (most recently loaded first). */
    public List<ModuleInfo> list() throws IOException {
        KernelTypes types = KernelTypes.of(dump);
        KernelMemory m = dump.memory();
        long head = KernelSymbols.of(dump).address("modules");
        long listOff = types.offset("module", "list");
        List<ModuleInfo> out = new ArrayList<>();
        for (long mod : Lists.entries(m, head, listOff)) {
            out.add(info(types, mod));
        }
        return out;
    }

    private ModuleInfo info(KernelTypes types, long mod) throws IOException {
        KObject o = KObject.of(types, "module", mod);
        String name = o.member("name").string();
        long base;
        long size;
        long text;
        long initBase = 0;
        long initText = 0;
        if (o.has("mem")) {
            KObject mem = o.member("mem");
            base = mem.index(0).member("base").value();
            text = mem.index(0).member("size").value();
            // MOD_INIT_TEXT follows the four core regions.
            if (mem.length() > 4) {
                initBase = mem.index(4).member("base").value();
                initText = mem.index(4).member("size").value();
            }
            size = 0;
            // MOD_TEXT, MOD_DATA, MOD_RODATA, MOD_RO_AFTER_INIT are the core regions.
            for (int i = 0; i < 4 && i < mem.length(); i++) {
                size += mem.index(i).member("size").value();
            }
        } else {
            KObject core = o.member("core_layout");
            base = core.member("base").value();
            size = core.member("size").value();
            text = core.member("text_size").value();
            if (o.has("init_layout")) {
                initBase = o.member("init_layout.base").value();
                initText = o.member("init_layout.text_size").value();
            }
        }
        long taints = o.has("taints") ? o.member("taints").value() : 0;
        int st = (int) o.member("state").value();
        String state = st >= 0 && st < STATES.length ? STATES[st] : String.valueOf(st);
        int nsyms = 0;
        if (o.has("kallsyms")) {
            long ks = o.member("kallsyms").value();
            if (ks != 0) {
                nsyms = (int) Math.min(KObject.of(types, "mod_kallsyms", ks).member("num_symtab").value(), MAX_MODULE_SYMBOLS);
            }
        }
        return new ModuleInfo(mod, name, base, size, text, taints, state, nsyms, initBase, initBase == 0 ? 0 : initText);
    }

    /** The modules' own symbol tables, joined; also installed into {@link KernelSymbols}. */
    public SymbolTable loadSymbols() throws IOException {
        KernelTypes types = KernelTypes.of(dump);
        KernelMemory m = dump.memory();
        List<Symbol> all = new ArrayList<>();
        for (ModuleInfo mi : list()) {
            List<Symbol> own = new ArrayList<>();
            KObject o = KObject.of(types, "module", mi.address());
            long ks = o.member("kallsyms").value();
            if (ks == 0) {
                continue;
            }
            KObject k = KObject.of(types, "mod_kallsyms", ks);
            long symtab = k.member("symtab").value();
            long n = Math.min(k.member("num_symtab").value(), MAX_MODULE_SYMBOLS);
            long strtab = k.member("strtab").value();
            long typetab = k.has("typetab") ? k.member("typetab").value() : 0;
            if (n <= 0 || symtab == 0 || strtab == 0) {
                continue;
            }
            byte[] syms = m.read(symtab, (int) (n * 24));
            byte[] typeLetters = typetab == 0 ? null : m.read(typetab, (int) n);
            for (int i = 1; i < n; i++) {
                int at = i * 24;
                long nameOff = le32(syms, at);
                long value = le64(syms, at + 8);
                int info = syms[at + 4] & 0xff;
                if (value == 0 || (info & 0xf) == 4 /* STT_FILE */) {
                    continue;
                }
                String name = m.cString(strtab + nameOff, 512);
                if (name.isEmpty()) {
                    continue;
                }
                char type = typeLetters != null ? (char) (typeLetters[i] & 0xff) : ((info & 0xf) == 2 ? 't' : 'd');
                // Size 0: derived from the next symbol, as the kernel's module kallsyms lookup
                // does, so that "+off/size" reads as in the kernel's own %pS output.
                own.add(new Symbol(name, value, 0, type, mi.name()));
            }
            all.addAll(boundedByText(own, mi));
        }
        SymbolTable t = SymbolTable.of(all);
        KernelSymbols.of(dump).setModuleSymbols(t);
        return t;
    }

    /**
     * Text symbols sized as the kernel's find_kallsyms_symbol() does: up to the module's next
     * symbol, at most to the end of the text region (core or init) holding it. Since Linux 6.4
     * (ac3b43283923 "module: replace module_layout with module_memory") each region is its own
     * allocation, and on 7.x the init text is the highest: its last function has no next symbol.
     */
    private static List<Symbol> boundedByText(List<Symbol> own, ModuleInfo mi) {
        long[] values = own.stream().mapToLong(Symbol::address).sorted().distinct().toArray();
        List<Symbol> out = new ArrayList<>(own.size());
        for (Symbol s : own) {
            long end = 0;
            if (s.address() >= mi.base() && s.address() < mi.base() + mi.textSize()) {
                end = mi.base() + mi.textSize();
            } else if (s.address() >= mi.initTextBase() && s.address() < mi.initTextBase() + mi.initTextSize()) {
                end = mi.initTextBase() + mi.initTextSize();
            }
            if (end == 0) {
                out.add(s);
                continue;
            }
            int i = java.util.Arrays.binarySearch(values, s.address());
            long next = i + 1 < values.length ? Math.min(values[i + 1], end) : end;
            out.add(new Symbol(s.name(), s.address(), next - s.address(), s.type(), s.module()));
        }
        return out;
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (long) (b[at + 3] & 0xff) << 24;
    }

    private static long le64(byte[] b, int at) {
        return le32(b, at) | le32(b, at + 4) << 32;
    }

}
