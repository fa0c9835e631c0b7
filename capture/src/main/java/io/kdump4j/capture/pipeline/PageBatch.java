package io.kdump4j.capture.pipeline;

/**
 * Up to {@link #capacity} consecutive pipeline entries (pages to store, frames passed through)
 * with their bytes before and after encoding. Batches are recycled, so a save allocates a fixed
 * number of them whatever the dump's size.
 */
final class PageBatch {
    final int capacity;
    final long[] pfns;
    final boolean[] passed;
    /** Found all zeros while reading (only looked for when zero pages are excluded). */
    final boolean[] zero;
    /** Page bytes as read: entry i at {@code i * pageSize}. */
    final byte[] in;
    /** Compressed bytes of the stored pages, packed. */
    final byte[] out;
    final EncodedPage.Outcome[] outcome;
    final int[] flags;
    /** Where entry i's stored bytes start: in {@link #out} when compressed (flags != 0), else in {@link #in}. */
    final int[] offset;
    final int[] length;
    int count;
    /** Actions to run on delivery, each after the entries before {@link #markAt} of the same index. */
    final java.util.ArrayList<PagePipeline.Marker> markers = new java.util.ArrayList<>();
    final java.util.ArrayList<Integer> markAt = new java.util.ArrayList<>();
    /** Whether the pages are still to be read (by the thread that encodes the batch). */
    boolean unread;
    /** Why entry i could not be read, or null: such an entry is delivered as {@link EncodedPage.Outcome#LOST}. */
    final SourceReadException[] lost;

    PageBatch(int capacity, int pageSize, int outCapacity) {
        this.capacity = capacity;
        this.pfns = new long[capacity];
        this.passed = new boolean[capacity];
        this.zero = new boolean[capacity];
        this.in = new byte[capacity * pageSize];
        this.out = new byte[outCapacity];
        this.outcome = new EncodedPage.Outcome[capacity];
        this.flags = new int[capacity];
        this.offset = new int[capacity];
        this.length = new int[capacity];
        this.lost = new SourceReadException[capacity];
    }

    /** Reads entry {@code i}; one that cannot be read is marked lost. */
    void read(PageReader reader, int i, int pageSize, boolean findZero) {
        try {
            if (findZero) {
                zero[i] = reader.readUnlessZero(pfns[i], in, i * pageSize);
            } else {
                reader.read(pfns[i], in, i * pageSize);
            }
            lost[i] = null;
        } catch (SourceReadException e) {
            lost[i] = e;
        }
    }

    void clear() {
        count = 0;
        markers.clear();
        markAt.clear();
        unread = false;
    }

    /**
     * Reads the pages not passed through, marking those that fail lost; with {@code findZero}
     * tells zero pages (without copying them, from a mapped source).
     */
    void read(PageReader reader, int pageSize, boolean findZero) {
        for (int i = 0; i < count; i++) {
            if (!passed[i]) {
                read(reader, i, pageSize, findZero);
            }
        }
    }
}
