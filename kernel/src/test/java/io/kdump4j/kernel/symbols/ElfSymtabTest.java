package io.kdump4j.kernel.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.io.DumpFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A vmlinux-like ELF64 written here: nm letters, KASLR relocation, and damaged section headers. */
class ElfSymtabTest {
    private static final long TEXT = 0xffff_ffff_8100_0000L;

    @TempDir
    Path tmp;

    /** Sections: null, .text (AX), .data (WA), .bss (WA, NOBITS), .rodata (A), .symtab, .strtab. */
    static byte[] vmlinux(long symtabSizeOverride) {
        String strtab = "\0panic\0init_task\0jiffies\0linux_banner\0local_fn\0kexec_control_code_size\0";
        Object[][] syms = {
            {"panic", 0x12, 1, TEXT + 0x100, 0x40L},
            {"init_task", 0x11, 2, TEXT + 0x200000, 0x1000L},
            {"jiffies", 0x11, 3, TEXT + 0x300000, 8L},
            {"linux_banner", 0x11, 4, TEXT + 0x100000, 0x80L},
            {"local_fn", 0x02, 1, TEXT + 0x140, 0x20L},
            {"kexec_control_code_size", 0x10, 0xfff1, 0x1eaL, 0L},
        };
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        int symOff = 0x100;
        int strOff = symOff + 24 * (syms.length + 1);
        int shOff = 0x400;
        b.putShort(0x10, (short) 2).putShort(0x12, (short) 62).putLong(0x28, shOff).putShort(0x3a, (short) 64)
                .putShort(0x3c, (short) 7);
        for (int i = 0; i < syms.length; i++) {
            int at = symOff + 24 * (i + 1);
            b.putInt(at, strtab.indexOf("\0" + syms[i][0] + "\0") + 1).put(at + 4, (byte) (int) (Integer) syms[i][1])
                    .putShort(at + 6, (short) (int) (Integer) syms[i][2]).putLong(at + 8, (Long) syms[i][3])
                    .putLong(at + 16, (Long) syms[i][4]);
        }
        b.put(strOff, strtab.getBytes(StandardCharsets.ISO_8859_1));
        long[][] sh = {
            {}, {1, 6, 0, 0, 0}, {1, 3, 0, 0, 0}, {8, 3, 0, 0, 0}, {1, 2, 0, 0, 0},
            {2, 0, symOff, symtabSizeOverride > 0 ? symtabSizeOverride : 24L * (syms.length + 1), 6},
            {3, 0, strOff, strtab.length(), 0},
        };
        for (int i = 1; i < sh.length; i++) {
            int at = shOff + 64 * i;
            b.putInt(at + 4, (int) sh[i][0]).putLong(at + 8, sh[i][1]).putLong(at + 0x18, sh[i][2])
                    .putLong(at + 0x20, sh[i][3]).putInt(at + 0x28, (int) sh[i][4]);
        }
        return b.array();
    }

    @Test
    void lettersSizesAndRelocation() throws IOException {
        Path f = Files.write(tmp.resolve("vmlinux"), vmlinux(0));
        SymbolTable t = ElfSymtab.read(f, 0x2e200000L);
        assertEquals(TEXT + 0x2e200000L + 0x100, t.lookup("panic").orElseThrow().address());
        assertEquals('T', t.lookup("panic").orElseThrow().type());
        assertEquals(0x40, t.lookup("panic").orElseThrow().size(), "st_size is kept");
        assertEquals('D', t.lookup("init_task").orElseThrow().type());
        assertEquals('B', t.lookup("jiffies").orElseThrow().type());
        assertEquals('R', t.lookup("linux_banner").orElseThrow().type());
        assertEquals('t', t.lookup("local_fn").orElseThrow().type());
        Symbol abs = t.lookup("kexec_control_code_size").orElseThrow();
        assertEquals('A', abs.type());
        assertEquals(0x1ea, abs.address(), "absolute symbols are not relocated");
    }

    @Test
    void damagedFilesAreFormatErrors() throws IOException {
        Path big = Files.write(tmp.resolve("big"), vmlinux(1L << 40));
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> ElfSymtab.read(big, 0));
        assertTrue(e.getMessage().contains("symbol table"), e.getMessage());
        byte[] noSections = vmlinux(0);
        noSections[0x3c] = 0;
        assertThrows(DumpFormatException.class, () -> ElfSymtab.read(Files.write(tmp.resolve("n"), noSections), 0));
        assertThrows(DumpFormatException.class, () -> ElfSymtab.read(Files.writeString(tmp.resolve("t"), "text"), 0));
    }
}
