package io.kdump4j.setup.initramfs;

import io.kdump4j.setup.config.Kdump4jConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * What goes into a capture initramfs.
 *
 * @param output      the file to write
 * @param config      the kdump4j config the capture side follows (target, actions, modules)
 * @param busybox     a static busybox, or null for the host's /bin/busybox
 * @param modulesDir  {@code /lib/modules/<release>} of the capture kernel, or null for no modules
 * @param java        the Java runtime and kdump4j's jars, or null for an image without Java
 *                    (then the capture side can only make a raw copy)
 * @param firstBoot   a script sourced by /init on a normal boot (the QEMU test's hook), or null
 * @param extraFiles  more files: archive path to host file (e.g. the e2e's kernel image)
 * @param compression how to compress the archive
 * @param cache       where jlink runtimes are cached
 */
public record InitramfsSpec(Path output, Kdump4jConfig config, Path busybox, Path modulesDir, JavaImage java,
                            String firstBoot, Map<String, Path> extraFiles,
                            Compression compression, Path cache) {
    public InitramfsSpec {
        extraFiles = Map.copyOf(extraFiles);
    }
}
