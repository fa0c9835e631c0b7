package io.kdump4j.capture;

import io.kdump4j.format.codec.PageCodec;
import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.Bytes;
import io.kdump4j.format.io.MappedByteSource;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.DataFormatException;

/**
 * A deliberately small reader of kdump-compressed files for the tests, written from the format
 * description (reference/formats.md), not from the writer: it checks what the writer wrote,
 * including for codecs (snappy, zstd) and architectures (arm64) that Debian's makedumpfile
 * cannot read. It keeps both bitmaps in memory, which only a test may do.
 */
final class KdumpCheckReader implements AutoCloseable {
    final ByteSource src;
    final ByteOrder order;
    final int blockSize;
    final int status;
    final int subHdrBlocks;
    final long bitmapBlocks;
    final long maxMapnr;
    final int dumpLevel;
    final long physBase;
    final long offsetNote;
    final long sizeNote;
    final long offsetVmcoreinfo;
    final long sizeVmcoreinfo;
    final int nrCpus;
    final long timestamp;
    final String[] utsname = new String[6];
    final byte[] bitmap1;
    final byte[] bitmap2;
    final long descBase;
    final long[] rank;

    KdumpCheckReader(Path path, ByteOrder order) throws IOException {
        this.src = MappedByteSource.open(path, MappedByteSource.DEFAULT_CHUNK_BITS);
        this.order = order;
        byte[] h = src.read(0, 464, "header");
        if (!new String(h, 0, 8, StandardCharsets.US_ASCII).equals("KDUMP   ")) {
            throw new IOException("not KDUMP");
        }
        if (Bytes.s32(h, 8, order) != 6) {
            throw new IOException("version " + Bytes.s32(h, 8, order));
        }
        for (int i = 0; i < 6; i++) {
            utsname[i] = Bytes.cString(h, 12 + 65 * i, 65);
        }
        timestamp = Bytes.s64(h, 408, order);
        status = Bytes.s32(h, 424, order);
        blockSize = Bytes.s32(h, 428, order);
        subHdrBlocks = Bytes.s32(h, 432, order);
        bitmapBlocks = Bytes.u32(h, 436, order);
        nrCpus = Bytes.s32(h, 460, order);
        byte[] k = src.read(blockSize, 104, "sub header");
        physBase = Bytes.s64(k, 0, order);
        dumpLevel = Bytes.s32(k, 8, order);
        offsetVmcoreinfo = Bytes.s64(k, 32, order);
        sizeVmcoreinfo = Bytes.s64(k, 40, order);
        offsetNote = Bytes.s64(k, 48, order);
        sizeNote = Bytes.s64(k, 56, order);
        maxMapnr = Bytes.s64(k, 96, order);
        long half = bitmapBlocks / 2 * blockSize;
        long bm1 = (long) (1 + subHdrBlocks) * blockSize;
        bitmap1 = src.read(bm1, (int) half, "bitmap1");
        bitmap2 = src.read(bm1 + half, (int) half, "bitmap2");
        descBase = bm1 + 2 * half;
        rank = new long[(int) (maxMapnr / 64 + 2)];
        long r = 0;
        for (int w = 0; w < rank.length; w++) {
            rank[w] = r;
            for (int b = 0; b < 64; b++) {
                long pfn = (long) w * 64 + b;
                if (pfn < maxMapnr && dumped(pfn)) {
                    r++;
                }
            }
        }
    }

    boolean ram(long pfn) {
        return (bitmap1[(int) (pfn >>> 3)] & (1 << (pfn & 7))) != 0;
    }

    boolean dumped(long pfn) {
        return (bitmap2[(int) (pfn >>> 3)] & (1 << (pfn & 7))) != 0;
    }

    long descIndex(long pfn) {
        long w = pfn / 64;
        long r = rank[(int) w];
        for (long p = w * 64; p < pfn; p++) {
            if (dumped(p)) {
                r++;
            }
        }
        return r;
    }

    /** page_desc of a dumped frame: {offset, size, flags}. */
    long[] desc(long pfn) throws IOException {
        byte[] d = src.read(descBase + descIndex(pfn) * 24, 24, "page_desc");
        return new long[] {Bytes.s64(d, 0, order), Bytes.u32(d, 8, order), Bytes.u32(d, 12, order)};
    }

    /** Reads a dumped page; null when its descriptor is zero (lost). */
    byte[] page(long pfn, PageCodec[] codecs) throws IOException, DataFormatException {
        long[] d = desc(pfn);
        if (d[0] == 0) {
            return null;
        }
        byte[] stored = src.read(d[0], (int) d[1], "page data");
        byte[] out = new byte[blockSize];
        if (d[2] == 0) {
            if (d[1] != blockSize) {
                throw new DataFormatException("raw page of " + d[1] + " bytes");
            }
            return stored;
        }
        PageCodec.Kind kind = PageCodec.Kind.fromFlags((int) d[2]);
        if (codecs[kind.ordinal()] == null) {
            codecs[kind.ordinal()] = PageCodec.create(kind);
        }
        codecs[kind.ordinal()].decompress(stored, 0, stored.length, out, 0, blockSize);
        return out;
    }

    @Override
    public void close() throws IOException {
        src.close();
    }
}
