package io.kdump4j.capture.kdump;

import io.kdump4j.format.kdump.KdumpSubHeader;
import io.kdump4j.format.kdump.PageDesc;

/**
 * Where each part of a kdump-compressed file goes (makedumpfile IMPLEMENTATION, "kdump-compressed
 * format"):
 *
 * <pre>
 * block 0            disk_dump_header
 * block 1 .. S       kdump_sub_header, then the ELF note blob   (S = sub_hdr_size)
 * block 1+S          1st bitmap (B/2 blocks): frame is RAM
 * block 1+S+B/2      2nd bitmap (B/2 blocks): frame is dumped (has a page_desc)
 * block 1+S+B        page_desc[descSlots]
 * after them         page data; first the shared zero page when level bit 1 is set
 * </pre>
 * Each bitmap is {@code ceil(ceil(max_mapnr / 8) / block_size)} blocks ({@code prepare_bitmap2_buffer()}:
 * "crash requires both of them to be aligned to block_size boundary").
 *
 * <p>{@code descSlots} is counted before writing any page, from the page states and the classifier. The
 * zero test and the content filter run while writing: zero pages keep their bit and share one
 * descriptor, filtered pages lose their bit, so fewer descriptors may be used than reserved and
 * the unused tail of the table stays zero (a hole); readers never index it, since a page's
 * descriptor is found by counting set bits of the 2nd bitmap.
 */
record KdumpLayout(int blockSize, long maxPfn, int subHdrBlocks, long bitmapBytes, long descSlots) {

    static KdumpLayout of(int blockSize, long maxPfn, int noteSize, long descSlots) {
        int sub = (int) ceilDiv(KdumpSubHeader.encodedSize() + (long) noteSize, blockSize);
        long bitmapBytes = ceilDiv(ceilDiv(maxPfn, 8), blockSize) * blockSize;
        return new KdumpLayout(blockSize, maxPfn, sub, bitmapBytes, descSlots);
    }

    KdumpLayout withDescSlots(long slots) {
        return new KdumpLayout(blockSize, maxPfn, subHdrBlocks, bitmapBytes, slots);
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** {@code bitmap_blocks}: both bitmaps. */
    long bitmapBlocks() {
        return 2 * bitmapBytes / blockSize;
    }

    long offsetSubHeader() {
        return blockSize;
    }

    long offsetNotes() {
        return blockSize + KdumpSubHeader.encodedSize();
    }

    long offsetBitmap1() {
        return (long) (1 + subHdrBlocks) * blockSize;
    }

    long offsetBitmap2() {
        return offsetBitmap1() + bitmapBytes;
    }

    long offsetDescs() {
        return offsetBitmap1() + 2 * bitmapBytes;
    }

    long offsetData() {
        return offsetDescs() + descSlots * PageDesc.SIZE;
    }
}
