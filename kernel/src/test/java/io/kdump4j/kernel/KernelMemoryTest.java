package io.kdump4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.Dumps;
import io.kdump4j.format.mem.AddressSpace;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.kernel.testing.PhysicalImage;
import io.kdump4j.kernel.testing.SyntheticX86Kernel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kernel virtual memory on a synthetic x86_64 dump: reads split at page boundaries onto
 * non-contiguous physical pages, and the faults of missing page tables and missing data pages.
 * Mapping under test: {@code VA .. VA+3 pages} by 4 KiB PTEs; page 0 -> 0x41000, page 1 ->
 * 0x40000 (reversed, so a contiguous physical read would be wrong), page 2 -> 0x7000_0000
 * (beyond the dump's 1 MiB), page 3 not present; and a second PGD slot whose PUD table is
 * outside the dump.
 */
class KernelMemoryTest {
    private static final long VA = 0xffff_c900_0000_0000L;
    private static final long VA_LOST_TABLE = 0xffff_c980_0000_0000L;
    private static final long PUD = 0x20000;
    private static final long PMD = 0x21000;
    private static final long PTE = 0x22000;

    @TempDir
    Path tmp;
    private KernelDump k;

    @BeforeEach
    void open() throws IOException {
        SyntheticX86Kernel kernel = new SyntheticX86Kernel();
        PhysicalImage m = kernel.memory();
        long top = 0x1000;
        m.u64(top + ((VA >>> 39) & 511) * 8, PUD | 0x63).u64(PUD + ((VA >>> 30) & 511) * 8, PMD | 0x63)
                .u64(PMD + ((VA >>> 21) & 511) * 8, PTE | 0x63)
                .u64(PTE, 0x41000 | 0x63).u64(PTE + 8, 0x40000 | 0x63).u64(PTE + 16, 0x7000_0000L | 0x63);
        m.u64(top + ((VA_LOST_TABLE >>> 39) & 511) * 8, 0x7100_0000L | 0x63);
        byte[] page0 = new byte[4096];
        byte[] page1 = new byte[4096];
        for (int i = 0; i < 4096; i++) {
            page0[i] = (byte) i;
            page1[i] = (byte) (255 - i);
        }
        byte[] tail = "hello, world".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(tail, 0, page0, 4096 - 7, 7);
        System.arraycopy(tail, 7, page1, 0, 5);
        page1[5] = 0;
        m.bytes(0x41000, page0).bytes(0x40000, page1);
        Path f = Files.write(tmp.resolve("mem.elf"), kernel.elf());
        k = KernelDump.open(Dumps.open(f));
    }

    @Test
    void readsSplitAtPageBoundaries() throws IOException {
        byte[] got = k.memory().read(VA + 4000, 200);
        for (int i = 0; i < 96 - 7; i++) {
            assertEquals((byte) (4000 + i), got[i]);
        }
        for (int i = 96 + 6; i < 200; i++) {
            assertEquals((byte) (255 - (i - 96)), got[i], "byte " + i);
        }
        assertEquals(0x41000 + 5, k.memory().virtToPhys(VA + 5));
        assertEquals(0x40000 + 5, k.memory().virtToPhys(VA + 4096 + 5));
        assertEquals("hello, world", k.memory().cString(VA + 4096 - 7, 100));
        assertEquals("hello", k.memory().cString(VA + 4096 - 7, 5));
        assertEquals(k.memory().u64(VA + 4096 - 4), k.memory().u64(VA + 4096 - 4), "cached translation is stable");
        byte[] viaPhysical = new byte[16];
        k.memory().readPhysical(0x40000, viaPhysical, 0, 16);
        assertArrayEquals(viaPhysical, k.memory().read(VA + 4096, 16));
    }

    @Test
    void dataPageOutsideTheDump() {
        MemoryFault f = assertThrows(MemoryFault.class, () -> k.memory().read(VA + 4096 + 4000, 200));
        assertEquals(VA + 2 * 4096, f.address(), "the first unreadable byte");
        assertEquals(AddressSpace.VIRTUAL, f.space());
        assertEquals(MemoryFault.Reason.NOT_IN_DUMP, f.reason());
        assertTrue(f.getMessage().contains("physical 0x70000000"), f.getMessage());
    }

    @Test
    void notPresentPte() {
        MemoryFault f = assertThrows(MemoryFault.class, () -> k.memory().u8(VA + 3 * 4096 + 1));
        assertEquals(VA + 3 * 4096 + 1, f.address());
        assertEquals(MemoryFault.Reason.NOT_MAPPED, f.reason());
        assertTrue(f.getMessage().contains("PTE entry 3"), f.getMessage());
    }

    @Test
    void pageTableOutsideTheDump() {
        MemoryFault f = assertThrows(MemoryFault.class, () -> k.memory().u32(VA_LOST_TABLE + 8));
        assertEquals(VA_LOST_TABLE + 8, f.address());
        assertEquals(AddressSpace.VIRTUAL, f.space());
        assertEquals(MemoryFault.Reason.NOT_IN_DUMP, f.reason());
        assertTrue(f.getMessage().contains("page table at physical 0x71000"), f.getMessage());
    }

    @Test
    void utsnameAndIdentity() {
        Utsname u = k.utsname().orElseThrow();
        assertEquals(SyntheticX86Kernel.RELEASE, u.release());
        assertEquals("#1 SMP synthetic", k.version());
        assertEquals(SyntheticX86Kernel.RELEASE, k.release());
        assertEquals(0, k.cpus(), "no NT_PRSTATUS notes and no header count");
        assertEquals(1 << 20, k.memoryBytes());
    }
}
