package io.kdump4j.kernel.symbols;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable set of symbols sorted by address, for address-to-symbol lookups (binary search)
 * and name-to-symbol lookups (hash map). Sizes are derived here: each symbol extends to the
 * next higher address in the table, except that a gap larger than {@link #MAX_DERIVED_SIZE} is
 * taken as the end of a region (per-CPU offsets, then kernel text) and gives size 0.
 */
public final class SymbolTable {
    /** Larger distances to the next symbol are not attributed to a symbol. */
    static final long MAX_DERIVED_SIZE = 16L << 20;

    private final Symbol[] byAddress;
    private final long[] addresses;
    private final Map<String, List<Symbol>> byName;

    private SymbolTable(Symbol[] byAddress) {
        this.byAddress = byAddress;
        this.addresses = new long[byAddress.length];
        this.byName = HashMap.newHashMap(byAddress.length);
        for (int i = 0; i < byAddress.length; i++) {
            addresses[i] = byAddress[i].address();
            byName.computeIfAbsent(byAddress[i].name(), n -> new ArrayList<>(1)).add(byAddress[i]);
        }
    }

    /**
     * Builds a table from raw entries whose size is not known yet (sizes are derived from the
     * address order; a positive size already given is kept).
     */
    public static SymbolTable of(List<Symbol> symbols) {
        Symbol[] sorted = symbols.toArray(Symbol[]::new);
        Arrays.sort(sorted, Comparator.comparingLong(Symbol::address).thenComparing(Symbol::name));
        int n = sorted.length;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j < n && sorted[j].address() == sorted[i].address()) {
                j++;
            }
            long size = j < n ? sorted[j].address() - sorted[i].address() : 0;
            if (size < 0 || size > MAX_DERIVED_SIZE) {
                size = 0;
            }
            for (int k = i; k < j; k++) {
                Symbol s = sorted[k];
                if (s.size() <= 0) {
                    sorted[k] = new Symbol(s.name(), s.address(), size, s.type(), s.module());
                }
            }
            i = j;
        }
        return new SymbolTable(sorted);
    }

    public int size() {
        return byAddress.length;
    }

    /** Every symbol in address order. */
    public List<Symbol> symbols() {
        return Collections.unmodifiableList(Arrays.asList(byAddress));
    }

    /** Every symbol of that name (several local symbols may share one). */
    public List<Symbol> named(String name) {
        return byName.getOrDefault(name, List.of());
    }

    /** The address of {@code name}, preferring a global symbol when several share the name. */
    public Optional<Symbol> lookup(String name) {
        List<Symbol> all = named(name);
        if (all.isEmpty()) {
            return Optional.empty();
        }
        for (Symbol s : all) {
            if (s.isGlobal()) {
                return Optional.of(s);
            }
        }
        return Optional.of(all.get(0));
    }

    /**
     * The symbol containing {@code address}: the highest symbol at or below it whose size covers
     * it (a size-0 symbol matches only its own address). Among aliases at one address, a global
     * text symbol is preferred, then any global, then the first by name.
     */
    public Optional<SymbolMatch> lookup(long address) {
        int i = Arrays.binarySearch(addresses, address);
        if (i < 0) {
            i = -i - 2;
        } else {
            while (i + 1 < addresses.length && addresses[i + 1] == address) {
                i++;
            }
        }
        if (i < 0) {
            return Optional.empty();
        }
        long base = addresses[i];
        int first = i;
        while (first > 0 && addresses[first - 1] == base) {
            first--;
        }
        Symbol best = null;
        for (int k = first; k <= i; k++) {
            Symbol s = byAddress[k];
            if (best == null || rank(s) > rank(best)) {
                best = s;
            }
        }
        long offset = address - base;
        if (offset != 0 && (best.size() == 0 || offset >= best.size())) {
            return Optional.empty();
        }
        return Optional.of(new SymbolMatch(best, offset));
    }

    private static int rank(Symbol s) {
        int r = 0;
        if (s.isText()) {
            r += 2;
        }
        if (s.isGlobal()) {
            r += 1;
        }
        if (s.name().startsWith("__pfx_") || s.name().startsWith("__cfi_")) {
            r -= 4;
        }
        if (marker(s.name())) {
            r -= 3;
        }
        return r;
    }

    /**
     * Linker-script section markers ({@code __sched_text_start}, {@code _stext},
     * {@code __irqentry_text_end}) share their address with the first function of the section,
     * which is the better name for a code address.
     */
    static boolean marker(String name) {
        return name.endsWith("_text_start") || name.endsWith("_text_end") || name.equals("_text")
                || name.equals("_stext") || name.equals("_sinittext") || name.equals("_etext")
                || (name.startsWith("__") && (name.endsWith("_start") || name.endsWith("_end")));
    }
}
