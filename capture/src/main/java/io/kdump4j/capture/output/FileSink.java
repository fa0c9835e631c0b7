package io.kdump4j.capture.output;

import io.kdump4j.capture.pipeline.TargetWriteException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/**
 * A seekable dump file, created fresh with mode 0600 (a dump holds all of kernel memory:
 * keys, passwords). Offsets that are never written stay holes.
 */
public final class FileSink implements DumpSink {
    private final Path path;
    private final FileChannel channel;
    private long bytesOut;

    private FileSink(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Creates {@code path}, replacing a leftover file of that name. */
    public static FileSink create(Path path) throws IOException {
        Files.deleteIfExists(path);
        var options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileChannel ch;
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            FileAttribute<?> mode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
            ch = FileChannel.open(path, options, mode);
        } else {
            ch = FileChannel.open(path, options);
        }
        return new FileSink(path, ch);
    }

    @Override
    public void write(long offset, byte[] b, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        long pos = offset;
        try {
            while (buf.hasRemaining()) {
                pos += channel.write(buf, pos);
            }
        } catch (IOException e) {
            bytesOut += pos - offset;
            throw new TargetWriteException(path.toString(), pos, e);
        }
        bytesOut += len;
    }

    @Override
    public boolean seekable() {
        return true;
    }

    @Override
    public long bytesOut() {
        return bytesOut;
    }

    @Override
    public void finish() throws IOException {
        try {
            channel.force(true);
        } catch (IOException e) {
            throw new TargetWriteException(path.toString(), -1, e);
        }
    }

    /** Shrinks the file to {@code size} bytes (used before a retry at another dump level frees the space). */
    public void truncate(long size) throws IOException {
        channel.truncate(size);
    }

    /** A stream that appends at the end of what it wrote before, from offset 0 (for a flattened file). */
    public OutputStream appender() {
        return new OutputStream() {
            private long pos;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                FileSink.this.write(pos, b, off, len);
                pos += len;
            }
        };
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
