package io.kdump4j.kernel.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.kernel.FixtureDumps;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kallsyms decoded from each fixture kernel against the System.map made by {@code nm} from the
 * kernel's -dbg vmlinux: every kallsyms symbol that the map has sits at the map's address plus
 * KERNELOFFSET, and nearly every text symbol of the map is in kallsyms.
 */
class KallsymsFixtureTest {

    /** One ELF core per kernel (the kdump-compressed variants hold the same memory). */
    static Stream<FixtureDumps.Case> kernels() throws IOException {
        return FixtureDumps.all().stream().filter(FixtureDumps.Case::elf);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void everyKallsymsSymbolIsAtTheSystemMapAddressPlusKaslr(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            SymbolTable ks = Kallsyms.read(k);
            SymbolTable map = SystemMap.read(FixtureDumps.systemMap(c), k.vmcoreinfo().kernelOffset().orElse(0));
            int compared = 0;
            List<String> wrong = new ArrayList<>();
            for (Symbol s : ks.symbols()) {
                List<Symbol> same = map.named(s.name());
                if (same.isEmpty()) {
                    continue;
                }
                compared++;
                if (same.stream().noneMatch(m -> m.address() == s.address())) {
                    wrong.add(s.name() + " kallsyms 0x" + Long.toHexString(s.address()) + " map 0x"
                            + Long.toHexString(same.get(0).address()));
                }
            }
            assertEquals(List.of(), wrong.subList(0, Math.min(20, wrong.size())), wrong.size() + " wrong of " + compared);
            assertTrue(compared > 0.95 * ks.size(), compared + " of " + ks.size() + " kallsyms names are in System.map");
            long mapText = map.symbols().stream().filter(KallsymsFixtureTest::kept).count();
            long found = map.symbols().stream().filter(KallsymsFixtureTest::kept).filter(m -> !ks.named(m.name()).isEmpty()).count();
            List<String> missing = map.symbols().stream().filter(KallsymsFixtureTest::kept)
                    .filter(m -> ks.named(m.name()).isEmpty()).map(Symbol::name).limit(30).toList();
            assertTrue(found > 0.99 * mapText, found + " of " + mapText + " System.map text symbols are in kallsyms; missing "
                    + missing);
            // The VMCOREINFO symbols are kallsyms symbols too.
            assertEquals(k.vmcoreinfo().symbol("_stext").orElseThrow(), ks.lookup("_stext").orElseThrow().address());
        }
    }

    /**
     * A text symbol of the map that scripts/kallsyms.c keeps: it drops ARM mapping symbols
     * ({@code $x}, {@code $d}, also with the {@code __kvm_nvhe_} prefix) and the EFI stub's
     * {@code __efistub_} aliases.
     */
    static boolean kept(Symbol s) {
        return s.isText() && !s.name().contains("$") && !s.name().startsWith("__efistub_");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void addressesResolveToTheContainingSymbol(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            KernelSymbols syms = KernelSymbols.of(k);
            Symbol panic = syms.lookup("panic").orElseThrow();
            assertTrue(panic.isText() && panic.size() > 0);
            SymbolMatch m = syms.lookup(panic.address() + 5).orElseThrow();
            assertEquals("panic", m.symbol().name());
            assertEquals(5, m.offset());
            assertTrue(m.format().startsWith("panic+0x5/0x"));
            assertTrue(KernelSymbols.of(k) == syms, "one instance per dump");
        }
    }
}
