package io.kdump4j.capture;

import static io.kdump4j.capture.CaptureFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
     * At level 1 zero pages are left out of the file: every PT_LOAD byte equals the source, every
     * present page is either in a PT_LOAD's file data or zero in the source, and the excluded
     * pages read back as zeros (p_memsz beyond p_filesz).
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
            System.out.printf("%s ELF d1: %d PT_LOADs, %d file bytes, %d zero pages left out, %d bytes compared%n", c,
                    elf.programHeaders().size() - 1, fileBytes, zero, bytes);
            assertTrue(zero > 0);
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void makedumpfileDumpDmesgOfOurElfEqualsGolden(String c) throws Exception {
        assumeTrue(x86(c), "Debian's x86_64 makedumpfile cannot read arm64 dumps: skipped for " + c);
        Path out = saved(c, "d1.elf", options(Compression.NONE, 1).withContainer(Container.ELF));
        assertSameText(Files.readString(golden(c), StandardCharsets.ISO_8859_1), dmesg(out), "dmesg of " + out);
    }

    /** Level 0 keeps the source's PT_LOADs one for one (same addresses and sizes). */
    @ParameterizedTest
    @MethodSource("cases")
    void level0KeepsTheSourceSegments(String c) throws Exception {
        assumeTrue(c.startsWith("arm64"), "one fixture is enough for a full 1:1 copy");
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
