package io.kdump4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Every key kind of the VMCOREINFO text, and what happens to lines that do not parse. */
class VmcoreinfoTest {

    private static Vmcoreinfo parse(String text, long offset) {
        return Vmcoreinfo.parse("dump.elf", offset, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void everyKeyKind() {
        Vmcoreinfo vi = parse("""
                OSRELEASE=6.1.0-56-amd64
                BUILD-ID=eb4fbcd037e7253717950bf2b93bd5566f47c56f
                PAGESIZE=4096
                SYMBOL(init_uts_ns)=ffffffffb0dfb000
                SIZE(printk_ringbuffer)=88
                OFFSET(printk_ringbuffer.text_data_ring)=48
                LENGTH(printk_info_device)=48
                NUMBER(phys_base)=-387973120
                NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129
                NUMBER(kimage_voffset)=0xffffc185c3c00000
                NUMBER(TCR_EL1_T1SZ)=0x10
                KERNELOFFSET=2e200000
                CRASHTIME=1795665136
                """, 0);
        assertEquals(List.of(), vi.warnings());
        assertEquals(Optional.of("6.1.0-56-amd64"), vi.osrelease());
        assertEquals(Optional.of("eb4fbcd037e7253717950bf2b93bd5566f47c56f"), vi.buildId());
        assertEquals(OptionalLong.of(4096), vi.pageSize());
        assertEquals(OptionalLong.of(0xffffffffb0dfb000L), vi.symbol("init_uts_ns"));
        assertEquals(OptionalLong.of(88), vi.size("printk_ringbuffer"));
        assertEquals(OptionalLong.of(48), vi.offset("printk_ringbuffer", "text_data_ring"));
        assertEquals(OptionalLong.of(48), vi.length("printk_info_device"));
        assertEquals(OptionalLong.of(-387973120), vi.number("phys_base"));
        assertEquals(OptionalLong.of(-129), vi.number("PAGE_BUDDY_MAPCOUNT_VALUE"));
        assertEquals(OptionalLong.of(0xffffc185c3c00000L), vi.number("kimage_voffset"));
        assertEquals(OptionalLong.of(16), vi.number("TCR_EL1_T1SZ"));
        assertEquals(OptionalLong.of(0x2e200000), vi.kernelOffset());
        assertEquals(OptionalLong.of(1795665136), vi.crashTime());
        assertEquals(Optional.of("2e200000"), vi.text("KERNELOFFSET"));
        assertTrue(vi.symbol("nope").isEmpty());
        assertTrue(vi.offset("printk_ringbuffer", "nope").isEmpty());
    }

    /** Malformed lines are kept out of the typed getters and reported with the file offset of the line. */
    @Test
    void malformedLinesBecomeWarningsWithOffsets() {
        String text = "OSRELEASE=6.1\nno equals sign\nSYMBOL(x)=zzzz\nNUMBER(y)=12abc\nSIZE(z)=\n=empty key\n";
        Vmcoreinfo vi = parse(text, 1000);
        List<String> w = vi.warnings();
        assertEquals(5, w.size(), w.toString());
        assertTrue(w.get(0).contains("at offset " + (1000 + text.indexOf("no equals"))), w.get(0));
        assertTrue(w.get(1).contains("at offset " + (1000 + text.indexOf("SYMBOL(x)"))) && w.get(1).contains("hexadecimal"));
        assertTrue(w.get(2).contains("not a number"), w.get(2));
        assertTrue(w.get(0).startsWith("dump.elf: "), w.get(0));
        assertTrue(vi.symbol("x").isEmpty());
        assertTrue(vi.number("y").isEmpty());
        assertTrue(vi.size("z").isEmpty());
        assertEquals(Optional.of("6.1"), vi.osrelease());
    }

    @Test
    void trailingNulsCarriageReturnsAndDuplicates() {
        Vmcoreinfo vi = Vmcoreinfo.parse("f", 0, "PAGESIZE=4096\nCRASHTIME=1\nCRASHTIME=2\n\0\0\0".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(List.of(), vi.warnings());
        assertEquals(OptionalLong.of(2), vi.crashTime(), "a later duplicate wins (VmcoreinfoText: the kernel appends)");
        assertFalse(vi.has(""));
        Vmcoreinfo noNewline = parse("PAGESIZE=65536", 0);
        assertEquals(OptionalLong.of(65536), noNewline.pageSize());
    }

    @Test
    void hostileValuesDoNotThrow() {
        Vmcoreinfo vi = parse("SYMBOL(a)=ffffffffffffffffff\nNUMBER(b)=99999999999999999999999\nSIZE(c)=-\n"
                + "OFFSET(d.e)=0x\nBUILD-ID=\n\u00ff\u00fe=\u0001\n", 0);
        assertTrue(vi.symbol("a").isEmpty());
        assertTrue(vi.number("b").isEmpty());
        assertTrue(vi.size("c").isEmpty());
        assertTrue(vi.offset("d", "e").isEmpty());
        assertTrue(vi.buildId().isEmpty());
        assertEquals(4, vi.warnings().size(), vi.warnings().toString());
    }
}
