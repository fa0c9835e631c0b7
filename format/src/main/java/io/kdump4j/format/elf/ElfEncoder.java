package io.kdump4j.format.elf;

import io.kdump4j.format.io.Bytes;
import java.nio.ByteOrder;

/**
 * The ELF64 records an ELF core dump starts with, encoded as {@code elf.h} lays them out: the
 * one encoder of them, beside their reader ({@link ElfHeader}, {@link ProgramHeader}); the saver
 * (capture) and the capture kernel's elfcorehdr (setup) both write through it.
 */
public final class ElfEncoder {
    public static final int EHDR_SIZE = 64;
    public static final int PHDR_SIZE = 56;
    public static final int SHDR_SIZE = 64;
    /** p_flags PF_R | PF_W | PF_X. */
    public static final int PF_RWX = 7;

    private ElfEncoder() {
    }

    /**
     * {@code Elf64_Ehdr} of an ET_CORE file. With {@code PN_XNUM} program headers or more,
     * {@code e_phnum} is PN_XNUM and the count goes in section header 0's {@code sh_info}
     * (extended numbering, elf(5)); makedumpfile's {@code write_elf_header()} does the same.
     */
    public static byte[] ehdr(ByteOrder o, int machine, long phnum, long phoff, long shoff, int flags) {
        byte[] b = new byte[EHDR_SIZE];
        b[0] = 0x7f;
        b[1] = 'E';
        b[2] = 'L';
        b[3] = 'F';
        b[4] = ElfConstants.ELFCLASS64;
        b[5] = (byte) (o == ByteOrder.LITTLE_ENDIAN ? ElfConstants.ELFDATA2LSB : ElfConstants.ELFDATA2MSB);
        b[6] = 1; // EV_CURRENT
        Bytes.put16(b, 16, o, ElfConstants.ET_CORE);
        Bytes.put16(b, 18, o, machine);
        Bytes.put32(b, 20, o, 1);
        Bytes.put64(b, 24, o, 0); // e_entry
        Bytes.put64(b, 32, o, phoff);
        Bytes.put64(b, 40, o, shoff);
        Bytes.put32(b, 48, o, flags);
        Bytes.put16(b, 52, o, EHDR_SIZE);
        Bytes.put16(b, 54, o, PHDR_SIZE);
        boolean extended = phnum >= ElfConstants.PN_XNUM;
        Bytes.put16(b, 56, o, extended ? ElfConstants.PN_XNUM : (int) phnum);
        Bytes.put16(b, 58, o, extended ? SHDR_SIZE : 0);
        Bytes.put16(b, 60, o, extended ? 1 : 0);
        Bytes.put16(b, 62, o, 0); // e_shstrndx = SHN_UNDEF
        return b;
    }

    /** Section header 0 (SHT_NULL) carrying the real program header count in {@code sh_info}. */
    public static byte[] shdrForExtendedPhnum(ByteOrder o, long phnum) {
        byte[] b = new byte[SHDR_SIZE];
        Bytes.put32(b, 44, o, (int) phnum);
        return b;
    }

    /** {@code Elf64_Phdr} with {@link #PF_RWX}: type, flags, offset, vaddr, paddr, filesz, memsz, align 0. */
    public static void phdr(byte[] b, int at, ByteOrder o, int type, long offset, long vaddr, long paddr, long filesz,
            long memsz) {
        phdr(b, at, o, type, PF_RWX, offset, vaddr, paddr, filesz, memsz);
    }

    /** {@code Elf64_Phdr} with the given {@code p_flags}. */
    public static void phdr(byte[] b, int at, ByteOrder o, int type, int flags, long offset, long vaddr, long paddr,
            long filesz, long memsz) {
        Bytes.put32(b, at, o, type);
        Bytes.put32(b, at + 4, o, flags);
        Bytes.put64(b, at + 8, o, offset);
        Bytes.put64(b, at + 16, o, vaddr);
        Bytes.put64(b, at + 24, o, paddr);
        Bytes.put64(b, at + 32, o, filesz);
        Bytes.put64(b, at + 40, o, memsz);
        Bytes.put64(b, at + 48, o, 0);
    }

    /** The e_machine number for a machine name as {@link ElfConstants#machineName} gives it. */
    public static int machineNumber(String name) {
        return switch (name == null ? "" : name) {
            case "x86_64" -> ElfConstants.EM_X86_64;
            case "aarch64" -> ElfConstants.EM_AARCH64;
            case "ppc64", "ppc64le" -> ElfConstants.EM_PPC64;
            case "s390x" -> ElfConstants.EM_S390;
            case "riscv64" -> ElfConstants.EM_RISCV;
            default -> 0;
        };
    }
}
