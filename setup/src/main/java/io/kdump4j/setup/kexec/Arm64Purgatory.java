package io.kdump4j.setup.kexec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The code the crashed arm64 kernel jumps to: it puts the device tree's address in x0, zeroes
 * x1-x3 (Documentation/arch/arm64/booting.rst: "x0 = physical address of device tree blob,
 * x1 = 0, x2 = 0, x3 = 0 (reserved for future use)") and branches to the capture kernel's Image.
 * With kexec_load(2) the crashing kernel enters {@code entry} with MMU and caches off and does
 * not pass the device tree itself (arch/arm64/kernel/machine_kexec.c: only kexec_file_load
 * fills {@code kimage->arch.dtb_mem}), so this is needed; kexec-tools' purgatory does the same
 * after an optional SHA-256 check of the segments; ours has an optional byte-sum check
 * ({@link #buildVerifying}), off by default (it costs seconds under emulation).
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

    /**
     * The verifying variant: before entering the kernel it sums the bytes of each region and
     * compares with the sum taken when the plan was made; on a mismatch it spins forever (as
     * kexec-tools' purgatory does after its SHA-256 check fails) rather than boot a damaged kernel.
     * A byte sum, not a hash: it catches stray writes into the reservation, which is all a
     * checksum here is for, and costs one pass (seconds under emulation, so it is off by default).
     * <pre>
     * 00: 10000385  adr  x5, 0x70          // the region table
     * 04: 58000326  ldr  x6, 0x68          // number of regions
     * 08: b40001c6  cbz  x6, 0x40          // loop: all checked -> boot
     * 0c: a8c124a7  ldp  x7, x9, [x5], #16 //   address, length
     * 10: f84084aa  ldr  x10, [x5], #8     //   expected sum
     * 14: aa1f03eb  mov  x11, xzr
     * 18: b40000a9  cbz  x9, 0x2c          // sum: length done -> check
     * 1c: 384014ec  ldrb w12, [x7], #1
     * 20: 8b0c016b  add  x11, x11, x12
     * 24: d1000529  sub  x9, x9, #1
     * 28: 17fffffc  b    0x18
     * 2c: eb0a017f  cmp  x11, x10          // check
     * 30: 54000061  b.ne 0x3c
     * 34: d10004c6  sub  x6, x6, #1
     * 38: 17fffff4  b    0x08
     * 3c: 14000000  b    0x3c              // mismatch: stop here
     * 40: (the six instructions of the plain purgatory, whose literals follow at +24 and +32)
     * 58: .quad dtb, kernel, regions
     * 70: {u64 address, u64 length, u64 sum} per region
     * </pre>
     */
    public static byte[] buildVerifying(long dtbAddress, long kernelEntry, List<Region> regions) {
        ByteBuffer b = ByteBuffer.allocate(VERIFY_TABLE + 24 * regions.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : VERIFY_CODE) {
            b.putInt(w);
        }
        for (int w : CODE) {
            b.putInt(w);
        }
        b.putLong(dtbAddress).putLong(kernelEntry).putLong(regions.size());
        for (Region r : regions) {
            b.putLong(r.address()).putLong(r.length()).putLong(r.sum());
        }
        return b.array();
    }

    /** One checked region: physical address, length and the sum of its bytes (unsigned, mod 2^64). */
    public record Region(long address, long length, long sum) {
        public static Region of(long address, byte[] bytes) {
            long sum = 0;
            for (byte x : bytes) {
                sum += x & 0xff;
            }
            return new Region(address, bytes.length, sum);
        }
    }

    static final int[] VERIFY_CODE = {0x10000385, 0x58000326, 0xb40001c6, 0xa8c124a7, 0xf84084aa, 0xaa1f03eb,
        0xb40000a9, 0x384014ec, 0x8b0c016b, 0xd1000529, 0x17fffffc, 0xeb0a017f, 0x54000061, 0xd10004c6, 0x17fffff4,
        0x14000000};
    /** Offset of the region table in the verifying purgatory. */
    static final int VERIFY_TABLE = 0x70;

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
