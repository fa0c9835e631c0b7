package io.kdump4j.setup.elfcore;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Writes the ELF core header ("elfcorehdr") for a capture kernel: an {@code Elf64_Ehdr} of type
 * ET_CORE followed by one {@code Elf64_Phdr} per {@link CoreSegment}, notes first, little-endian.
 * There is no data after the program headers: the data stays in the crashed kernel's memory.
 */
public final class ElfCoreHeaderWriter {
    /** {@code sizeof(Elf64_Ehdr)}. */
    public static final int EHDR_SIZE = 64;
    /** {@code sizeof(Elf64_Phdr)}. */
    public static final int PHDR_SIZE = 56;
    /** e_machine: EM_X86_64. */
    public static final int EM_X86_64 = 62;
    /** e_machine: EM_AARCH64. */
    public static final int EM_AARCH64 = 183;
    /**
     * More headers than any machine needs (one note per possible CPU, up to 8192 CPUs, plus RAM
     * ranges); the kernel refuses larger headers anyway (fs/proc/vmcore.c checks e_phnum against
     * its buffer).
     */
    public static final int MAX_SEGMENTS = 16384;

    private static final int PF_X = 1;
    private static final int PF_W = 2;
    private static final int PF_R = 4;

    private ElfCoreHeaderWriter() {
    }

    public static byte[] write(int machine, List<CoreSegment> segments) {
        if (segments.size() > MAX_SEGMENTS) {
            throw new IllegalArgumentException(segments.size() + " segments; at most " + MAX_SEGMENTS);
        }
        List<CoreSegment> ordered = new java.util.ArrayList<>(segments.stream()
                .filter(s -> s.type() == CoreSegment.PT_NOTE).toList());
        ordered.addAll(segments.stream().filter(s -> s.type() != CoreSegment.PT_NOTE).toList());
        ByteBuffer b = ByteBuffer.allocate(EHDR_SIZE + PHDR_SIZE * ordered.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2 /* ELFCLASS64 */, 1 /* ELFDATA2LSB */, 1 /* EV_CURRENT */,
            0 /* ELFOSABI_NONE */});
        b.put(new byte[8]);
        b.putShort((short) 4); // ET_CORE
        b.putShort((short) machine);
        b.putInt(1); // e_version
        b.putLong(0); // e_entry
        b.putLong(EHDR_SIZE); // e_phoff
        b.putLong(0); // e_shoff
        b.putInt(0); // e_flags
        b.putShort((short) EHDR_SIZE);
        b.putShort((short) PHDR_SIZE);
        b.putShort((short) Math.min(ordered.size(), 0xffff));
        b.putShort((short) 0); // e_shentsize
        b.putShort((short) 0); // e_shnum
        b.putShort((short) 0); // e_shstrndx
        for (CoreSegment s : ordered) {
            b.putInt(s.type());
            b.putInt(s.type() == CoreSegment.PT_LOAD ? PF_R | PF_W | PF_X : 0);
            b.putLong(s.paddr()); // p_offset: the physical address, see CoreSegment
            b.putLong(s.vaddr());
            b.putLong(s.paddr());
            b.putLong(s.size());
            b.putLong(s.size());
            b.putLong(0); // p_align
        }
        return b.array();
    }
}
