package io.kdump4j.setup.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The libraries a runtime needs, by our own ELF reading: for the host's JDK the same set the
 * host's {@code ldd} (the real loader) prints; for Debian's arm64 jmods linked into an aarch64
 * runtime, the loader and libraries from the unpacked arm64 packages.
 */
class SharedLibrariesTest {
    static final Path JDK = Path.of(System.getProperty("java.home"));

    @Test
    void hostRuntimeNeedsWhatLddSays() throws IOException {
        TreeMap<String, Path> ours = SharedLibraries.resolve(JDK, Path.of("/"));
        Set<String> lddNames = new TreeSet<>();
        List<Path> elves = new java.util.ArrayList<>(List.of(JDK.resolve("bin/java")));
        try (Stream<Path> s = Files.walk(JDK.resolve("lib"))) {
            s.filter(p -> p.toString().endsWith(".so")).forEach(elves::add);
        }
        for (Path e : elves) {
            String out;
            try {
                out = Fixtures.run(List.of("ldd", e.toString()));
            } catch (RuntimeException | IOException notLinkable) {
                continue;
            }
            out.lines().map(String::strip).filter(l -> !l.startsWith("linux-vdso") && !l.contains(JDK.toString()))
                    .filter(l -> l.contains("/"))
                    .map(l -> l.contains("=> ") ? l.substring(l.indexOf("=> ") + 3) : l)
                    .map(l -> l.split(" ")[0]).map(l -> Path.of(l).getFileName().toString())
                    .forEach(lddNames::add);
        }
        Set<String> ourNames = ours.keySet().stream().map(k -> Path.of(k).getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(lddNames, ourNames);
        assertTrue(ours.containsKey("lib/x86_64-linux-gnu/libc.so.6") || ours.containsKey("lib/aarch64-linux-gnu/libc.so.6"),
                ours.toString());
        for (Path f : ours.values()) {
            assertTrue(Files.isRegularFile(f) && !Files.isSymbolicLink(f), f.toString());
        }
    }

    /**
     * libdeflate is opened by soname at run time, so no DT_NEEDED names it: asked for, it is added
     * with what it needs (only libc, which the runtime needs anyway); a library that is nowhere is
     * left out rather than failing the image.
     */
    @Test
    void dlopenedLibrariesAreAddedWhenPresent() throws IOException {
        Path host = Path.of("/usr/lib/x86_64-linux-gnu/libdeflate.so.0");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(host), "libdeflate0 not installed (scripts/setup.sh)");
        TreeMap<String, Path> plain = SharedLibraries.resolve(JDK, Path.of("/"));
        TreeMap<String, Path> more = SharedLibraries.resolve(JDK, Path.of("/"),
                List.of("libdeflate.so.0", "libkdump4j-nowhere.so.9"));
        assertEquals(host.toRealPath(), more.get("lib/x86_64-linux-gnu/libdeflate.so.0"));
        more.remove("lib/x86_64-linux-gnu/libdeflate.so.0");
        assertEquals(plain, more);
    }

    @Test
    void arm64RuntimeFromDebianJmods() throws IOException {
        Path java = Fixtures.cache().resolve("java-arm64/current");
        Assumptions.assumeTrue(Files.isDirectory(java.resolve("jdk/jmods")), "no arm64 jmods: scripts/setup-java-arm64.sh");
        JavaImage image = new JavaImage(JDK, java.resolve("jdk/jmods"), java.resolve("sysroot"), List.of(), "m/c");
        Path runtime = JavaRuntime.build(image, List.of("java.base", "jdk.unsupported"), Fixtures.cache());
        assertEquals(183, SharedLibraries.read(runtime.resolve("bin/java")).machine(), "EM_AARCH64");
        TreeMap<String, Path> libs = SharedLibraries.resolve(runtime, java.resolve("sysroot"));
        for (String want : List.of("lib/ld-linux-aarch64.so.1", "lib/aarch64-linux-gnu/libc.so.6",
                "lib/aarch64-linux-gnu/libstdc++.so.6", "lib/aarch64-linux-gnu/libgcc_s.so.1",
                "lib/aarch64-linux-gnu/libz.so.1", "lib/aarch64-linux-gnu/libm.so.6")) {
            assertTrue(libs.containsKey(want), want + " missing from " + libs.keySet());
            assertEquals(183, SharedLibraries.read(libs.get(want)).machine(), want);
        }
        Path sysroot = java.resolve("sysroot").toRealPath();
        assertTrue(libs.values().stream().allMatch(p -> p.startsWith(sysroot)),
                "a library came from the host: " + libs);
    }

    @Test
    void damagedElfNamesFileAndOffset(@TempDir Path tmp) throws IOException {
        byte[] java = Files.readAllBytes(JDK.resolve("bin/java"));
        Path cut = tmp.resolve("cut");
        Files.write(cut, Arrays.copyOf(java, 200));
        IOException e = assertThrows(IOException.class, () -> SharedLibraries.read(cut));
        assertTrue(e.getMessage().startsWith(cut.toString()) && e.getMessage().contains("offset"), e.getMessage());
        Path text = tmp.resolve("text");
        Files.writeString(text, "#!/bin/sh\necho not an ELF file, long enough to fill an ELF header of 64 bytes\n");
        assertNull(SharedLibraries.read(text));
    }
}
