package io.kdump4j.setup.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.setup.config.KernelCommandLine;
import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** crashkernel=, /proc/iomem and command-line parsing, on lines the lab's guests printed. */
class ParsersTest {
    @Test
    void crashkernelForms() {
        assertEquals(OptionalLong.of(256L << 20), CrashkernelParameter.parse("256M").sizeFor(1L << 30));
        CrashkernelParameter at = CrashkernelParameter.parse("128M@16M");
        assertEquals(16L << 20, at.offset());
        CrashkernelParameter high = CrashkernelParameter.parse("512M,high");
        assertEquals("high", high.suffix());
        assertEquals(512L << 20, high.fixedSize());
        // Debian's arm64 GRUB snippet (kdump-tools); ends are exclusive.
        CrashkernelParameter r = CrashkernelParameter.parse("2G-4G:320M,4G-32G:512M,32G-64G:1024M,64G-128G:2048M,128G-:4096M");
        assertEquals(OptionalLong.empty(), r.sizeFor(1L << 30));
        assertEquals(OptionalLong.of(320L << 20), r.sizeFor(2L << 30));
        assertEquals(OptionalLong.of(512L << 20), r.sizeFor(4L << 30));
        assertEquals(OptionalLong.of(4096L << 20), r.sizeFor(1L << 40));
        assertThrows(IllegalArgumentException.class, () -> CrashkernelParameter.parse("4G-2G:64M"));
        assertThrows(IllegalArgumentException.class, () -> CrashkernelParameter.parse("lots"));
        assertThrows(IllegalArgumentException.class, () -> CrashkernelParameter.parse("99999999999999G"));
    }

    /** The reservation line the lab's first kernel printed (result.json crashkernel_info). */
    @Test
    void iomemCrashKernel() throws IOException {
        String info = Files.readString(Fixtures.dir("x86_64-6.1.0-56-amd64/sysrq-elf/result.json"));
        String line = info.lines().filter(l -> l.contains("crashkernel_info")).findFirst().orElseThrow();
        String range = line.substring(line.indexOf("iomem:") + 6, line.indexOf(';'));
        Iomem m = Iomem.parse("00100000-3ffd8fff : System RAM\n  " + range.strip().replace(" : ", " : ") + "\n");
        List<Iomem.Resource> ck = m.crashKernel();
        assertEquals(1, ck.size());
        assertEquals(0x2f000000L, ck.get(0).start());
        // params say crashkernel=256M; the guest's kexec_crash_size and the range agree.
        assertEquals(268435456L, ck.get(0).size());
        assertEquals(1, ck.get(0).depth());
        assertTrue(Iomem.parse("00000000-00000000 : System RAM\n").addressesHidden());
    }

    @Test
    void commandLine() {
        KernelCommandLine c = KernelCommandLine.parse(
                "BOOT_IMAGE=/vmlinuz root=UUID=1 dyndbg=\"file a.c +p\" crashkernel=512M,high crashkernel=128M,low quiet -- single x");
        assertEquals(List.of("BOOT_IMAGE=/vmlinuz", "root=UUID=1", "dyndbg=\"file a.c +p\"", "crashkernel=512M,high",
                "crashkernel=128M,low", "quiet"), c.kernel());
        assertEquals(List.of("single", "x"), c.init());
        assertEquals(List.of("512M,high", "128M,low"), c.all("crashkernel"));
        assertEquals("file a.c +p", c.last("dyndbg").orElseThrow());
        assertEquals("", c.last("quiet").orElseThrow());
        assertTrue(c.last("nokaslr").isEmpty());
    }
}
