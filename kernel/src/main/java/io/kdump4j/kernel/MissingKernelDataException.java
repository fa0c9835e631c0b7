package io.kdump4j.kernel;

import java.io.IOException;

/**
 * The dump is a well-formed container but lacks what the kernel view needs: no VMCOREINFO note
 * (a QEMU dump of a guest without {@code -device vmcoreinfo}), no NT_PRSTATUS, no kernel log.
 * Not a format error: nothing in the file is wrong, so the message names no offset. The CLI
 * maps it to exit code 5 (README "Exit codes").
 */
public final class MissingKernelDataException extends IOException {
    public MissingKernelDataException(String source, String problem) {
        super(source + ": " + problem);
    }
}
