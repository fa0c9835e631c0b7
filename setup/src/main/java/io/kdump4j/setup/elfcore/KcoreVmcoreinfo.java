package io.kdump4j.setup.elfcore;

import io.kdump4j.format.Note;
import io.kdump4j.format.elf.NoteParser;
import io.kdump4j.format.elf.ElfConstants;
import io.kdump4j.format.elf.ElfHeader;
import io.kdump4j.format.elf.ProgramHeader;
import io.kdump4j.format.io.ChannelByteSource;
import io.kdump4j.format.io.Cursor;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.note.VmcoreinfoText;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * The running kernel's VMCOREINFO, read from the "VMCOREINFO" note of /proc/kcore (an ELF64 core
 * of the live kernel; the note is there since v4.19, commit 23c85094fe18). Only the ELF header,
 * the program headers and the PT_NOTE segments are read: /proc/kcore claims a size of the whole
 * kernel address space.
 */
public final class KcoreVmcoreinfo {
    /** More program headers than /proc/kcore has (one per RAM range, vmalloc, modules, text). */
    static final int MAX_PHDRS = 4096;
    /** Larger than the note segment of any kcore (per-CPU notes are not in kcore). */
    static final int MAX_NOTES = 1 << 20;
    /** x86_64 __START_KERNEL_map: the kernel image mapping, above the direct map. */
    static final long START_KERNEL_MAP = 0xffffffff80000000L;

    private KcoreVmcoreinfo() {
    }

    /**
     * The VMCOREINFO note, parsed by the one parser ({@link VmcoreinfoText}: the same rules,
     * a repeated key's later line winning, as for the dumps this kernel will write); empty when
     * the file has no VMCOREINFO note.
     */
    public static VmcoreinfoText read(Path kcore) throws IOException {
        try (ChannelByteSource src = new ChannelByteSource(kcore)) {
            for (ProgramHeader p : programHeaders(src)) {
                if (p.type() != CoreSegment.PT_NOTE) {
                    continue;
                }
                if (p.filesz() > MAX_NOTES) {
                    throw new DumpFormatException(src.name(), p.offset(), "PT_NOTE of " + p.filesz()
                            + " bytes, more than " + MAX_NOTES);
                }
                Cursor notes = Cursor.at(src, p.offset(), (int) p.filesz(), ByteOrder.LITTLE_ENDIAN, "PT_NOTE");
                for (Note n : NoteParser.parse(notes)) {
                    if (n.name().equals(VmcoreinfoText.NOTE_NAME)) {
                        return VmcoreinfoText.parse(src.name(), n);
                    }
                }
            }
            return VmcoreinfoText.empty();
        }
    }

    /**
     * x86_64's direct-map offset ({@code page_offset_base}, randomized by KASLR and not in
     * VMCOREINFO): /proc/kcore gives each RAM range's PT_LOAD {@code p_vaddr = __va(start)} and
     * {@code p_paddr = start} (fs/proc/kcore.c; p_paddr is -1 for the vmalloc, module and vmemmap
     * ranges, and the kernel text's vaddr lies at or above __START_KERNEL_map). Empty when no RAM
     * PT_LOAD is there; an error when two disagree.
     */
    public static OptionalLong directMapOffset(Path kcore) throws IOException {
        try (ChannelByteSource src = new ChannelByteSource(kcore)) {
            Long offset = null;
            for (ProgramHeader p : programHeaders(src)) {
                if (p.type() != CoreSegment.PT_LOAD || p.paddr() == -1L
                        || Long.compareUnsigned(p.vaddr(), START_KERNEL_MAP) >= 0) {
                    continue;
                }
                long o = p.vaddr() - p.paddr();
                if (offset != null && offset != o) {
                    throw new DumpFormatException(src.name(), 0, "RAM program headers with two direct-map offsets, 0x"
                            + Long.toHexString(offset) + " and 0x" + Long.toHexString(o));
                }
                offset = o;
            }
            return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
        }
    }

    /** /proc/kcore's program headers: a little-endian ELF64 core of the running kernel. */
    private static List<ProgramHeader> programHeaders(ChannelByteSource src) throws IOException {
        ElfHeader eh = ElfHeader.read(src);
        if (eh.elfClass() != ElfConstants.ELFCLASS64 || eh.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new DumpFormatException(src.name(), 4, "not a little-endian ELF64 file");
        }
        if (eh.programHeaders().size() > MAX_PHDRS) {
            throw new DumpFormatException(src.name(), 56, eh.programHeaders().size() + " program headers, more than "
                    + MAX_PHDRS);
        }
        return eh.programHeaders();
    }
}
