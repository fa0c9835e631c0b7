package io.kdump4j.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a small ELF64 little-endian core like /proc/vmcore: {@code Elf64_Ehdr} (ET_CORE), one
 * PT_NOTE with VMCOREINFO and NT_PRSTATUS notes, then PT_LOADs by physical address, each with
 * {@code p_filesz <= p_memsz} (the tail past p_filesz reads as zeros).
 */
public final class ElfCoreWriter {
    private static final int EHDR = 64;
    private static final int PHDR = 56;

    private record Load(long paddr, byte[] bytes, long memsz) {
    }

    private final List<byte[]> notes = new ArrayList<>();
    private final List<Load> loads = new ArrayList<>();
    private int machine = 62;
    private int flags;

    public ElfCoreWriter machine(int eMachine) {
        this.machine = eMachine;
        return this;
    }

    /** e_flags; makedumpfile sets 0x1 (DUMP_ELF_INCOMPLETE) when it ran out of space. */
    public ElfCoreWriter flags(int f) {
        this.flags = f;
        return this;
    }

    public ElfCoreWriter vmcoreinfo(String text) {
        notes.add(ElfNotes.note("VMCOREINFO", 0, text.getBytes(StandardCharsets.ISO_8859_1), ByteOrder.LITTLE_ENDIAN));
        return this;
    }

    public ElfCoreWriter prstatus(byte[] desc) {
        notes.add(ElfNotes.note("CORE", 1, desc, ByteOrder.LITTLE_ENDIAN));
        return this;
    }

    /** A PT_LOAD at {@code paddr} holding {@code bytes}, {@code memsz} bytes long in memory. */
    public ElfCoreWriter load(long paddr, byte[] bytes, long memsz) {
        loads.add(new Load(paddr, bytes.clone(), memsz));
        return this;
    }

    public byte[] build() {
        ByteArrayOutputStream noteBlob = new ByteArrayOutputStream();
        notes.forEach(noteBlob::writeBytes);
        int phnum = 1 + loads.size();
        long offset = EHDR + (long) PHDR * phnum;
        ByteBuffer ph = ByteBuffer.allocate(PHDR * phnum).order(ByteOrder.LITTLE_ENDIAN);
        ph.putInt(4).putInt(0).putLong(offset).putLong(0).putLong(0).putLong(noteBlob.size())
                .putLong(noteBlob.size()).putLong(4);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(noteBlob.toByteArray());
        long at = offset + noteBlob.size();
        for (Load l : loads) {
            ph.putInt(1).putInt(7).putLong(at).putLong(0xffff_8880_0000_0000L + l.paddr()).putLong(l.paddr())
                    .putLong(l.bytes().length).putLong(l.memsz()).putLong(0);
            data.writeBytes(l.bytes());
            at += l.bytes().length;
        }
        ByteBuffer eh = ByteBuffer.allocate(EHDR).order(ByteOrder.LITTLE_ENDIAN);
        eh.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        eh.position(16);
        eh.putShort((short) 4).putShort((short) machine).putInt(1).putLong(0).putLong(EHDR).putLong(0)
                .putInt(flags).putShort((short) EHDR).putShort((short) PHDR).putShort((short) phnum)
                .putShort((short) 64).putShort((short) 0).putShort((short) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(eh.array());
        out.writeBytes(ph.array());
        out.writeBytes(data.toByteArray());
        return out.toByteArray();
    }
}
