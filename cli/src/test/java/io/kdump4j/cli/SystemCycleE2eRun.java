package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.testkit.Fixtures;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The real installed-system cycle on x86_64 (issue 13 item 5, issue 14 item 6; tests/e2e/README.md):
 * the Debian 12 disk image of scripts/setup-system-image.sh boots by its own GRUB under SeaBIOS
 * (a copy-on-write overlay, so the cached image stays as made); tests/e2e/system-driver.sh, on a
 * second disk, does what a user does: {@code apt install ./kdump4j_*.deb}, {@code kdump4j enable},
 * reboot, {@code kdump4j status}, {@code kdump4j test --yes}; the capture kernel saves into
 * /var/crash/&lt;date&gt;/ on the root file system and reboots; the driver reads the dump with
 * {@code kdump4j analyze} and {@code makedumpfile --dump-dmesg}; CRASHES times in a row; then the
 * kernel upgrade (a second Debian kernel package, installed with apt) and the same on the new
 * kernel with no manual step. The host reads the results from the second disk (debugfs).
 *
 * <p>Not in CI yet (it has not passed end to end here: see tests/e2e/README.md), so the class is
 * named outside surefire's default includes rather than skipping in every build;
 * scripts/system-cycle.sh runs it by name with {@code -Dkdump4j.system=true}; without
 * {@code -Dkdump4j.system.deb=dist/...} it builds a .deb with scripts/package.sh amd64.
 */
class SystemCycleE2eRun {
    static final int TIMEOUT_S = Integer.getInteger("kdump4j.system.timeout", 900);
    static final int CRASHES = Integer.getInteger("kdump4j.system.crashes", 1);
    static final boolean UPGRADE = Boolean.parseBoolean(System.getProperty("kdump4j.system.upgrade", "false"));
    static final String CRASHKERNEL = System.getProperty("kdump4j.system.crashkernel", "");

    /** A console line the host time-stamped. */
    record Line(double t, String text) {
    }

    @Test
    void installEnableCrashUpgrade() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("kdump4j.system"),
                "the installed-system cycle runs from scripts/test.sh after the .deb is built (-Dkdump4j.system=true)");
        Path root = Path.of(System.getProperty("kdump4j.root", "..")).toAbsolutePath().normalize();
        long t0 = System.nanoTime();
        Path image = Path.of(lastLine(Fixtures.run(List.of(root.resolve("scripts/setup-system-image.sh").toString()))));
        String release = Files.readString(image.resolve("RELEASE")).strip();
        String upgrade = Files.readString(image.resolve("UPGRADE")).strip();
        Path deb = debPackage(root);
        System.out.printf(Locale.ROOT, "system: image %s (kernel %s, upgrade %s), package %s, ready in %.0f s%n",
                image, release, upgrade, deb.getFileName(), (System.nanoTime() - t0) / 1e9);

        Path work = Files.createDirectories(Fixtures.cache().resolve("system/last"));
        E2eHarness.deleteTree(work);
        Files.createDirectories(work);
        Path overlay = work.resolve("system.qcow2");
        Fixtures.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw",
                "-b", image.resolve("disk.img").toString(), overlay.toString()));
        Path stage = Files.createDirectories(work.resolve("test-disk"));
        Files.copy(deb, stage.resolve(deb.getFileName()));
        Files.copy(root.resolve("tests/e2e/system-driver.sh"), stage.resolve("driver.sh"));
        Files.writeString(stage.resolve("env"), "CRASHES=%d\nUPGRADE=%s\nCRASHKERNEL=%s\n"
                .formatted(CRASHES, UPGRADE ? "yes" : "no", CRASHKERNEL));
        Path testDisk = work.resolve("test.img");
        Fixtures.run(List.of("mkfs.ext4", "-q", "-F", "-L", "K4JTEST", "-d", stage.toString(), testDisk.toString(), "1G"));

        Path console = work.resolve("console.log");
        List<Line> lines = runQemu(List.of("qemu-system-x86_64", "-accel", "tcg", "-m", "1024", "-smp", "2",
                "-nographic", "-monitor", "none", "-serial", "stdio",
                "-drive", "file=" + overlay + ",format=qcow2,if=none,id=root,cache=unsafe",
                "-device", "virtio-blk-pci,drive=root,bootindex=0",
                "-drive", "file=" + testDisk + ",format=raw,if=virtio,cache=unsafe"), console, TIMEOUT_S);
        Path results = work.resolve("results");
        Fixtures.run(List.of("debugfs", "-R", "rdump /results " + work, testDisk.toString()));
        String outcome = read(results.resolve("outcome"));
        System.out.println("system: console tail:\n" + String.join("\n", E2eHarness.tail(Files.readString(console), 30)));
        printTimes(lines);
        assertEquals("PASS", outcome.strip(), "the driver's outcome (console: " + console + ")");

        int expected = CRASHES + (UPGRADE ? 1 : 0);
        List<Path> dumps;
        try (Stream<Path> s = Files.list(results)) {
            dumps = s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches("\\d+-.*")).sorted().toList();
        }
        assertEquals(expected, dumps.size(), "one result folder per crash: " + dumps);
        List<String> dirs = new ArrayList<>();
        for (Path d : dumps) {
            String kernel = d.getFileName().toString().replaceFirst("^\\d+-", "");
            boolean upgraded = UPGRADE && d.equals(dumps.getLast());
            assertEquals(upgraded ? upgrade : release, kernel, "the kernel that crashed for " + d);
            String dir = read(d.resolve("dir")).strip();
            assertTrue(dir.matches("/var/crash/\\d{8}-\\d{6}(-\\d+)?"), "a dated directory on the root file system: " + dir);
            dirs.add(dir);
            String status = read(d.resolve("status.json"));
            assertTrue(status.contains("\"status\": \"complete\"") && status.contains("\"saver\": \"kdump4j\""),
                    d + ": " + status);
            String analyze = read(d.resolve("analyze.json"));
            assertTrue(analyze.contains("\"panic_class\": \"sysrq\""), d + ": " + analyze);
            // The culprit: the function that panicked (sysrq's handler), and the task that wrote to
            // sysrq-trigger (kdump4j test's own Java process).
            assertTrue(analyze.matches("(?s).*\"culprit\": \\{\\s*\"function\": \"[^\"]+\".*"), d + ": no culprit: " + analyze);
            assertTrue(analyze.matches("(?s).*\"task\": \\{[^}]*\"comm\": \"[^\"]+\".*"), d + ": no task: " + analyze);
            String dmesg = read(d.resolve("dmesg.txt"));
            assertTrue(dmesg.contains("Kernel panic - not syncing: sysrq triggered crash"),
                    d + ": makedumpfile --dump-dmesg: " + read(d.resolve("makedumpfile.log")));
            assertTrue(dmesg.contains("Linux version " + kernel), d + ": the log is of another kernel");
            // On the host, too: kdump4j reads the saved file.
            Path vmcore = d.resolve("vmcore");
            CliRun host = CliRun.of("analyze", "--json", vmcore.toString());
            assertEquals(0, host.exitCode(), host.stderr());
            assertTrue(host.out().contains("\"panic_class\": \"sysrq\""), host.out());
        }
        assertEquals(dirs.size(), dirs.stream().distinct().count(), "every crash its own directory: " + dirs);
        // The last listing of /var/crash holds every dump: none was overwritten or removed.
        String listing = read(dumps.getLast().resolve("var-crash.ls"));
        for (String dir : dirs) {
            assertTrue(listing.contains(dir.substring(dir.lastIndexOf('/') + 1)), dir + " is gone: " + listing);
        }
        String enable = read(results.resolve("enable.log"));
        assertTrue(enable.contains("grub"), "enable went through GRUB: " + enable);
        String cmdline = read(results.resolve("cmdline-1"));
        assertTrue(cmdline.contains("crashkernel="), "the reboot after enable reserved memory: " + cmdline);
        if (UPGRADE) {
            String up = read(results.resolve("upgrade.log"));
            assertTrue(up.contains("kdump4j: building the capture initramfs for " + upgrade), "kdump4j's kernel hook: " + up);
        }
    }

    /** The .deb: -Dkdump4j.system.deb, else scripts/package.sh amd64 (reusing cli/target's jars). */
    static Path debPackage(Path root) throws IOException {
        String given = System.getProperty("kdump4j.system.deb", "");
        if (!given.isBlank()) {
            return Path.of(given).toAbsolutePath();
        }
        ProcessBuilder pb = new ProcessBuilder(root.resolve("scripts/package.sh").toString(), "amd64");
        pb.environment().put("KDUMP4J_PACKAGE_REUSE", "1");
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            assertEquals(0, p.waitFor(), "scripts/package.sh amd64");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return Path.of(lastLine(out));
    }

    /**
     * The step times, from the console lines the host time-stamped: each "KDUMP4J sys-X-start"
     * to its "-done", each reboot to the next boot's driver, each panic to the capture's save.
     */
    static void printTimes(List<Line> lines) {
        List<String> out = new ArrayList<>();
        Double panic = null;
        Double reboot = null;
        String rebootWhy = null;
        java.util.Map<String, Double> starts = new java.util.HashMap<>();
        for (Line l : lines) {
            String s = l.text();
            if (s.contains("Kernel panic - not syncing")) {
                panic = l.t();
                continue;
            }
            int k = s.indexOf("KDUMP4J ");
            String ev = s.substring(k + 8).split(" ")[0];
            if (ev.equals("save-done") && panic != null) {
                out.add(String.format(Locale.ROOT, "crash-to-saved %.1f s (%s)", l.t() - panic, s.substring(k + 8)));
                reboot = l.t();
                rebootWhy = "capture";
                panic = null;
            } else if (ev.startsWith("sys-reboot-")) {
                reboot = l.t();
                rebootWhy = ev.substring(11);
            } else if (ev.equals("sys-boot") && reboot != null) {
                out.add(String.format(Locale.ROOT, "reboot (%s) to the driver %.1f s", rebootWhy, l.t() - reboot));
                reboot = null;
            } else if (ev.equals("sys-boot")) {
                out.add(String.format(Locale.ROOT, "first boot to the driver %.1f s", l.t()));
            } else if (ev.startsWith("sys-") && ev.endsWith("-start")) {
                starts.put(ev.substring(4, ev.length() - 6), l.t());
            } else if (ev.startsWith("sys-") && ev.endsWith("-done") && starts.containsKey(ev.substring(4, ev.length() - 5))) {
                String name = ev.substring(4, ev.length() - 5);
                out.add(String.format(Locale.ROOT, "%s %.1f s (%s)", name, l.t() - starts.get(name), s.substring(k + 8)));
            } else if (ev.startsWith("sys-finish")) {
                out.add(String.format(Locale.ROOT, "total %.1f s (%s)", l.t(), s.substring(k + 8)));
            }
        }
        out.forEach(o -> System.out.println("system: " + o));
    }

    /** Runs QEMU until the guest powers off or the timeout; every KDUMP4J and panic line kept with its time. */
    static List<Line> runQemu(List<String> cmd, Path console, int timeoutS) throws Exception {
        List<Line> lines = new ArrayList<>();
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter w = new PrintWriter(Files.newBufferedWriter(console))) {
                String line;
                while ((line = r.readLine()) != null) {
                    double t = (System.nanoTime() - start) / 1e9;
                    w.printf(Locale.ROOT, "%8.3f %s%n", t, line);
                    w.flush();
                    if (line.contains("KDUMP4J ") || line.contains("Kernel panic - not syncing")) {
                        synchronized (lines) {
                            lines.add(new Line(t, line.strip()));
                        }
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        boolean done = p.waitFor(timeoutS, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(10_000);
        synchronized (lines) {
            if (!done) {
                lines.add(new Line(timeoutS, "KDUMP4J sys-finish TIMEOUT after " + timeoutS + " s"));
            }
            return List.copyOf(lines);
        }
    }

    static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p) : "(no " + p.getFileName() + ")";
    }

    static String lastLine(String s) {
        List<String> l = s.strip().lines().toList();
        return l.getLast().strip();
    }
}
