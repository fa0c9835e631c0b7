package io.kdump4j.format.elf;

import static io.kdump4j.format.elf.ElfConstants.ELFCLASS32;
import static io.kdump4j.format.elf.ElfConstants.ELFCLASS64;
import static io.kdump4j.format.elf.ElfConstants.ELFDATA2LSB;
import static io.kdump4j.format.elf.ElfConstants.ELFDATA2MSB;
import static io.kdump4j.format.elf.ElfConstants.PN_XNUM;

import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.Checked;
import io.kdump4j.format.io.Cursor;
import io.kdump4j.format.io.DumpFormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The ELF header and program header table of any ELF file (a core, /proc/kcore, an executable or
 * a shared library), 32- or 64-bit, either byte order: what {@link ElfDump} builds a dump on,
 * and what the set-up path reads from /proc/kcore and from the Java runtime's libraries. Sizes
 * are checked against the file before the table is read.
 *
 * @param elfClass {@code ELFCLASS32} or {@code ELFCLASS64}
 * @param type     {@code e_type} (4 for a core)
 * @param machine  {@code e_machine}
 * @param flags    {@code e_flags}
 * @param phoff    {@code e_phoff}
 * @param programHeaders the table, in file order
 */
public record ElfHeader(ByteOrder order, int elfClass, int type, int machine, int flags, long phoff,
        List<ProgramHeader> programHeaders) {
    public ElfHeader {
        programHeaders = List.copyOf(programHeaders);
    }

    public static ElfHeader read(ByteSource src) throws IOException {
        String name = src.name();
        src.checkRange(0, 52, "an ELF header");
        byte[] ident = src.read(0, 16, "ELF identification");
        if (!ElfDump.matches(ident)) {
            throw new DumpFormatException(name, 0, "expected the ELF magic 7f 45 4c 46");
        }
        int elfClass = ident[4];
        if (elfClass != ELFCLASS64 && elfClass != ELFCLASS32) {
            throw new DumpFormatException(name, 4, "expected ELF class 1 (32-bit) or 2 (64-bit), found " + elfClass);
        }
        ByteOrder order = switch (ident[5]) {
            case ELFDATA2LSB -> ByteOrder.LITTLE_ENDIAN;
            case ELFDATA2MSB -> ByteOrder.BIG_ENDIAN;
            default -> throw new DumpFormatException(name, 5,
                    "expected ELF data encoding 1 (little-endian) or 2 (big-endian), found " + ident[5]);
        };
        boolean is64 = elfClass == ELFCLASS64;
        Cursor c = Cursor.at(src, 0, is64 ? 64 : 52, order, "ELF header");
        c.skip(16);
        int type = c.u16("e_type");
        int machine = c.u16("e_machine");
        c.skip(4); // e_version
        c.skip(is64 ? 8 : 4); // e_entry
        long phoff = is64 ? c.u64AsLong("e_phoff") : c.u32("e_phoff");
        long shoff = is64 ? c.u64AsLong("e_shoff") : c.u32("e_shoff");
        int flags = c.s32("e_flags");
        c.u16("e_ehsize");
        long phentOffset = c.offset();
        int phentsize = c.u16("e_phentsize");
        long phnum = c.u16("e_phnum");
        int expectedPhent = is64 ? 56 : 32;
        if (phentsize != expectedPhent) {
            throw new DumpFormatException(name, phentOffset, "expected e_phentsize " + expectedPhent + ", found " + phentsize);
        }
        if (phnum == PN_XNUM) {
            phnum = extendedPhnum(src, order, is64, shoff);
        }
        long tableSize = Checked.mul(phnum, phentsize, name, phoff, "program header table size");
        Checked.allocation(tableSize, src.size() - Math.min(phoff, src.size()), name, phoff, "the program header table");
        src.checkRange(phoff, tableSize, "the program header table (" + phnum + " entries)");
        Cursor ph = Cursor.at(src, phoff, (int) tableSize, order, "program header table");
        List<ProgramHeader> headers = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            headers.add(is64 ? ProgramHeader.read64(ph, i) : ProgramHeader.read32(ph, i));
        }
        return new ElfHeader(order, elfClass, type, machine, flags, phoff, headers);
    }

    /** Where program header {@code index} starts in the file, for messages. */
    public long programHeaderOffset(int index) {
        return phoff + (long) index * (elfClass == ELFCLASS64 ? 56 : 32);
    }

    /** With more than 65534 program headers, e_phnum is PN_XNUM and section 0's sh_info holds the count. */
    private static long extendedPhnum(ByteSource src, ByteOrder order, boolean is64, long shoff) throws IOException {
        if (shoff == 0) {
            throw new DumpFormatException(src.name(), 56, "e_phnum is PN_XNUM (0xffff) but there is no section header to hold the count");
        }
        int shentsize = is64 ? 64 : 40;
        Cursor sh = Cursor.at(src, shoff, shentsize, order, "section header 0");
        sh.skip(is64 ? 44 : 28);
        return sh.u32("sh_info");
    }
}
