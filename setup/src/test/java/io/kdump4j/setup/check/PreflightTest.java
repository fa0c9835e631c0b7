package io.kdump4j.setup.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Preflight against fake /proc and /sys trees holding what the lab's first kernel showed
 * (x86_64-6.1.0-56-amd64/sysrq-elf: console.log and result.json), the fixture's real config,
 * and against this machine.
 */
class PreflightTest {
    static final Path CONFIG = Fixtures.dir("x86_64-6.1.0-56-amd64/kernel/config.xz");
    /** From the fixture's console.log "Command line:" of the first kernel. */
    static final String CMDLINE = "console=ttyS0,115200 panic=5 crashkernel=256M kdumplab.mode=crash";

    static HostFiles labGuest(Path root, String loaded) throws IOException {
        write(root, "proc/cmdline", CMDLINE + "\n");
        write(root, "proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");
        Files.createDirectories(root.resolve("boot"));
        Files.writeString(root.resolve("boot/config-6.1.0-56-amd64"), Fixtures.run(java.util.List.of("xz", "-dc", CONFIG.toString())));
        write(root, "proc/iomem", "00000000-00000fff : Reserved\n00001000-0009fbff : System RAM\n"
                + "00100000-3ffd8fff : System RAM\n  2f000000-3effffff : Crash kernel\n");
        write(root, "proc/meminfo", "MemTotal:         721324 kB\nMemFree:          677856 kB\n");
        write(root, "sys/kernel/kexec_crash_size", "268435456\n");
        write(root, "sys/kernel/kexec_crash_loaded", loaded + "\n");
        write(root, "proc/kallsyms", "ffffffff81000000 T startup_64\nffffffff81000000 T _text\n");
        write(root, "sys/kernel/security/lockdown", "[none] integrity confidentiality\n");
        return new HostFiles(root);
    }

    static void write(Path root, String rel, String text) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @Test
    void labGuestAfterLoadIsReady(@TempDir Path root) throws IOException {
        CheckReport r = Preflight.run(labGuest(root, "1"), CheckOptions.defaults().withArch("x86_64"));
        assertEquals(CheckReport.Verdict.READY, r.verdict(), r.findings().toString());
        assertEquals(0, r.exitCode());
        assertTrue(r.find("reserved.iomem").orElseThrow().found().contains("2f000000-3effffff (256 MiB)"));
        assertTrue(r.find("cmdline.crashkernel").orElseThrow().found().contains("256 MiB"));
    }

    @Test
    void beforeLoadIsNotReady(@TempDir Path root) throws IOException {
        CheckReport r = Preflight.run(labGuest(root, "0"), CheckOptions.defaults().withArch("x86_64"));
        assertEquals(1, r.exitCode());
        Finding f = r.find("loaded").orElseThrow();
        assertEquals(Severity.FAIL, f.severity());
        assertTrue(f.fix().contains("kdump4j load"));
    }

    @Test
    void noCrashkernelSaysHowToAddIt(@TempDir Path root) throws IOException {
        HostFiles h = labGuest(root, "0");
        write(root, "proc/cmdline", "console=ttyS0 quiet\n");
        write(root, "sys/kernel/kexec_crash_size", "0\n");
        CheckReport r = Preflight.run(h, CheckOptions.defaults());
        Finding f = r.find("cmdline.crashkernel").orElseThrow();
        assertEquals(Severity.FAIL, f.severity());
        assertTrue(f.fix().contains("GRUB_CMDLINE_LINUX") && f.fix().contains("update-grub"));
        assertTrue(f.fix().contains("kdump4j enable --crashkernel") && f.fix().contains("U_BOOT_PARAMETERS"));
        assertEquals(Severity.FAIL, r.find("reserved.size").orElseThrow().severity());
    }

    @Test
    void emptyTreeCannotBeChecked(@TempDir Path root) {
        CheckReport r = Preflight.run(new HostFiles(root), CheckOptions.defaults());
        assertEquals(CheckReport.Verdict.UNKNOWN, r.verdict(), r.findings().toString());
        assertEquals(2, r.exitCode());
    }

    /** Debian arm64 6.1: no KEXEC_FILE, no KALLSYMS_ALL, 64 MiB CMA by default. */
    @Test
    void arm64Traps(@TempDir Path root) throws IOException {
        HostFiles h = labGuest(root, "1");
        write(root, "proc/kallsyms", "ffffc18603e10000 T _stext\n");
        CheckOptions o = CheckOptions.defaults().withArch("aarch64")
                .withKernelConfig(Fixtures.dir("arm64-6.1.0-56-arm64/kernel/config.xz"));
        CheckReport r = Preflight.run(h, o);
        // kexec_load with our own ELF core header: no KEXEC_FILE is fine on arm64.
        assertEquals(Severity.OK, r.find("config.kexec").orElseThrow().severity());
        assertEquals(Severity.WARNING, r.find("config.kallsyms-all").orElseThrow().severity());
        // The KALLSYMS_ALL trap: no _text; without /proc/kcore (VMCOREINFO) our loader cannot work either.
        Finding trap = r.find("kallsyms.text").orElseThrow();
        assertEquals(Severity.FAIL, trap.severity());
        assertTrue(trap.meaning().contains("kexec-tools") && trap.meaning().contains("missing here"), trap.meaning());
        write(root, "proc/kcore", "");
        assertEquals(Severity.INFO, Preflight.run(h, o).find("kallsyms.text").orElseThrow().severity());
        // x86_64 without KEXEC_FILE has kdump4j's kexec_load loader too (X86Loader): not a FAIL (it was).
        Finding x86 = Preflight.run(h, o.withArch("x86_64")).find("config.kexec").orElseThrow();
        assertEquals(Severity.OK, x86.severity());
        assertTrue(x86.found().contains("kexec_load"), x86.found());
        // Our derived capture line carries cma=0; a user's line without it fails.
        assertEquals(Severity.OK, r.find("capture.cma").orElseThrow().severity());
        CheckReport bad = Preflight.run(h, o.withCaptureCmdline("console=ttyAMA0 reset_devices"));
        assertEquals(Severity.FAIL, bad.find("capture.cma").orElseThrow().severity());
        CheckReport worse = Preflight.run(h, o.withCaptureCmdline("console=ttyAMA0 cma=64M"));
        assertEquals(Severity.FAIL, worse.find("capture.cma").orElseThrow().severity());
    }

    /**
     * Whether the dumps will need a System.map is read from the running kernel's own VMCOREINFO
     * (the /proc/kcore note): a 6.12 kernel's names the kallsyms tables; one without them (as
     * 5.10's) gets a warning with what to keep.
     */
    @Test
    void dumpsThatWillNeedASystemMap(@TempDir Path root) throws IOException {
        HostFiles h = labGuest(root, "1");
        String vi = Files.readString(Fixtures.dir("x86_64-6.12.117+deb12-amd64/sysrq-elf").resolve("vmcoreinfo.txt"));
        Files.write(h.path("/proc/kcore"), new io.kdump4j.testkit.ElfCoreWriter().vmcoreinfo(vi).build());
        CheckOptions o = CheckOptions.defaults().withArch("x86_64");
        assertEquals(Severity.OK, Preflight.run(h, o).find("analysis.symbols").orElseThrow().severity());

        String old = vi.lines().filter(l -> !l.startsWith("SYMBOL(kallsyms_")).reduce("", (a, b) -> a + b + "\n");
        Files.write(h.path("/proc/kcore"), new io.kdump4j.testkit.ElfCoreWriter().vmcoreinfo(old).build());
        write(root, "proc/sys/kernel/osrelease", "5.10.0-32-amd64\n");
        Finding f = Preflight.run(h, o).find("analysis.symbols").orElseThrow();
        assertEquals(Severity.INFO, f.severity());
        assertTrue(f.fix().contains("linux-image-5.10.0-32-amd64-dbg") && f.fix().contains("--system-map"), f.fix());

        write(root, "proc/kcore", "");
        assertEquals(Severity.INFO, Preflight.run(h, o).find("analysis.symbols").orElseThrow().severity());
    }

    @Test
    void lockdownWarns(@TempDir Path root) throws IOException {
        HostFiles h = labGuest(root, "1");
        write(root, "sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
        Finding f = Preflight.run(h, CheckOptions.defaults()).find("lockdown").orElseThrow();
        assertEquals(Severity.WARNING, f.severity());
        assertTrue(f.found().contains("integrity"));
    }

    /** The e2e's Java image needs 192M (measured): a 160M reservation fails, 256M passes. */
    @Test
    void reservationHoldsTheInitramfs(@TempDir Path root) throws IOException {
        HostFiles h = labGuest(root, "1");
        Path img = root.resolve("initrd.img");
        try (var o = io.kdump4j.setup.initramfs.Compression.GZIP.wrap(Files.newOutputStream(img));
             var w = new io.kdump4j.setup.initramfs.CpioNewcWriter(o, 0)) {
            w.file("opt/kdump4j/java/bin/java", 0755, new byte[50 << 20]);
        }
        CheckOptions o = CheckOptions.defaults().withInitrd(img);
        assertEquals(Severity.OK, Preflight.run(h, o).find("reserved.fits").orElseThrow().severity());
        write(root, "sys/kernel/kexec_crash_size", String.valueOf(160L << 20));
        Finding f = Preflight.run(h, o).find("reserved.fits").orElseThrow();
        assertEquals(Severity.FAIL, f.severity(), f.toString());
        assertTrue(f.fix().contains("crashkernel="), f.fix());
    }

    @Test
    void secureBoot(@TempDir Path root) throws IOException {
        HostFiles h = labGuest(root, "1");
        assertEquals(Severity.OK, Preflight.run(h, CheckOptions.defaults()).find("secure-boot").orElseThrow().severity());
        Path var = h.path(Preflight.SECURE_BOOT);
        Files.createDirectories(var.getParent());
        Files.write(var, new byte[] {6, 0, 0, 0, 1});
        Finding f = Preflight.run(h, CheckOptions.defaults()).find("secure-boot").orElseThrow();
        assertEquals(Severity.INFO, f.severity());
        assertTrue(f.found().contains("enabled"));
        Files.write(var, new byte[] {6, 0, 0, 0, 0});
        assertTrue(Preflight.run(h, CheckOptions.defaults()).find("secure-boot").orElseThrow().found().contains("disabled"));
    }

    /** A --target-dir that does not exist is a finding, not the free space of its parent's file system. */
    @Test
    void aMissingTargetDirectoryFails(@TempDir Path root) throws IOException {
        HostFiles h = labGuest(root, "0");
        CheckReport r = Preflight.run(h, CheckOptions.defaults().withTarget(root.resolve("var/crash"), 31));
        Finding f = r.find("target.dir").orElseThrow();
        assertEquals(Severity.FAIL, f.severity());
        assertTrue(f.found().endsWith("var/crash: does not exist"), f.found());
        assertTrue(r.find("target.space").isEmpty(), "no free-space OK for a folder that is not there");
    }

    @Test
    void targetSpace(@TempDir Path root) throws IOException {
        HostFiles h = labGuest(root, "1");
        CheckReport r = Preflight.run(h, CheckOptions.defaults().withTarget(root, 0));
        Finding f = r.find("target.space").orElseThrow();
        long free = Files.getFileStore(root).getUsableSpace();
        long ram = 0x9fbffL - 0x1000 + 1 + 0x3ffd8fffL - 0x100000 + 1;
        assertEquals(free >= ram ? Severity.OK : Severity.FAIL, f.severity(), f.toString());
        assertTrue(f.found().contains(Sizes.human(ram)), f.found());
    }

    /** This machine: whatever it is, the report is complete and consistent with /proc/cmdline. */
    @Test
    void thisMachine() throws IOException {
        CheckReport r = Preflight.run(HostFiles.live(), CheckOptions.defaults());
        assertNotNull(r.verdict());
        String cmdline = Files.readString(Path.of("/proc/cmdline"));
        Finding ck = r.find("cmdline.crashkernel").orElseThrow();
        assertEquals(cmdline.contains("crashkernel="), ck.severity() == Severity.OK, ck.toString());
        if (!cmdline.contains("crashkernel=")) {
            assertTrue(r.verdict() != CheckReport.Verdict.READY);
        }
    }
}
