package io.kdump4j.format.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Positional reads from a {@link FileChannel}: for files that cannot be mapped. */
public final class ChannelByteSource implements ByteSource {
    private final String name;
    private final FileChannel channel;
    private final long size;

    public ChannelByteSource(Path path) throws IOException {
        this.name = path.toString();
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.size = channel.size();
    }

    /** Thread-safe: positional reads into the caller's buffer. */
    @Override
    public boolean concurrentReads() {
        return true;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length, String what) throws IOException {
        checkRange(offset, length, what);
        ByteBuffer buf = ByteBuffer.wrap(dst, dstOffset, length);
        long pos = offset;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos);
            if (n < 0) {
                throw new DumpFormatException(name, pos, "expected " + what + ", but the file ended (it shrank while open?)");
            }
            pos += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
