package io.kdump4j.cli;

import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Dumps that Debian's makedumpfile makes at test time from the real fixture cores, cached in
 * {@code ~/.cache/kdump4j/variants}: every container and codec a user meets in the field,
 * written by the real tool.
 */
final class MakedumpfileVariants {
    /** A variant: the case it was made from, its name, and the file. */
    record Variant(String fixtureCase, String name, Path file) {
        @Override
        public String toString() {
            return fixtureCase + " " + name;
        }
    }

    private MakedumpfileVariants() {
    }

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/makedumpfile")) || Files.isExecutable(Path.of("/usr/bin/makedumpfile"));
    }

    /** The x86_64 fixture cases that have an ELF core makedumpfile (an x86_64 build) can filter. */
    static final List<String> X86_CASES = List.of(
            "x86_64-6.1.0-56-amd64/sysrq-elf",
            "x86_64-6.12.117+deb12-amd64/sysrq-elf");

    static List<Variant> all() throws IOException {
        List<Variant> out = new ArrayList<>();
        for (String c : X86_CASES) {
            Path src = Fixtures.elfCore(c);
            out.add(make(c, "kdump-zlib-d31", src, List.of("-c", "-d", "31")));
            out.add(make(c, "kdump-lzo-d31", src, List.of("-l", "-d", "31")));
            out.add(make(c, "kdump-zlib-d1", src, List.of("-c", "-d", "1")));
            out.add(make(c, "kdump-raw-d0", src, List.of("-d", "0")));
            out.add(make(c, "elf-d31", src, List.of("-E", "-d", "31")));
            Variant flat = make(c, "flat-zlib-d31", src, List.of("-F", "-c", "-d", "31"));
            out.add(flat);
            out.add(reassembled(c, flat));
        }
        return out;
    }

    private static Path dir(String fixtureCase) throws IOException {
        Path d = Fixtures.cache().resolve("variants-v1").resolve(fixtureCase);
        Files.createDirectories(d);
        return d;
    }

    private static Variant make(String c, String name, Path src, List<String> args) throws IOException {
        Path out = dir(c).resolve(name);
        if (!Files.exists(out)) {
            Path tmp = out.resolveSibling(name + ".tmp");
            Files.deleteIfExists(tmp);
            List<String> cmd = new ArrayList<>(List.of("makedumpfile"));
            cmd.addAll(args);
            if (args.contains("-F")) {
                // -F writes the flattened stream to stdout.
                cmd.add(src.toString());
                runTo(cmd, tmp);
            } else {
                cmd.add(src.toString());
                cmd.add(tmp.toString());
                Fixtures.run(cmd);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Variant(c, name, out);
    }

    private static Variant reassembled(String c, Variant flat) throws IOException {
        Path out = dir(c).resolve("flat-reassembled-by-makedumpfile");
        if (!Files.exists(out)) {
            Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Fixtures.run(List.of("sh", "-c", "makedumpfile -R \"$1\" < \"$2\"", "sh", tmp.toString(), flat.file().toString()));
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Variant(c, "flat-reassembled-by-makedumpfile", out);
    }

    private static void runTo(List<String> cmd, Path stdout) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (p.waitFor() != 0) {
                throw new IOException(cmd + " exited " + p.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
