package io.kdump4j.kernel.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.mem.AddressSpace;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.kernel.Vmcoreinfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * arm64 translation on synthetic page tables: 4K/16K/64K pages, 39/47/48/52-bit VA, blocks,
 * 52-bit physical addresses, both linear-map layouts, pointer authentication.
 */
class Aarch64Test {
    private static final long TABLE = 3;
    private static final long BLOCK = 1;
    private static final long PAGE = 3;
    private static final long AF = 1L << 10;

    /** The 6.1 arm64 fixture's values (KASLR, negative PHYS_OFFSET). */
    private static final String FIXTURE = "PAGESIZE=4096\nNUMBER(VA_BITS)=48\nNUMBER(TCR_EL1_T1SZ)=0x10\n"
            + "NUMBER(kimage_voffset)=0xffffc185c3c00000\nNUMBER(PHYS_OFFSET)=0xffffab1240000000\n"
            + "SYMBOL(_stext)=ffffc18603e10000\nSYMBOL(swapper_pg_dir)=ffffc18605458000\nNUMBER(KERNELPACMASK)=0x0\n";

    private static Aarch64 arch(String text) throws IOException {
        return Aarch64.from("test", Vmcoreinfo.parse("test", 0, text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** A configuration with swapper_pg_dir at physical {@code swapper} and kimage_voffset {@code voff}. */
    private static String config(int pageSize, int vaBits, long stext, long swapper, long voff, long physOffset) {
        return "PAGESIZE=" + pageSize + "\nNUMBER(VA_BITS)=" + vaBits + "\nNUMBER(kimage_voffset)=0x"
                + Long.toHexString(voff) + "\nNUMBER(PHYS_OFFSET)=0x" + Long.toHexString(physOffset)
                + "\nSYMBOL(_stext)=" + Long.toHexString(stext) + "\nSYMBOL(swapper_pg_dir)="
                + Long.toHexString(swapper + voff) + "\n";
    }

    private static long idx(long va, int shift, int bits) {
        return (va >>> shift) & ((1L << bits) - 1);
    }

    @Test
    void fixtureLinearMapWithNegativePhysOffset() throws IOException {
        Aarch64 a = arch(FIXTURE);
        assertEquals(4, a.levels());
        assertEquals(0xffff_0000_0000_0000L, a.pageOffset());
        long memSection = 0xffff54ee1fed0380L;
        assertTrue(a.isLinear(memSection));
        // (vaddr - PAGE_OFFSET) + PHYS_OFFSET modulo 2^64: 0x54ee1fed0380 - 0x54edc0000000.
        assertEquals(0x54ee1fed0380L - 0x54edc0000000L, a.directTranslate(memSection).getAsLong());
        long stext = 0xffffc18603e10000L;
        assertFalse(a.isLinear(stext), "the image is in the vmalloc half");
        assertEquals(stext - 0xffffc185c3c00000L, a.kernelImageToPhys(stext));
        assertTrue(a.directTranslate(stext).isEmpty());
    }

    @Test
    void fourKiB48BitPagesAndBlocks() throws IOException {
        long swapper = 0x4100_0000L;
        long voff = 0xffff_8000_0000_0000L - 0x4000_0000L;
        Aarch64 a = arch(config(4096, 48, 0xffff_8000_1001_0000L, swapper, voff, 0x4000_0000L));
        long pud = 0x4200_0000L;
        long pmd = 0x4300_0000L;
        long pte = 0x4400_0000L;
        long va = 0xffff_8000_0812_3456L;
        long vaBlock2m = 0xffff_8000_0a34_5678L;
        long vaBlock1g = 0xffff_8001_4567_89abL;
        Tables t = new Tables()
                .put(swapper, idx(va, 39, 9), pud | TABLE)
                .put(pud, idx(va, 30, 9), pmd | TABLE)
                .put(pmd, idx(va, 21, 9), pte | TABLE)
                .put(pte, idx(va, 12, 9), 0x5555_5000L | PAGE | AF | (1L << 54))
                .put(pmd, idx(vaBlock2m, 21, 9), 0x4880_0000L | BLOCK | AF)
                .put(pud, idx(vaBlock1g, 30, 9), 0x8000_0000L | BLOCK | AF);
        assertEquals(0x5555_5456L, a.walk(va, t), "UXN bit 54 is not part of the address");
        assertEquals(0x4880_0000L | (vaBlock2m & 0x1f_ffff), a.walk(vaBlock2m, t));
        assertEquals(0x8000_0000L | (vaBlock1g & 0x3fff_ffff), a.walk(vaBlock1g, t));
    }

    @Test
    void invalidDescriptorsFaultWithTheLevel() throws IOException {
        long swapper = 0x4100_0000L;
        long voff = 0xffff_8000_0000_0000L - 0x4000_0000L;
        Aarch64 a = arch(config(4096, 48, 0xffff_8000_1001_0000L, swapper, voff, 0x4000_0000L));
        long pud = 0x4200_0000L;
        long pmd = 0x4300_0000L;
        long pte = 0x4400_0000L;
        long va = 0xffff_8000_0812_3000L;
        Tables t = new Tables().put(swapper, idx(va, 39, 9), pud | TABLE).put(pud, idx(va, 30, 9), pmd | TABLE)
                .put(pmd, idx(va, 21, 9), pte | TABLE)
                .put(pte, idx(va, 12, 9), 0x5555_5000L | 1); // bits[1:0] = 01 is reserved at level 3
        MemoryFault f = assertThrows(MemoryFault.class, () -> a.walk(va, t));
        assertEquals(AddressSpace.VIRTUAL, f.space());
        assertEquals(MemoryFault.Reason.NOT_MAPPED, f.reason());
        assertTrue(f.getMessage().contains("PTE entry"), f.getMessage());
        long unmapped = 0xffff_9000_0000_0000L;
        MemoryFault g = assertThrows(MemoryFault.class, () -> a.walk(unmapped, t));
        assertTrue(g.getMessage().contains("PGD entry " + idx(unmapped, 39, 9)), g.getMessage());
        MemoryFault user = assertThrows(MemoryFault.class, () -> a.walk(0x0000_ffff_0000_0000L, t));
        assertTrue(user.getMessage().contains("kernel half"), user.getMessage());
    }

    /** A block descriptor where the architecture has none (level 0 with 4 KiB pages) faults: it was translated. */
    @Test
    void blockAtALevelWithoutBlocksFaults() throws IOException {
        long swapper = 0x4100_0000L;
        long voff = 0xffff_8000_0000_0000L - 0x4000_0000L;
        Aarch64 a = arch(config(4096, 48, 0xffff_8000_1001_0000L, swapper, voff, 0x4000_0000L));
        long va = 0xffff_8000_0812_3000L;
        Tables t = new Tables().put(swapper, idx(va, 39, 9), 0x80_0000_0000L | BLOCK | AF);
        MemoryFault f = assertThrows(MemoryFault.class, () -> a.walk(va, t));
        assertEquals(MemoryFault.Reason.NOT_MAPPED, f.reason());
        assertTrue(f.getMessage().contains("block descriptor"), f.getMessage());
    }

    /** 64 KiB pages, 48-bit VA: three levels (shifts 42/29/16), 512 MiB blocks, PA[51:48] in bits [15:12]. */
    @Test
    void sixtyFourKiBThreeLevelsAnd52BitPhysical() throws IOException {
        long swapper = 0x4100_0000L;
        long voff = 0xffff_8000_0000_0000L - 0x4000_0000L;
        Aarch64 a = arch(config(65536, 48, 0xffff_8000_1001_0000L, swapper, voff, 0x4000_0000L));
        assertEquals(3, a.levels());
        long pmd = 0x4200_0000L;
        long pte = 0x4300_0000L;
        long va = 0xffff_8000_1234_5678L;
        long vaBlock = 0xffff_8400_2345_6789L;
        long highPa = 0x000a_0000_0000_0000L; // PA[51:48] = 0xa
        Tables t = new Tables()
                .put(swapper, idx(va, 42, 6), pmd | TABLE)
                .put(pmd, idx(va, 29, 13), pte | TABLE)
                .put(pte, idx(va, 16, 13), 0x7777_0000L | (0xaL << 12) | PAGE | AF)
                .put(swapper, idx(vaBlock, 42, 6), (pmd + 0x10000) | TABLE)
                .put(pmd + 0x10000, idx(vaBlock, 29, 13), 0x6000_0000L | BLOCK | AF);
        assertEquals(highPa | 0x7777_0000L | (va & 0xffff), a.walk(va, t));
        assertEquals(0x6000_0000L | (vaBlock & 0x1fff_ffff), a.walk(vaBlock, t));
    }

    /** 16 KiB pages: 47-bit VA has 3 levels, 48-bit has 4 with a 2-entry top level (makedumpfile's table). */
    @Test
    void sixteenKiBLevelCounts() throws IOException {
        long voff = 0xffff_8000_0000_0000L - 0x4000_0000L;
        assertEquals(3, arch(config(16384, 47, 0xffff_c000_1001_0000L, 0x4100_0000L, voff, 0)).levels());
        Aarch64 a = arch(config(16384, 48, 0xffff_8000_1001_0000L, 0x4100_0000L, voff, 0));
        assertEquals(4, a.levels());
        long swapper = 0x4100_0000L;
        long va = 0xffff_8000_0123_4567L;
        Tables t = new Tables()
                .put(swapper, idx(va, 47, 1), 0x4200_0000L | TABLE)
                .put(0x4200_0000L, idx(va, 36, 11), 0x4300_0000L | TABLE)
                .put(0x4300_0000L, idx(va, 25, 11), 0x9000_0000L | BLOCK | AF); // 32 MiB block
        assertEquals(0x9000_0000L | (va & 0x1ff_ffff), a.walk(va, t));
    }

    /** 4 KiB pages with a 52-bit VA at run time (LPA2): five levels, PA[51:50] in descriptor bits [9:8]. */
    @Test
    void fourKiB52BitLpa2FiveLevels() throws IOException {
        long voff = 0xfff8_0000_0000_0000L - 0x4000_0000L;
        long swapper = 0x4100_0000L;
        Aarch64 a = arch(config(4096, 52, 0xfff8_0000_1001_0000L, swapper, voff, 0) + "NUMBER(TCR_EL1_T1SZ)=12\n");
        assertEquals(5, a.levels());
        long va = 0xfff8_1234_5678_9abcL;
        Tables t = new Tables()
                .put(swapper, idx(va, 48, 4), 0x4200_0000L | TABLE)
                .put(0x4200_0000L, idx(va, 39, 9), 0x4300_0000L | TABLE)
                .put(0x4300_0000L, idx(va, 30, 9), 0x4400_0000L | TABLE)
                .put(0x4400_0000L, idx(va, 21, 9), 0x4500_0000L | TABLE)
                .put(0x4500_0000L, idx(va, 12, 9), 0x2_0000_1000_0000L | (2L << 8) | PAGE | AF);
        assertEquals((2L << 50) | 0x2_0000_1000_0000L | 0xabcL, a.walk(va, t));
    }

    /** Before Linux 5.4 the linear map was the upper half: PAGE_OFFSET = -(1 << (VA_BITS - 1)). */
    @Test
    void preFiveFourLayout() throws IOException {
        long stext = 0xffff_ff80_0808_0000L; // VA_BITS 39: the image sits low, in the vmalloc area
        Aarch64 a = arch(config(4096, 39, stext, 0x4100_0000L, 0xffff_ff80_0000_0000L - 0x4000_0000L, 0x4000_0000L));
        assertEquals(0xffff_ffc0_0000_0000L, a.pageOffset());
        assertEquals(3, a.levels());
        assertTrue(a.isLinear(0xffff_ffc0_1234_5678L));
        assertFalse(a.isLinear(stext));
        assertEquals(0x4000_0000L + 0x1234_5678L, a.directTranslate(0xffff_ffc0_1234_5678L).getAsLong());
    }

    @Test
    void pointerAuthenticationBitsAreStripped() throws IOException {
        Aarch64 a = arch(FIXTURE.replace("NUMBER(KERNELPACMASK)=0x0", "NUMBER(KERNELPACMASK)=0xff7f000000000000"));
        assertEquals(0xffff_c186_03e1_0000L, a.stripPointer(0x8abf_c186_03e1_0000L));
        assertEquals(0x0000_aaaa_0000_1000L, a.stripPointer(0x1200_aaaa_0000_1000L), "user pointer: bits cleared");
        assertEquals(0x8a3f_c186_03e1_0000L, arch(FIXTURE).stripPointer(0x8a3f_c186_03e1_0000L), "mask 0: unchanged");
    }

    @Test
    void missingKeysAreNamed() {
        DumpFormatException e = assertThrows(DumpFormatException.class,
                () -> arch(FIXTURE.replace("NUMBER(kimage_voffset)", "NUMBER(x)")));
        assertTrue(e.getMessage().contains("NUMBER(kimage_voffset)"), e.getMessage());
        DumpFormatException p = assertThrows(DumpFormatException.class, () -> arch(FIXTURE.replace("PAGESIZE=4096", "PAGESIZE=8192")));
        assertTrue(p.getMessage().contains("PAGESIZE=8192"), p.getMessage());
    }
}
