package io.kdump4j.cli;

import io.kdump4j.testkit.Fixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the QEMU kdump cycles share: the hook, the jars for the initramfs, running QEMU. */
final class E2eHarness {
    private E2eHarness() {
    }

    /**
     * tests/e2e/NAME with tests/e2e/truth.sh in front (its record_truth writes /proc's word to the
     * test disk before the crash), written to WORK/NAME.
     */
    static Path firstBoot(Path root, Path work, String name) throws IOException {
        String text = Files.readString(root.resolve("tests/e2e/truth.sh")) + Files.readString(root.resolve("tests/e2e/" + name));
        return Files.writeString(work.resolve(name), text);
    }

    /** WORK/disk-root, emptied, with boot/vmlinuz of the kernel: what the test disk will hold. */
    static Path stage(Path kernelDir, Path work) throws IOException {
        Path staging = work.resolve("disk-root");
        deleteTree(staging);
        Files.createDirectories(staging.resolve("boot"));
        Files.copy(kernelDir.resolve("vmlinuz"), staging.resolve("boot/vmlinuz"));
        return staging;
    }

    /** WORK/kdump4j.conf: the test disk is the target; the capture kernel and initramfs are on it. */
    static Path config(Path work, String initrdName) throws IOException {
        return Files.writeString(work.resolve("kdump4j.conf"), """
                target = LABEL=kdump4j
                path = /kdump4j
                final_action = poweroff
                failure_action = poweroff
                modules = virtio_pci virtio_blk ext4
                kernel = /mnt/boot/vmlinuz
                initrd = /mnt/boot/%s
                """.formatted(initrdName));
    }

    /** {@code kdump4j initramfs} for a fetched kernel folder (scripts/fetch-kernel.sh) with the hook. */
    static List<String> initramfsArgs(Path initrd, Path conf, String release, Path kernelDir, Path hook,
                                      String compression, Path work) throws IOException {
        List<String> args = new ArrayList<>(List.of("initramfs", "-o", initrd.toString(), "--config", conf.toString(),
                "--kernel-release", release, "--modules-dir", kernelDir.resolve("modules").toString(),
                // Debian builds no /proc/config.gz: the guest's kdump4j check reads /boot/config-<release>.
                "--kernel-config", kernelDir.resolve("config").toString(),
                "--first-boot", hook.toString(),
                "--compression", compression, "--cache", Fixtures.cache().toString(), "--json"));
        for (Path j : moduleJars(work)) {
            args.add("--jar");
            args.add(j.toString());
        }
        return args;
    }

    /** WORK/disk.img: a 2 GiB ext4 file system labelled kdump4j holding STAGING. */
    static Path disk(Path work, Path staging) throws IOException {
        Path disk = work.resolve("disk.img");
        Files.deleteIfExists(disk);
        Fixtures.run(List.of("mkfs.ext4", "-q", "-F", "-L", "kdump4j", "-d", staging.toString(), disk.toString(), "2G"));
        return disk;
    }

    /** The x86_64 guest: TCG, 1 GiB, 2 CPUs, serial console, the test disk on virtio. */
    static List<String> x86Qemu(Path kernelDir, Path initrd, Path disk, String crashkernel) {
        return List.of("qemu-system-x86_64", "-accel", "tcg", "-m", "1024", "-smp", "2",
                "-nographic", "-no-reboot", "-monitor", "none", "-serial", "stdio",
                "-kernel", kernelDir.resolve("vmlinuz").toString(), "-initrd", initrd.toString(),
                "-append", "console=ttyS0,115200 panic=5 crashkernel=" + crashkernel,
                "-drive", "file=" + disk + ",format=raw,if=virtio,cache=unsafe");
    }

    /**
     * Modular jars for the initramfs: kdump4j's modules from their class folders (module-info.class
     * inside), and their dependencies' jars, all from this test's class path.
     */
    static List<Path> moduleJars(Path work) throws IOException {
        Path dir = Files.createDirectories(work.resolve("jars"));
        List<Path> jars = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isDirectory(p) && Files.exists(p.resolve("module-info.class"))
                    && !p.toString().contains("testkit")) {
                String name = p.getParent().getParent().getFileName() + ".jar";
                Path jar = dir.resolve(name);
                Files.deleteIfExists(jar);
                Fixtures.run(List.of(Path.of(System.getProperty("java.home"), "bin", "jar").toString(),
                        "--create", "--file", jar.toString(), "-C", p.toString(), "."));
                jars.add(jar);
            } else if (p.getFileName().toString().matches("kdump4j-(?!testkit).*\\.jar")) {
                // In a full reactor build (mvn verify) the other modules come as their packaged jars.
                jars.add(p);
            } else if (p.getFileName().toString().matches("(xz|aircompressor-v3|picocli)-[0-9.]+\\.jar")) {
                jars.add(p);
            }
        }
        return jars;
    }

    /** Runs QEMU, time-stamping each console line on the host; kills it after the timeout. */
    static Map<String, Double> runQemu(List<String> cmd, Path console, int timeoutS) throws Exception {
        Map<String, Double> events = new LinkedHashMap<>();
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (InputStream in = p.getInputStream();
                 BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                 PrintWriter w = new PrintWriter(Files.newBufferedWriter(console))) {
                String line;
                while ((line = r.readLine()) != null) {
                    double t = (System.nanoTime() - start) / 1e9;
                    w.printf(Locale.ROOT, "%8.3f %s%n", t, line);
                    w.flush();
                    if (line.contains("Kernel panic - not syncing: sysrq triggered crash")) {
                        // The kernel's own line: our "panic-trigger" echo may still sit in the
                        // tty buffer when the kernel dies, and then never reaches the console.
                        synchronized (events) {
                            events.putIfAbsent("kernel-panic", t);
                        }
                    }
                    int k = line.indexOf("KDUMP4J ");
                    if (k >= 0) {
                        String ev = line.substring(k + 8).split(" ")[0];
                        synchronized (events) {
                            events.putIfAbsent(ev, t);
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
        synchronized (events) {
            events.put("qemu-exit", (System.nanoTime() - start) / 1e9);
            if (!done) {
                events.put("timed-out", (double) timeoutS);
            }
        }
        return events;
    }

    static List<String> tail(String s, int n) {
        List<String> l = s.lines().toList();
        return l.subList(Math.max(0, l.size() - n), l.size());
    }

    static void deleteTree(Path p) throws IOException {
        if (Files.exists(p)) {
            try (Stream<Path> s = Files.walk(p)) {
                for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(x);
                }
            }
        }
    }
}
