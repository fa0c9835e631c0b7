package io.kdump4j.kernel.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small ELF64 little-endian core writer for synthetic kernel dumps: an {@code Elf64_Ehdr},
 * one PT_NOTE holding the given notes ({@code Elf64_Nhdr} + name + desc, each padded to 4),
 * then one PT_LOAD per memory segment. Written independently of the reader under test.
 */
public final class TinyElfCore {
    public static final int EM_X86_64 = 62;
    public static final int EM_AARCH64 = 183;

    private record NoteSpec(String name, int type, byte[] desc) {
    }

    private record Segment(long paddr, long vaddr, byte[] data) {
    }

    private final int machine;
    private final List<NoteSpec> notes = new ArrayList<>();
    private final List<Segment> segments = new ArrayList<>();

    public TinyElfCore(int machine) {
        this.machine = machine;
    }

    public TinyElfCore note(String name, int type, byte[] desc) {
        notes.add(new NoteSpec(name, type, desc));
        return this;
    }

    public TinyElfCore vmcoreinfo(String text) {
        return note("VMCOREINFO", 0, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A PT_LOAD of {@code data} at physical {@code paddr} (virtual address -1, as kexec writes RAM). */
    public TinyElfCore memory(long paddr, byte[] data) {
        segments.add(new Segment(paddr, -1L, data));
        return this;
    }

    /**
     * A PT_LOAD of {@code data} at physical {@code paddr} with virtual address {@code vaddr}, as
     * /proc/vmcore describes the kernel text mapping.
     */
    public TinyElfCore mapped(long paddr, long vaddr, byte[] data) {
        segments.add(new Segment(paddr, vaddr, data));
        return this;
    }

    public byte[] toBytes() {
        ByteArrayOutputStream noteBytes = new ByteArrayOutputStream();
        for (NoteSpec n : notes) {
            byte[] name = (n.name() + "\0").getBytes(StandardCharsets.ISO_8859_1);
            ByteBuffer h = le(12).putInt(name.length).putInt(n.desc().length).putInt(n.type());
            noteBytes.writeBytes(h.array());
            noteBytes.writeBytes(name);
            noteBytes.writeBytes(new byte[pad4(name.length) - name.length]);
            noteBytes.writeBytes(n.desc());
            noteBytes.writeBytes(new byte[pad4(n.desc().length) - n.desc().length]);
        }
        byte[] noteData = noteBytes.toByteArray();
        int phnum = 1 + segments.size();
        long offset = 64 + 56L * phnum;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer eh = le(64);
        eh.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        eh.putShort((short) 4).putShort((short) machine).putInt(1).putLong(0).putLong(64).putLong(0).putInt(0);
        eh.putShort((short) 64).putShort((short) 56).putShort((short) phnum).putShort((short) 64)
                .putShort((short) 0).putShort((short) 0);
        out.writeBytes(eh.array());
        out.writeBytes(phdr(4, offset, 0, 0, noteData.length));
        offset += noteData.length;
        for (Segment s : segments) {
            out.writeBytes(phdr(1, offset, s.vaddr(), s.paddr(), s.data().length));
            offset += s.data().length;
        }
        out.writeBytes(noteData);
        for (Segment s : segments) {
            out.writeBytes(s.data());
        }
        return out.toByteArray();
    }

    public Path write(Path file) throws IOException {
        Files.write(file, toBytes());
        return file;
    }

    private static byte[] phdr(int type, long offset, long vaddr, long paddr, long size) {
        return le(56).putInt(type).putInt(type == 1 ? 7 : 0).putLong(offset).putLong(vaddr).putLong(paddr)
                .putLong(size).putLong(size).putLong(type == 1 ? 4096 : 0).array();
    }

    private static int pad4(int n) {
        return (n + 3) & ~3;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
