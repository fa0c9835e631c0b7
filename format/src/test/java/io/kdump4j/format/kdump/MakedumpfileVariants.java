package io.kdump4j.format.kdump;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Dumps written by the real makedumpfile from a fixture's ELF core, made at test time into the
 * cache (keyed by {@link #VERSION}, so reruns reuse them) together with makedumpfile's own page
 * report ({@code --message-level 31}).
 */
final class MakedumpfileVariants {
    /** Bump when the set of variants or the way they are made changes. */
    static final String VERSION = "v1";
    static final String MAKEDUMPFILE = "/usr/bin/makedumpfile";
    static final String X86_61 = "x86_64-6.1.0-56-amd64/sysrq-elf";

    private MakedumpfileVariants() {
    }

    /** Skips the calling test, loudly, when makedumpfile is not installed. */
    static void assumeMakedumpfile() {
        boolean present = Files.isExecutable(Path.of(MAKEDUMPFILE));
        if (!present) {
            System.err.println("*** SKIPPING: " + MAKEDUMPFILE + " is not installed (apt-get install makedumpfile);"
                    + " the cross-checks against makedumpfile output did not run ***");
        }
        assumeTrue(present, MAKEDUMPFILE + " is not installed");
    }

    static Path dir() throws IOException {
        Path d = Fixtures.cache().resolve("variants").resolve(VERSION).resolve(X86_61);
        Files.createDirectories(d);
        return d;
    }

    /** The output of {@code makedumpfile <options> core out}, made once; returns the output path. */
    static Path make(String fileName, String... options) throws IOException {
        assumeMakedumpfile();
        Path out = dir().resolve(fileName);
        Path report = dir().resolve(fileName + ".report.txt");
        if (Files.exists(out) && Files.exists(report)) {
            return out;
        }
        Path core = Fixtures.elfCore(X86_61);
        Path tmp = dir().resolve(fileName + ".tmp");
        Files.deleteIfExists(tmp);
        List<String> cmd = new ArrayList<>(List.of(MAKEDUMPFILE, "--message-level", "31"));
        cmd.addAll(List.of(options));
        String text;
        if (List.of(options).contains("-F")) {
            cmd.add(core.toString());
            List<String> sh = List.of("sh", "-c", String.join(" ", cmd) + " > " + tmp);
            text = Fixtures.run(sh);
        } else {
            cmd.add(core.toString());
            cmd.add(tmp.toString());
            text = Fixtures.run(cmd);
        }
        Files.writeString(report, text);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        return out;
    }

    /**
     * An incomplete dump: {@code makedumpfile -c -d 31 -L limit} stops at the size limit, marks
     * the header incomplete (status 0x8) and exits non-zero, as on a full disk.
     */
    static Path makeIncomplete(String fileName, long limit) throws IOException {
        assumeMakedumpfile();
        Path out = dir().resolve(fileName);
        if (Files.exists(out)) {
            return out;
        }
        Path tmp = dir().resolve(fileName + ".tmp");
        Files.deleteIfExists(tmp);
        Process p = new ProcessBuilder(MAKEDUMPFILE, "-c", "-d", "31", "-L", Long.toString(limit),
                Fixtures.elfCore(X86_61).toString(), tmp.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (!text.contains("incomplete dumpfile")) {
            throw new IOException("makedumpfile -L did not report an incomplete dump:\n" + text);
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        return out;
    }

    /** The text makedumpfile printed while making {@code fileName}. */
    static String report(String fileName) throws IOException {
        return Files.readString(dir().resolve(fileName + ".report.txt"));
    }

    /** A hex count from makedumpfile's report, e.g. "Remaining pages  : 0x...". */
    static long reportCount(String fileName, String label) throws IOException {
        for (String line : report(fileName).split("\n")) {
            String t = line.trim();
            if (t.startsWith(label)) {
                return Long.decode(t.substring(t.indexOf(':') + 1).trim());
            }
        }
        throw new AssertionError("no \"" + label + "\" in makedumpfile's report for " + fileName);
    }
}
