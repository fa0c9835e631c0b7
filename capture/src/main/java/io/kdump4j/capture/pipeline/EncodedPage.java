package io.kdump4j.capture.pipeline;

/**
 * One page after the compression threads are done with it.
 *
 * @param pfn the page frame number
 * @param outcome what became of the page
 * @param flags the {@code DUMP_DH_COMPRESSED_*} flag of {@code data}, 0 when raw
 * @param data the bytes to store ({@code length} of them from 0); null unless {@link Outcome#STORED}
 * @param length the stored length
 */
public record EncodedPage(long pfn, Outcome outcome, int flags, byte[] data, int length) {

    public enum Outcome {
        /** Bytes to store (compressed, or raw when compression did not shrink the page). */
        STORED,
        /** All zeros, found while zero pages are excluded. */
        ZERO,
        /** Left out by the content filter. */
        FILTERED,
        /** Never read: excluded before the pipeline (by class), passed through to keep PFN order. */
        PASSED
    }
}
