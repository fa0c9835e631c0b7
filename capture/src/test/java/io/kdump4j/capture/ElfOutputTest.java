package io.kdump4j.capture;

import static io.kdump4j.capture.CaptureFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.elf.ElfConstants;
import io.kdump4j.format.elf.ElfDump;
import io.kdump4j.format.elf.ProgramHeader;
import io.kdump4j.format.io.Bytes;
import io.kdump4j.format.mem.PhysicalMemory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** ELF core output, read back by ElfDump and by the real makedumpfile. */
class ElfOutputTest {

    static List<String> cases() {
        return CASES;
    }

    /**
     * At level 1 long runs of zero pages are left out of the file: every PT_LOAD byte equals the
     * source, and every present page reads back equal to the source (excluded ones as zeros,
     * beyond p_filesz).
     */
    @ParameterizedTest
    @MethodSource("cases")
    void level1KeepsEveryNonZeroPage(String c) throws Exception {
        Path out = saved(c, "d1.elf", options(Compression.NONE, 1).withContainer(Container.ELF));
        long bytes = compareElfLoads(source(c), out);
        try (DumpFile src = Dumps.open(source(c)); ElfDump elf = (ElfDump) Dumps.open(out)) {
            assertEquals(((ElfDump) src).machine(), elf.machine());
            assertEquals(0, (Bytes.s32(Files.readAllBytes(out), 48, src.byteOrder()) & 1), "e_flags: complete");
            assertEquals(src.notes().size(), elf.notes().size());
            assertEquals(src.vmcoreinfo(), elf.vmcoreinfo());
            PhysicalMemory m = src.memory();
            byte[] a = new byte[m.pageSize()];
            byte[] b = new byte[m.pageSize()];
            long zero = 0;
            for (long pfn = 0; pfn < m.maxPfn(); pfn++) {
                if (m.state(pfn) != PhysicalMemory.PageState.PRESENT) {
                    continue;
                }
                m.read(pfn * m.pageSize(), a, 0, a.length);
                elf.memory().read(pfn * m.pageSize(), b, 0, b.length);
                if (!java.util.Arrays.equals(a, b)) {
                    throw new AssertionError("pfn 0x" + Long.toHexString(pfn) + " differs");
                }
                if (Bytes.isZero(a, 0, a.length)) {
                    zero++;
                }
            }
            long fileBytes = 0;
            for (ProgramHeader h : elf.programHeaders()) {
                if (h.type() == ElfConstants.PT_LOAD) {
                    fileBytes += h.filesz();
                }
            }
            System.out.printf("%s ELF d1: %d PT_LOADs, %d file bytes, %d zero pages, %d bytes compared%n", c,
                    elf.programHeaders().size() - 1, fileBytes, zero, bytes);
            assertTrue(fileBytes < (src.memory().pagesPresent() - zero / 2) * m.pageSize(), "zero pages left out");
            assertEquals(fileBytes, bytes);
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void makedumpfileDumpDmesgOfOurElfEqualsGolden(String c) throws Exception {
        Path out = saved(c, "d1.elf", options(Compression.NONE, 1).withContainer(Container.ELF));
        assertSameText(Files.readString(golden(c), StandardCharsets.ISO_8859_1), dmesg(c, out), "dmesg of " + out);
    }

    /** makedumpfile takes our ELF dump as input too: compressed at level 31, its dmesg is still the golden one. */
    @ParameterizedTest
    @MethodSource("cases")
    void makedumpfileCompressesOurElfDump(String c) throws Exception {
        Path out = saved(c, "d1.elf", options(Compression.NONE, 1).withContainer(Container.ELF));
        Path kdump = out.resolveSibling(out.getFileName() + ".d31.kdump");
        makedumpfile(c, "-c", "-d", "31", out.toString(), kdump.toString());
        assertSameText(Files.readString(golden(c), StandardCharsets.ISO_8859_1), dmesg(c, kdump), "dmesg of " + kdump);
        Files.delete(kdump);
    }

    /**
     * Same PT_LOADs as {@code makedumpfile -E -d 1} (addresses and sizes), and the same bytes in
     * them: the ELF output cuts segments by makedumpfile's rule.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void sameSegmentsAndDataAsMakedumpfileE(String c) throws Exception {
        Path ours = saved(c, "d1.elf", options(Compression.NONE, 1).withContainer(Container.ELF));
        Path theirs = ours.resolveSibling(ours.getFileName() + ".mdf");
        makedumpfile(c, "-E", "-d", "1", source(c).toString(), theirs.toString());
        try (ElfDump a = (ElfDump) Dumps.open(theirs); ElfDump b = (ElfDump) Dumps.open(ours)) {
            List<ProgramHeader> x = a.programHeaders().stream().filter(h -> h.type() == ElfConstants.PT_LOAD).toList();
            List<ProgramHeader> y = b.programHeaders().stream().filter(h -> h.type() == ElfConstants.PT_LOAD).toList();
            assertEquals(x.size(), y.size(), "PT_LOAD count");
            for (int i = 0; i < x.size(); i++) {
                assertEquals(x.get(i).paddr(), y.get(i).paddr(), "p_paddr " + i);
                assertEquals(x.get(i).vaddr(), y.get(i).vaddr(), "p_vaddr " + i);
                assertEquals(x.get(i).filesz(), y.get(i).filesz(), "p_filesz " + i);
                assertEquals(x.get(i).memsz(), y.get(i).memsz(), "p_memsz " + i);
            }
            long start = x.get(0).offset();
            long len = Files.size(theirs) - start;
            assertEquals(len, Files.size(ours) - y.get(0).offset(), "data length");
            try (var fa = java.nio.channels.FileChannel.open(theirs); var fb = java.nio.channels.FileChannel.open(ours)) {
                var ma = fa.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, start, len);
                var mb = fb.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, y.get(0).offset(), len);
                assertEquals(-1, ma.mismatch(mb), "first differing data byte");
            }
            System.out.printf("%s: %d PT_LOADs and %d data bytes as makedumpfile -E -d 1%n", c, x.size(), len);
        }
        Files.delete(theirs);
    }

    /** One fixture is enough for a full 1:1 copy: the smallest (arm64, 512 MiB). */
    static List<String> smallestCase() {
        return CASES.stream().filter(c -> c.startsWith("arm64")).toList();
    }

    /** Level 0 keeps the source's PT_LOADs one for one (same addresses and sizes). */
    @ParameterizedTest
    @MethodSource("smallestCase")
    void level0KeepsTheSourceSegments(String c) throws Exception {
        Path out = work().resolve(c.replace('/', '_') + ".d0.elf");
        try (DumpFile s = Dumps.open(source(c))) {
            assertTrue(Saver.save(s, options(Compression.NONE, 0).withContainer(Container.ELF), out).complete());
        }
        try (ElfDump src = (ElfDump) Dumps.open(source(c)); ElfDump elf = (ElfDump) Dumps.open(out)) {
            List<ProgramHeader> a = src.programHeaders().stream().filter(h -> h.type() == ElfConstants.PT_LOAD).toList();
            List<ProgramHeader> b = elf.programHeaders().stream().filter(h -> h.type() == ElfConstants.PT_LOAD).toList();
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).paddr(), b.get(i).paddr());
                assertEquals(a.get(i).vaddr(), b.get(i).vaddr());
                assertEquals(a.get(i).memsz(), b.get(i).memsz());
                assertEquals(a.get(i).filesz(), b.get(i).filesz());
            }
        }
        compareElfLoads(source(c), out);
        Files.delete(out);
    }
}
