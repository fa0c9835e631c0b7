package io.kdump4j.setup.kexec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * The code the crashed x86_64 kernel jumps to. relocate_kernel (arch/x86/kernel/relocate_kernel_64.S)
 * enters it in 64-bit mode on identity-mapped page tables with every general register zeroed, a
 * stack in its control page and the old kernel's GDT still loaded — at a virtual address those
 * page tables no longer map. The 64-bit boot protocol (Documentation/arch/x86/boot.rst, "64-bit
 * BOOT PROTOCOL") asks for a GDT with flat __BOOT_CS (0x10) and __BOOT_DS (0x18), CS = __BOOT_CS,
 * DS/ES/SS = __BOOT_DS, interrupts off and %rsi = the boot_params address. So: load our GDT,
 * reload the segments (CS by a far return), take a stack at the end of this page, set %rsi and
 * jump to the kernel's 64-bit entry (load address + 0x200). The kernel's kexec_file purgatory
 * (arch/x86/purgatory/entry64.S) does the same after its SHA-256 check.
 *
 * <p>Assembled once with GNU as 2.40 ({@code as --64}); {@code X86PurgatoryTest} disassembles the
 * bytes with the host's objdump. One page: code, two literals, the GDT and its descriptor, and
 * the rest of the page is the stack.
 * <pre>
 *  00: 0f 01 15 71 00 00 00   lgdt   gdt_desc(%rip)          # 0x78
 *  07: b8 18 00 00 00         mov    $0x18, %eax
 *  0c: 8e d8 8e c0 8e d0      mov    %eax, %ds / %es / %ss
 *  12: 8e e0 8e e8            mov    %eax, %fs / %gs
 *  16: 48 8d 25 e3 0f 00 00   lea    0x1000(%rip-relative), %rsp   # end of this page
 *  1d: 6a 10                  push   $0x10
 *  1f: 48 8d 05 03 00 00 00   lea    reloaded(%rip), %rax    # 0x29
 *  26: 50                     push   %rax
 *  27: 48 cb                  lretq                          # CS = 0x10
 *  29: 48 8b 35 18 00 00 00   mov    boot_params(%rip), %rsi # 0x48
 *  30: 48 8b 05 19 00 00 00   mov    entry(%rip), %rax       # 0x50
 *  37: 31 db 31 c9 31 d2      xor    %ebx, %ebx / %ecx / %edx
 *  3d: 31 ff 31 ed            xor    %edi, %edi / %ebp
 *  41: ff e0                  jmp    *%rax
 *  43: 0f 1f 44 00 00         nop (padding)
 *  48: .quad boot_params
 *  50: .quad entry
 *  58: .quad 0, 0                         # null, unused
 *  68: .quad 0x00af9a000000ffff           # 0x10: 64-bit code, flat
 *  70: .quad 0x00cf92000000ffff           # 0x18: data, flat 4 GiB
 *  78: .word 0x1f; .quad gdt              # the descriptor lgdt reads (absolute address)
 * </pre>
 */
public final class X86Purgatory {
    static final byte[] CODE = HexFormat.of().parseHex((
            "0f0115710000 00b818000000 8ed88ec08ed08ee08ee8 488d25e30f0000 6a10 488d0503000000 50 48cb"
            + " 488b3518000000 488b0519000000 31db31c931d231ff31ed ffe0 0f1f440000").replace(" ", ""));
    static final int BOOT_PARAMS = 0x48;
    static final int ENTRY = 0x50;
    static final int GDT = 0x58;
    static final int GDT_DESC = 0x78;
    /** The purgatory is one page; its stack grows down from the page's end. */
    public static final int SIZE = 4096;

    private X86Purgatory() {
    }

    /**
     * @param at         where the purgatory is loaded (physical = identity-mapped address)
     * @param bootParams the boot_params' physical address
     * @param entry      the kernel's 64-bit entry point (its load address + 0x200)
     */
    public static byte[] build(long at, long bootParams, long entry) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(CODE);
        b.putLong(BOOT_PARAMS, bootParams);
        b.putLong(ENTRY, entry);
        b.putLong(GDT + 16, 0x00af9a000000ffffL);
        b.putLong(GDT + 24, 0x00cf92000000ffffL);
        b.putShort(GDT_DESC, (short) 0x1f);
        b.putLong(GDT_DESC + 2, at + GDT);
        return b.array();
    }
}
