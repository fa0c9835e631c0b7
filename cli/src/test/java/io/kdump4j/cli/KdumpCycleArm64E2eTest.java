package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.Note;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.helpers.printk.KernelLog;
import io.kdump4j.kernel.helpers.printk.LogRecord;
import io.kdump4j.testkit.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The arm64 kdump cycle under qemu-system-aarch64 (scripts/e2e-arm64.sh, tests/e2e/README-arm64.md):
 * kdump4j's kexec_load plan (device tree, ELF core header, purgatory) boots the capture kernel,
 * which copies /proc/vmcore; here the copy is opened with kdump4j. Runs only with
 * {@code -Dkdump4j.e2e=true} (the e2e profile). {@code -Dkdump4j.e2e.arm64.smp=2} and
 * {@code -Dkdump4j.e2e.arm64.crashkernel=96M} vary the guest.
 */
class KdumpCycleArm64E2eTest {
    @Test
    void crashSaveAndReadOnArm64() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("kdump4j.e2e"), "the QEMU cycle runs with -Pe2e (-Dkdump4j.e2e=true)");
        String smp = System.getProperty("kdump4j.e2e.arm64.smp", "1");
        String ck = System.getProperty("kdump4j.e2e.arm64.crashkernel", "128M");
        Path root = Path.of(System.getProperty("kdump4j.root", "..")).toAbsolutePath().normalize();
        String tag = "junit-smp" + smp + "-" + ck;
        ProcessBuilder pb = new ProcessBuilder(root.resolve("scripts/e2e-arm64.sh").toString()).redirectErrorStream(true);
        pb.environment().putAll(java.util.Map.of("SMP", smp, "CRASHKERNEL", ck, "TAG", tag, "TIMEOUT", "600"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.MINUTES));
        System.out.println(out);
        assertEquals(0, p.exitValue(), "scripts/e2e-arm64.sh failed");

        Path work = Fixtures.cache().resolve("e2e-arm64").resolve(tag);
        String console = Files.readString(work.resolve("console.log"));
        assertTrue(console.contains("kexec-load-done rc=0 crash_loaded=1"), "our kexec_load plan was refused");
        assertTrue(console.contains("OF: fdt: Reserving"), "the capture kernel did not find our linux,elfcorehdr");
        try (DumpFile d = Dumps.open(work.resolve("vmcore.elf"))) {
            assertTrue(d.vmcoreinfo().isPresent(), "no VMCOREINFO: our VMCOREINFO PT_NOTE address was wrong");
            long prstatus = d.notes().stream().filter(n -> n.is("CORE", Note.NT_PRSTATUS)).count();
            // One per possible CPU: the PT_NOTEs of our header point at every CPU's crash_notes, and
            // the panic stopped the other CPUs, which saved their registers there.
            assertEquals(Integer.parseInt(smp), prstatus, "NT_PRSTATUS notes with -smp " + smp);
            List<String> messages = KernelLog.read(KernelDump.open(d)).stream().map(LogRecord::message).toList();
            assertTrue(messages.contains("Kernel panic - not syncing: sysrq triggered crash"), "no panic record");
            assertTrue(messages.stream().anyMatch(m -> m.contains("PID: 1 Comm: init") && m.contains("Kdump: loaded")),
                    "no crashing-task record of /init");
        }
    }
}
