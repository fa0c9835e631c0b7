package io.kdump4j.setup.elfcore;

import io.kdump4j.format.note.VmcoreinfoText;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.Note;
import io.kdump4j.format.elf.ElfDump;
import io.kdump4j.format.elf.ProgramHeader;
import io.kdump4j.format.io.ChannelByteSource;
import io.kdump4j.format.io.MappedByteSource;
import io.kdump4j.setup.check.HostFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The arm64 ELF core header against the real arm64 crash (fixture arm64-6.1.0-56-arm64/sysrq,
 * whose /proc/vmcore was made by kexec-tools with the lab's _text fix): a fake /sys and /proc
 * describing that machine (its /proc/kcore is the fixture itself, which carries the same
 * VMCOREINFO note), and the header read back by our own format module as the capture kernel
 * would: a "physical memory" file with the header's notes at their physical addresses.
 */
class Arm64CoreHeaderTest {
    static final String CASE = "arm64-6.1.0-56-arm64/sysrq";
    // Inputs of the fake machine: where the notes sit is the kernel's choice, any RAM address works.
    static final long CRASH_NOTES = 0x5f7b1000L;
    static final long VMCOREINFO_NOTE = 0x4a6a0000L;

    @TempDir
    static Path root;
    static ElfDump fixture;
    static VmcoreinfoText vmcoreinfo;

    @BeforeAll
    static void fakeMachine() throws IOException {
        Path core = io.kdump4j.testkit.Fixtures.elfCore(CASE);
        fixture = ElfDump.open(MappedByteSource.open(core), false);
        Note vi = fixture.notes().stream().filter(n -> n.name().equals("VMCOREINFO")).findFirst().orElseThrow();
        vmcoreinfo = VmcoreinfoText.parse(CASE, vi);
        write("sys/devices/system/cpu/possible", "0\n");
        write("sys/devices/system/cpu/cpu0/crash_notes", Long.toHexString(CRASH_NOTES) + "\n");
        write("sys/devices/system/cpu/cpu0/crash_notes_size", "424\n");
        write("sys/kernel/vmcoreinfo", "0x%016x 1000\n".formatted(VMCOREINFO_NOTE));
        // The virt machine's map at -m 512M crashkernel=128M (console.log of the fixture); kernel
        // code and data where this kernel's image lies (the fixture's kernel PT_LOAD).
        write("proc/iomem", """
                09000000-09000fff : pl011@9000000
                40000000-5fffffff : System RAM
                  40210000-4111ffff : Kernel code
                  41120000-4148ffff : reserved
                  41490000-4220ffff : Kernel data
                  53600000-5b5fffff : Crash kernel
                4010000000-401fffffff : PCI ECAM
                """);
        write("proc/kallsyms", "ffffc18603e10000 T _stext\nffffc18603e10000 t __stext_dummy\n");
        Files.createSymbolicLink(root.resolve("proc/kcore"), core);
    }

    @Test
    void ramSegmentsAreKexecToolsOnes() throws IOException {
        List<CoreSegment> segs = Arm64CoreHeader.segments(CrashSources.read(new HostFiles(root)));
        List<ProgramHeader> theirs = fixture.programHeaders().stream().filter(h -> h.type() == 1).toList();
        List<CoreSegment> ours = segs.stream().filter(s -> s.what().equals("System RAM")).toList();
        // The fixture's first PT_LOAD is its kernel image; the rest are RAM outside the reservation.
        assertEquals(theirs.size() - 1, ours.size());
        for (int i = 0; i < ours.size(); i++) {
            ProgramHeader t = theirs.get(i + 1);
            assertEquals(t.vaddr(), ours.get(i).vaddr(), "vaddr " + i);
            assertEquals(t.paddr(), ours.get(i).paddr(), "paddr " + i);
            assertEquals(t.memsz(), ours.get(i).size(), "size " + i);
        }
    }

    @Test
    void kernelImageSegmentIsConsistentWithTheDump() throws IOException {
        CoreSegment text = Arm64CoreHeader.segments(CrashSources.read(new HostFiles(root))).stream()
                .filter(s -> s.what().startsWith("kernel image")).findFirst().orElseThrow();
        ProgramHeader theirs = fixture.programHeaders().stream().filter(h -> h.type() == 1).findFirst().orElseThrow();
        assertEquals(theirs.vaddr() - theirs.paddr(), text.vaddr() - text.paddr(), "same kimage_voffset");
        assertEquals(theirs.paddr() + theirs.memsz(), text.paddr() + text.size(), "both end at _end");
        assertTrue(text.what().contains("consistent with _stext"), text.what());
    }

    @Test
    void capturedMemoryReadsBackThroughOurHeader() throws IOException {
        CrashSources src = CrashSources.read(new HostFiles(root));
        byte[] header = ElfCoreHeaderWriter.write(io.kdump4j.format.elf.ElfConstants.EM_AARCH64, Arm64CoreHeader.segments(src));
        Note prstatus = fixture.notes().stream().filter(n -> n.is("CORE", Note.NT_PRSTATUS)).findFirst().orElseThrow();
        Note vi = fixture.notes().stream().filter(n -> n.name().equals("VMCOREINFO")).findFirst().orElseThrow();
        // Old memory as the capture kernel sees it: a sparse file where offset = physical address.
        Path mem = root.resolve("oldmem");
        try (FileChannel ch = FileChannel.open(mem, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(header), 0);
            ch.write(ByteBuffer.wrap(note(prstatus)), CRASH_NOTES);
            ch.write(ByteBuffer.wrap(note(vi)), VMCOREINFO_NOTE);
            ch.write(ByteBuffer.wrap(new byte[1]), 0x60000000L - 1);
        }
        try (ElfDump ours = ElfDump.open(new ChannelByteSource(mem), false)) {
            assertEquals(io.kdump4j.format.elf.ElfConstants.EM_AARCH64, ours.machine());
            // The empty note ending each kernel note buffer ends the run (see NoteParser).
            assertEquals(2, ours.notes().size(), "prstatus and vmcoreinfo: " + ours.notes());
            assertArrayEquals(prstatus.desc(), ours.notes().get(0).desc());
            assertArrayEquals(vi.desc(), ours.notes().get(1).desc());
            assertEquals(header.length, io.kdump4j.format.elf.ElfEncoder.EHDR_SIZE + io.kdump4j.format.elf.ElfEncoder.PHDR_SIZE * 5);
            byte[] page = new byte[16];
            ours.memory().read(CRASH_NOTES, page, 0, 16);
            assertArrayEquals(java.util.Arrays.copyOf(note(prstatus), 16), page, "PT_LOAD covers the notes' RAM");
        }
    }

    @Test
    void withoutVmcoreinfoTheLoadStopsAndSaysWhy() throws IOException {
        Path bare = root.resolve("bare");
        for (String f : List.of("sys/devices/system/cpu/possible", "sys/devices/system/cpu/cpu0/crash_notes",
                "sys/devices/system/cpu/cpu0/crash_notes_size", "sys/kernel/vmcoreinfo", "proc/iomem", "proc/kallsyms")) {
            Files.createDirectories(bare.resolve(f).getParent());
            Files.copy(root.resolve(f), bare.resolve(f));
        }
        CrashSources src = CrashSources.read(new HostFiles(bare));
        var e = assertThrows(IllegalStateException.class, () -> Arm64CoreHeader.segments(src));
        assertTrue(e.getMessage().contains("/proc/kcore") && e.getMessage().contains("KALLSYMS_ALL"), e.getMessage());
    }

    @Test
    void disagreeingSourcesAreRefused() throws IOException {
        CrashSources good = CrashSources.read(new HostFiles(root));
        CrashSources wrong = new CrashSources(good.cpuNotes(), good.vmcoreinfoAddress(), good.vmcoreinfoSize(),
                good.iomem(), good.vmcoreinfo(), good.stext() + (4 << 20));
        var e = assertThrows(IllegalStateException.class, () -> Arm64CoreHeader.segments(wrong));
        assertTrue(e.getMessage().contains("disagree"), e.getMessage());
    }

    @Test
    void possibleButAbsentCpusAreSkipped() throws IOException {
        Path hot = root.resolve("hotplug");
        for (String f : List.of("sys/devices/system/cpu/cpu0/crash_notes", "sys/devices/system/cpu/cpu0/crash_notes_size",
                "sys/kernel/vmcoreinfo", "proc/iomem", "proc/kallsyms")) {
            Files.createDirectories(hot.resolve(f).getParent());
            Files.copy(root.resolve(f), hot.resolve(f));
        }
        Files.writeString(hot.resolve("sys/devices/system/cpu/possible"), "0-3\n");
        assertEquals(1, CrashSources.read(new HostFiles(hot)).cpuNotes().size());
        Files.createDirectories(hot.resolve("sys/devices/system/cpu/cpu2"));
        var e = assertThrows(IOException.class, () -> CrashSources.read(new HostFiles(hot)));
        assertTrue(e.getMessage().contains("cpu2/crash_notes"), e.getMessage());
    }

    @Test
    void cpuLists() throws IOException {
        assertEquals(List.of(0, 2, 3, 4), CrashSources.cpuList("0,2-4\n"));
        assertThrows(IOException.class, () -> CrashSources.cpuList("0-99999"));
        assertThrows(IOException.class, () -> CrashSources.cpuList("3-1"));
    }

    /** An Elf64_Nhdr + name + descriptor, padded to 4, then the kernel's final empty note. */
    static byte[] note(Note n) {
        byte[] name = (n.name() + "\0").getBytes(StandardCharsets.US_ASCII);
        int nameP = (name.length + 3) & ~3;
        int descP = (n.desc().length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(12 + nameP + descP + 12).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(name.length).putInt(n.desc().length).putInt(n.type());
        b.put(name).position(12 + nameP);
        b.put(n.desc());
        return b.array();
    }

    private static void write(String rel, String text) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}
