package io.kdump4j.capture.pipeline;

/**
 * One page after the compression threads are done with it, as the {@link PagePipeline} hands it
 * to its sink. The pipeline reuses one instance and its buffers for every page: a sink must copy
 * what it keeps before it returns.
 */
public final class EncodedPage {

    public enum Outcome {
        /** Bytes to store (compressed, or raw when compression did not shrink the page). */
        STORED,
        /** All zeros, found while zero pages are excluded. */
        ZERO,
        /** Left out by the content filter. */
        FILTERED,
        /** Never read: excluded before the pipeline (by class), passed through to keep PFN order. */
        PASSED,
        /** The source could not be read there ({@link #lostCause()}): the writer marks the page lost. */
        LOST
    }

    private long pfn;
    private Outcome outcome;
    private int flags;
    private byte[] data;
    private int offset;
    private int length;
    private SourceReadException lostCause;

    EncodedPage lost(long pfn, SourceReadException cause) {
        set(pfn, Outcome.LOST, 0, null, 0, 0);
        this.lostCause = cause;
        return this;
    }

    EncodedPage set(long pfn, Outcome outcome, int flags, byte[] data, int offset, int length) {
        this.pfn = pfn;
        this.outcome = outcome;
        this.flags = flags;
        this.data = data;
        this.offset = offset;
        this.length = length;
        this.lostCause = null;
        return this;
    }

    /** The page frame number. */
    public long pfn() {
        return pfn;
    }

    /** What became of the page. */
    public Outcome outcome() {
        return outcome;
    }

    /** The {@code DUMP_DH_COMPRESSED_*} flag of {@link #data}, 0 when raw. */
    public int flags() {
        return flags;
    }

    /** The array holding the bytes to store, from {@link #offset}; null unless {@link Outcome#STORED}. */
    public byte[] data() {
        return data;
    }

    /** Where the stored bytes start in {@link #data}. */
    public int offset() {
        return offset;
    }

    /** The stored length. */
    public int length() {
        return length;
    }

    /** Why the source could not be read; null unless {@link Outcome#LOST}. */
    public SourceReadException lostCause() {
        return lostCause;
    }
}
