package io.kdump4j.format;

/** The container kinds kdump4j reads. */
public enum DumpFormat {
    /** An ELF64 (or ELF32) core: /proc/vmcore, {@code makedumpfile -E}, QEMU {@code dump-guest-memory}. */
    ELF("elf"),
    /** makedumpfile's kdump-compressed format ("KDUMP   " signature), also written by QEMU. */
    KDUMP("kdump-compressed"),
    /** The legacy diskdump format ("DISKDUMP" signature): the same layout, older writers. */
    DISKDUMP("diskdump");

    private final String id;

    DumpFormat(String id) {
        this.id = id;
    }

    /** The stable name used in {@code info --json}. */
    public String id() {
        return id;
    }
}
