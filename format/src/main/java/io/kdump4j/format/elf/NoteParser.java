package io.kdump4j.format.elf;

import io.kdump4j.format.Note;
import io.kdump4j.format.io.Cursor;
import io.kdump4j.format.io.DumpFormatException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a run of ELF notes: {@code Elf64_Nhdr {u32 namesz, descsz, type}}, then the name and
 * the descriptor, each padded to 4 bytes. The same layout is used in ELF PT_NOTE segments and in
 * the note blob that makedumpfile and QEMU copy after the kdump sub-header.
 *
 * <p>Ambiguity: the kernel's crash notes end with an empty note (all-zero header) that marks the
 * end of a per-CPU buffer ({@code final_note()} in kernel/vmcore_info.c); /proc/vmcore drops
 * those when it merges the PT_NOTEs, but copies saved by other tools may keep zero padding. A
 * header of all zeros therefore ends the run instead of being an error.
 */
public final class NoteParser {
    private NoteParser() {
    }

    public static List<Note> parse(Cursor c) throws DumpFormatException {
        List<Note> notes = new ArrayList<>();
        while (c.remaining() >= 12) {
            long start = c.offset();
            long namesz = c.u32("note namesz");
            long descsz = c.u32("note descsz");
            int type = c.s32("note type");
            if (namesz == 0 && descsz == 0 && type == 0) {
                break;
            }
            long namePadded = (namesz + 3) & ~3L;
            long descPadded = (descsz + 3) & ~3L;
            if (namePadded > c.remaining() || descPadded > c.remaining() - namePadded) {
                throw c.error(start, "note header claims a " + namesz + "-byte name and a " + descsz
                        + "-byte descriptor, but only " + c.remaining() + " bytes of notes remain");
            }
            String name = c.fixedString((int) namePadded, "note name");
            long descOffset = c.offset();
            byte[] desc = c.bytes((int) descsz, "note descriptor");
            c.skip((int) (descPadded - descsz));
            notes.add(new Note(name, type, descOffset, desc));
        }
        return notes;
    }
}
