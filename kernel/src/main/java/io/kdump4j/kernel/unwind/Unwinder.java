package io.kdump4j.kernel.unwind;

import java.io.IOException;
import java.util.List;

/** One architecture's way from a register set to the frames of a kernel stack. */
public interface Unwinder {
    /** Most frames produced for one stack (a corrupted stack must end). */
    int MAX_FRAMES = 96;

    /**
     * The frames starting at {@code start}, innermost first. The first frame's pc is exact;
     * later pcs are return addresses. Never throws for a bad stack: unwinding stops at the first
     * frame it cannot read, and that is noted in the last frame.
     */
    default List<Frame> unwind(Registers start) throws IOException {
        return unwind(start, false);
    }

    /**
     * Like {@link #unwind(Registers)}; with {@code returnAddress} the starting pc is a return
     * address (a sleeping task's saved pc), looked up one byte back like the callers' pcs.
     */
    List<Frame> unwind(Registers start, boolean returnAddress) throws IOException;
}
