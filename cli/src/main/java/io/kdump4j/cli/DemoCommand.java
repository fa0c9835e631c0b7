package io.kdump4j.cli;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.helpers.printk.KernelLog;
import io.kdump4j.kernel.helpers.printk.LogRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kdump4j demo [DUMP]}: opens a real crash dump (by default the x86_64 flattened
 * fixture in ../shared/fixtures) and prints what it says: the dump's description and the last
 * words of the kernel log. Exits 0 only when the dump was read and its log holds a panic.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Read a real crash dump end to end (default: the project's x86_64 fixture) and print what it says.")
final class DemoCommand implements Callable<Integer> {
    /** Relative to the project root: the flattened kdump-compressed dump of a real sysrq crash. */
    static final String DEFAULT_DUMP = "../shared/fixtures/x86_64-6.1.0-56-amd64/sysrq-flat/vmcore.flat";

    @Parameters(index = "0", arity = "0..1", paramLabel = "DUMP", description = "dump to read (default: " + DEFAULT_DUMP + ")")
    Path dump;

    @Option(names = "--arch", paramLabel = "ARCH", description = "arm64: first run the whole arm64 kdump cycle under "
            + "QEMU (scripts/e2e-arm64.sh: kdump4j's kexec_load, sysrq-c, capture) and read the dump it saved")
    String arch;

    @Option(names = "--system", description = "first run the real installed-system cycle on x86_64 "
            + "(scripts/system-cycle.sh: a Debian 12 image booted by its own GRUB, apt install of the .deb, kdump4j "
            + "enable, reboot, kdump4j test --yes, the capture into /var/crash, the kernel upgrade; CRASHKERNEL=SIZE, "
            + "CRASHES=N) and read the last dump it saved")
    boolean system;

    @Override
    public Integer call() throws IOException {
        Path p = dump != null ? dump : system ? systemCycle()
                : arch != null && (arch.equals("arm64") || arch.equals("aarch64")) ? arm64Cycle()
                : defaultDump();
        try (DumpFile d = Dumps.open(p)) {
            DumpInfo info = DumpInfo.of(d, Files.size(p));
            System.out.print(info.toText());
            KernelDump k = KernelDump.of(d); // a view: d's owner closes it
            List<LogRecord> records = KernelLog.read(k);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            KernelLog.writeMakedumpfileText(records, buf);
            List<String> lines = buf.toString(StandardCharsets.ISO_8859_1).lines().toList();
            String panic = lines.stream().filter(l -> l.contains("Kernel panic - not syncing")).findFirst().orElse(null);
            System.out.println();
            System.out.println("kernel log: " + records.size() + " records; the last lines:");
            lines.subList(Math.max(0, lines.size() - 25), lines.size()).forEach(l -> System.out.println("  " + l));
            System.out.println();
            if (panic == null) {
                System.out.println("demo: no panic message found in the kernel log");
                return ExitCodes.MISSING_DATA;
            }
            System.out.println("demo: the kernel said: " + panic.substring(panic.indexOf(']') + 2));
        }
        return ExitCodes.OK;
    }

    /** Runs scripts/e2e-arm64.sh (its output goes to the terminal) and returns the dump it saved. */
    private static Path arm64Cycle() throws IOException {
        String root = System.getProperty("kdump4j.root", System.getenv().getOrDefault("KDUMP4J_ROOT", "."));
        ProcessBuilder pb = new ProcessBuilder(Path.of(root).resolve("scripts/e2e-arm64.sh").toString()).inheritIO();
        pb.environment().put("TAG", "demo");
        try {
            int rc = pb.start().waitFor();
            if (rc != 0) {
                throw new IOException("scripts/e2e-arm64.sh exited " + rc + ": the arm64 cycle did not save a dump");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the arm64 cycle ran", e);
        }
        String cache = System.getenv().getOrDefault("KDUMP4J_CACHE", System.getProperty("user.home") + "/.cache/kdump4j");
        // kdump4j save in the capture kernel writes "vmcore"; the NO_JAVA variant's dd copy "vmcore.elf".
        Path dir = Path.of(cache, "e2e-arm64", "demo");
        return Files.exists(dir.resolve("vmcore")) ? dir.resolve("vmcore") : dir.resolve("vmcore.elf");
    }

    /**
     * Runs scripts/system-cycle.sh (its output goes to the terminal) and returns the last dump the
     * installed system saved (SystemCycleE2eRun copies each into system/last/results/N-RELEASE/).
     */
    private static Path systemCycle() throws IOException {
        String root = System.getProperty("kdump4j.root", System.getenv().getOrDefault("KDUMP4J_ROOT", "."));
        ProcessBuilder pb = new ProcessBuilder(Path.of(root).resolve("scripts/system-cycle.sh").toString()).inheritIO();
        try {
            int rc = pb.start().waitFor();
            if (rc != 0) {
                throw new IOException("scripts/system-cycle.sh exited " + rc + ": the installed-system cycle failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the installed-system cycle ran", e);
        }
        String cache = System.getenv().getOrDefault("KDUMP4J_CACHE", System.getProperty("user.home") + "/.cache/kdump4j");
        Path results = Path.of(cache, "system", "last", "results");
        try (var s = Files.list(results)) {
            List<Path> dumps = s.filter(d -> Files.isRegularFile(d.resolve("vmcore"))).sorted().toList();
            if (dumps.isEmpty()) {
                throw new NoSuchFileException(results.toString(), null, "the installed-system cycle left no dump");
            }
            // One line per saved dump (issue 14): <dump dir> saver=<saver> complete|incomplete.
            for (Path d : dumps) {
                String status = Files.readString(d.resolve("status.json"));
                java.util.regex.Matcher saver = java.util.regex.Pattern.compile("\"saver\": \"([^\"]+)\"").matcher(status);
                System.out.println(Files.readString(d.resolve("dir")).strip() + " saver=" + (saver.find() ? saver.group(1) : "?")
                        + " " + (status.contains("\"status\": \"complete\"") ? "complete" : "incomplete")
                        + " (kernel " + d.getFileName().toString().replaceFirst("^\\d+-", "") + ")");
            }
            return dumps.getLast().resolve("vmcore");
        }
    }

    private static Path defaultDump() throws NoSuchFileException {
        String root = System.getProperty("kdump4j.root", System.getenv().getOrDefault("KDUMP4J_ROOT", "."));
        Path p = Path.of(root).resolve(DEFAULT_DUMP).normalize();
        if (!Files.exists(p)) {
            throw new NoSuchFileException(p.toString(), null, "the default demo dump is missing; give a DUMP");
        }
        return p;
    }
}
