package io.kdump4j.format.elf;

import static io.kdump4j.format.elf.ElfConstants.*;

import io.kdump4j.format.DumpDetails;
import io.kdump4j.format.DumpFile;
import io.kdump4j.format.DumpFormat;
import io.kdump4j.format.Note;
import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.Checked;
import io.kdump4j.format.io.Cursor;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.mem.PhysicalMemory;
import io.kdump4j.format.note.VmcoreinfoText;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * An ELF core dump: a copy of /proc/vmcore, {@code makedumpfile -E} output, or QEMU's
 * {@code dump-guest-memory} ELF. Memory is the PT_LOAD segments by physical address.
 */
public final class ElfDump implements DumpFile {
    private boolean closed;
    private static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};

    private final ByteSource src;
    private final boolean flattened;
    private final ByteOrder order;
    private final int elfClass;
    private final int machine;
    private final int eFlags;
    private final List<ProgramHeader> headers;
    private final List<Note> notes;
    private final List<String> problems;
    private final ElfPhysicalMemory memory;

    private ElfDump(ByteSource src, boolean flattened, ByteOrder order, int elfClass, int machine, int eFlags,
            List<ProgramHeader> headers, List<Note> notes, List<String> problems) throws DumpFormatException {
        this.problems = List.copyOf(problems);
        this.src = src;
        this.flattened = flattened;
        this.order = order;
        this.elfClass = elfClass;
        this.machine = machine;
        this.eFlags = eFlags;
        this.headers = List.copyOf(headers);
        this.notes = List.copyOf(notes);
        this.memory = new ElfPhysicalMemory(src, headers, pageSizeFromNotes(src.name(), notes));
    }

    /** Whether the first bytes are an ELF header's magic. */
    public static boolean matches(byte[] head) {
        return head.length >= 4 && head[0] == MAGIC[0] && head[1] == MAGIC[1] && head[2] == MAGIC[2]
                && head[3] == MAGIC[3];
    }

    public static ElfDump open(ByteSource src, boolean flattened) throws IOException {
        String name = src.name();
        ElfHeader eh = ElfHeader.read(src);
        if (eh.type() != ET_CORE) {
            throw new DumpFormatException(name, 16, "expected e_type 4 (ET_CORE, a core dump), found " + eh.type()
                    + (eh.type() == 2 ? " (an executable: a vmlinux, not a vmcore?)" : ""));
        }
        ByteOrder order = eh.order();
        int eFlags = eh.flags();
        List<ProgramHeader> headers = new ArrayList<>();
        List<Note> notes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (ProgramHeader h : eh.programHeaders()) {
            int i = h.index();
            long at = eh.programHeaderOffset(i);
            if (h.type() == PT_LOAD || h.type() == PT_NOTE) {
                if (h.filesz() > h.memsz() && h.type() == PT_LOAD) {
                    throw new DumpFormatException(name, at, "program header " + i + ": p_filesz " + h.filesz()
                            + " is larger than p_memsz " + h.memsz());
                }
                if (h.offset() > src.size() || h.filesz() > src.size() - h.offset()) {
                    boolean incomplete = (eFlags & DUMP_ELF_INCOMPLETE) != 0;
                    if (!incomplete || h.type() == PT_NOTE) {
                        throw new DumpFormatException(name, at, "program header " + i + " places " + h.filesz()
                                + " bytes at offset " + h.offset() + ", but the file ends at " + src.size()
                                + " (truncated dump?)");
                    }
                }
            }
            headers.add(h);
            if (h.type() == PT_NOTE && h.filesz() > 0) {
                if (!Checked.fitsBudget(2 * h.filesz())) {
                    // The segment and the notes parsed out of it are both in memory at once.
                    problems.add("PT_NOTE segment " + i + " (" + h.filesz() + " bytes at offset " + h.offset()
                            + ") was not read: more than the heap allows (" + Checked.tooLarge()
                            + "); its notes (VMCOREINFO, CPU registers) are unknown");
                    continue;
                }
                notes.addAll(NoteParser.parse(Cursor.at(src, h.offset(), (int) h.filesz(), order, "PT_NOTE segment " + i)));
            }
        }
        return new ElfDump(src, flattened, order, eh.elfClass(), eh.machine(), eFlags, headers, notes, problems);
    }

    /**
     * The page size from the VMCOREINFO note's {@code PAGESIZE=} line: an ELF core does not
     * record one itself. Defaults to 4096, also when the value is not a power of two from 512
     * bytes to 1 MiB.
     */
    private static int pageSizeFromNotes(String source, List<Note> notes) {
        long ps = VmcoreinfoText.find(source, notes).map(v -> v.number("PAGESIZE").orElse(4096)).orElse(4096L);
        return ps >= 512 && ps <= (1 << 20) && Long.bitCount(ps) == 1 ? (int) ps : 4096;
    }

    public List<ProgramHeader> programHeaders() {
        return headers;
    }

    public int machine() {
        return machine;
    }

    @Override
    public String name() {
        return src.name();
    }

    @Override
    public DumpDetails details() {
        boolean incomplete = (eFlags & DUMP_ELF_INCOMPLETE) != 0;
        int cpus = (int) notes.stream().filter(n -> n.is("CORE", Note.NT_PRSTATUS)).count();
        List<String> facts = new ArrayList<>();
        facts.add("ELF" + (elfClass == ELFCLASS64 ? "64" : "32") + ", " + headers.size() + " program headers");
        if (notes.stream().anyMatch(n -> n.name().equals("QEMU"))) {
            facts.add("QEMU dump-guest-memory notes present");
        }
        facts.addAll(problems);
        return new DumpDetails(DumpFormat.ELF, flattened, 0, List.of(), OptionalInt.empty(), incomplete,
                ElfConstants.machineName(machine), List.of(), 0, cpus, false, facts);
    }

    @Override
    public ByteOrder byteOrder() {
        return order;
    }

    @Override
    public List<Note> notes() {
        return notes;
    }

    @Override
    public List<String> problems() {
        return problems;
    }

    @Override
    public PhysicalMemory memory() {
        return memory;
    }

    /** Idempotent: the second and later calls do nothing. */
    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            src.close();
        }
    }
}
