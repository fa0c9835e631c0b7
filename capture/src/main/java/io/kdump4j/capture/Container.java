package io.kdump4j.capture;

/** The kind of dump file a save writes. */
public enum Container {
    /** makedumpfile's kdump-compressed format (read by crash, makedumpfile, drgn, libkdumpfile). */
    KDUMP,
    /** An ELF64 core like {@code makedumpfile -E}: uncompressed, read by every tool. */
    ELF
}
