package io.kdump4j.setup.load;

import io.kdump4j.format.io.Cursor;
import io.kdump4j.format.io.DumpFormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An x86 {@code bzImage} and the fields of its setup header (Documentation/arch/x86/boot.rst,
 * "THE REAL-MODE KERNEL HEADER"; offsets are from the start of the file, which are also the
 * offsets in {@code struct boot_params}):
 * <pre>
 * 0x1f1 u8  setup_sects      real-mode sectors after the boot sector (0 means 4)
 * 0x1fe u16 boot_flag        0xAA55
 * 0x200 u16 jump             0xEB nn: the header ends at 0x202 + nn
 * 0x202 u32 header           "HdrS"
 * 0x206 u16 version          boot protocol
 * 0x230 u32 kernel_alignment physical alignment of the protected-mode kernel
 * 0x234 u8  relocatable_kernel
 * 0x236 u16 xloadflags       bit 0 XLF_KERNEL_64 (64-bit entry at +0x200), bit 1 XLF_CAN_BE_LOADED_ABOVE_4G
 * 0x238 u32 cmdline_size     longest command line, without the NUL
 * 0x22c u32 initrd_addr_max
 * 0x260 u32 init_size        bytes the kernel needs from its load address to decompress and start
 * </pre>
 * kexec_load gets the protected-mode part (after the {@code (setup_sects + 1) * 512} bytes of
 * real-mode code) as the kernel segment and a {@code boot_params} built from the header.
 * Protocol 2.12 (v3.8) is the least that has xloadflags; older kernels are refused.
 */
public record X86BzImage(byte[] bytes, int setupSects, int version, long kernelAlignment, boolean relocatable,
        int xloadflags, long cmdlineSize, long initrdAddrMax, long initSize, int headerEnd) {
    public static final int XLF_KERNEL_64 = 1;
    public static final int XLF_CAN_BE_LOADED_ABOVE_4G = 2;
    /** Larger than any x86_64 bzImage Debian builds (~8 MiB). */
    public static final int MAX_IMAGE = 128 << 20;

    public static X86BzImage read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_IMAGE || size < 0x1000) {
            throw new DumpFormatException(file.toString(), 0, size + " bytes is not the size of an x86 bzImage");
        }
        return parse(file.toString(), Files.readAllBytes(file));
    }

    static X86BzImage parse(String name, byte[] b) throws DumpFormatException {
        Cursor c = new Cursor(name, b, 0, ByteOrder.LITTLE_ENDIAN, "bzImage setup header");
        c.seek(0x1fe);
        if (c.u16("boot_flag") != 0xaa55) {
            throw c.error(0x1fe, "no boot_flag 0xAA55: not an x86 bzImage");
        }
        int jump = c.u16("jump");
        c.seek(0x202);
        if (c.s32("header") != 0x53726448) {
            throw c.error(0x202, "no \"HdrS\" signature: not an x86 bzImage (boot protocol 2.00 or later)");
        }
        int version = c.u16("version");
        if (version < 0x020c) {
            throw c.error(0x206, "boot protocol " + (version >> 8) + "." + (version & 0xff)
                    + ": kexec_load needs 2.12 or later (Linux 3.8, the 64-bit entry point)");
        }
        int headerEnd = 0x202 + ((jump & 0xff) == 0xeb ? (jump >> 8) & 0xff : 0);
        c.seek(0x1f1);
        int setupSects = c.u8("setup_sects");
        if (setupSects == 0) {
            setupSects = 4;
        }
        c.seek(0x22c);
        long initrdMax = c.u32("initrd_addr_max");
        long align = c.u32("kernel_alignment");
        boolean reloc = c.u8("relocatable_kernel") != 0;
        c.skip(1);
        int xlf = c.u16("xloadflags");
        long cmdlineSize = c.u32("cmdline_size");
        c.seek(0x260);
        long initSize = c.u32("init_size");
        long setupBytes = (setupSects + 1L) * 512;
        if (setupBytes >= b.length || headerEnd > setupBytes) {
            throw c.error(0x1f1, "setup_sects " + setupSects + " leaves no protected-mode kernel in " + b.length + " bytes");
        }
        if ((xlf & XLF_KERNEL_64) == 0) {
            throw c.error(0x236, "xloadflags 0x" + Integer.toHexString(xlf) + " has no XLF_KERNEL_64: not a 64-bit kernel");
        }
        if (!reloc || align == 0 || Long.bitCount(align) != 1) {
            throw c.error(0x230, "kernel_alignment 0x" + Long.toHexString(align) + ", relocatable " + reloc
                    + ": a capture kernel must be relocatable with a power-of-two alignment");
        }
        return new X86BzImage(b, setupSects, version, align, true, xlf, cmdlineSize, initrdMax, initSize, headerEnd);
    }

    /** The 32/64-bit kernel: everything after the real-mode setup code. */
    public byte[] protectedMode() {
        return Arrays.copyOfRange(bytes, (setupSects + 1) * 512, bytes.length);
    }

    /** The setup header bytes, 0x1f1 up to the end the jump instruction gives. */
    public byte[] setupHeader() {
        return Arrays.copyOfRange(bytes, 0x1f1, headerEnd);
    }
}
