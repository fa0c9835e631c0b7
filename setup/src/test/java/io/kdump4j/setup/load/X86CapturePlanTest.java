package io.kdump4j.setup.load;

import io.kdump4j.format.note.VmcoreinfoText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.Dumps;
import io.kdump4j.format.elf.ElfDump;
import io.kdump4j.format.elf.ProgramHeader;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.setup.check.Iomem;
import io.kdump4j.setup.elfcore.CoreSegment;
import io.kdump4j.setup.elfcore.CrashSources;
import io.kdump4j.setup.elfcore.KcoreVmcoreinfo;
import io.kdump4j.setup.elfcore.X86CoreHeader;
import io.kdump4j.setup.kexec.KexecSegment;
import io.kdump4j.testkit.Fixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The x86_64 kexec_load plan. The ELF core header is checked against the kernel's own: the
 * 6.1 fixture was captured after a kexec_file_load (kdumplab.kexec=file) with {@code dd} of
 * /proc/vmcore, so its program headers are the ones the kernel wrote. Its machine's memory map
 * is in its console.log (BIOS-e820 lines, "Crash kernel" from the capture's /proc/iomem line),
 * its phys_base and _stext in its VMCOREINFO. The bzImage is Debian's current one
 * (scripts/setup-e2e.sh fetched it); the QEMU cycle boots this plan for real.
 */
class X86CapturePlanTest {
    static final String CASE = "x86_64-6.1.0-56-amd64/sysrq-elf";

    /** The fixture machine's /proc/iomem as far as its console shows it. */
    static Iomem fixtureIomem(long kernelCode) throws Exception {
        StringBuilder iomem = new StringBuilder();
        for (String l : Files.readAllLines(Fixtures.dir(CASE).resolve("console.log"), StandardCharsets.ISO_8859_1)) {
            int at = l.indexOf("BIOS-e820: [mem 0x");
            if (at < 0) {
                continue;
            }
            String[] r = l.substring(at + 18, l.indexOf(']', at)).split("-0x");
            String name = l.endsWith("usable") ? "System RAM" : "Reserved";
            iomem.append(Long.toHexString(Long.parseUnsignedLong(r[0], 16))).append('-')
                    .append(Long.toHexString(Long.parseUnsignedLong(r[1], 16))).append(" : ").append(name).append('\n');
            if (name.equals("System RAM") && Long.parseUnsignedLong(r[0], 16) == 0x100000) {
                iomem.append("  ").append(Long.toHexString(kernelCode)).append('-').append(Long.toHexString(kernelCode + 0xffffff))
                        .append(" : Kernel code\n  2f000000-3effffff : Crash kernel\n");
            }
        }
        return Iomem.parse(iomem.toString());
    }

    static VmcoreinfoText fixtureVmcoreinfo() throws Exception {
        return VmcoreinfoText.parse("vmcoreinfo.txt", Files.readString(Fixtures.dir(CASE).resolve("vmcoreinfo.txt")));
    }

    @Test
    void coreHeaderHasTheKernelsOwnLoadSegments() throws Exception {
        List<ProgramHeader> kernels;
        try (ElfDump d = (ElfDump) Dumps.open(Fixtures.elfCore(CASE))) {
            kernels = d.programHeaders().stream().filter(p -> p.type() == CoreSegment.PT_LOAD).toList();
        }
        ProgramHeader text = kernels.getFirst();
        long directMap = kernels.get(1).vaddr() - kernels.get(1).paddr();
        CrashSources src = new CrashSources(List.of(new CrashSources.CpuNote(0, 0x3ec1c000L, 424)), 0x2d5a000L, 4096,
                fixtureIomem(text.paddr()), fixtureVmcoreinfo(), 0);
        List<CoreSegment> ours = X86CoreHeader.segments(src, directMap).stream()
                .filter(c -> c.type() == CoreSegment.PT_LOAD).toList();
        assertEquals(kernels.size(), ours.size(), ours.toString());
        // The kernel image: the virtual address from phys_base must be the kernel's own.
        assertEquals(text.vaddr(), ours.getFirst().vaddr(), "kernel image vaddr");
        assertEquals(text.paddr(), ours.getFirst().paddr());
        for (int i = 1; i < kernels.size(); i++) {
            ProgramHeader k = kernels.get(i);
            CoreSegment o = ours.get(i);
            assertEquals(List.of(k.paddr(), k.memsz(), k.vaddr()), List.of(o.paddr(), o.size(), o.vaddr()),
                    "RAM PT_LOAD " + i);
        }
    }

    @Test
    void wrongPhysBaseIsRefused() throws Exception {
        // A later line overrides an earlier one (VmcoreinfoText's rule for a repeated key).
        VmcoreinfoText vi = VmcoreinfoText.parse("vmcoreinfo.txt", Files.readString(Fixtures.dir(CASE)
                .resolve("vmcoreinfo.txt")) + "NUMBER(phys_base)=0\n");
        CrashSources src = new CrashSources(List.of(new CrashSources.CpuNote(0, 0x3ec1c000L, 424)), 0x2d5a000L, 4096,
                fixtureIomem(0x18000000L), vi, 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> X86CoreHeader.segments(src, 0));
        assertTrue(e.getMessage().contains("disagree"), e.getMessage());
    }

    static X86BzImage debianKernel() throws Exception {
        Path vmlinuz = Fixtures.cache().resolve("kernels/current/vmlinuz");
        Assumptions.assumeTrue(Files.isRegularFile(vmlinuz), "no Debian kernel: scripts/setup-e2e.sh");
        return X86BzImage.read(vmlinuz);
    }

    @Test
    void planPutsEverythingInTheReservationAndDescribesItInBootParams() throws Exception {
        X86BzImage k = debianKernel();
        assertTrue(k.version() >= 0x020c && (k.xloadflags() & X86BzImage.XLF_KERNEL_64) != 0);
        assertTrue(k.initSize() > k.protectedMode().length, "init_size covers decompression");
        CrashSources src = new CrashSources(List.of(new CrashSources.CpuNote(0, 0x3ec1c000L, 424),
                new CrashSources.CpuNote(1, 0x3ec3c000L, 424)), 0x2d5a000L, 4096, fixtureIomem(0x18000000L),
                fixtureVmcoreinfo(), 0);
        byte[] initrd = new byte[29_400_149];
        byte[] running = new byte[4096];
        ByteBuffer.wrap(running).order(ByteOrder.LITTLE_ENDIAN).putLong(0x070, 0xf5a40L).putInt(0x1c0, 0x34364c45);
        X86CapturePlan p = X86CapturePlan.plan(k, initrd, "console=ttyS0 cma=0", src, 0xffff89d000000000L, running, 0);
        List<KexecSegment> segs = p.segments();
        assertEquals(List.of("kernel (bzImage)", "boot_params+cmdline", "initramfs", "purgatory", "ELF core header"),
                segs.stream().map(KexecSegment::name).toList());
        for (int i = 0; i < segs.size(); i++) {
            KexecSegment s = segs.get(i);
            assertTrue(s.mem() >= 0x2f000000L && s.end() <= 0x3f000000L, s.name() + " outside the reservation");
            if (i > 0) {
                assertTrue(s.mem() >= segs.get(i - 1).end(), s.name() + " overlaps");
            }
        }
        KexecSegment kernel = segs.getFirst();
        assertEquals(0, kernel.mem() % k.kernelAlignment());
        assertTrue(kernel.memsz() >= k.initSize());
        KexecSegment hdr = segs.getLast();
        assertEquals(0x3f000000L, hdr.end(), "the ELF core header sits at the top, as the kernel's loader puts it");
        assertEquals(segs.get(3).mem(), p.entry());
        assertTrue(p.cmdline().startsWith("elfcorehdr=0x" + Long.toHexString(hdr.mem()) + " "), p.cmdline());

        ByteBuffer bp = ByteBuffer.wrap(segs.get(1).bytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x53726448, bp.getInt(0x202), "the setup header was copied");
        assertEquals(segs.get(2).mem(), bp.getInt(0x218) & 0xffffffffL, "ramdisk_image");
        assertEquals(initrd.length, bp.getInt(0x21c), "ramdisk_size");
        long cmdAt = bp.getInt(0x228) & 0xffffffffL;
        assertEquals(segs.get(1).mem() + 4096, cmdAt, "cmd_line_ptr");
        byte[] cmd = Arrays.copyOfRange(segs.get(1).bytes(), 4096, 4096 + p.cmdline().length());
        assertEquals(p.cmdline(), new String(cmd, StandardCharsets.US_ASCII));
        assertEquals(0xf5a40L, bp.getLong(0x070), "acpi_rsdp_addr kept from the running kernel");
        assertEquals(0, bp.getInt(0x1c0), "efi_info cleared: EFI runtime is not handed over");
        int n = bp.get(0x1e8) & 0xff;
        List<String> e820 = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            e820.add(Long.toHexString(bp.getLong(0x2d0 + 20 * i)) + "+" + Long.toHexString(bp.getLong(0x2d8 + 20 * i))
                    + ":" + bp.getInt(0x2e0 + 20 * i));
        }
        // Low RAM, the reserved ranges, and the reservation as RAM without the header's page.
        assertTrue(e820.contains("0+9fc00:1"), e820.toString());
        assertTrue(e820.contains("2f000000+" + Long.toHexString(hdr.mem() - 0x2f000000L) + ":1"), e820.toString());
        assertTrue(e820.contains("f0000+10000:2"), e820.toString());
        assertTrue(e820.stream().noneMatch(e -> e.startsWith("100000+")), "the first kernel's RAM is not the capture kernel's: " + e820);
    }

    @Test
    void tooSmallReservationSaysHowMuchIsNeeded() throws Exception {
        X86BzImage k = debianKernel();
        Iomem small = Iomem.parse("""
                00001000-0009fbff : System RAM
                00100000-3ffd8fff : System RAM
                  18000000-18ffffff : Kernel code
                  2f000000-30ffffff : Crash kernel
                """);
        CrashSources src = new CrashSources(List.of(new CrashSources.CpuNote(0, 0x3ec1c000L, 424)), 0x2d5a000L, 4096,
                small, fixtureVmcoreinfo(), 0);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> X86CapturePlan.plan(k, new byte[29 << 20], "x", src, 0xffff89d000000000L, null, 0));
        assertTrue(e.getMessage().contains("too small") && e.getMessage().contains("MiB"), e.getMessage());
    }

    @Test
    void notABzImage() {
        byte[] junk = new byte[8192];
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> X86BzImage.parse("Image.gz", junk));
        assertTrue(e.getMessage().contains("Image.gz") && e.getMessage().contains("0x1fe"), e.getMessage());
        junk[0x1fe] = 0x55;
        junk[0x1ff] = (byte) 0xaa;
        e = assertThrows(DumpFormatException.class, () -> X86BzImage.parse("Image.gz", junk));
        assertTrue(e.getMessage().contains("HdrS"), e.getMessage());
    }
}
