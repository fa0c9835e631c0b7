package io.kdump4j.format.elf;

import io.kdump4j.format.io.Cursor;
import io.kdump4j.format.io.DumpFormatException;

/**
 * One program header ({@code Elf64_Phdr} or {@code Elf32_Phdr}, widened to 64 bits).
 *
 * @param index the header's index, for messages
 */
public record ProgramHeader(int index, int type, int flags, long offset, long vaddr, long paddr,
        long filesz, long memsz, long align) {

    /** Elf64_Phdr: type, flags, offset, vaddr, paddr, filesz, memsz, align (56 bytes). */
    static ProgramHeader read64(Cursor c, int index) throws DumpFormatException {
        int type = c.s32("p_type");
        int flags = c.s32("p_flags");
        long offset = c.u64AsLong("p_offset");
        long vaddr = c.s64("p_vaddr");
        long paddr = c.s64("p_paddr");
        long filesz = c.u64AsLong("p_filesz");
        long memsz = c.u64AsLong("p_memsz");
        long align = c.s64("p_align");
        return new ProgramHeader(index, type, flags, offset, vaddr, paddr, filesz, memsz, align);
    }

    /** Elf32_Phdr: type, offset, vaddr, paddr, filesz, memsz, flags, align (32 bytes). */
    static ProgramHeader read32(Cursor c, int index) throws DumpFormatException {
        int type = c.s32("p_type");
        long offset = c.u32("p_offset");
        long vaddr = c.u32("p_vaddr");
        long paddr = c.u32("p_paddr");
        long filesz = c.u32("p_filesz");
        long memsz = c.u32("p_memsz");
        int flags = c.s32("p_flags");
        long align = c.u32("p_align");
        return new ProgramHeader(index, type, flags, offset, vaddr, paddr, filesz, memsz, align);
    }
}
