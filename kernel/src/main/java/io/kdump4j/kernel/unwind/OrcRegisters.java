package io.kdump4j.kernel.unwind;

/**
 * The numbering of ORC's base registers ({@code ORC_REG_*} in
 * {@code arch/x86/include/asm/orc_types.h}): the 4-bit {@code sp_reg} and {@code bp_reg} of an
 * entry are these numbers, and the numbering has changed, so an entry cannot be read without
 * knowing which one the kernel was built with ({@link OrcFormat} tells from the orc_header hash).
 * 0 is {@code ORC_REG_UNDEFINED} in every numbering.
 */
final class OrcRegisters {
    /** The roles a base register can have. */
    enum Reg { UNDEFINED, PREV_SP, AX, DX, DI, BP, SP, R10, R13, BP_INDIRECT, SP_INDIRECT, UNKNOWN }

    /** From Linux 4.14 (commit 39358a033b2e, ORC's introduction) to 7.0. */
    static final OrcRegisters CLASSIC = new OrcRegisters("classic", Reg.UNDEFINED, Reg.PREV_SP, Reg.DX, Reg.DI, Reg.BP,
            Reg.SP, Reg.R10, Reg.R13, Reg.BP_INDIRECT, Reg.SP_INDIRECT);

    /**
     * CLASSIC plus {@code ORC_REG_AX 10} (commit 96f3b16a9de5 "objtool: Support Clang RAX DRAP
     * sequence", Linux 7.1, also queued for the 6.12+ stable series).
     */
    static final OrcRegisters CLASSIC_AX = new OrcRegisters("classic+ax", Reg.UNDEFINED, Reg.PREV_SP, Reg.DX, Reg.DI,
            Reg.BP, Reg.SP, Reg.R10, Reg.R13, Reg.BP_INDIRECT, Reg.SP_INDIRECT, Reg.AX);

    /**
     * The 7.x numbering (as in Debian's 7.2.13 {@code orc_types.h}): AX 1, DX 2, SP 3, BP 4, DI 5,
     * R10 6, R13 7, PREV_SP 8, SP_INDIRECT 9, BP_INDIRECT 10.
     */
    static final OrcRegisters LINUX_7 = new OrcRegisters("7.x", Reg.UNDEFINED, Reg.AX, Reg.DX, Reg.SP, Reg.BP, Reg.DI,
            Reg.R10, Reg.R13, Reg.PREV_SP, Reg.SP_INDIRECT, Reg.BP_INDIRECT);

    private final String name;
    private final Reg[] byNumber = new Reg[16];

    private OrcRegisters(String name, Reg... inOrder) {
        this.name = name;
        java.util.Arrays.fill(byNumber, Reg.UNKNOWN);
        System.arraycopy(inOrder, 0, byNumber, 0, inOrder.length);
    }

    /** The role of a 4-bit register number. */
    Reg role(int number) {
        return byNumber[number & 0xf];
    }

    @Override
    public String toString() {
        return name;
    }
}
