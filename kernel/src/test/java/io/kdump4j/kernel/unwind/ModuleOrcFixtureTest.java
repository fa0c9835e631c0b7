package io.kdump4j.kernel.unwind;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.kernel.FixtureDumps;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.helpers.module.Modules;
import io.kdump4j.kernel.symbols.KernelSymbols;
import io.kdump4j.kernel.symbols.Symbol;
import io.kdump4j.kernel.symbols.SymbolTable;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The modules' own ORC tables: at the first instruction of a function the caller's frame is one
 * return address up (a CALL entry, CFA = sp + 8), which holds for nearly every function symbol
 * of every module in the x86_64 fixtures; and vmlinux addresses use vmlinux's table.
 */
class ModuleOrcFixtureTest {

    static Stream<FixtureDumps.Case> cases() throws IOException {
        return FixtureDumps.all().stream().filter(c -> c.fixture().startsWith("x86_64"));
    }

    /** BTF's struct orc_entry gives the layout the kernel's release implies (6.1: type:2 end:1; 6.12: type:3 signal:1). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void orcLayoutFromBtf(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            OrcLayout fromBtf = OrcLayout.detect(io.kdump4j.kernel.types.KernelTypes.of(k), null);
            org.junit.jupiter.api.Assertions.assertEquals(OrcLayout.detect(null, k.release()), fromBtf);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void functionEntriesOfModulesAreCallFrames(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            SymbolTable mods = Modules.of(k).loadSymbols();
            OrcUnwinder u = OrcUnwinder.of(k);
            assertSame(u.tableFor(KernelSymbols.of(k).address("panic")), u.tableFor(KernelSymbols.of(k).address("vfs_write")));
            int checked = 0;
            int entry = 0;
            for (Symbol s : mods.symbols()) {
                if (!s.isText() || s.name().startsWith("__pfx_") || s.name().startsWith("__cfi_") || s.size() == 0) {
                    continue;
                }
                OrcTable t = u.tableFor(s.address());
                if (t == null) {
                    continue;
                }
                checked++;
                int i = t.find(s.address());
                int flags = t.flags(i);
                if (t.layout.type(flags) == OrcLayout.Type.CALL && (flags & 0xf) == 5 && t.spOffset(i) == 8) {
                    entry++;
                }
            }
            assumeTrue(checked > 0, "no module text");
            assertTrue(checked > 20, checked + " module functions");
            assertTrue(entry > 0.9 * checked, entry + " of " + checked + " module functions start with a CALL frame");
        }
    }
}
