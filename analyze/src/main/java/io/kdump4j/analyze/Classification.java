package io.kdump4j.analyze;

/**
 * What the classifier found in the log.
 *
 * @param panicClass the class
 * @param panicMessage the "Kernel panic - not syncing: ..." line, null when none
 * @param evidence the log line that decided the class, null when none
 * @param evidenceIndex that line's index in the lines given, -1 when none
 * @param location the faulting location the log reports ("RIP: 0010:", "pc : ", "WARNING: ... at"),
 *     null when it names none
 */
public record Classification(PanicClass panicClass, String panicMessage, String evidence, int evidenceIndex,
        LogLocation location) {

    /**
     * A faulting location as printed by the kernel's {@code %pS}.
     *
     * @param function the function
     * @param offset the offset in it
     * @param size the function's size
     * @param module the module, null for vmlinux
     */
    public record LogLocation(String function, long offset, long size, String module) {
    }
}
