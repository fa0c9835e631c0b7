package io.kdump4j.format;

/**
 * One ELF note ({@code Elf64_Nhdr} + name + descriptor), as found in a PT_NOTE segment or
 * in the note blob of a kdump-compressed header.
 *
 * @param name the owner name without its NUL ("CORE", "VMCOREINFO", "QEMU", "LINUX")
 * @param type the note type (1 = NT_PRSTATUS, 0 for VMCOREINFO)
 * @param descOffset the file offset of the descriptor (for messages)
 * @param desc the descriptor bytes
 */
public record Note(String name, int type, long descOffset, byte[] desc) {
    public static final int NT_PRSTATUS = 1;
    public static final int NT_PRFPREG = 2;
    public static final int NT_PRPSINFO = 3;
    public static final int NT_TASKSTRUCT = 4;
    public static final int NT_VMCOREDD = 0x700;

    public boolean is(String owner, int noteType) {
        return name.equals(owner) && type == noteType;
    }
}
