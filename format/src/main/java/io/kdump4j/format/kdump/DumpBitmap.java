package io.kdump4j.format.kdump;

import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.Checked;
import java.io.IOException;

/**
 * One of the two page bitmaps of a kdump-compressed file, read in place from the file (never
 * copied whole: a 64 TiB machine has a 2 GiB bitmap) with a compact rank index beside it.
 *
 * <p>Bit order (makedumpfile {@code set_bitmap()}, crash {@code page_is_dumpable()}): PFN n is
 * bit {@code n & 7} (LSB first) of byte {@code n >> 3}. Bits at or past {@code nbits} are
 * ignored, whatever the file holds there.
 *
 * <p>Rank index: {@code rank[b]} is the number of set bits in blocks {@code 0..b-1}, one block
 * being {@value #BLOCK_BITS} bits (512 bytes of bitmap):
 *
 * <pre>
 *   bitmap  |--- block 0 ---|--- block 1 ---|--- block 2 ---| ...
 *   rank    [0]             [pop(0)]        [pop(0)+pop(1)]  ...   [total]
 *   rank(pfn) = rank[pfn / 4096] + popcount(bits of block pfn/4096 below pfn)
 * </pre>
 *
 * so one lookup reads at most 512 bytes. The index costs 8 bytes per 4096 PFNs (2 MiB for
 * 2^30 pages) and is checked against {@link Checked#budget()} before it is made.
 * Used as crash's {@code pfn_to_pos()} does: the page_desc index of a dumped PFN is the rank of
 * that PFN in the 2nd bitmap.
 */
final class DumpBitmap {
    static final int BLOCK_BITS = 4096;
    private static final int BLOCK_BYTES = BLOCK_BITS / 8;
    private static final int SCAN_BYTES = 1 << 16;
    /** Eight bitmap bytes at a time; the byte order does not matter to a population count. */
    private static final java.lang.invoke.VarHandle WORD =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private final ByteSource src;
    private final long offset;
    private final long nbits;
    private final long[] rank;

    private DumpBitmap(ByteSource src, long offset, long nbits, long[] rank) {
        this.src = src;
        this.offset = offset;
        this.nbits = nbits;
        this.rank = rank;
    }

    /**
     * Scans the bitmap of {@code nbits} bits at {@code offset} once and builds its rank index.
     * The caller has checked that {@code ceil(nbits / 8)} bytes at {@code offset} are in the file.
     */
    static DumpBitmap scan(ByteSource src, long offset, long nbits, String what) throws IOException {
        long blocks = (nbits + BLOCK_BITS - 1) / BLOCK_BITS;
        Checked.allocation(Checked.mul(blocks + 1, 8, src.name(), offset, "the rank index of the " + what),
                -1, src.name(), offset, "the rank index of the " + what);
        long[] rank = new long[(int) blocks + 1];
        long bytes = (nbits + 7) / 8;
        byte[] buf = new byte[(int) Math.min(SCAN_BYTES, Math.max(bytes, 1))];
        long total = 0;
        long done = 0;
        int block = 0;
        while (done < bytes) {
            int n = (int) Math.min(buf.length, bytes - done);
            src.read(offset + done, buf, 0, n, "the " + what);
            for (int i = 0; i < n; i += BLOCK_BYTES) {
                rank[block++] = total;
                long firstBit = (done + i) * 8;
                total += popcount(buf, i, Math.min(BLOCK_BYTES, n - i), Math.min(BLOCK_BITS, nbits - firstBit));
            }
            done += n;
        }
        rank[block] = total;
        return new DumpBitmap(src, offset, nbits, rank);
    }

    /** The number of bits this bitmap describes (max_mapnr). */
    long size() {
        return nbits;
    }

    /** The number of set bits. */
    long cardinality() {
        return rank[rank.length - 1];
    }

    boolean get(long pfn) throws IOException {
        if (pfn < 0 || pfn >= nbits) {
            return false;
        }
        return (src.u8(offset + (pfn >>> 3), "a page bitmap byte") & (1 << (pfn & 7))) != 0;
    }

    /** The number of set bits below {@code pfn} ({@code 0 <= pfn <= size()}). */
    long rank(long pfn) throws IOException {
        if (pfn <= 0) {
            return 0;
        }
        if (pfn >= nbits) {
            return cardinality();
        }
        int block = (int) (pfn / BLOCK_BITS);
        long firstBit = (long) block * BLOCK_BITS;
        int bitsBefore = (int) (pfn - firstBit);
        if (bitsBefore == 0) {
            return rank[block];
        }
        int n = (bitsBefore + 7) / 8;
        byte[] buf = src.read(offset + firstBit / 8, n, "a page bitmap block");
        return rank[block] + popcount(buf, 0, n, bitsBefore);
    }

    /** Set bits among the first {@code bits} bits of {@code len} bytes at {@code off}. */
    private static long popcount(byte[] b, int off, int len, long bits) {
        long count = 0;
        int whole = (int) Math.min(len, bits / 8);
        int i = 0;
        for (; i + 8 <= whole; i += 8) {
            count += Long.bitCount((long) WORD.get(b, off + i));
        }
        for (; i < whole; i++) {
            count += Integer.bitCount(b[off + i] & 0xff);
        }
        int rest = (int) (bits - (long) whole * 8);
        if (rest > 0 && whole < len) {
            count += Integer.bitCount(b[off + whole] & 0xff & ((1 << rest) - 1));
        }
        return count;
    }
}
