package io.kdump4j.capture;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of a save that produced a dump. A save that could not produce any dump (the
 * source is not readable at all, the target cannot be created) throws instead.
 *
 * <p>An {@link Status#INCOMPLETE} dump is marked so inside the file (kdump header status bit
 * {@code DUMP_DH_COMPRESSED_INCOMPLETE}, ELF {@code e_flags} bit {@code DUMP_ELF_INCOMPLETE}) and,
 * when saved to a path, keeps the name {@code TARGET.incomplete}: the dump is never silently
 * short, neither to a tool reading it nor to a script testing whether {@code TARGET} exists.
 *
 * @param status complete or incomplete
 * @param path the file holding the dump ({@code TARGET}, or {@code TARGET.incomplete}); null when
 *     saved to a stream
 * @param levelsTried the dump levels tried, in order; the last is the one in the file
 * @param summary counts and timings of the last attempt
 * @param problem why the dump is incomplete (null when complete)
 */
public record SaveResult(Status status, Path path, List<Integer> levelsTried, SaveSummary summary, String problem) {

    public enum Status {
        /** Every page the dump level keeps is in the dump. */
        COMPLETE,
        /** The save stopped early (target full, source unreadable); what was written is readable. */
        INCOMPLETE
    }

    public SaveResult {
        levelsTried = List.copyOf(levelsTried);
    }

    public boolean complete() {
        return status == Status.COMPLETE;
    }
}
