package io.kdump4j.kernel.unwind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The orc_entry flag word in its three layouts (orc_types.h before 6.3, in 6.3, since 6.4),
 * and the fallback by release when BTF is not available.
 */
class OrcLayoutTest {
    /** sp_reg = SP (5), bp_reg = PREV_SP (1), then the type bits. */
    private static int flags(int type, int shift) {
        return 5 | 1 << 4 | type << shift;
    }

    @Test
    void until62() {
        OrcLayout l = OrcLayout.UNTIL_6_2;
        assertEquals(OrcLayout.Type.CALL, l.type(flags(0, 8)));
        assertEquals(OrcLayout.Type.REGS, l.type(flags(1, 8)));
        assertEquals(OrcLayout.Type.REGS_PARTIAL, l.type(flags(2, 8)));
        assertEquals(OrcLayout.Type.END_OF_STACK, l.type(flags(0, 8) | 1 << 10), "the end bit");
        assertTrue(l.signal(flags(1, 8), OrcLayout.Type.REGS));
        assertFalse(l.signal(flags(0, 8), OrcLayout.Type.CALL));
    }

    @Test
    void since64() {
        OrcLayout l = OrcLayout.SINCE_6_4;
        assertEquals(OrcLayout.Type.UNDEFINED, l.type(flags(0, 8)));
        assertEquals(OrcLayout.Type.END_OF_STACK, l.type(flags(1, 8)));
        assertEquals(OrcLayout.Type.CALL, l.type(flags(2, 8)));
        assertEquals(OrcLayout.Type.REGS, l.type(flags(3, 8)), "type 3, which drgn 0.0.22 rejects");
        assertEquals(OrcLayout.Type.REGS_PARTIAL, l.type(flags(4, 8)));
        assertTrue(l.signal(flags(2, 8) | 1 << 11, OrcLayout.Type.CALL), "the signal bit");
    }

    @Test
    void byReleaseWithoutBtf() {
        assertEquals(OrcLayout.UNTIL_6_2, OrcLayout.detect(null, "6.1.0-56-amd64"));
        assertEquals(OrcLayout.UNTIL_6_2, OrcLayout.detect(null, "5.10.0-30-amd64"));
        assertEquals(OrcLayout.SINCE_6_4, OrcLayout.detect(null, "6.12.117+deb12-amd64"));
        assertEquals(OrcLayout.SINCE_6_4, OrcLayout.detect(null, null));
    }
}
