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
    /** The first entry that could not be read, or -1; entries from it on are neither encoded nor delivered. */
    int failedAt = -1;
    SourceReadException failure;

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
    }

    /** Reads entry {@code i}. */
    void read(PageReader reader, int i, int pageSize, boolean findZero) throws SourceReadException {
        if (findZero) {
            zero[i] = reader.readUnlessZero(pfns[i], in, i * pageSize);
        } else {
            reader.read(pfns[i], in, i * pageSize);
        }
    }

    void clear() {
        count = 0;
        markers.clear();
        markAt.clear();
        unread = false;
        failedAt = -1;
        failure = null;
    }

    /**
     * Reads the pages not passed through, stopping at the first that fails; with {@code findZero}
     * tells zero pages (without copying them, from a mapped source).
     */
    void read(PageReader reader, int pageSize, boolean findZero) {
        for (int i = 0; i < count; i++) {
            if (!passed[i]) {
                try {
                    read(reader, i, pageSize, findZero);
                } catch (SourceReadException e) {
                    failedAt = i;
                    failure = e;
                    return;
                }
            }
        }
    }
}
