package io.kdump4j.kernel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.testkit.Fixtures;
import io.kdump4j.testkit.Makedumpfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real dumps the kernel tests run on: every fixture's ELF core (decompressed into the
 * cache), its {@code makedumpfile -E -d 31} variant (x86_64), and its kdump-compressed /
 * flattened files used in place. A non-ELF dump that the
 * format layer cannot open yet is skipped with a message saying so; an ELF core that does
 * not open fails the test.
 */
public final class FixtureDumps {
    private FixtureDumps() {
    }

    /**
     * One dump of one fixture case.
     *
     * @param fixture the case folder relative to the fixtures root
     * @param path the dump file
     * @param elf whether it is the ELF core
     */
    public record Case(String fixture, Path path, boolean elf) {
        public Path dir() {
            return Fixtures.dir(fixture);
        }

        /** The architecture the fixture's folder name says ("x86_64-..." or "arm64-..."). */
        public String expectedArch() {
            return fixture.startsWith("arm64") ? "aarch64" : "x86_64";
        }

        /** A golden file of this case, when it exists. */
        public Optional<Path> golden(String name) {
            Path p = dir().resolve(name);
            return Files.exists(p) ? Optional.of(p) : Optional.empty();
        }

        /** A "NAME: value" line of the case's crash output (crash.txt, else crash-*.txt), when present. */
        public Optional<String> crashField(String name) throws IOException {
            List<Path> files = new ArrayList<>();
            golden("crash.txt").ifPresent(files::add);
            try (var s = Files.list(dir())) {
                s.filter(p -> p.getFileName().toString().matches("crash-.*\\.txt")).sorted().forEach(files::add);
            }
            Pattern re = Pattern.compile("(?m)^\\s*" + Pattern.quote(name) + ": (.*)$");
            for (Path f : files) {
                Matcher m = re.matcher(Files.readString(f, StandardCharsets.ISO_8859_1));
                if (m.find()) {
                    return Optional.of(m.group(1));
                }
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            return fixture + "/" + path.getFileName();
        }
    }

    /** Every dump of every fixture case. */
    public static List<Case> all() throws IOException {
        List<Case> out = new ArrayList<>();
        for (Path dir : Fixtures.cases()) {
            String rel = Fixtures.root().relativize(dir).toString();
            Path elf = Fixtures.elfCore(rel);
            if (elf != null) {
                out.add(new Case(rel, elf, true));
                Path filtered = filteredElf(rel);
                if (filtered != null) {
                    out.add(new Case(rel, filtered, true));
                }
            }
            try (var s = Files.list(dir)) {
                s.filter(p -> {
                    String n = p.getFileName().toString();
                    return n.endsWith(".kdump") || n.endsWith(".flat");
                }).sorted().forEach(p -> out.add(new Case(rel, p, false)));
            }
        }
        return out;
    }

    /**
     * A variant made by the real makedumpfile: {@code makedumpfile -E -d 31} of the fixture's ELF
     * core (an ELF core with free, cache, user and zero pages filtered out), made once into the
     * cache. Only for x86_64: Debian's x86_64 makedumpfile cannot read arm64 dumps. Null when
     * makedumpfile is not installed.
     */
    private static Path filteredElf(String rel) throws IOException {
        if (!rel.startsWith("x86_64") || !Makedumpfile.installed()) {
            return null;
        }
        return Makedumpfile.variant(rel, "e31.elf", "-E", "-d", "31");
    }

    /** The dumps that have the given golden file (e.g. {@code crash.txt}, {@code drgn.txt}). */
    public static List<Case> withGolden(String name) throws IOException {
        return all().stream().filter(c -> c.golden(name).isPresent()).toList();
    }

    /** The dumps whose crash output (crash.txt, made by crash 8.0.2) matches a pattern: crash did print that part. */
    public static List<Case> withCrashOutput(Pattern p) throws IOException {
        List<Case> out = new ArrayList<>();
        for (Case c : withGolden("crash.txt")) {
            if (p.matcher(Files.readString(c.golden("crash.txt").orElseThrow(), StandardCharsets.ISO_8859_1)).find()) {
                out.add(c);
            }
        }
        return out;
    }

    /** {@link #withCrashOutput} for stream filters. */
    public static List<Case> withCrashOutputUnchecked(Pattern p) {
        try {
            return withCrashOutput(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The ELF cores only: those record virtual addresses in their program headers. */
    public static List<Case> elfCores() throws IOException {
        return all().stream().filter(Case::elf).toList();
    }

    /** The fixture kernel's System.map ({@code kernel/System.map.xz}), decompressed into the cache. */
    public static Path systemMap(Case c) throws IOException {
        Path xz = c.dir().getParent().resolve("kernel/System.map.xz");
        Path out = Fixtures.cache().resolve("fixtures").resolve(c.fixture()).getParent().resolve("System.map");
        if (!Files.exists(out)) {
            Files.createDirectories(out.getParent());
            Path tmp = out.resolveSibling("System.map.tmp");
            Fixtures.run(List.of("sh", "-c", "xz -dc '" + xz + "' > '" + tmp + "'"));
            Files.move(tmp, out);
        }
        return out;
    }

    /**
     * Opens a case with the data symbols the helpers need: Debian's arm64 kernels are built
     * without CONFIG_KALLSYMS_ALL (the fixture's kernel/config.xz), so their kallsyms has no
     * data symbols and the fixture's System.map supplies them, as {@code --system-map} does for a
     * user; x86_64 cases get kallsyms alone (what they prove is that no System.map is needed).
     */
    public static KernelDump openWithDataSymbols(Case c) throws IOException {
        KernelDump k = open(c);
        if (c.expectedArch().equals("aarch64")) {
            try {
                io.kdump4j.kernel.symbols.KernelSymbols.withSystemMap(k, systemMap(c));
            } catch (IOException | RuntimeException e) {
                k.close();
                throw e;
            }
        }
        return k;
    }

    /** The dumps that have a makedumpfile --dump-dmesg golden file. */
    public static List<Case> withDmesg() throws IOException {
        return all().stream().filter(c -> c.golden("dmesg.makedumpfile.txt").isPresent()).toList();
    }

    /** Opens a case as a kernel dump, skipping a non-ELF dump the format layer cannot read yet. */
    public static KernelDump open(Case c) throws IOException {
        DumpFile dump;
        try {
            dump = Dumps.open(c.path());
        } catch (DumpFormatException e) {
            if (c.elf()) {
                throw e;
            }
            assumeTrue(false, "the format layer cannot open " + c + " yet (kdump-compressed/flattened readers "
                    + "are wired in by the integrator): " + e.getMessage());
            throw e;
        }
        return KernelDump.open(dump);
    }
}
