package io.kdump4j.kernel.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdump4j.format.Dumps;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.testing.TinyElfCore;
import io.kdump4j.testkit.KdumpWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * x86_64 kernels before 4.10 do not export NUMBER(phys_base): a relocated one (here loaded 32 MiB
 * above where it was linked) is read right only with phys_base from the dump, as crash and
 * makedumpfile take it: the kernel-text PT_LOAD of a /proc/vmcore ELF core, or the kdump
 * sub-header.
 */
class X86_64PhysBaseTest {
    private static final long KMAP = X86_64.START_KERNEL_MAP;
    /** Where _text (linked at 0xffffffff81000000, physical 16 MiB) really is: 48 MiB. */
    private static final long TEXT_PHYS = 0x300_0000L;
    private static final long PHYS_BASE = TEXT_PHYS - 0x100_0000L;
    private static final long TEXT = KMAP + 0x100_0000L;
    private static final String RELEASE = "4.9.0-relocated";

    @TempDir
    Path tmp;

    /** 64 KiB of kernel image at TEXT_PHYS: the top-level table at +0x1000, init_uts_ns at +0x3000. */
    private static byte[] image() {
        byte[] b = new byte[0x1_0000];
        String[] uts = {"Linux", "old", RELEASE, "#1 SMP", "x86_64", "(none)"};
        for (int i = 0; i < uts.length; i++) {
            byte[] s = uts[i].getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(s, 0, b, 0x3000 + 65 * i, s.length);
        }
        return b;
    }

    private static String vmcoreinfo() {
        // No NUMBER(phys_base): the kernel predates commit 401721ecd1dc.
        return "OSRELEASE=" + RELEASE + "\nPAGESIZE=4096\nSYMBOL(init_uts_ns)=" + Long.toHexString(TEXT + 0x3000)
                + "\nOFFSET(uts_namespace.name)=0\nSYMBOL(init_top_pgt)=" + Long.toHexString(TEXT + 0x1000) + "\n";
    }

    @Test
    void elfCoreKernelTextSegmentGivesPhysBase() throws IOException {
        byte[] image = image();
        Path core = Files.write(tmp.resolve("vmcore"), new TinyElfCore(TinyElfCore.EM_X86_64).vmcoreinfo(vmcoreinfo())
                .memory(TEXT_PHYS, image).mapped(TEXT_PHYS, TEXT, image).toBytes());
        try (KernelDump k = KernelDump.open(Dumps.open(core))) {
            assertEquals(PHYS_BASE, ((X86_64) k.arch()).physBase());
            assertEquals(TEXT_PHYS + 0x1000, ((X86_64) k.arch()).topTablePhys(), "page-table root");
            assertEquals(RELEASE, k.utsname().orElseThrow().release(), "init_uts_ns read through the text mapping");
        }
    }

    @Test
    void kdumpSubHeaderGivesPhysBase() throws IOException {
        KdumpWriter w = new KdumpWriter().vmcoreinfo(vmcoreinfo()).physBase(PHYS_BASE).maxMapnr(TEXT_PHYS / 4096 + 16);
        byte[] image = image();
        for (int i = 0; i < 16; i++) {
            byte[] page = new byte[4096];
            System.arraycopy(image, i * 4096, page, 0, 4096);
            w.page(TEXT_PHYS / 4096 + i, page);
        }
        Path dump = Files.write(tmp.resolve("vmcore.kdump"), w.build());
        try (KernelDump k = KernelDump.open(Dumps.open(dump))) {
            assertEquals(PHYS_BASE, ((X86_64) k.arch()).physBase());
            assertEquals(RELEASE, k.utsname().orElseThrow().release());
        }
    }

    @Test
    void exportedPhysBaseWins() throws IOException {
        byte[] image = image();
        Path core = Files.write(tmp.resolve("vmcore"), new TinyElfCore(TinyElfCore.EM_X86_64)
                .vmcoreinfo(vmcoreinfo() + "NUMBER(phys_base)=" + PHYS_BASE + "\n")
                .memory(TEXT_PHYS, image).toBytes());
        try (KernelDump k = KernelDump.open(Dumps.open(core))) {
            assertEquals(PHYS_BASE, ((X86_64) k.arch()).physBase());
        }
    }
}
