package io.kdump4j.capture;

import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.helpers.printk.KernelLog;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The first thing a save writes: the kernel log as {@code makedumpfile --dump-dmesg} writes it,
 * to {@code TARGET.dmesg.txt}, through {@code TARGET.dmesg.txt.incomplete} (mode 0600, written
 * synchronously, renamed when whole). It is small and survives when the dump does not fit.
 */
final class KernelLogFile {
    private KernelLogFile() {
    }

    /** {@code TARGET.dmesg.txt}. */
    static Path of(Path target) {
        return target.resolveSibling(target.getFileName() + ".dmesg.txt");
    }

    /**
     * Writes the log; a log that cannot be read or written is a notice to {@code listener}, not
     * a failure: the dump matters more.
     */
    static void write(KernelDump kernel, Path target, ProgressListener listener) {
        Path log = of(target);
        Path tmp = log.resolveSibling(log.getFileName() + Saver.INCOMPLETE_SUFFIX);
        try {
            var records = KernelLog.read(kernel);
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.SYNC), 1 << 16)) {
                KernelLog.writeMakedumpfileText(records, o);
            }
            Files.move(tmp, log, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            listener.notice("kernel log (" + records.size() + " records) saved to " + log);
        } catch (IOException | RuntimeException e) {
            listener.warning("the kernel log could not be saved: " + e.getMessage());
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the warning above already says the log is missing
            }
        }
    }
}
