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
    private static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};

    private final ByteSource src;
    private final boolean flattened;
    private final ByteOrder order;
    private final int elfClass;
    private final int machine;
    private final int eFlags;
    private final List<ProgramHeader> headers;
    private final List<Note> notes;
    private final ElfPhysicalMemory memory;

    private ElfDump(ByteSource src, boolean flattened, ByteOrder order, int elfClass, int machine, int eFlags,
            List<ProgramHeader> headers, List<Note> notes) throws DumpFormatException {
        this.src = src;
        this.flattened = flattened;
        this.order = order;
        this.elfClass = elfClass;
        this.machine = machine;
        this.eFlags = eFlags;
        this.headers = List.copyOf(headers);
        this.notes = List.copyOf(notes);
        this.memory = new ElfPhysicalMemory(src, headers, pageSizeFromNotes(notes));
    }

    /** Whether the first bytes are an ELF header's magic. */
    public static boolean matches(byte[] head) {
        return head.length >= 4 && head[0] == MAGIC[0] && head[1] == MAGIC[1] && head[2] == MAGIC[2]
                && head[3] == MAGIC[3];
    }

    public static ElfDump open(ByteSource src, boolean flattened) throws IOException {
        String name = src.name();
        src.checkRange(0, 52, "an ELF header");
        byte[] ident = src.read(0, 16, "ELF identification");
        if (!matches(ident)) {
            throw new DumpFormatException(name, 0, "expected the ELF magic 7f 45 4c 46");
        }
        int elfClass = ident[4];
        if (elfClass != ELFCLASS64 && elfClass != ELFCLASS32) {
            throw new DumpFormatException(name, 4, "expected ELF class 1 (32-bit) or 2 (64-bit), found " + elfClass);
        }
        ByteOrder order = switch (ident[5]) {
            case ELFDATA2LSB -> ByteOrder.LITTLE_ENDIAN;
            case ELFDATA2MSB -> ByteOrder.BIG_ENDIAN;
            default -> throw new DumpFormatException(name, 5,
                    "expected ELF data encoding 1 (little-endian) or 2 (big-endian), found " + ident[5]);
        };
        boolean is64 = elfClass == ELFCLASS64;
        int ehsize = is64 ? 64 : 52;
        Cursor c = Cursor.at(src, 0, ehsize, order, "ELF header");
        c.skip(16);
        int type = c.u16("e_type");
        if (type != ET_CORE) {
            throw c.error(16, "expected e_type 4 (ET_CORE, a core dump), found " + type
                    + (type == 2 ? " (an executable: a vmlinux, not a vmcore?)" : ""));
        }
        int machine = c.u16("e_machine");
        c.skip(4); // e_version
        long entrySkip = is64 ? 8 : 4;
        c.skip((int) entrySkip); // e_entry
        long phoff = is64 ? c.u64AsLong("e_phoff") : c.u32("e_phoff");
        long shoff = is64 ? c.u64AsLong("e_shoff") : c.u32("e_shoff");
        int eFlags = c.s32("e_flags");
        c.u16("e_ehsize");
        long phentOffset = c.offset();
        int phentsize = c.u16("e_phentsize");
        long phnum = c.u16("e_phnum");
        int expectedPhent = is64 ? 56 : 32;
        if (phentsize != expectedPhent) {
            throw new DumpFormatException(name, phentOffset, "expected e_phentsize " + expectedPhent + ", found " + phentsize);
        }
        if (phnum == PN_XNUM) {
            phnum = extendedPhnum(src, order, is64, shoff);
        }
        long tableSize = Checked.mul(phnum, phentsize, name, phoff, "program header table size");
        Checked.allocation(tableSize, src.size() - Math.min(phoff, src.size()), name, phoff, "the program header table");
        src.checkRange(phoff, tableSize, "the program header table (" + phnum + " entries)");
        Cursor ph = Cursor.at(src, phoff, (int) tableSize, order, "program header table");
        List<ProgramHeader> headers = new ArrayList<>();
        List<Note> notes = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            long at = ph.offset();
            ProgramHeader h = is64 ? ProgramHeader.read64(ph, i) : ProgramHeader.read32(ph, i);
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
                Checked.allocation(h.filesz(), -1, name, h.offset(), "PT_NOTE segment " + i);
                notes.addAll(NoteParser.parse(Cursor.at(src, h.offset(), (int) h.filesz(), order, "PT_NOTE segment " + i)));
            }
        }
        return new ElfDump(src, flattened, order, elfClass, machine, eFlags, headers, notes);
    }

    /** With more than 65534 program headers, e_phnum is PN_XNUM and section 0's sh_info holds the count. */
    private static long extendedPhnum(ByteSource src, ByteOrder order, boolean is64, long shoff) throws IOException {
        if (shoff == 0) {
            throw new DumpFormatException(src.name(), 56, "e_phnum is PN_XNUM (0xffff) but there is no section header to hold the count");
        }
        int shentsize = is64 ? 64 : 40;
        Cursor sh = Cursor.at(src, shoff, shentsize, order, "section header 0");
        sh.skip(is64 ? 44 : 28);
        return sh.u32("sh_info");
    }

    /**
     * The page size from the VMCOREINFO note's {@code PAGESIZE=} line: an ELF core does not
     * record one itself. Defaults to 4096.
     */
    private static int pageSizeFromNotes(List<Note> notes) {
        for (Note n : notes) {
            if (n.name().equals("VMCOREINFO")) {
                for (String line : new String(n.desc(), java.nio.charset.StandardCharsets.ISO_8859_1).split("\n")) {
                    if (line.startsWith("PAGESIZE=")) {
                        try {
                            int ps = Integer.parseInt(line.substring(9).trim());
                            if (ps >= 512 && Integer.bitCount(ps) == 1 && ps <= (1 << 20)) {
                                return ps;
                            }
                        } catch (NumberFormatException e) {
                            return 4096;
                        }
                    }
                }
            }
        }
        return 4096;
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
    public PhysicalMemory memory() {
        return memory;
    }

    @Override
    public void close() throws IOException {
        src.close();
    }
}
