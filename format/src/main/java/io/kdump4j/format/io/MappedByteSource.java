package io.kdump4j.format.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file mapped read-only as power-of-two {@link MemorySegment} chunks under one shared
 * {@link Arena} (the pattern of Lucene's {@code MemorySegmentIndexInput}). A read inside one
 * chunk is one bulk copy; a read that crosses a chunk boundary is split. The chunk size is
 * injectable so that tests cross boundaries with tiny files.
 */
public final class MappedByteSource implements ByteSource {
    /** 1 GiB chunks: large enough that boundaries are rare, small enough to map on any host. */
    public static final int DEFAULT_CHUNK_BITS = 30;

    private final String name;
    private final Arena arena;
    private final MemorySegment[] chunks;
    private final int chunkBits;
    private final long chunkMask;
    private final long size;
    private boolean closed;

    private MappedByteSource(String name, Arena arena, MemorySegment[] chunks, int chunkBits, long size) {
        this.name = name;
        this.arena = arena;
        this.chunks = chunks;
        this.chunkBits = chunkBits;
        this.chunkMask = (1L << chunkBits) - 1;
        this.size = size;
    }

    public static MappedByteSource open(Path path) throws IOException {
        return open(path, DEFAULT_CHUNK_BITS);
    }

    public static MappedByteSource open(Path path, int chunkBits) throws IOException {
        if (chunkBits < 1 || chunkBits > 62) {
            throw new IllegalArgumentException("chunkBits " + chunkBits);
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            long chunkSize = 1L << chunkBits;
            int n = (int) Math.max(1, (size + chunkSize - 1) >>> chunkBits);
            MemorySegment[] chunks = new MemorySegment[n];
            for (int i = 0; i < n; i++) {
                long start = (long) i << chunkBits;
                long len = Math.min(chunkSize, size - start);
                chunks[i] = len <= 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, start, len, arena);
            }
            return new MappedByteSource(path.toString(), arena, chunks, chunkBits, size);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Thread-safe: the chunks are immutable mappings in a shared arena. */
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
    public MemorySegment mapped(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            return null;
        }
        int ci = (int) (offset >>> chunkBits);
        long inChunk = offset & chunkMask;
        MemorySegment c = chunks[ci];
        return inChunk + length <= c.byteSize() ? c.asSlice(inChunk, length) : null;
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length, String what) throws IOException {
        checkRange(offset, length, what);
        // The JVM turns a SIGBUS in a mapped copy (the file was cut short after it was mapped,
        // or its storage failed: a sparse file on a full tmpfs) into an InternalError that it
        // delivers at the next safepoint poll, which may be the loop's back edge or the return,
        // not the copy: so the whole loop and the return are inside the try.
        try {
            long pos = offset;
            int done = 0;
            while (done < length) {
                int ci = (int) (pos >>> chunkBits);
                long inChunk = pos & chunkMask;
                int n = (int) Math.min(length - done, chunks[ci].byteSize() - inChunk);
                MemorySegment.copy(chunks[ci], ValueLayout.JAVA_BYTE, inChunk, dst, dstOffset + done, n);
                done += n;
                pos += n;
            }
            return;
        } catch (InternalError fault) {
            throw new IOException(name + ": cannot read " + what + " at offset " + offset + " (" + length
                    + " bytes): the mapped file is shorter than when it was opened, or its storage failed", fault);
        }
    }

    /** Idempotent, as {@link java.io.Closeable} asks: a second close does nothing. */
    @Override
    public void close() {
        synchronized (arena) {
            if (closed) {
                return;
            }
            closed = true;
        }
        arena.close();
    }
}
