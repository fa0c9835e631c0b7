package io.kdump4j.setup.elfcore;

import io.kdump4j.format.Note;
import io.kdump4j.format.elf.NoteParser;
import io.kdump4j.format.io.Cursor;
import io.kdump4j.format.io.DumpFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** One program header of /proc/kcore. */
    record Phdr(int type, long offset, long vaddr, long paddr, long filesz) {
    }

    /** VMCOREINFO keys and values; empty when the file has no VMCOREINFO note. */
    public static Map<String, String> read(Path kcore) throws IOException {
        String name = kcore.toString();
        try (FileChannel ch = FileChannel.open(kcore, StandardOpenOption.READ)) {
            for (Phdr p : phdrs(name, ch)) {
                if (p.type() != CoreSegment.PT_NOTE) {
                    continue;
                }
                if (p.filesz() > MAX_NOTES) {
                    throw new DumpFormatException(name, p.offset(), "PT_NOTE of " + p.filesz() + " bytes, more than "
                            + MAX_NOTES);
                }
                byte[] notes = readAt(name, ch, p.offset(), (int) p.filesz());
                for (Note n : NoteParser.parse(new Cursor(name, notes, p.offset(), ByteOrder.LITTLE_ENDIAN, "PT_NOTE"))) {
                    if (n.name().equals("VMCOREINFO")) {
                        return parse(new String(n.desc(), StandardCharsets.US_ASCII));
                    }
                }
            }
            return Map.of();
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
        String name = kcore.toString();
        try (FileChannel ch = FileChannel.open(kcore, StandardOpenOption.READ)) {
            Long offset = null;
            for (Phdr p : phdrs(name, ch)) {
                if (p.type() != CoreSegment.PT_LOAD || p.paddr() == -1L
                        || Long.compareUnsigned(p.vaddr(), START_KERNEL_MAP) >= 0) {
                    continue;
                }
                long o = p.vaddr() - p.paddr();
                if (offset != null && offset != o) {
                    throw new DumpFormatException(name, 0, "RAM program headers with two direct-map offsets, 0x"
                            + Long.toHexString(offset) + " and 0x" + Long.toHexString(o));
                }
                offset = o;
            }
            return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
        }
    }

    private static List<Phdr> phdrs(String name, FileChannel ch) throws IOException {
        Cursor eh = new Cursor(name, readAt(name, ch, 0, 64), 0, ByteOrder.LITTLE_ENDIAN, "Elf64_Ehdr");
        if (eh.s32("e_ident magic") != 0x464c457f || eh.u8("EI_CLASS") != 2 || eh.u8("EI_DATA") != 1) {
            throw eh.error(0, "not a little-endian ELF64 file");
        }
        eh.seek(32);
        long phoff = eh.u64AsLong("e_phoff");
        eh.seek(54);
        int phentsize = eh.u16("e_phentsize");
        int phnum = eh.u16("e_phnum");
        if (phentsize != 56 || phnum > MAX_PHDRS) {
            throw eh.error(54, "e_phentsize " + phentsize + " / e_phnum " + phnum + " (expected 56 / at most "
                    + MAX_PHDRS + ")");
        }
        Cursor ph = new Cursor(name, readAt(name, ch, phoff, phnum * 56), phoff, ByteOrder.LITTLE_ENDIAN, "Elf64_Phdr");
        List<Phdr> out = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int type = ph.s32("p_type");
            ph.skip(4);
            long off = ph.u64AsLong("p_offset");
            long vaddr = ph.s64("p_vaddr");
            long paddr = ph.s64("p_paddr");
            long filesz = ph.u64AsLong("p_filesz");
            ph.skip(16);
            out.add(new Phdr(type, off, vaddr, paddr, filesz));
        }
        return out;
    }

    /** {@code KEY=value} lines into a map, first occurrence wins. */
    public static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        return out;
    }

    private static byte[] readAt(String name, FileChannel ch, long offset, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            int r = ch.read(b, offset + b.position());
            if (r < 0) {
                throw new DumpFormatException(name, offset + b.position(), "file ends inside a header");
            }
        }
        return b.array();
    }
}
