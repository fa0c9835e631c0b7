package io.kdump4j.capture;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.elf.ElfConstants;
import io.kdump4j.format.elf.ElfDump;
import io.kdump4j.format.elf.ProgramHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The order in which a kdump-compressed save writes page data, so that a dump cut short by a full
 * disk still holds what analysis needs most: first the {@link #ranges first} ranges, then the
 * other frames, from the lowest or from the highest. The page descriptors stay in PFN order (the
 * format requires it); only page data moves, which the format allows since every descriptor
 * holds an absolute offset.
 *
 * <p>makedumpfile writes strictly in PFN order, so on ENOSPC it keeps low memory and loses what
 * {@code makedumpfile --dump-dmesg} and crash need first: the kernel image (page tables, the
 * static log buffer, init_uts_ns) and the early boot allocations (the direct map's page tables,
 * the mem_section roots, mem_map, per-CPU areas, a dynamic log buffer), which memblock takes from
 * the top of memory (it allocates top-down unless booted with movable_node).
 *
 * <p>Only kdump-compressed output reorders: an ELF dump's PT_LOADs follow the source's, which
 * on kexec-made /proc/vmcore already puts the kernel image first.
 *
 * @param first the frames written before all others
 * @param restFromTop whether the remaining frames are written from the highest PFN down (in
 *     ranges of at most one cycle, each written upwards) instead of from the lowest up
 */
public record WriteOrder(Function<DumpFile, List<PfnRange>> first, boolean restFromTop) {

    /** Strict PFN order, exactly as makedumpfile. */
    public static final WriteOrder PFN = new WriteOrder(source -> List.of(), false);

    /** The kernel image, then memory from the top down: the default. */
    public static final WriteOrder KERNEL_FIRST = new WriteOrder(WriteOrder::kernelImage, true);

    public List<PfnRange> ranges(DumpFile source) {
        return first.apply(source);
    }

    /**
     * The kernel image, found without kernel knowledge: kexec-tools describes the kernel's load
     * address range with a PT_LOAD of its own (virtual address = the kernel-image mapping) that
     * lies inside a System RAM PT_LOAD ({@code kexec/crashdump-elf.c}; /proc/vmcore keeps it). Any
     * PT_LOAD contained in another one is taken to be it. Other sources: nothing. The kernel
     * module can do better (page tables, mem_map, the printk ring) by supplying its own ranges.
     */
    public static List<PfnRange> kernelImage(DumpFile source) {
        List<PfnRange> out = new ArrayList<>();
        if (!(source instanceof ElfDump elf)) {
            return out;
        }
        long ps = source.memory().pageSize();
        List<ProgramHeader> loads = elf.programHeaders().stream()
                .filter(h -> h.type() == ElfConstants.PT_LOAD && h.paddr() != -1L && h.memsz() > 0).toList();
        for (ProgramHeader a : loads) {
            for (ProgramHeader b : loads) {
                if (a != b && b.paddr() <= a.paddr() && a.paddr() + a.memsz() <= b.paddr() + b.memsz()
                        && !(a.paddr() == b.paddr() && a.memsz() == b.memsz())) {
                    out.add(new PfnRange(a.paddr() / ps, (a.paddr() + a.memsz() + ps - 1) / ps));
                    break;
                }
            }
        }
        return out;
    }
}
