package io.kdump4j.setup.kexec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The code the crashed arm64 kernel jumps to: it puts the device tree's address in x0, zeroes
 * x1-x3 (Documentation/arch/arm64/booting.rst: "x0 = physical address of device tree blob,
 * x1 = 0, x2 = 0, x3 = 0 (reserved for future use)") and branches to the capture kernel's Image.
 * With kexec_load(2) the crashing kernel enters {@code entry} with MMU and caches off and does
 * not pass the device tree itself (arch/arm64/kernel/machine_kexec.c: only kexec_file_load
 * fills {@code kimage->arch.dtb_mem}), so this is needed; kexec-tools' purgatory does the same
 * after an optional SHA-256 check of the segments, which we leave out (it costs seconds under
 * emulation, and the segments are in memory the crashed kernel does not write).
 *
 * <p>Written and encoded by hand; {@code Arm64PurgatoryTest} disassembles the bytes with
 * binutils when {@code aarch64-linux-gnu-objdump} is installed and decodes them itself always.
 * <pre>
 *  0: 580000c0  ldr  x0, 24      // the device tree address, literal at +24
 *  4: 580000e4  ldr  x4, 32      // the kernel entry, literal at +32
 *  8: aa1f03e1  mov  x1, xzr
 *  c: aa1f03e2  mov  x2, xzr
 * 10: aa1f03e3  mov  x3, xzr
 * 14: d61f0080  br   x4
 * 18: .quad dtb
 * 20: .quad kernel
 * </pre>
 * Encodings (Arm ARM C6.2): LDR (literal, 64-bit) = 0x58000000 | imm19 &lt;&lt; 5 | Rt with imm19 the
 * word offset; MOV Xd, XZR = ORR Xd, XZR, XZR = 0xaa1f03e0 | Rd; BR Xn = 0xd61f0000 | Rn &lt;&lt; 5.
 */
public final class Arm64Purgatory {
    /** The instructions, little-endian words in order. */
    static final int[] CODE = {0x580000c0, 0x580000e4, 0xaa1f03e1, 0xaa1f03e2, 0xaa1f03e3, 0xd61f0080};
    /** Bytes: six instructions and two 8-byte literals. */
    public static final int SIZE = CODE.length * 4 + 16;

    private Arm64Purgatory() {
    }

    /** The purgatory with its two literals filled in. */
    public static byte[] build(long dtbAddress, long kernelEntry) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : CODE) {
            b.putInt(w);
        }
        b.putLong(dtbAddress);
        b.putLong(kernelEntry);
        return b.array();
    }
}
