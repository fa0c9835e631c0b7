package io.kdump4j.format.note;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.io.ArrayByteSource;
import io.kdump4j.testkit.ElfCoreWriter;
import io.kdump4j.testkit.KdumpWriter;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The one VMCOREINFO parser: its rule for a repeated key (the later line wins, as the kernel
 * appends) and the format readers that probe the note for its page size going through it.
 * Before there was one parser, the ELF reader's and the kdump reader's probes took the first
 * {@code PAGESIZE=} line: {@link #elfPageSizeFromTheLaterLine} and
 * {@link #kdumpGuestPageFromTheLaterLine} failed.
 */
class VmcoreinfoTextTest {
    /** The kernel's own order: generic lines at boot, then an override, then CRASHTIME at panic. */
    static final String REPEATED = "OSRELEASE=6.1.0-old\nPAGESIZE=4096\nSYMBOL(_stext)=ffffffff81000000\n"
            + "NUMBER(phys_base)=0x1000\nCRASHTIME=100\nOSRELEASE=6.1.0-new\nPAGESIZE=16384\n"
            + "SYMBOL(_stext)=ffffffff82000000\nNUMBER(phys_base)=-4096\nCRASHTIME=200\n";

    @Test
    void theLaterLineWins() {
        VmcoreinfoText v = VmcoreinfoText.parse("t", 0, REPEATED.getBytes());
        assertEquals(List.of(), v.warnings());
        assertEquals(Optional.of("6.1.0-new"), v.text("OSRELEASE"));
        assertEquals(OptionalLong.of(16384), v.number("PAGESIZE"));
        assertEquals(OptionalLong.of(0xffffffff82000000L), v.hex("SYMBOL(_stext)"));
        assertEquals(OptionalLong.of(-4096), v.number("NUMBER(phys_base)"));
        assertEquals(OptionalLong.of(200), v.number("CRASHTIME"));
        // Each key once, at its first place.
        assertEquals(List.of("OSRELEASE", "PAGESIZE", "SYMBOL(_stext)", "NUMBER(phys_base)", "CRASHTIME"),
                List.copyOf(v.entries().keySet()));
    }

    @Test
    void valueSyntaxAndWarnings() {
        String text = "SYMBOL(a)=ffff\nSYMBOL(b)=0xff\nKERNELOFFSET=2e200000\nNUMBER(c)=-129\nNUMBER(d)=0x10\n"
                + "SIZE(e)=zz\nno equals\n\0\0\0";
        VmcoreinfoText v = VmcoreinfoText.parse("dump", 1000, text.getBytes());
        assertEquals(OptionalLong.of(0xffff), v.hex("SYMBOL(a)"));
        assertEquals(OptionalLong.of(0xff), v.hex("SYMBOL(b)"));
        assertEquals(OptionalLong.of(0x2e200000), v.hex("KERNELOFFSET"));
        assertEquals(OptionalLong.of(-129), v.number("NUMBER(c)"));
        assertEquals(OptionalLong.of(16), v.number("NUMBER(d)"));
        assertTrue(v.number("SIZE(e)").isEmpty());
        assertEquals(2, v.warnings().size(), v.warnings().toString());
        assertTrue(v.warnings().get(0).startsWith("dump: at offset " + (1000 + text.indexOf("SIZE(e)"))),
                v.warnings().get(0));
        assertTrue(VmcoreinfoText.parse("kcore", "x\n").warnings().get(0).startsWith("kcore: VMCOREINFO line"),
                "no offset when there is none");
        assertTrue(VmcoreinfoText.empty().isEmpty());
    }

    @Test
    void elfPageSizeFromTheLaterLine() throws IOException {
        byte[] core = new ElfCoreWriter().vmcoreinfo(REPEATED).load(0, new byte[16384], 16384).build();
        try (DumpFile d = Dumps.open(new ArrayByteSource("core", core))) {
            assertEquals(16384, d.memory().pageSize());
            assertEquals(Optional.of("6.1.0-new"), d.vmcoreinfoText().text("OSRELEASE"));
        }
    }

    @Test
    void kdumpGuestPageFromTheLaterLine() throws IOException {
        byte[] dump = new KdumpWriter().version(6).vmcoreinfo(REPEATED).maxMapnr(4).page(0, new byte[4096]).build();
        try (DumpFile d = Dumps.open(new ArrayByteSource("dump", dump))) {
            assertTrue(d.details().notes().stream().anyMatch(f -> f.contains("on a 16384-byte-page guest")),
                    d.details().notes().toString());
        }
    }
}
