package io.kdump4j.setup.elfcore;

import io.kdump4j.format.elf.ElfConstants;
import io.kdump4j.format.elf.ElfEncoder;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Writes the ELF core header ("elfcorehdr") for a capture kernel: an {@code Elf64_Ehdr} of type
 * ET_CORE followed by one {@code Elf64_Phdr} per {@link CoreSegment}, notes first, little-endian.
 * There is no data after the program headers: the data stays in the crashed kernel's memory.
 */
public final class ElfCoreHeaderWriter {
    /**
     * More headers than any machine needs (one note per possible CPU, up to 8192 CPUs, plus RAM
     * ranges); the kernel refuses larger headers anyway (fs/proc/vmcore.c checks e_phnum against
     * its buffer).
     */
    public static final int MAX_SEGMENTS = 16384;

    private ElfCoreHeaderWriter() {
    }

    /**
     * The header for {@code machine} ({@link ElfConstants#EM_X86_64}, {@link ElfConstants#EM_AARCH64}),
     * encoded by format's {@link ElfEncoder} (the one ELF header encoder).
     */
    public static byte[] write(int machine, List<CoreSegment> segments) {
        if (segments.size() > MAX_SEGMENTS) {
            throw new IllegalArgumentException(segments.size() + " segments; at most " + MAX_SEGMENTS);
        }
        List<CoreSegment> ordered = new java.util.ArrayList<>(segments.stream()
                .filter(s -> s.type() == CoreSegment.PT_NOTE).toList());
        ordered.addAll(segments.stream().filter(s -> s.type() != CoreSegment.PT_NOTE).toList());
        ByteOrder o = ByteOrder.LITTLE_ENDIAN;
        byte[] b = new byte[ElfEncoder.EHDR_SIZE + ElfEncoder.PHDR_SIZE * ordered.size()];
        System.arraycopy(ElfEncoder.ehdr(o, machine, ordered.size(), ElfEncoder.EHDR_SIZE, 0, 0), 0, b, 0,
                ElfEncoder.EHDR_SIZE);
        int at = ElfEncoder.EHDR_SIZE;
        for (CoreSegment s : ordered) {
            // p_offset is the physical address, see CoreSegment.
            ElfEncoder.phdr(b, at, o, s.type(), s.type() == CoreSegment.PT_LOAD ? ElfEncoder.PF_RWX : 0, s.paddr(),
                    s.vaddr(), s.paddr(), s.size(), s.size());
            at += ElfEncoder.PHDR_SIZE;
        }
        return b;
    }
}
