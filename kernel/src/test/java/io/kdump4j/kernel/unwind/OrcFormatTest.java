package io.kdump4j.kernel.unwind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.FixtureDumps;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.symbols.KernelSymbols;
import io.kdump4j.kernel.unwind.OrcRegisters.Reg;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ORC format is taken from the kernel's own orc_header hash: real 6.1 (no header) and 6.12
 * dumps, the 7.x numbering, and an unknown hash refused.
 */
class OrcFormatTest {
    @Test
    void realDumpsTellTheirFormat() throws IOException {
        List<FixtureDumps.Case> x86 = FixtureDumps.all().stream().filter(c -> c.expectedArch().equals("x86_64")).toList();
        assumeTrue(!x86.isEmpty(), "the x86_64 fixture dumps are in ../shared/fixtures");
        int withHeader = 0;
        for (FixtureDumps.Case c : x86) {
            try (KernelDump k = FixtureDumps.open(c)) {
                OrcFormat f = OrcFormat.of(k);
                assertSame(OrcRegisters.CLASSIC, f.registers(), c + ": 6.x numbering");
                if (KernelSymbols.of(k).has("__start_orc_header")) {
                    withHeader++;
                    assertEquals(OrcLayout.SINCE_6_4, f.layout(), c + ": the 6.12 header hash is the 6.4 format");
                }
            }
        }
        assertTrue(withHeader > 0, "the 6.12 fixture has an .orc_header");
    }

    @Test
    void linux7NumberingFromItsHash() throws DumpFormatException {
        OrcFormat f = OrcFormat.byHash("t", HexFormat.of().parseHex("137c36ad7627c4dd55932176bb0ecdbd5041fc82"));
        OrcRegisters r = f.registers();
        assertEquals(OrcLayout.SINCE_6_4, f.layout(), "entry layout and types unchanged");
        assertEquals(Reg.SP, r.role(3));
        assertEquals(Reg.PREV_SP, r.role(8));
        assertEquals(Reg.BP_INDIRECT, r.role(10));
        assertEquals(Reg.DI, r.role(5));
        // The same numbers meant something else before: reading 7.x entries with them is wrong.
        assertEquals(Reg.DI, OrcRegisters.CLASSIC.role(3));
        assertEquals(Reg.BP_INDIRECT, OrcRegisters.CLASSIC.role(8));
        assertEquals(Reg.UNKNOWN, OrcRegisters.CLASSIC.role(10));
        assertEquals(Reg.AX, OrcRegisters.CLASSIC_AX.role(10));
    }

    @Test
    void unknownHashIsRefused() {
        byte[] hash = new byte[OrcFormat.HASH_BYTES];
        hash[0] = 0x42;
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> OrcFormat.byHash("dump", hash));
        assertTrue(e.getMessage().contains("4200000000") && e.getMessage().contains("not unwound"), e.getMessage());
    }
}
