package io.kdump4j.kernel.unwind;

/**
 * One frame of a call stack.
 *
 * @param pc the program counter (for callers, the return address)
 * @param sp the stack pointer in this frame (the frame's CFA for ORC)
 * @param function the containing symbol's name, or null when the address has none
 * @param offset {@code pc} minus the symbol's address
 * @param size the symbol's size, 0 when unknown
 * @param module the module name, or null for vmlinux
 * @param regs the registers of an exception frame ({@code struct pt_regs}) that this frame was
 *     interrupted with, or null
 * @param note why this frame is special ("found on the stack", "user mode"), or null
 */
public record Frame(long pc, long sp, String function, long offset, long size, String module,
        Registers regs, String note) {

    /** {@code function+0xoff/0xsize [module]}, or the hex pc. */
    public String symbolized() {
        if (function == null) {
            return "0x" + Long.toHexString(pc);
        }
        StringBuilder sb = new StringBuilder(function).append("+0x").append(Long.toHexString(offset));
        if (size > 0) {
            sb.append("/0x").append(Long.toHexString(size));
        }
        if (module != null) {
            sb.append(" [").append(module).append(']');
        }
        return sb.toString();
    }
}
