package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.setup.check.HostFiles;
import io.kdump4j.setup.check.KernelConfig;
import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** check, status, load, unload, initramfs and estimate through the command line. */
class SetupCommandsTest {
    /** A /proc and /sys tree with what the lab's first kernel showed after kexec -p (fixture result.json). */
    static Path labGuest(Path root) throws IOException {
        write(root, "proc/cmdline", "console=ttyS0,115200 panic=5 crashkernel=256M\n");
        write(root, "proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");
        write(root, "proc/iomem", "00100000-3ffd8fff : System RAM\n  2f000000-3effffff : Crash kernel\n");
        write(root, "sys/kernel/kexec_crash_size", "268435456\n");
        write(root, "sys/kernel/kexec_crash_loaded", "1\n");
        write(root, "proc/kallsyms", "ffffffff81000000 T _text\n");
        return root;
    }

    static void write(Path root, String rel, String text) throws IOException {
        Files.createDirectories(root.resolve(rel).getParent());
        Files.writeString(root.resolve(rel), text);
    }

    @Test
    void checkReadyAsJson(@TempDir Path tmp) throws IOException {
        Path root = labGuest(tmp.resolve("root"));
        write(root, "boot/vmlinuz-6.1.0-56-amd64", "kernel");
        write(root, "var/lib/kdump4j/initrd.img-6.1.0-56-amd64", "initramfs");
        write(root, "etc/systemd/system/multi-user.target.wants/kdump4j-load.service", "[Unit]\n");
        CliRun r = CliRun.of("check", "--root", root.toString(), "--config", tmp.resolve("none.conf").toString(),
                "--kernel-config", Fixtures.dir("x86_64-6.1.0-56-amd64/kernel/config.xz").toString(), "--json");
        assertEquals(0, r.exitCode(), r.out() + r.stderr());
        assertTrue(r.out().contains("\"verdict\": \"ready\""), r.out());
        assertTrue(r.out().contains("\"id\": \"reserved.iomem\""), r.out());
    }

    /** check covers the capture path: the config's kernel and initramfs for this release, the unit (issue 13). */
    @Test
    void checkFailsWithoutTheCaptureInitramfsAndWarnsWithoutTheUnit(@TempDir Path tmp) throws IOException {
        Path root = labGuest(tmp.resolve("root"));
        write(root, "boot/vmlinuz-6.1.0-56-amd64", "kernel");
        CliRun r = CliRun.of("check", "--root", root.toString(), "--config", tmp.resolve("none.conf").toString(),
                "--kernel-config", Fixtures.dir("x86_64-6.1.0-56-amd64/kernel/config.xz").toString());
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(r.out().contains("FAIL    capture.initrd         /var/lib/kdump4j/initrd.img-6.1.0-56-amd64: does not exist"), r.out());
        assertTrue(r.out().contains("WARNING unit.enabled"), r.out());
        assertTrue(r.out().contains("OK      capture.kernel"), r.out());
    }

    @Test
    void checkNotReadyAndUnknown(@TempDir Path tmp) throws IOException {
        Path root = labGuest(tmp.resolve("root"));
        write(root, "sys/kernel/kexec_crash_loaded", "0\n");
        CliRun r = CliRun.of("check", "--root", root.toString(), "--config", tmp.resolve("none.conf").toString(),
                "--kernel-config", Fixtures.dir("x86_64-6.1.0-56-amd64/kernel/config.xz").toString());
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(r.out().contains("fix:   run kdump4j load"), r.out());
        CliRun empty = CliRun.of("check", "--root", Files.createDirectories(tmp.resolve("empty")).toString(),
                "--config", tmp.resolve("none.conf").toString());
        assertEquals(2, empty.exitCode(), empty.out());
    }

    @Test
    void loadDryRunDerivesTheCommandLine(@TempDir Path tmp) throws IOException {
        Path kernel = Files.writeString(tmp.resolve("vmlinuz-x"), "kernel");
        Path initrd = Files.writeString(tmp.resolve("x.img"), "initrd");
        CliRun r = CliRun.of("load", "--dry-run", "--config", tmp.resolve("none.conf").toString(),
                "--kernel", kernel.toString(), "--initrd", initrd.toString(), "--append", "nokaslr", "--json");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.out().contains("reset_devices nr_cpus=1 irqpoll cma=0"), r.out());
        assertTrue(r.out().contains("nokaslr\""), r.out());
        assertFalse(r.out().contains("crashkernel="), r.out());
        assertTrue(r.out().contains("\"loaded\": false"), r.out());
    }

    /** A dry run fails as the load would: a kernel or initramfs that does not exist (issue 13). */
    @Test
    void loadDryRunFailsLikeLoadOnMissingFiles(@TempDir Path tmp) throws IOException {
        Path kernel = Files.writeString(tmp.resolve("vmlinuz-x"), "kernel");
        CliRun noKernel = CliRun.of("load", "--dry-run", "--config", tmp.resolve("none.conf").toString(),
                "--kernel", tmp.resolve("nope").toString(), "--initrd", kernel.toString());
        assertEquals(ExitCodes.IO, noKernel.exitCode(), noKernel.out());
        assertTrue(noKernel.stderr().contains("capture kernel not found"), noKernel.stderr());
        CliRun noInitrd = CliRun.of("load", "--dry-run", "--config", tmp.resolve("none.conf").toString(),
                "--kernel", kernel.toString(), "--initrd", tmp.resolve("none.img").toString());
        assertEquals(ExitCodes.IO, noInitrd.exitCode(), noInitrd.out());
        assertTrue(noInitrd.stderr().contains("capture initramfs not found"), noInitrd.stderr());
    }

    @Test
    void loadMissingKernelSaysWhat(@TempDir Path tmp) {
        CliRun r = CliRun.of("load", "--config", tmp.resolve("none.conf").toString(), "--kernel", tmp.resolve("nope").toString());
        assertEquals(ExitCodes.IO, r.exitCode());
        assertTrue(r.stderr().contains("capture kernel not found"), r.stderr());
    }

    /** On this machine: the kernel's own config says whether kexec_file_load exists; unload must agree. */
    @Test
    void unloadAndStatusOnThisMachine() {
        Optional<KernelConfig> c = KernelConfig.ofRunningKernel(HostFiles.live(),
                HostFiles.live().readLine("/proc/sys/kernel/osrelease").orElse(""));
        Assumptions.assumeTrue(c.isPresent(), "the running kernel's config is not readable");
        CliRun r = CliRun.of("unload");
        if (!c.get().builtIn("KEXEC_FILE")) {
            assertEquals(ExitCodes.IO, r.exitCode(), r.out());
            assertTrue(r.stderr().contains("ENOSYS (38)") && r.stderr().contains("CONFIG_KEXEC_FILE"), r.stderr());
        }
        CliRun s = CliRun.of("status", "--json");
        boolean loaded = HostFiles.live().readLine("/sys/kernel/kexec_crash_loaded").orElse("0").equals("1");
        assertEquals(loaded ? 0 : 1, s.exitCode(), s.out());
    }

    /** status names the initramfs for this kernel and the saved dumps (issue 13). */
    @Test
    void statusNamesTheInitramfsAndTheSavedDumps(@TempDir Path tmp) throws IOException {
        Path crash = Files.createDirectories(tmp.resolve("crash/2026-12-01-22:58"));
        Path conf = Files.writeString(tmp.resolve("k.conf"), "path = " + crash.getParent() + "\ninitrd = " + tmp + "/initrd.img-%r\n");
        CliRun s = CliRun.of("status", "--json", "--config", conf.toString());
        String release = HostFiles.live().readLine("/proc/sys/kernel/osrelease").orElse("");
        assertTrue(s.out().contains("\"initrd\": \"" + tmp + "/initrd.img-" + release + "\""), s.out());
        assertTrue(s.out().contains("\"initrd_present\": false"), s.out());
        assertTrue(s.out().contains("2026-12-01-22:58"), s.out());
    }

    @Test
    void initramfsWithoutJavaAndItsEstimate(@TempDir Path tmp) throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/bin/busybox")), "busybox-static is not installed (scripts/setup-e2e.sh)");
        Path img = tmp.resolve("initrd.img");
        Path mods = Fixtures.cache().resolve("kernels/current/modules");
        List<String> args = new java.util.ArrayList<>(List.of("initramfs", "-o", img.toString(), "--no-java",
                "--config", tmp.resolve("none.conf").toString(), "--kernel-release", "6.1.0-56-amd64", "--json"));
        if (Files.isDirectory(mods.resolve("kernel"))) {
            args.addAll(List.of("--modules-dir", mods.toString()));
        }
        CliRun r = CliRun.of(args.toArray(String[]::new));
        // The default target (auto) is the file system of /var/crash on this machine: resolved,
        // or (a container's overlay root) refused with what to set instead.
        if (r.exitCode() != 0) {
            assertTrue(r.stderr().contains("set target ="), r.stderr());
            Path conf = Files.writeString(tmp.resolve("label.conf"), "target = LABEL=kdump4j\n");
            args.set(args.indexOf(tmp.resolve("none.conf").toString()), conf.toString());
            r = CliRun.of(args.toArray(String[]::new));
        } else {
            assertTrue(r.stderr().contains("/var/crash is on "), r.stderr());
        }
        assertEquals(0, r.exitCode(), r.stderr());
        CliRun e = CliRun.of("estimate", "--initrd", img.toString(), "--json");
        assertEquals(0, e.exitCode(), e.stderr());
        assertTrue(e.out().contains("\"java\": false"), e.out());
        assertTrue(e.out().contains("\"compressed_bytes\": " + Files.size(img)), e.out());
    }
}
