package io.kdump4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.mem.AddressSpace;
import io.kdump4j.format.mem.MemoryFault;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Unmapped kernel addresses on the real dumps give a VIRTUAL NOT_MAPPED fault naming the address and level. */
class KernelMemoryFaultTest {

    static List<FixtureDumps.Case> cases() throws IOException {
        return FixtureDumps.all();
    }

    /**
     * An address in the kernel half that no page table maps. x86_64: the bottom of the direct-map
     * PGD slot range, 0xffff800000000000 (the LDT remap / guard hole slot, never populated in
     * init_top_pgt before the direct map is set up at a randomised higher slot). arm64: the
     * 256 MiB guard gap between VMALLOC_END and VMEMMAP_START.
     */
    private static long unmapped(KernelDump k) {
        if (k.arch().name().equals("x86_64")) {
            return 0xffff_8000_0000_0000L + 0x1234_5000L;
        }
        return k.vmcoreinfo().number("VMALLOC_END").orElseThrow() + (64L << 20) + 0x123;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void unmappedKernelAddressIsAVirtualNotMappedFault(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            long va = unmapped(k);
            MemoryFault f = assertThrows(MemoryFault.class, () -> k.memory().u64(va));
            assertEquals(va, f.address());
            assertEquals(AddressSpace.VIRTUAL, f.space());
            assertEquals(MemoryFault.Reason.NOT_MAPPED, f.reason());
            assertTrue(f.getMessage().contains("0x" + Long.toHexString(va)), f.getMessage());
            assertTrue(f.getMessage().matches(".*(PGD|P4D|PUD|PMD|PTE) entry.*"), f.getMessage());
            MemoryFault t = assertThrows(MemoryFault.class, () -> k.memory().virtToPhys(va));
            assertEquals(MemoryFault.Reason.NOT_MAPPED, t.reason());
        }
    }

    /** A read that starts on a mapped page and runs into an unmapped one names the first unmapped address. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void userAddressIsNotMappedInKernelTables(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            MemoryFault f = assertThrows(MemoryFault.class, () -> k.memory().u32(0x1000));
            assertEquals(0x1000, f.address());
            assertEquals(AddressSpace.VIRTUAL, f.space());
            assertEquals(MemoryFault.Reason.NOT_MAPPED, f.reason());
        }
    }
}
