package io.kdump4j.setup.initramfs;

import java.nio.file.Path;
import java.util.List;

/**
 * The Java side of a capture initramfs: a runtime jlinked for the capture kernel's architecture,
 * the libraries it loads, and kdump4j's jars.
 *
 * @param jdk     the JDK 25 whose {@code jlink} and {@code jdeps} run (on the host)
 * @param jmods   the target architecture's JDK 25 {@code jmods} folder (Debian's
 *                openjdk-25-jdk-headless:arm64 on an x86_64 host), or null to link the host's own
 *                modules
 * @param sysroot where the target's shared libraries are: {@code /} for the host's architecture,
 *                else a folder of unpacked libc6, libgcc-s1, libstdc++6 and zlib1g packages
 * @param jars    kdump4j's jars (and their dependencies) for the module path
 * @param main    {@code module/class} to run, e.g. {@code io.kdump4j.cli/io.kdump4j.cli.Main}
 */
public record JavaImage(Path jdk, Path jmods, Path sysroot, List<Path> jars, String main) {
    public JavaImage {
        jars = List.copyOf(jars);
        sysroot = sysroot == null ? Path.of("/") : sysroot;
    }

    /** A runtime for the host's own architecture. */
    public static JavaImage host(Path jdk, List<Path> jars, String main) {
        return new JavaImage(jdk, null, Path.of("/"), jars, main);
    }

    boolean crossLinked() {
        return jmods != null;
    }
}
