package io.kdump4j.kernel.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.Vmcoreinfo;
import io.kdump4j.kernel.testing.TinyElfCore;
import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Architecture detection when the container does not name the machine (QEMU writes "Unknown"). */
class ArchDetectTest {
    @TempDir
    Path tmp;

    private String detect(TinyElfCore core) throws IOException {
        Path f = core.write(tmp.resolve("d" + System.nanoTime() + ".elf"));
        try (DumpFile d = Dumps.open(f)) {
            Vmcoreinfo vi = d.vmcoreinfo().map(t -> Vmcoreinfo.parse(d.name(), 0, t.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)))
                    .orElse(Vmcoreinfo.empty());
            return Arch.detectName(d, vi);
        }
    }

    /** The real VMCOREINFO of each architecture's fixture, in an ELF core whose e_machine says nothing. */
    @Test
    void fromVmcoreinfoKeys() throws IOException {
        String x86 = Files.readString(Fixtures.dir("x86_64-6.1.0-56-amd64/sysrq-elf").resolve("vmcoreinfo.txt"));
        String arm = Files.readString(Fixtures.dir("arm64-6.1.0-56-arm64/sysrq").resolve("vmcoreinfo.txt"));
        assertEquals("x86_64", detect(new TinyElfCore(0).vmcoreinfo(x86)));
        assertEquals("aarch64", detect(new TinyElfCore(0).vmcoreinfo(arm)));
    }

    @Test
    void fromPrstatusSizeAsALastResort() throws IOException {
        assertEquals("x86_64", detect(new TinyElfCore(0).vmcoreinfo("PAGESIZE=4096\n").note("CORE", 1, new byte[336])));
        assertEquals("aarch64", detect(new TinyElfCore(0).vmcoreinfo("PAGESIZE=4096\n").note("CORE", 1, new byte[392])));
    }

    @Test
    void elfMachineWinsOverKeys() throws IOException {
        assertEquals("aarch64", detect(new TinyElfCore(TinyElfCore.EM_AARCH64).vmcoreinfo("NUMBER(phys_base)=0\n")));
    }

    @Test
    void otherArchitecturesAndNoClueAreFormatErrors() {
        DumpFormatException i386 = assertThrows(DumpFormatException.class,
                () -> detect(new TinyElfCore(3).vmcoreinfo("NUMBER(phys_base)=0\n")));
        assertTrue(i386.getMessage().contains("i386"), i386.getMessage());
        DumpFormatException none = assertThrows(DumpFormatException.class,
                () -> detect(new TinyElfCore(0).vmcoreinfo("PAGESIZE=4096\n").note("CORE", 1, new byte[100])));
        assertTrue(none.getMessage().contains("cannot tell the architecture"), none.getMessage());
    }

    @Test
    void dumpWithoutVmcoreinfoIsRefusedAndClosed() throws IOException {
        Path f = new TinyElfCore(TinyElfCore.EM_X86_64).memory(0, new byte[4096]).write(tmp.resolve("bare.elf"));
        io.kdump4j.kernel.MissingKernelDataException e = assertThrows(io.kdump4j.kernel.MissingKernelDataException.class,
                () -> KernelDump.open(Dumps.open(f)));
        assertTrue(e.getMessage().contains("no VMCOREINFO"), e.getMessage());
    }

    /** A Xen dom0 dump addresses machine frames: refused, not read as physical (it returned other frames' bytes). */
    @Test
    void xenDom0DumpIsRefused() throws IOException {
        Path f = new TinyElfCore(TinyElfCore.EM_X86_64).vmcoreinfo("PAGESIZE=4096\nSYMBOL(init_top_pgt)=ffffffff81000000\n")
                .note("Xen", 0x1000001, new byte[64]).memory(0, new byte[4096]).write(tmp.resolve("xen.elf"));
        io.kdump4j.kernel.MissingKernelDataException e = assertThrows(io.kdump4j.kernel.MissingKernelDataException.class,
                () -> KernelDump.open(Dumps.open(f)));
        assertTrue(e.getMessage().contains("Xen dom0"), e.getMessage());
    }

    @Test
    void pageSizeMustFitTheArchitecture() throws IOException {
        Path f = new TinyElfCore(TinyElfCore.EM_X86_64).vmcoreinfo("PAGESIZE=65536\nSYMBOL(init_top_pgt)=ffffffff81000000\n")
                .memory(0, new byte[4096]).write(tmp.resolve("ps.elf"));
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> KernelDump.open(Dumps.open(f)));
        assertTrue(e.getMessage().contains("PAGESIZE=65536"), e.getMessage());
    }
}
