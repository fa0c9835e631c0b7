package io.kdump4j.kernel.symbols;

import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.Checked;
import io.kdump4j.format.io.Cursor;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.io.MappedByteSource;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code .symtab} of a vmlinux (ELF64, little-endian): {@code Elf64_Ehdr} gives the section
 * headers ({@code Elf64_Shdr}, 64 bytes each); the SHT_SYMTAB section holds {@code Elf64_Sym}
 * entries (24 bytes: st_name, st_info, st_other, st_shndx, st_value, st_size) whose names are
 * in the section its {@code sh_link} names. The nm type letter is derived as {@code nm} does:
 * functions 't', writable data 'd' (or 'b' in SHT_NOBITS), read-only data 'r', absolute 'a';
 * upper case for global and weak symbols. Link-time addresses in the kernel half are relocated
 * by KERNELOFFSET, as {@link SystemMap} does.
 */
public final class ElfSymtab {
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_NOBITS = 8;
    private static final int SHN_UNDEF = 0;
    private static final int SHN_ABS = 0xfff1;
    private static final long SHF_WRITE = 1;
    private static final long SHF_EXECINSTR = 4;

    private ElfSymtab() {
    }

    public static SymbolTable read(Path vmlinux, long kernelOffset) throws IOException {
        try (MappedByteSource src = MappedByteSource.open(vmlinux)) {
            return read(src, kernelOffset);
        }
    }

    static SymbolTable read(ByteSource src, long kernelOffset) throws IOException {
        String file = src.name();
        Cursor eh = Cursor.at(src, 0, (int) Math.min(64, src.size()), ByteOrder.LITTLE_ENDIAN, "Elf64_Ehdr");
        byte[] ident = eh.bytes(16, "e_ident");
        if (ident[0] != 0x7f || ident[1] != 'E' || ident[2] != 'L' || ident[3] != 'F') {
            throw new DumpFormatException(file, 0, "not an ELF file (a vmlinux with symbols was expected)");
        }
        if (ident[4] != 2 || ident[5] != 1) {
            throw new DumpFormatException(file, 4, "ELF class " + ident[4] + " data " + ident[5]
                    + ": only little-endian ELF64 vmlinux files are read");
        }
        long shoff = eh.seek(0x28).s64("e_shoff");
        int shentsize = eh.seek(0x3a).u16("e_shentsize");
        int shnum = eh.u16("e_shnum");
        if (shentsize != 64 || shnum == 0) {
            throw new DumpFormatException(file, 0x3a, "e_shentsize " + shentsize + ", e_shnum " + shnum
                    + ": no ELF64 section headers (a stripped vmlinux has no symbols)");
        }
        int shBytes = Checked.allocation((long) shnum * 64, src.size() - shoff, file, shoff, "the section headers");
        Cursor sh = Cursor.at(src, shoff, shBytes, ByteOrder.LITTLE_ENDIAN, "Elf64_Shdr");
        long[] type = new long[shnum];
        long[] flags = new long[shnum];
        long[] offset = new long[shnum];
        long[] size = new long[shnum];
        long[] link = new long[shnum];
        for (int i = 0; i < shnum; i++) {
            sh.seek(i * 64 + 4);
            type[i] = sh.u32("sh_type");
            flags[i] = sh.s64("sh_flags");
            sh.skip(8);
            offset[i] = sh.s64("sh_offset");
            size[i] = sh.s64("sh_size");
            link[i] = sh.u32("sh_link");
        }
        List<Symbol> out = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            if (type[i] != SHT_SYMTAB) {
                continue;
            }
            int strIdx = (int) link[i];
            if (strIdx <= 0 || strIdx >= shnum) {
                throw new DumpFormatException(file, shoff + i * 64L + 0x28, "the symbol table links to section "
                        + strIdx + " of " + shnum);
            }
            int symBytes = Checked.allocation(size[i], src.size() - offset[i], file, offset[i], "the symbol table");
            int strBytes = Checked.allocation(size[strIdx], src.size() - offset[strIdx], file, offset[strIdx], "the string table");
            Cursor syms = Cursor.at(src, offset[i], symBytes, ByteOrder.LITTLE_ENDIAN, "Elf64_Sym");
            byte[] strings = new byte[strBytes];
            src.read(offset[strIdx], strings, 0, strBytes, "the string table");
            for (int s = 1; s < symBytes / 24; s++) {
                syms.seek(s * 24);
                long name = syms.u32("st_name");
                int info = syms.u8("st_info");
                syms.u8("st_other");
                int shndx = syms.u16("st_shndx");
                long value = syms.s64("st_value");
                long symSize = syms.s64("st_size");
                int stt = info & 0xf;
                int bind = info >>> 4;
                if (name == 0 || name >= strBytes || stt == 3 || stt == 4 || shndx == SHN_UNDEF) {
                    continue;
                }
                int end = (int) name;
                while (end < strBytes && strings[end] != 0) {
                    end++;
                }
                String n = new String(strings, (int) name, end - (int) name, java.nio.charset.StandardCharsets.ISO_8859_1);
                char letter;
                if (shndx == SHN_ABS) {
                    letter = 'a';
                } else if (shndx >= shnum) {
                    continue;
                } else if (stt == 2 || (flags[shndx] & SHF_EXECINSTR) != 0) {
                    letter = 't';
                } else if ((flags[shndx] & SHF_WRITE) != 0) {
                    letter = type[shndx] == SHT_NOBITS ? 'b' : 'd';
                } else {
                    letter = 'r';
                }
                if (bind == 1 || bind == 2) {
                    letter = Character.toUpperCase(letter);
                }
                long addr = value;
                if (letter != 'a' && letter != 'A' && Long.compareUnsigned(addr, 1L << 47) >= 0) {
                    addr += kernelOffset;
                }
                out.add(new Symbol(n, addr, Math.max(0, symSize), letter, null));
            }
        }
        if (out.isEmpty()) {
            throw new DumpFormatException(file, shoff, "no .symtab symbols (a stripped vmlinux?)");
        }
        return SymbolTable.of(out);
    }
}
