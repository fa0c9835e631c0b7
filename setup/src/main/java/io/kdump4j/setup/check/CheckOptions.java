package io.kdump4j.setup.check;

import java.nio.file.Path;

/**
 * What {@link Preflight} checks against besides the machine's own files.
 *
 * @param kernelConfig   a kernel config file to read instead of the running kernel's, or null
 * @param captureCmdline the capture kernel's command line as {@code kdump4j load} would pass it, or null to derive it
 * @param target         the directory dumps are saved to, or null to skip the free-space check
 * @param dumpLevel      the makedumpfile-style dump level the save will use (0 = every page)
 * @param arch           "x86_64" or "aarch64"
 * @param initrd         the capture initramfs, to check the reservation can hold it, or null
 */
public record CheckOptions(Path kernelConfig, String captureCmdline, Path target, int dumpLevel, String arch, Path initrd) {
    /** The defaults for the running machine: its own config, derived capture line, no target, level 31. */
    public static CheckOptions defaults() {
        return new CheckOptions(null, null, null, 31, hostArch(), null);
    }

    public CheckOptions withKernelConfig(Path p) {
        return new CheckOptions(p, captureCmdline, target, dumpLevel, arch, initrd);
    }

    public CheckOptions withTarget(Path p, int level) {
        return new CheckOptions(kernelConfig, captureCmdline, p, level, arch, initrd);
    }

    public CheckOptions withCaptureCmdline(String c) {
        return new CheckOptions(kernelConfig, c, target, dumpLevel, arch, initrd);
    }

    public CheckOptions withArch(String a) {
        return new CheckOptions(kernelConfig, captureCmdline, target, dumpLevel, a, initrd);
    }

    public CheckOptions withInitrd(Path p) {
        return new CheckOptions(kernelConfig, captureCmdline, target, dumpLevel, arch, p);
    }

    /** The JVM's architecture in the kernel's spelling. */
    public static String hostArch() {
        String a = System.getProperty("os.arch");
        return switch (a) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> a;
        };
    }
}
