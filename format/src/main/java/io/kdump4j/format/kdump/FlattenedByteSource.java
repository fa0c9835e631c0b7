package io.kdump4j.format.kdump;

import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.Checked;
import io.kdump4j.format.io.DumpFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * makedumpfile's flattened stream ({@code makedumpfile -F}, QEMU {@code kdump-*} formats)
 * presented in place as the file it describes, without copying it (see {@link FlatRecords}
 * for the layout).
 *
 * <p>Records may rewrite earlier bytes: makedumpfile writes page descriptors and data in
 * cycles and rewrites headers at the end, so the <em>last</em> record covering a byte wins
 * (as {@code makedumpfile -R} produces by seeking and writing in stream order). The index is
 * a list of extents sorted by output offset with those overlaps already resolved:
 *
 * <pre>
 *   start[i]  end[i]  data[i]     output bytes [start, end) are stream bytes [data, data + end - start)
 * </pre>
 *
 * Bytes in no extent (holes the writer skipped) read as zeros. The index holds one entry per
 * record at most (24 bytes each; the record count is checked against
 * {@link Checked#MAX_ALLOCATION} while indexing).
 */
public final class FlattenedByteSource implements ByteSource {
    private final ByteSource src;
    private final long size;
    private final long[] start;
    private final long[] end;
    private final long[] data;
    private boolean cutShort;

    private FlattenedByteSource(ByteSource src, long size, long[] start, long[] end, long[] data) {
        this.src = src;
        this.size = size;
        this.start = start;
        this.end = end;
        this.data = data;
    }

    /** Whether the first 16 bytes are the flattened format's signature. */
    public static boolean matches(byte[] head) {
        return FlatRecords.matches(head);
    }

    /**
     * Indexes the flattened stream in {@code src}; the result owns {@code src} and reads from
     * it in place.
     */
    public static ByteSource index(ByteSource src) throws IOException {
        // While indexing, each extent is a TreeMap entry of about 100 bytes (entry, boxed key,
        // long[2]); the finished index is 24 bytes per extent. makedumpfile writes one record
        // per output buffer (a 1 GiB dump of the fixtures holds 904), so this allows flattened
        // dumps of hundreds of GiB; beyond it, reassemble() rebuilds the file in constant memory.
        long maxRecords = Checked.budget() / 128;
        TreeMap<Long, long[]> extents = new TreeMap<>();
        long[] count = {0};
        boolean ended = FlatRecords.walk(src, (outOffset, len, dataOffset) -> {
            if (len == 0) {
                return;
            }
            if (++count[0] > maxRecords) {
                throw new DumpFormatException(src.name(), dataOffset - 16, "more than " + maxRecords
                        + " records: too many to index in memory; rebuild the file first (kdump4j reassemble,"
                        + " or makedumpfile -R) and open the result");
            }
            paint(extents, outOffset, outOffset + len, dataOffset);
        });
        int n = extents.size();
        long[] s = new long[n];
        long[] e = new long[n];
        long[] d = new long[n];
        int i = 0;
        for (Map.Entry<Long, long[]> x : extents.entrySet()) {
            s[i] = x.getKey();
            e[i] = x.getValue()[0];
            d[i] = x.getValue()[1];
            i++;
        }
        FlattenedByteSource f = new FlattenedByteSource(src, n == 0 ? 0 : e[n - 1], s, e, d);
        f.cutShort = !ended;
        return f;
    }

    /** Lays [from, to) read from stream offset {@code dataOffset} over what is there. */
    private static void paint(TreeMap<Long, long[]> extents, long from, long to, long dataOffset) {
        Map.Entry<Long, long[]> before = extents.lowerEntry(from);
        if (before != null && before.getValue()[0] > from) {
            long bStart = before.getKey();
            long[] b = before.getValue();
            long bEnd = b[0];
            b[0] = from;
            if (bEnd > to) {
                extents.put(to, new long[] {bEnd, b[1] + (to - bStart)});
            }
        }
        while (true) {
            Map.Entry<Long, long[]> x = extents.ceilingEntry(from);
            if (x == null || x.getKey() >= to) {
                break;
            }
            extents.remove(x.getKey());
            long[] v = x.getValue();
            if (v[0] > to) {
                extents.put(to, new long[] {v[0], v[1] + (to - x.getKey())});
            }
        }
        extents.put(from, new long[] {to, dataOffset});
    }

    /**
     * Rebuilds the normal file from a flattened stream, as {@code makedumpfile -R} does:
     * records are written in stream order at their offsets (so later ones win), holes stay
     * zero, and memory use is one copy buffer whatever the dump size.
     *
     * @return the size of the rebuilt file
     */
    public static long reassemble(ByteSource flattened, Path out) throws IOException {
        return reassemble(flattened, out, done -> { });
    }

    /**
     * As {@link #reassemble(ByteSource, Path)}, telling {@code progress} how many bytes of the
     * stream have been consumed after each record (out of {@code flattened.size()}).
     */
    public static long reassemble(ByteSource flattened, Path out, java.util.function.LongConsumer progress)
            throws IOException {
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[1 << 20];
            long[] size = {0};
            FlatRecords.walk(flattened, (outOffset, len, dataOffset) -> {
                long done = 0;
                while (done < len) {
                    int n = (int) Math.min(buf.length, len - done);
                    flattened.read(dataOffset + done, buf, 0, n, "flattened record data");
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                    long at = outOffset + done;
                    while (bb.hasRemaining()) {
                        at += ch.write(bb, at);
                    }
                    done += n;
                }
                size[0] = Math.max(size[0], outOffset + len);
                progress.accept(dataOffset + len);
            });
            ch.truncate(size[0]);
            return size[0];
        }
    }

    @Override
    public String name() {
        return src.name();
    }

    @Override
    public long size() {
        return size;
    }

    /** The number of extents in the index (for tests and {@code info}). */
    public int extentCount() {
        return start.length;
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length, String what) throws IOException {
        checkRange(offset, length, what);
        long pos = offset;
        int done = 0;
        int i = Arrays.binarySearch(start, pos);
        if (i < 0) {
            i = -i - 2;
        }
        while (done < length) {
            int n;
            if (i >= 0 && pos < end[i]) {
                n = (int) Math.min(length - done, end[i] - pos);
                src.read(data[i] + (pos - start[i]), dst, dstOffset + done, n, what);
            } else {
                long next = i + 1 < start.length ? start[i + 1] : size;
                n = (int) Math.min(length - done, next - pos);
                Arrays.fill(dst, dstOffset + done, dstOffset + done + n, (byte) 0);
            }
            done += n;
            pos += n;
            if (i + 1 < start.length && pos >= start[i + 1]) {
                i++;
            }
        }
    }

    /**
     * Whether the stream ended without its end marker (or inside a record): cut short. What it
     * holds is indexed and readable; the container says the dump is incomplete.
     */
    public boolean cutShort() {
        return cutShort;
    }

    @Override
    public void close() throws IOException {
        src.close();
    }
}
