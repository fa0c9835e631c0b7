package io.kdump4j.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's makedumpfile as a test peer: dumps it writes from a fixture's ELF core, made at test
 * time into the cache ({@code variants/VERSION/<case>/<name>}, reused by later runs and by every
 * module's tests) together with makedumpfile's own page report ({@code --message-level 31}).
 * The x86_64 build of makedumpfile reads only x86_64 dumps.
 */
public final class Makedumpfile {
    /** Bump when the set of variants or the way they are made changes. */
    public static final String VERSION = "v1";
    public static final String PATH = "/usr/bin/makedumpfile";

    private Makedumpfile() {
    }

    public static boolean installed() {
        return Files.isExecutable(Path.of(PATH));
    }

    /** Skips the calling test, loudly, when makedumpfile is not installed. */
    public static void assumeInstalled() {
        if (!installed()) {
            System.err.println("*** SKIPPING: " + PATH + " is not installed (scripts/setup.sh installs it);"
                    + " the cross-checks against makedumpfile did not run ***");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(installed(), PATH + " is not installed");
    }

    /** The cache folder of one fixture case's variants. */
    public static Path dir(String fixtureCase) throws IOException {
        Path d = Fixtures.cache().resolve("variants").resolve(VERSION).resolve(fixtureCase);
        Files.createDirectories(d);
        return d;
    }

    /**
     * The output of {@code makedumpfile <options> core out} for the case's ELF core, made once;
     * with {@code -F} the flattened stream makedumpfile writes to stdout.
     */
    public static Path variant(String fixtureCase, String fileName, String... options) throws IOException {
        assumeInstalled();
        Path out = dir(fixtureCase).resolve(fileName);
        Path report = dir(fixtureCase).resolve(fileName + ".report.txt");
        if (Files.exists(out) && Files.exists(report)) {
            return out;
        }
        Path core = Fixtures.elfCore(fixtureCase);
        Path tmp = dir(fixtureCase).resolve(fileName + ".tmp");
        Files.deleteIfExists(tmp);
        List<String> cmd = new ArrayList<>(List.of(PATH, "--message-level", "31"));
        cmd.addAll(List.of(options));
        cmd.add(core.toString());
        String text;
        if (List.of(options).contains("-F")) {
            List<String> sh = new ArrayList<>(List.of("sh", "-c", "out=\"$1\"; shift; exec \"$@\" > \"$out\"", "sh",
                    tmp.toString()));
            sh.addAll(cmd);
            text = Fixtures.run(sh);
        } else {
            cmd.add(tmp.toString());
            text = Fixtures.run(cmd);
        }
        Files.writeString(report, text);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        return out;
    }

    /** {@code makedumpfile -R OUT < flat}: the normal file rebuilt from a flattened stream, made once. */
    public static Path reassembled(Path flat, Path out) throws IOException {
        assumeInstalled();
        if (!Files.exists(out)) {
            Files.createDirectories(out.getParent());
            Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Fixtures.run(List.of("sh", "-c", "\"$1\" -R \"$2\" < \"$3\"", "sh", PATH, tmp.toString(), flat.toString()));
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        }
        return out;
    }

    /**
     * An incomplete dump: {@code makedumpfile -c -d 31 -L limit} stops at the size limit, marks
     * the header incomplete (status 0x8) and exits non-zero, as on a full disk.
     */
    public static Path incomplete(String fixtureCase, String fileName, long limit) throws IOException {
        assumeInstalled();
        Path out = dir(fixtureCase).resolve(fileName);
        if (Files.exists(out)) {
            return out;
        }
        Path tmp = dir(fixtureCase).resolve(fileName + ".tmp");
        Files.deleteIfExists(tmp);
        Process p = new ProcessBuilder(PATH, "-c", "-d", "31", "-L", Long.toString(limit),
                Fixtures.elfCore(fixtureCase).toString(), tmp.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
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

    /** The text makedumpfile printed while making a variant. */
    public static String report(String fixtureCase, String fileName) throws IOException {
        return Files.readString(dir(fixtureCase).resolve(fileName + ".report.txt"));
    }

    /** A count from makedumpfile's report, e.g. "Excluded pages   : 0x...". */
    public static long reportCount(String fixtureCase, String fileName, String label) throws IOException {
        for (String line : report(fixtureCase, fileName).split("\n")) {
            String t = line.trim();
            if (t.startsWith(label)) {
                return Long.decode(t.substring(t.indexOf(':') + 1).trim());
            }
        }
        throw new AssertionError("no \"" + label + "\" in makedumpfile's report for " + fileName);
    }
}
