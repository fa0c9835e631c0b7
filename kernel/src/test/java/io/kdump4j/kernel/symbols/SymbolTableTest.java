package io.kdump4j.kernel.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Address and name lookups: sizes from the next symbol, aliases, region gaps, __pfx_ padding. */
class SymbolTableTest {
    private static final long T = 0xffffffff81000000L;

    private static Symbol s(String name, long addr, char type) {
        return new Symbol(name, addr, 0, type, null);
    }

    @Test
    void sizesAliasesAndGaps() {
        SymbolTable t = SymbolTable.of(List.of(s("runqueues", 0x31c40, 'D'), s("_text", T, 'T'), s("_stext", T, 'T'),
                s("__pfx_panic", T + 0x100, 't'), s("panic", T + 0x110, 'T'), s("local_fn", T + 0x200, 't'),
                s("last", T + 0x300, 'T')));
        assertEquals(0xf0, t.lookup("panic").orElseThrow().size());
        assertEquals("panic+0x5/0xf0", t.lookup(T + 0x115).orElseThrow().format());
        assertEquals("__pfx_panic", t.lookup(T + 0x105).orElseThrow().symbol().name(), "padding before a function is its own symbol");
        assertEquals("_stext", t.lookup(T + 1).orElseThrow().symbol().name(), "aliases: the first by name among equals");
        SymbolTable sched = SymbolTable.of(List.of(s("__sched_text_start", T, 'T'), s("__switch_to", T, 'T'), s("y", T + 0x80, 'T')));
        assertEquals("__switch_to", sched.lookup(T + 8).orElseThrow().symbol().name(), "a section marker is not a function");
        assertEquals("runqueues+0x0", t.lookup(0x31c40).orElseThrow().format());
        assertTrue(t.lookup(0x31c41).isEmpty(), "a symbol followed by a gap beyond 16 MiB has no derived size");
        assertTrue(t.lookup(T - 1).isEmpty(), "the gap between per-CPU offsets and text belongs to no symbol");
        assertTrue(t.lookup(T + 0x301).isEmpty(), "the last symbol has no known size");
        assertEquals("last+0x0", t.lookup(T + 0x300).orElseThrow().format());
        assertTrue(t.lookup(5).isEmpty());
    }

    @Test
    void globalPreferredAmongNamesakes() {
        SymbolTable t = SymbolTable.of(List.of(s("init", T, 't'), s("init", T + 0x40, 'T'), s("x", T + 0x80, 't')));
        assertEquals(T + 0x40, t.lookup("init").orElseThrow().address());
        assertEquals(2, t.named("init").size());
    }
}
