package io.kdump4j.kernel.unwind;

import io.kdump4j.kernel.symbols.KernelSymbols;
import io.kdump4j.kernel.symbols.SymbolMatch;
import java.util.Optional;

/** Symbolization shared by the unwinders. */
final class Frames {
    private Frames() {
    }

    /**
     * A frame for {@code pc}. A return address is looked up one byte back, so that a call that is
     * the last instruction of a function (a {@code noreturn} call such as {@code panic()}) names
     * the caller, not the next function; the offset shown is still from the real pc.
     */
    static Frame frame(KernelSymbols symbols, long pc, long sp, Registers regs, String note, boolean returnAddress) {
        Optional<SymbolMatch> m = symbols.lookup(returnAddress && pc != 0 ? pc - 1 : pc);
        if (m.isEmpty()) {
            return new Frame(pc, sp, null, 0, 0, null, regs, note);
        }
        SymbolMatch s = m.get();
        return new Frame(pc, sp, s.symbol().name(), pc - s.symbol().address(), s.symbol().size(), s.symbol().module(),
                regs, note);
    }
}
