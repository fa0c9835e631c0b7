package io.kdump4j.setup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The capture command line from real first-kernel command lines (fixture console logs, this machine). */
class CaptureCommandLineTest {
    static String firstKernelCmdline(String fixture) throws IOException {
        String log = Files.readString(Fixtures.dir(fixture).resolve("console.log"));
        String line = log.lines().filter(l -> l.contains("Kernel command line:")).findFirst().orElseThrow();
        return line.substring(line.indexOf("Kernel command line:") + 21).strip();
    }

    @Test
    void labX86() throws IOException {
        String running = firstKernelCmdline("x86_64-6.1.0-56-amd64/sysrq-elf");
        assertTrue(running.contains("crashkernel=256M"), running);
        List<String> c = KernelCommandLine.parse(CaptureCommandLine.derive(KernelCommandLine.parse(running), "x86_64", List.of())).kernel();
        assertTrue(c.contains("console=ttyS0,115200"));
        assertTrue(c.containsAll(List.of("reset_devices", "nr_cpus=1", "irqpoll", "cma=0", "acpi_no_memhotplug")), c.toString());
        assertFalse(c.stream().anyMatch(p -> p.startsWith("crashkernel=")), c.toString());
        // panic=5 of the first kernel is replaced by ours.
        assertEquals(List.of("panic=10"), c.stream().filter(p -> p.startsWith("panic=")).toList());
    }

    @Test
    void labArm64KeepsNoX86Options() throws IOException {
        String running = firstKernelCmdline("arm64-6.1.0-56-arm64/sysrq");
        List<String> c = KernelCommandLine.parse(CaptureCommandLine.derive(KernelCommandLine.parse(running), "aarch64", List.of())).kernel();
        assertTrue(c.contains("console=ttyAMA0"));
        assertTrue(c.contains("cma=0"));
        assertFalse(c.contains("acpi_no_memhotplug"));
        assertFalse(c.stream().anyMatch(p -> p.startsWith("crashkernel=")));
    }

    @Test
    void dropsMemoryHungryAndFirstBootParameters() {
        String running = "BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-amd64 root=UUID=abc ro quiet splash crashkernel=512M-:192M "
                + "hugepages=512 hugepagesz=2M hugetlb_cma=1G cma=64M log_buf_len=16M resume=/dev/sda2 "
                + "rdinit=/process_api -- --firecracker-init";
        String c = CaptureCommandLine.derive(KernelCommandLine.parse(running), "x86_64", List.of("nokaslr"));
        KernelCommandLine k = KernelCommandLine.parse(c);
        assertEquals(List.of("root=UUID=abc", "ro"), k.kernel().subList(0, 2));
        for (String gone : List.of("BOOT_IMAGE", "quiet", "splash", "crashkernel", "hugepages", "hugepagesz",
                "log_buf_len", "resume", "rdinit")) {
            assertTrue(k.last(gone).isEmpty(), gone + " in " + c);
        }
        assertEquals("0", k.last("cma").orElseThrow());
        assertEquals("0", k.last("hugetlb_cma").orElseThrow());
        assertTrue(k.init().isEmpty(), "init's arguments are not the capture kernel's: " + c);
        assertEquals("nokaslr", k.kernel().get(k.kernel().size() - 1));
    }

    @Test
    void thisMachine() throws IOException {
        String running = Files.readString(java.nio.file.Path.of("/proc/cmdline"));
        String c = CaptureCommandLine.derive(KernelCommandLine.parse(running), "x86_64", List.of());
        assertFalse(c.contains("crashkernel="));
        assertTrue(c.contains("reset_devices"));
        // Fits x86_64's COMMAND_LINE_SIZE (2048 with the NUL).
        assertTrue(c.length() < 2048, c);
    }
}
