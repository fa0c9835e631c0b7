package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.helpers.printk.KernelLog;
import io.kdump4j.kernel.helpers.printk.LogRecord;
import io.kdump4j.setup.check.CrashkernelEstimate;
import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole kdump cycle in QEMU with kdump4j alone (tests/e2e/README.md): the current Debian
 * kernel (scripts/setup-e2e.sh fetched it) boots with crashkernel= and an initramfs made by
 * {@code kdump4j initramfs}; its first-boot hook runs {@code kdump4j load} and {@code kdump4j check},
 * then sysrq-c; the capture kernel (same kernel, same initramfs, /proc/vmcore present) saves
 * the dump to an ext4 virtio disk; the host reads it back with debugfs and opens it with
 * kdump4j. Runs only with {@code -Dkdump4j.e2e=true} (the e2e profile) and a fetched kernel.
 */
class KdumpCycleE2eTest {
    static final int QEMU_TIMEOUT_S = Integer.getInteger("kdump4j.e2e.timeout", 300);
    static final String CRASHKERNEL = System.getProperty("kdump4j.e2e.crashkernel", "256M");

    /**
     * {@code auto}: kexec_file_load (Debian's x86_64 kernel has it). {@code kexec_load}: the
     * fallback for kernels without it or that refuse the image, with kdump4j's own boot_params,
     * ELF core header and purgatory ({@code kdump4j load --syscall kexec_load}).
     */
    @ParameterizedTest(name = "load with {0}")
    @ValueSource(strings = {"auto", "kexec_load"})
    void crashSaveAndRead(String syscall) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("kdump4j.e2e"), "the QEMU cycle runs with -Pe2e (-Dkdump4j.e2e=true)");
        Path kernelDir = Fixtures.cache().resolve("kernels/current");
        Assumptions.assumeTrue(Files.isRegularFile(kernelDir.resolve("vmlinuz")),
                "no Debian kernel in " + kernelDir + ": run scripts/setup-e2e.sh");
        Path root = Path.of(System.getProperty("kdump4j.root", "..")).toAbsolutePath().normalize();
        Path work = Files.createDirectories(Fixtures.cache().resolve(syscall.equals("auto") ? "e2e/last" : "e2e/" + syscall));
        Path staging = E2eHarness.stage(kernelDir, work);

        // -Dkdump4j.e2e.captureJava=false: the capture kernel gets an image without Java (raw copy
        // only), to measure the smallest crashkernel= for that; the first boot still needs Java.
        boolean captureJava = Boolean.parseBoolean(System.getProperty("kdump4j.e2e.captureJava", "true"));
        Path conf = E2eHarness.config(work, captureJava ? "initrd.img" : "capture.img");
        String compression = System.getProperty("kdump4j.e2e.compression", "gzip");
        String release = kernelDir.toRealPath().getFileName().toString();
        Path initrd = staging.resolve("boot/initrd.img");
        List<String> args = E2eHarness.initramfsArgs(initrd, conf, release, kernelDir, firstBoot(root, work, syscall),
                compression, work);
        long t0 = System.nanoTime();
        assertEquals(0, Main.run(args.toArray(String[]::new)), "kdump4j initramfs failed");
        double buildS = (System.nanoTime() - t0) / 1e9;
        Path captureImage = initrd;
        if (!captureJava) {
            captureImage = staging.resolve("boot/capture.img");
            List<String> noJava = new ArrayList<>(args.subList(0, args.indexOf("--json")));
            noJava.set(noJava.indexOf(initrd.toString()), captureImage.toString());
            noJava.add("--no-java");
            assertEquals(0, Main.run(noJava.toArray(String[]::new)), "kdump4j initramfs --no-java failed");
        }
        CrashkernelEstimate est = CrashkernelEstimate.of(captureImage);
        System.out.printf(Locale.ROOT, "e2e: initramfs %d bytes (%s; archive %d), built in %.1f s; kdump4j estimate says %s%n",
                Files.size(captureImage), compression, est.archiveBytes(), buildS, est.parameter());

        Path disk = E2eHarness.disk(work, staging);

        Path console = work.resolve("console.log");
        List<String> qemu = E2eHarness.x86Qemu(kernelDir, initrd, disk, CRASHKERNEL);
        Map<String, Double> events = E2eHarness.runQemu(qemu, console, QEMU_TIMEOUT_S);
        String log = Files.readString(console);
        System.out.println("e2e: events (host seconds) " + events);
        System.out.println("e2e: console tail:\n" + String.join("\n", E2eHarness.tail(log, 25)));

        assertTrue(log.contains("Kernel panic - not syncing: sysrq triggered crash"), "no panic in " + console);
        assertTrue(events.containsKey("kexec-load-done"), "load never finished: " + console);
        assertTrue(log.contains("kexec-load-done rc=0 crash_loaded=1"), "kdump4j load failed: " + console);
        assertTrue(log.contains(" with " + (syscall.equals("auto") ? "kexec_file_load" : "kexec_load") + "\r\n")
                || log.contains(" with " + (syscall.equals("auto") ? "kexec_file_load" : "kexec_load") + "\n"),
                "kdump4j load did not report the system call asked for: " + console);
        assertTrue(log.contains("check-done rc=0"), "kdump4j check did not say ready: " + console);
        assertTrue(log.contains("reserved.fits"), "kdump4j check did not size the reservation against the initramfs");
        assertTrue(events.containsKey("save-done"), "the capture kernel saved nothing: " + console);

        // With Java in the capture image the capture kernel runs kdump4j save (kdump-compressed,
        // the configured level and codec); the image without Java can only copy /proc/vmcore raw.
        String method = captureJava ? "kdump4j" : "dd";
        assertTrue(log.contains("save-done method=" + method), "the capture kernel did not save with " + method + ": " + console);
        if (captureJava) {
            // the initramfs carries libdeflate (opened at run time, not a DT_NEEDED library) and the save found it
            assertTrue(log.contains("pages compressed by libdeflate, level 1"), "zlib pages not by libdeflate: " + console);
        }
        String name = captureJava ? "vmcore" : "vmcore.elf";
        // The dump lands in a new dated directory with its log and status (kdump-tools' layout).
        List<String> dirs = dumpDirs(disk);
        assertEquals(1, dirs.size(), "one crash, one dump directory: " + dirs);
        assertTrue(log.contains("KDUMP4J dump-dir dir=/kdump4j/" + dirs.get(0)), "the console names another dir: " + dirs);
        String status = status(disk, dirs.get(0));
        assertTrue(status.contains("\"status\": \"complete\"") && status.contains("\"saver\": \"" + method + "\"")
                && status.contains("\"file\": \"" + name + "\""), status);
        Path saved = work.resolve(name);
        Files.deleteIfExists(saved);
        Fixtures.run(List.of("debugfs", "-R", "dump /kdump4j/" + dirs.get(0) + "/" + name + " " + saved, disk.toString()));
        assertTrue(status.contains("\"bytes\": " + Files.size(saved) + ","), status + " vs " + Files.size(saved));
        long size = Files.size(saved);
        String sizeLine = log.lines().filter(l -> l.contains("KDUMP4J vmcore size=")).findFirst().orElseThrow();
        long vmcoreSize = Long.parseLong(sizeLine.replaceAll(".*size=(\\d+).*", "$1"));
        Path fileLoadConsole = Fixtures.cache().resolve("e2e/last/console.log");
        if (!syscall.equals("auto") && Files.exists(fileLoadConsole)) {
            // Same machine, same layout: our ELF core header must give the /proc/vmcore the
            // kernel's own header gave in the kexec_file_load run (the declared order runs it first).
            String other = Files.readString(fileLoadConsole).lines().filter(l -> l.contains("KDUMP4J vmcore size="))
                    .findFirst().orElseThrow();
            assertEquals(Long.parseLong(other.replaceAll(".*size=(\\d+).*", "$1")), vmcoreSize,
                    "/proc/vmcore size after our kexec_load header vs the kernel's kexec_file_load header");
        }
        if (captureJava) {
            assertTrue(size < vmcoreSize / 4, "a level-31 zlib dump is far smaller than /proc/vmcore: " + size);
        } else {
            assertEquals(vmcoreSize, size, "saved file size differs from /proc/vmcore's");
        }
        String task;
        try (DumpFile d = Dumps.open(saved)) {
            assertTrue(d.vmcoreinfo().isPresent(), "no VMCOREINFO in the saved dump");
            if (captureJava) {
                assertEquals("kdump-compressed", d.details().format().id());
                assertEquals(31, d.details().dumpLevel().orElseThrow());
                assertEquals(List.of("zlib"), d.details().compression());
                assertTrue(!d.details().incomplete(), "the saved dump is marked incomplete");
            }
            System.out.println("e2e: saved " + d.name() + " " + size + " bytes, " + d.details());
            // kdump4j reads the dead kernel's log from the saved memory: the panic and the
            // crashing task, as the kernel's own records ("CPU: 1 PID: 1 Comm: init Kdump: ...").
            List<String> messages = KernelLog.read(KernelDump.open(d)).stream().map(LogRecord::message).toList();
            assertTrue(messages.contains("Kernel panic - not syncing: sysrq triggered crash"), "no panic record in the saved log");
            String who = messages.stream().filter(m -> m.contains(" Comm: ") && m.contains("Kdump: loaded")).findFirst()
                    .orElseThrow(() -> new AssertionError("no crashing-task record in the saved log"));
            task = who.substring(who.indexOf("PID: "), who.indexOf(" Kdump: loaded"));
            System.out.println("e2e: kdump4j reads from the saved dump: \"" + who + "\"");
        }
        assertTrue(task.endsWith("PID: 1 Comm: init"), "the first-boot /init (PID 1) wrote to sysrq-trigger: " + task);
        // Why it crashed, from the saved dump alone: the analyze report names the class and the task.
        CliRun analyze = CliRun.of("analyze", "--json", saved.toString());
        assertEquals(0, analyze.exitCode(), analyze.stderr());
        assertTrue(analyze.out().contains("\"panic_class\": \"sysrq\""), analyze.out());
        assertTrue(analyze.out().contains("\"comm\": \"init\""), analyze.out());
        assertTrue(log.contains(task), "the console names another task than the dump: " + task);
        log.lines().filter(l -> l.contains("] Memory: ")).forEach(l -> System.out.println("e2e: " + l.strip()));
        assertTrue(events.containsKey("kernel-panic"), "no panic line on the console");
        double panicToSaved = events.get("save-done") - events.get("kernel-panic");
        System.out.printf(Locale.ROOT, "e2e: panic-to-saved %.2f s, crashkernel=%s, qemu total %.2f s%n",
                panicToSaved, CRASHKERNEL, events.get("qemu-exit"));
        if (syscall.equals("auto") && captureJava) {
            secondCrashKeepsTheFirst(qemu, work, disk, dirs.get(0));
        }
    }

    /**
     * The same machine crashes again (a second QEMU run on the same disk: the first kernel boots,
     * loads, crashes; the capture kernel saves): a second complete dump in its own dated
     * directory, the first one untouched (keep = 0: every dump is kept).
     */
    static void secondCrashKeepsTheFirst(List<String> qemu, Path work, Path disk, String first) throws Exception {
        Path before = work.resolve("first-status.json");
        Files.writeString(before, status(disk, first));
        Path console = work.resolve("console-2.log");
        Map<String, Double> events = E2eHarness.runQemu(qemu, console, QEMU_TIMEOUT_S);
        String log = Files.readString(console);
        System.out.println("e2e: second crash, events (host seconds) " + events);
        assertTrue(log.contains("save-done method=kdump4j"), "the second capture did not save: " + console);
        List<String> dirs = dumpDirs(disk);
        assertEquals(2, dirs.size(), "two crashes, two dump directories: " + dirs);
        assertEquals(first, dirs.get(0), "the first dump directory is still there, oldest first");
        assertEquals(Files.readString(before), status(disk, first), "the first dump's status is untouched");
        String status = status(disk, dirs.get(1));
        assertTrue(status.contains("\"status\": \"complete\"") && status.contains("\"saver\": \"kdump4j\""), status);
        Path saved = work.resolve("vmcore-2");
        Files.deleteIfExists(saved);
        Fixtures.run(List.of("debugfs", "-R", "dump /kdump4j/" + dirs.get(1) + "/vmcore " + saved, disk.toString()));
        try (DumpFile d = Dumps.open(saved)) {
            assertTrue(!d.details().incomplete(), "the second dump is marked incomplete");
            List<String> messages = KernelLog.read(KernelDump.open(d)).stream().map(LogRecord::message).toList();
            assertTrue(messages.contains("Kernel panic - not syncing: sysrq triggered crash"), "no panic in the second dump");
        }
        System.out.printf(Locale.ROOT, "e2e: second crash saved in %s, panic-to-saved %.2f s, qemu total %.2f s%n",
                dirs.get(1), events.get("save-done") - events.get("kernel-panic"), events.get("qemu-exit"));
    }

    /** The dated dump directories under /kdump4j on the disk image, oldest first (debugfs ls -p). */
    static List<String> dumpDirs(Path disk) throws IOException {
        String ls = Fixtures.run(List.of("debugfs", "-R", "ls -p /kdump4j", disk.toString()));
        List<String> out = new ArrayList<>();
        for (String line : ls.lines().toList()) {
            String[] f = line.split("/");
            // /inode/mode/uid/gid/name/size/: directories have mode 040xxx
            if (f.length >= 6 && f[2].startsWith("040") && f[5].matches("\\d{8}-\\d{6}(-\\d+)?")) {
                out.add(f[5]);
            }
        }
        return out.stream().sorted().toList();
    }

    /** The status.json of a dump directory on the disk image. */
    static String status(Path disk, String dir) throws IOException {
        return Fixtures.run(List.of("debugfs", "-R", "cat /kdump4j/" + dir + "/status.json", disk.toString()));
    }

    /** tests/e2e/first-boot.sh, with {@code kdump4j load --syscall SYSCALL} unless auto. */
    static Path firstBoot(Path root, Path work, String syscall) throws IOException {
        Path hook = E2eHarness.firstBoot(root, work, "first-boot.sh");
        if (syscall.equals("auto")) {
            return hook;
        }
        String text = Files.readString(hook);
        assertTrue(text.contains("\nkdump4j load\n"), "tests/e2e/first-boot.sh no longer has a plain kdump4j load line");
        return Files.writeString(hook, text.replace("\nkdump4j load\n", "\nkdump4j load --syscall " + syscall + "\n"));
    }
}
