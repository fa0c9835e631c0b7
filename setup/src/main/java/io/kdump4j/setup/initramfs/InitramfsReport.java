package io.kdump4j.setup.initramfs;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link InitramfsBuilder} made: sizes for {@code kdump4j estimate} (the capture kernel
 * holds the compressed image and, unpacked, the archive), entries and modules.
 *
 * @param output            the file written
 * @param compressedBytes   its size
 * @param archiveBytes      the cpio archive's size before compression (what the initramfs takes in RAM)
 * @param entries           number of archive entries
 * @param modules           kernel modules in load order
 * @param javaRuntimeBytes  bytes of the bundled Java runtime and its libraries (0 without Java)
 */
public record InitramfsReport(Path output, long compressedBytes, long archiveBytes, int entries,
                              List<String> modules, long javaRuntimeBytes) {
    public InitramfsReport {
        modules = List.copyOf(modules);
    }
}
