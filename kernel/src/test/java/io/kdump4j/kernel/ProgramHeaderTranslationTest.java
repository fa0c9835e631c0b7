package io.kdump4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.elf.ElfDump;
import io.kdump4j.format.elf.ProgramHeader;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.kernel.arch.Aarch64;
import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ELF core's own PT_LOAD headers give (virtual, physical) pairs written by the capture side
 * (kexec-tools / the kernel for /proc/vmcore, makedumpfile -E): the kernel-text segment and one
 * direct-map (linear map) segment per RAM range. At the start, the middle and the last page of
 * every segment, the page-table walk and the formula (where one applies: not for the x86_64
 * direct map, whose base is not exported) must both give the recorded physical address.
 */
class ProgramHeaderTranslationTest {

    static List<FixtureDumps.Case> cases() throws IOException {
        return FixtureDumps.elfCores();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void programHeaderAddressesTranslateBothWays(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            int checked = 0;
            long stext = k.vmcoreinfo().symbol("_stext").orElseThrow();
            for (ProgramHeader h : ((ElfDump) k.dump()).programHeaders()) {
                if (h.type() != 1 || h.vaddr() == -1L || h.memsz() == 0) {
                    continue;
                }
                long pages = h.memsz() / k.pageSize();
                for (long page : new long[] {0, pages / 2, pages - 1}) {
                    long va = h.vaddr() + page * k.pageSize() + 0x123;
                    long pa = h.paddr() + page * k.pageSize() + 0x123;
                    if (k.arch() instanceof Aarch64 a && !a.isLinear(va) && Long.compareUnsigned(va, stext) < 0) {
                        // arm64 maps its image from _stext (map_kernel()); the header before it,
                        // which kexec-tools' PT_LOAD covers from _text, is unmapped: a true fault.
                        assertEquals(MemoryFault.Reason.NOT_MAPPED,
                                assertThrows(MemoryFault.class, () -> k.memory().walk(va)).reason());
                        assertEquals(pa, a.kernelImageToPhys(va));
                        continue;
                    }
                    assertEquals(pa, k.memory().walk(va), "walk of 0x" + Long.toHexString(va));
                    OptionalLong formula = k.arch().directTranslate(va);
                    if (formula.isPresent()) {
                        assertEquals(pa, formula.getAsLong(), "formula for 0x" + Long.toHexString(va));
                    } else if (k.arch() instanceof Aarch64 a) {
                        assertEquals(pa, a.kernelImageToPhys(va), "image formula for 0x" + Long.toHexString(va));
                    }
                    checked++;
                }
            }
            assertTrue(checked >= 6, "checked " + checked);
        }
    }
}
