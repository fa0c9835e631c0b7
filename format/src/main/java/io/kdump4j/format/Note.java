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

    /** Where the descriptor starts inside {@link #encode}'s bytes: after the header and the padded name. */
    public int descStart() {
        return 12 + pad4(name.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1).length + 1);
    }

    /**
     * The note as {@link io.kdump4j.format.elf.NoteParser} reads it: {@code Elf64_Nhdr}
     * ({@code n_namesz} counting the NUL, {@code n_descsz}, {@code n_type}), the name with its
     * NUL, the descriptor, each padded to 4 bytes with zeros.
     */
    public byte[] encode(java.nio.ByteOrder order) {
        byte[] n = name.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = descStart();
        byte[] b = new byte[at + pad4(desc.length)];
        io.kdump4j.format.io.Bytes.put32(b, 0, order, n.length + 1);
        io.kdump4j.format.io.Bytes.put32(b, 4, order, desc.length);
        io.kdump4j.format.io.Bytes.put32(b, 8, order, type);
        System.arraycopy(n, 0, b, 12, n.length);
        System.arraycopy(desc, 0, b, at, desc.length);
        return b;
    }

    private static int pad4(int n) {
        return (n + 3) & ~3;
    }
}
