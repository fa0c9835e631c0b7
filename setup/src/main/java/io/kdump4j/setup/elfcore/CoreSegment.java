package io.kdump4j.setup.elfcore;

/**
 * One program header of the ELF core header the capture kernel turns into /proc/vmcore. As in
 * the kernel's own crash_prepare_elf64_headers() (kernel/crash_core.c) and kexec-tools,
 * {@code p_offset} is the <em>physical address</em> of the data in the crashed kernel's memory:
 * fs/proc/vmcore.c reads old memory at p_offset and rewrites the offsets for the file it shows.
 *
 * @param type  PT_NOTE or PT_LOAD
 * @param vaddr the kernel virtual address (0 for notes)
 * @param paddr the physical address, also written as p_offset
 * @param size  p_filesz = p_memsz
 * @param what  where the segment came from, for the dry-run plan and error messages
 */
public record CoreSegment(int type, long vaddr, long paddr, long size, String what) {
    public static final int PT_LOAD = 1;
    public static final int PT_NOTE = 4;

    public static CoreSegment note(long paddr, long size, String what) {
        return new CoreSegment(PT_NOTE, 0, paddr, size, what);
    }

    public static CoreSegment load(long vaddr, long paddr, long size, String what) {
        return new CoreSegment(PT_LOAD, vaddr, paddr, size, what);
    }

    /** One line of a dry-run plan. */
    public String describe() {
        return "%s paddr 0x%09x size 0x%09x vaddr 0x%016x  %s".formatted(type == PT_NOTE ? "PT_NOTE" : "PT_LOAD", paddr,
                size, vaddr, what);
    }
}
