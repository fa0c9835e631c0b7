package io.kdump4j.setup.load;

import io.kdump4j.format.note.VmcoreinfoText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.setup.check.Iomem;
import io.kdump4j.setup.elfcore.CrashSources;
import io.kdump4j.setup.fdt.DeviceTree;
import io.kdump4j.setup.fdt.FdtNode;
import io.kdump4j.setup.fdt.FdtReader;
import io.kdump4j.setup.fdt.FdtValues;
import io.kdump4j.setup.kexec.KexecSegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The segment plan with the fixture machine's numbers (arm64 virt, 512M, crashkernel=128M at
 * 0x53600000, console.log of arm64-6.1.0-56-arm64/sysrq) and its VMCOREINFO values.
 */
class Arm64CapturePlanTest {
    static final VmcoreinfoText VMCOREINFO = VmcoreinfoText.parse("test", "NUMBER(kimage_voffset)=0xffffc185c3c00000\n"
            + "NUMBER(PHYS_OFFSET)=0xffffab1240000000\nNUMBER(VA_BITS)=48\n");
    static final Iomem IOMEM = Iomem.parse("""
            40000000-5fffffff : System RAM
              40210000-4111ffff : Kernel code
              41490000-4220ffff : Kernel data
              53600000-5b5fffff : Crash kernel
            """);

    static Arm64Image image(long textOffset, long imageSize, int fileSize) throws DumpFormatException {
        ByteBuffer b = ByteBuffer.allocate(fileSize).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x14000000).putLong(8, textOffset).putLong(16, imageSize).putLong(24, 0b1010).putInt(56, Arm64Image.MAGIC);
        return Arm64Image.parse("Image", b.array());
    }

    static DeviceTree tree() {
        FdtNode root = new FdtNode("");
        root.setCells("#address-cells", 2).setCells("#size-cells", 2);
        root.add(new FdtNode("chosen")).setString("bootargs", "console=ttyAMA0 crashkernel=128M");
        return new DeviceTree(List.of(), 0, root);
    }

    static CrashSources sources() {
        return new CrashSources(List.of(new CrashSources.CpuNote(0, 0x5f7b1000L, 424)), 0x4a6a0000L, 4096, IOMEM,
                VMCOREINFO, 0);
    }

    @Test
    void layoutInsideTheReservation() throws Exception {
        byte[] initrd = new byte[2_781_000];
        Arm64CapturePlan p = Arm64CapturePlan.plan(image(0, 35 << 20, 30 << 20), initrd, "console=ttyAMA0 cma=0",
                tree(), sources());
        List<KexecSegment> s = p.segments();
        assertEquals(List.of("kernel Image", "initramfs", "device tree", "purgatory", "ELF core header"),
                s.stream().map(KexecSegment::name).toList());
        assertEquals(0x53600000L, s.get(0).mem(), "2 MiB aligned base + text_offset 0");
        assertEquals(0x5b5ff000L, s.get(4).mem(), "the header in the last page, where kexec-tools puts it");
        assertEquals(s.get(3).mem(), p.entry());
        for (int i = 1; i < s.size(); i++) {
            assertTrue(s.get(i).mem() >= s.get(i - 1).end(), "no overlap at " + i);
        }
        assertTrue(s.getLast().end() == 0x5b600000L);
        DeviceTree dtb = FdtReader.read("plan", s.get(2).bytes());
        FdtNode chosen = dtb.root().child("chosen").orElseThrow();
        assertEquals("console=ttyAMA0 cma=0", chosen.string("bootargs").orElseThrow());
        byte[] hdr = chosen.property("linux,elfcorehdr").orElseThrow();
        assertEquals(0x5b5ff000L, FdtValues.number(hdr, 0, 2));
        assertEquals(p.elfcorehdr(), FdtValues.number(hdr, 2, 2));
        byte[] usable = chosen.property("linux,usable-memory-range").orElseThrow();
        assertEquals(0x53600000L, FdtValues.number(usable, 0, 2));
        assertEquals(128L << 20, FdtValues.number(usable, 2, 2));
        assertEquals(s.get(1).mem(), FdtValues.number(chosen.property("linux,initrd-start").orElseThrow(), 0, 2));
        assertEquals(s.get(1).mem() + initrd.length,
                FdtValues.number(chosen.property("linux,initrd-end").orElseThrow(), 0, 2));
        // The purgatory's literals: the tree and the Image.
        ByteBuffer pg = ByteBuffer.wrap(s.get(3).bytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(s.get(2).mem(), pg.getLong(24));
        assertEquals(s.get(0).mem(), pg.getLong(32));
        assertTrue(p.describe().contains("entry 0x"), p.describe());
    }

    @Test
    void verifyingPurgatoryListsEverySegment() throws Exception {
        byte[] initrd = new byte[3000];
        initrd[7] = 5;
        Arm64CapturePlan p = Arm64CapturePlan.plan(image(0, 2 << 20, 1 << 20), initrd, "x", tree(), sources(), true);
        KexecSegment pg = p.segments().get(3);
        assertEquals("purgatory+check", pg.name());
        ByteBuffer b = ByteBuffer.wrap(pg.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(p.segments().get(2).mem(), b.getLong(0x58), "dtb literal");
        assertEquals(p.segments().get(0).mem(), b.getLong(0x60), "kernel literal");
        assertEquals(4, b.getLong(0x68), "kernel, initramfs, device tree, ELF core header");
        assertEquals(p.segments().get(1).mem(), b.getLong(0x70 + 24));
        assertEquals(3000, b.getLong(0x70 + 32));
        assertEquals(5, b.getLong(0x70 + 40), "byte sum of the initramfs");
        assertEquals(p.segments().get(4).mem(), b.getLong(0x70 + 72));
    }

    @Test
    void highAndLowReservationsAreBothUsable() throws Exception {
        Iomem two = Iomem.parse("""
                40000000-bfffffff : System RAM
                  40210000-4111ffff : Kernel code
                  41490000-4220ffff : Kernel data
                  50000000-51ffffff : Crash kernel
                  a0000000-afffffff : Crash kernel
                """);
        CrashSources src = new CrashSources(sources().cpuNotes(), 0x4a6a0000L, 4096, two, VMCOREINFO, 0);
        Arm64CapturePlan p = Arm64CapturePlan.plan(image(0, 20 << 20, 1 << 20), null, "x", tree(), src);
        assertEquals(0xa0000000L, p.segments().getFirst().mem(), "segments in the larger range");
        DeviceTree dtb = FdtReader.read("plan", p.segments().get(1).bytes());
        byte[] usable = dtb.root().child("chosen").orElseThrow().property("linux,usable-memory-range").orElseThrow();
        assertEquals(32, usable.length);
        assertEquals(0x50000000L, FdtValues.number(usable, 0, 2));
        assertEquals(32L << 20, FdtValues.number(usable, 2, 2));
        assertEquals(0xa0000000L, FdtValues.number(usable, 4, 2));
        assertEquals(256L << 20, FdtValues.number(usable, 6, 2));
        assertEquals(3, p.core().stream().filter(c -> c.what().equals("System RAM")).count(), "RAM minus both ranges");
    }

    @Test
    void textOffsetIsHonoured() throws Exception {
        Arm64CapturePlan p = Arm64CapturePlan.plan(image(0x80000, 20 << 20, 1 << 20), null, "x", tree(), sources());
        assertEquals(0x53600000L + 0x80000, p.segments().getFirst().mem());
        assertEquals("device tree", p.segments().get(1).name(), "no initramfs segment");
    }

    @Test
    void tooSmallReservationSaysHowMuch() throws Exception {
        var e = assertThrows(IllegalStateException.class, () -> Arm64CapturePlan.plan(image(0, 120 << 20, 1 << 20),
                new byte[20 << 20], "x", tree(), sources()));
        assertTrue(e.getMessage().contains("too small") && e.getMessage().contains("need 140 MiB"), e.getMessage());
    }

    @Test
    void imageHeaderChecks() {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        var bad = assertThrows(DumpFormatException.class, () -> Arm64Image.parse("x", b.array()));
        assertEquals(56, bad.offset());
        assertThrows(DumpFormatException.class, () -> Arm64Image.parse("short", new byte[40]));
        b.putInt(56, Arm64Image.MAGIC).putLong(8, 0x1234);
        assertEquals(8, assertThrows(DumpFormatException.class, () -> Arm64Image.parse("x", b.array())).offset());
    }
}
