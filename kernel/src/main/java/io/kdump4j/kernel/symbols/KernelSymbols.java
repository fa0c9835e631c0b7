package io.kdump4j.kernel.symbols;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelDump;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The symbols of one dump: vmlinux's (kallsyms from the dump, or a System.map given by the
 * user, or both: the map fills in what kallsyms lacks, such as data symbols of a kernel built
 * without {@code CONFIG_KALLSYMS_ALL}), then the modules' symbols once they are loaded. One
 * instance per {@link KernelDump} ({@link #of(KernelDump)}).
 */
public final class KernelSymbols {
    private final KernelDump dump;
    private final SymbolTable kernel;
    private final SymbolTable map;
    /** Why {@link #kernel} is null: the tables are not named, or failed their checks. */
    private final String noKallsyms;
    private volatile SymbolTable modules;

    private KernelSymbols(KernelDump dump, SymbolTable kernel, String noKallsyms, SymbolTable map) {
        this.dump = dump;
        this.kernel = kernel;
        this.noKallsyms = noKallsyms;
        this.map = map;
    }

    /**
     * kallsyms from the dump, or null with the reason: a table that fails its checks is not
     * used (the System.map, when given, is then the only source of vmlinux symbols).
     */
    private static KernelSymbols build(KernelDump d, SymbolTable map) throws IOException {
        Optional<String> missing = Kallsyms.missing(d);
        if (missing.isPresent() && map == null && Kallsyms.namesNone(d)) {
            // Before Linux 6.0: the tables are there, only not named; find them by their shape.
            KallsymsScan.Result found = KallsymsScan.find(d);
            if (found.symbols().isPresent()) {
                return new KernelSymbols(d, SymbolTable.of(found.symbols().get()), null, map);
            }
            return new KernelSymbols(d, null, missing.get() + ", and the kernel image holds none this reader recognises ("
                    + found.reason() + ")", map);
        }
        if (missing.isPresent()) {
            return new KernelSymbols(d, null, missing.get(), map);
        }
        try {
            return new KernelSymbols(d, Kallsyms.read(d), null, map);
        } catch (DumpFormatException e) {
            return new KernelSymbols(d, null, e.getMessage(), map);
        }
    }

    /** Why the dump's kallsyms is not used, or empty when it is. */
    public Optional<String> kallsymsUnavailable() {
        return Optional.ofNullable(noKallsyms);
    }

    /**
     * The dump's symbols from kallsyms (built once per dump). A kernel older than Linux 6.0 does
     * not name its kallsyms tables in VMCOREINFO: then only VMCOREINFO's own SYMBOL() entries are
     * known, and {@link #address(String)} says why and to give a System.map.
     */
    public static KernelSymbols of(KernelDump k) throws IOException {
        return k.service(KernelSymbols.class, d -> build(d, null));
    }

    /**
     * Installs a System.map for this dump (moved to VMCOREINFO's _stext, else by KERNELOFFSET). Must be called
     * before the first {@link #of(KernelDump)}; kallsyms is still used when the dump has it.
     */
    public static KernelSymbols withSystemMap(KernelDump k, Path systemMap) throws IOException {
        // A System.map from the build holds link-time addresses (relocate by KERNELOFFSET); a
        // copy of the crashed boot's /proc/kallsyms holds run-time ones already. Which it is
        // shows in _stext: when VMCOREINFO gives it, the map is moved to match it.
        SymbolTable linked = SystemMap.read(systemMap, 0);
        long offset = k.vmcoreinfo().kernelOffset().orElse(0);
        OptionalLong stext = k.vmcoreinfo().symbol("_stext");
        List<Symbol> mapStext = linked.named("_stext");
        if (stext.isPresent() && mapStext.size() == 1) {
            offset = stext.getAsLong() - mapStext.get(0).address();
        }
        return withTable(k, offset == 0 ? linked : SystemMap.read(systemMap, offset));
    }

    /** Like {@link #withSystemMap}, with the {@code .symtab} of the kernel's vmlinux. */
    public static KernelSymbols withVmlinux(KernelDump k, Path vmlinux) throws IOException {
        return withTable(k, ElfSymtab.read(vmlinux, k.vmcoreinfo().kernelOffset().orElse(0)));
    }

    private static KernelSymbols withTable(KernelDump k, SymbolTable m) throws IOException {
        return k.service(KernelSymbols.class, d -> build(d, m));
    }

    public KernelDump dump() {
        return dump;
    }

    /** vmlinux's symbols from kallsyms; null when only a System.map was given and the dump has none. */
    public SymbolTable kallsyms() {
        return kernel;
    }

    /** The System.map or vmlinux symbols given by the user, or null. */
    public SymbolTable systemMap() {
        return map;
    }

    /** Installs the modules' symbols (done by the module helper). */
    public void setModuleSymbols(SymbolTable t) {
        this.modules = t;
    }

    public SymbolTable moduleSymbols() {
        return modules;
    }

    /** A vmlinux symbol by name: kallsyms first, then System.map, then VMCOREINFO's SYMBOL(). */
    public Optional<Symbol> lookup(String name) {
        if (kernel != null) {
            Optional<Symbol> s = kernel.lookup(name);
            if (s.isPresent()) {
                return s;
            }
        }
        if (map != null) {
            Optional<Symbol> s = map.lookup(name);
            if (s.isPresent()) {
                return s;
            }
        }
        OptionalLong v = dump.vmcoreinfo().symbol(name);
        if (v.isPresent()) {
            return Optional.of(new Symbol(name, v.getAsLong(), 0, '?', null));
        }
        SymbolTable mods = modules;
        return mods == null ? Optional.empty() : mods.lookup(name);
    }

    /** The address of {@code name}, or a SymbolLookupException saying that the symbol is missing. */
    public long address(String name) throws IOException {
        Optional<Symbol> s = lookup(name);
        if (s.isEmpty()) {
            if (kernel == null && map == null) {
                throw new SymbolLookupException(dump.dump().name() + ": symbol " + name + " is unknown: " + noKallsyms
                        + "; give the System.map with --system-map");
            }
            throw new SymbolLookupException(dump.dump().name() + ": symbol " + name + " is not in the dump's kallsyms"
                    + (map == null ? " (a kernel built without CONFIG_KALLSYMS_ALL has no data symbols: "
                    + "give its System.map with --system-map)" : " nor in the symbols given"));
        }
        return s.get().address();
    }

    public boolean has(String name) {
        return lookup(name).isPresent();
    }

    /** The symbol containing {@code address}: vmlinux (kallsyms, then System.map), then modules. */
    public Optional<SymbolMatch> lookup(long address) {
        List<SymbolTable> order = new ArrayList<>(3);
        if (kernel != null) {
            order.add(kernel);
        }
        if (map != null) {
            order.add(map);
        }
        if (modules != null) {
            order.add(modules);
        }
        for (SymbolTable t : order) {
            Optional<SymbolMatch> m = t.lookup(address);
            if (m.isPresent()) {
                return m;
            }
        }
        return Optional.empty();
    }
}
