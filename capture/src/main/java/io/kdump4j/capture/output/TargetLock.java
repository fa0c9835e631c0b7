package io.kdump4j.capture.output;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/**
 * An exclusive lock on a save's target, held from before the first byte (the kernel log) to
 * after the rename: {@code .TARGET.lock} beside it, locked with {@code fcntl} (released by the
 * kernel when the process dies, so a killed save never leaves a stale lock). Without it two saves
 * to one target raced: the first renamed the second's unfinished {@code TARGET.incomplete} to
 * {@code TARGET} and exited 0 although its own file had been deleted under it.
 *
 * <p>The lock file is empty and stays in place: deleting it on release would let a third save
 * lock a new file while a second still holds the deleted one.
 */
public final class TargetLock implements Closeable {
    private final FileChannel channel;
    private final FileLock lock;

    private TargetLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of {@code target}: {@code .NAME.lock} in the same directory. */
    public static Path lockFile(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".lock");
    }

    /** Locks {@code target}, or fails at once naming the lock when another save holds it. */
    public static TargetLock acquire(Path target) throws IOException {
        Path file = lockFile(target);
        var options = EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileChannel ch = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : FileChannel.open(file, options);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null; // held by another save in this JVM
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            ch.close();
            throw new IOException(target + ": another save to this target is running (" + file
                    + " is locked); wait for it or choose another target");
        }
        return new TargetLock(ch, l);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
