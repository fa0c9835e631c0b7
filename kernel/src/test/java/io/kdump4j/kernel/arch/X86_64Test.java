package io.kdump4j.kernel.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.mem.AddressSpace;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.kernel.Vmcoreinfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** x86_64 translation on synthetic page tables: every level, large pages, SME, 5-level paging, faults. */
class X86_64Test {
    private static final long KMAP = X86_64.START_KERNEL_MAP;
    private static final long TOP = 0x10_0000;
    private static final long PUD = 0x20_0000;
    private static final long PMD = 0x30_0000;
    private static final long PTE = 0x40_0000;
    private static final long P4D = 0x50_0000;
    private static final long PRESENT_RW = 0x63;
    private static final long PSE = 0x80;

    private static X86_64 arch(String extra, long physBase) throws IOException {
        String text = "PAGESIZE=4096\nSYMBOL(init_top_pgt)=" + Long.toHexString(KMAP + TOP - physBase)
                + "\nNUMBER(phys_base)=" + physBase + "\n" + extra;
        return X86_64.from("test", Vmcoreinfo.parse("test", 0, text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static long idx(long va, int shift) {
        return (va >>> shift) & 511;
    }

    @Test
    void textMappingUsesPhysBaseEvenWhenNegative() throws IOException {
        X86_64 a = arch("NUMBER(KERNEL_IMAGE_SIZE)=1073741824\n", -387973120L);
        long stext = 0xffffffffaf200000L;
        assertEquals(0xffffffffaf200000L - KMAP - 387973120L, a.directTranslate(stext).getAsLong());
        assertEquals(TOP, a.topTablePhys());
        assertTrue(a.directTranslate(0xffff888000000000L).isEmpty(), "direct map is not the text mapping");
        assertTrue(a.directTranslate(KMAP + (1L << 30)).isEmpty(), "modules start after KERNEL_IMAGE_SIZE");
        assertTrue(arch("", 0).directTranslate(KMAP + (512L << 20)).isEmpty(), "512 MiB without KASLR's 1 GiB");
    }

    @Test
    void walksFourLevelsWith4KiB2MiBAnd1GiBPages() throws IOException {
        X86_64 a = arch("", 0);
        long va4k = 0xffffc90000123456L;
        long va2m = 0xffffc90040345678L;
        long va1g = 0xffff888012345678L;
        Tables t = new Tables()
                .put(TOP, idx(va4k, 39), PUD | PRESENT_RW)
                .put(PUD, idx(va4k, 30), PMD | PRESENT_RW)
                .put(PMD, idx(va4k, 21), PTE | PRESENT_RW)
                .put(PTE, idx(va4k, 12), 0x7654_3000L | PRESENT_RW | (1L << 63))
                .put(PUD, idx(va2m, 30), PMD | PRESENT_RW)
                .put(PMD, idx(va2m, 21), 0x1_2340_0000L | PRESENT_RW | PSE)
                .put(TOP, idx(va1g, 39), (PUD + 0x1000) | PRESENT_RW)
                .put(PUD + 0x1000, idx(va1g, 30), 0x40_0000_0000L | PRESENT_RW | PSE);
        assertEquals(0x7654_3456L, a.walk(va4k, t), "NX bit 63 is not part of the address");
        assertEquals(0x1_2340_0000L + (va2m & 0x1f_ffff), a.walk(va2m, t));
        assertEquals(0x40_0000_0000L + (va1g & 0x3fff_ffff), a.walk(va1g, t));
    }

    @Test
    void smeMaskIsStrippedFromEveryEntry() throws IOException {
        long sme = 1L << 47;
        X86_64 a = arch("NUMBER(sme_mask)=" + sme + "\n", 0);
        long va = 0xffffc90000001000L;
        Tables t = new Tables()
                .put(TOP, idx(va, 39), PUD | sme | PRESENT_RW)
                .put(PUD, idx(va, 30), PMD | sme | PRESENT_RW)
                .put(PMD, idx(va, 21), PTE | sme | PRESENT_RW)
                .put(PTE, idx(va, 12), 0x9000L | sme | PRESENT_RW);
        assertEquals(0x9000L, a.walk(va, t));
    }

    @Test
    void fiveLevelPagingWalksP4d() throws IOException {
        X86_64 a = arch("NUMBER(pgtable_l5_enabled)=1\n", 0);
        assertTrue(a.fiveLevelPaging());
        long va = 0xff11_0000_1234_5678L;
        Tables t = new Tables()
                .put(TOP, idx(va, 48), P4D | PRESENT_RW)
                .put(P4D, idx(va, 39), PUD | PRESENT_RW)
                .put(PUD, idx(va, 30), 0x8000_0000L | PRESENT_RW | PSE);
        assertEquals(0x8000_0000L + (va & 0x3fff_ffff), a.walk(va, t));
        // A 4-level kernel would reject this address as non-canonical.
        MemoryFault f = assertThrows(MemoryFault.class, () -> arch("", 0).walk(va, t));
        assertTrue(f.getMessage().contains("canonical"), f.getMessage());
    }

    @Test
    void notPresentEntryNamesTheLevel() throws IOException {
        X86_64 a = arch("", 0);
        long va = 0xffffc90000123000L;
        Tables t = new Tables().put(TOP, idx(va, 39), PUD | PRESENT_RW).put(PUD, idx(va, 30), PMD | PRESENT_RW)
                .put(PMD, idx(va, 21), PMD | 0x62);
        MemoryFault f = assertThrows(MemoryFault.class, () -> a.walk(va, t));
        assertEquals(va, f.address());
        assertEquals(AddressSpace.VIRTUAL, f.space());
        assertEquals(MemoryFault.Reason.NOT_MAPPED, f.reason());
        assertTrue(f.getMessage().contains("PMD entry " + idx(va, 21)), f.getMessage());
        assertTrue(f.getMessage().contains("0x" + Long.toHexString(va)), f.getMessage());
        MemoryFault top = assertThrows(MemoryFault.class, () -> a.walk(0xffffea0000000000L, t));
        assertTrue(top.getMessage().contains("PGD entry"), top.getMessage());
    }

    @Test
    void requiresTheTopLevelTable() {
        var e = assertThrows(io.kdump4j.format.io.DumpFormatException.class,
                () -> X86_64.from("f", Vmcoreinfo.parse("f", 0, "PAGESIZE=4096\n".getBytes(StandardCharsets.ISO_8859_1))));
        assertTrue(e.getMessage().contains("init_top_pgt"), e.getMessage());
    }
}
