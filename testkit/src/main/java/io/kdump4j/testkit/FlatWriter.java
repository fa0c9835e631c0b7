package io.kdump4j.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Writes makedumpfile's flattened stream ({@code makedumpfile.h}: a 4096-byte big-endian
 * header "makedumpfile", type 1, version 1; records {int64 offset, int64 size, data}; end
 * marker {-1, -1}) around any file, in an order that exercises a reader: chunks out of order,
 * garbage records that later records overwrite (last write wins), and all-zero chunks left
 * out (holes read as zeros).
 */
public final class FlatWriter {
    private FlatWriter() {
    }

    /** The records in file order, no overlaps, nothing skipped. */
    public static byte[] simple(byte[] file, int recordSize) {
        ByteArrayOutputStream out = header();
        for (int off = 0; off < file.length; off += recordSize) {
            record(out, off, file, off, Math.min(recordSize, file.length - off));
        }
        end(out);
        return out.toByteArray();
    }

    /** Shuffled chunks, overwritten garbage and holes, chosen by {@code seed}. */
    public static byte[] scrambled(byte[] file, int recordSize, long seed) {
        Random r = new Random(seed);
        List<Integer> chunks = new ArrayList<>();
        for (int off = 0; off < file.length; off += recordSize) {
            int len = Math.min(recordSize, file.length - off);
            boolean last = off + len == file.length;
            if (last || !allZero(file, off, len)) {
                chunks.add(off);
            }
        }
        ByteArrayOutputStream out = header();
        for (int i = 0; i < chunks.size() / 2 + 1; i++) {
            int off = chunks.get(r.nextInt(chunks.size()));
            int len = Math.min(recordSize, file.length - off);
            byte[] junk = new byte[len];
            r.nextBytes(junk);
            record(out, off, junk, 0, len);
        }
        Collections.shuffle(chunks, r);
        for (int off : chunks) {
            int len = Math.min(recordSize, file.length - off);
            record(out, off, file, off, len);
        }
        end(out);
        return out.toByteArray();
    }

    private static ByteArrayOutputStream header() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(4096);
        h.put("makedumpfile".getBytes(StandardCharsets.US_ASCII));
        h.putLong(16, 1).putLong(24, 1);
        out.writeBytes(h.array());
        return out;
    }

    private static void record(ByteArrayOutputStream out, long offset, byte[] src, int from, int len) {
        out.writeBytes(ByteBuffer.allocate(16).putLong(offset).putLong(len).array());
        out.write(src, from, len);
    }

    private static void end(ByteArrayOutputStream out) {
        out.writeBytes(ByteBuffer.allocate(16).putLong(-1).putLong(-1).array());
    }

    private static boolean allZero(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
