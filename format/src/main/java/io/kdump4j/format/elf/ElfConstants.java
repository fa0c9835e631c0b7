package io.kdump4j.format.elf;

/** The ELF constants kdump4j reads and writes (from the System V ABI and {@code elf.h}). */
public final class ElfConstants {
    public static final int ELFCLASS32 = 1;
    public static final int ELFCLASS64 = 2;
    public static final int ELFDATA2LSB = 1;
    public static final int ELFDATA2MSB = 2;
    public static final int ET_CORE = 4;
    public static final int EM_386 = 3;
    public static final int EM_PPC64 = 21;
    public static final int EM_S390 = 22;
    public static final int EM_ARM = 40;
    public static final int EM_X86_64 = 62;
    public static final int EM_AARCH64 = 183;
    public static final int EM_RISCV = 243;
    public static final int PT_LOAD = 1;
    public static final int PT_NOTE = 4;
    /** e_phnum escape: the real count is in section header 0's sh_info. */
    public static final int PN_XNUM = 0xffff;
    /** makedumpfile sets this in e_flags when the ELF dump is incomplete (DUMP_ELF_INCOMPLETE). */
    public static final int DUMP_ELF_INCOMPLETE = 0x1;

    private ElfConstants() {
    }

    /** The conventional name of an ELF machine, as {@code uname -m} prints it. */
    public static String machineName(int machine) {
        return switch (machine) {
            case EM_X86_64 -> "x86_64";
            case EM_AARCH64 -> "aarch64";
            case EM_386 -> "i386";
            case EM_ARM -> "arm";
            case EM_PPC64 -> "ppc64";
            case EM_S390 -> "s390x";
            case EM_RISCV -> "riscv64";
            default -> "elf-machine-" + machine;
        };
    }
}
