package io.kdump4j.capture.elf;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.elf.ElfConstants;
import io.kdump4j.format.elf.ElfDump;
import io.kdump4j.format.elf.ProgramHeader;
import io.kdump4j.format.mem.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * A range of physical memory the ELF output describes with PT_LOADs of its own, and the
 * virtual address of its first byte.
 *
 * <p>From an ELF source these are the source's PT_LOADs, in order, so virtual addresses (the
 * kernel-text segment, the direct map) survive; like makedumpfile {@code -E}, a range that the
 * source describes twice (x86_64 kernel text inside System RAM) is written twice. From other
 * sources they are the runs of RAM frames, with virtual address 0 (unknown).
 */
record LoadRegion(long paddr, long vaddr, long size) {

    long end() {
        return paddr + size;
    }

    static List<LoadRegion> of(DumpFile source) {
        List<LoadRegion> out = new ArrayList<>();
        if (source instanceof ElfDump elf) {
            for (ProgramHeader h : elf.programHeaders()) {
                if (h.type() == ElfConstants.PT_LOAD && h.memsz() > 0 && h.paddr() != -1L) {
                    out.add(new LoadRegion(h.paddr(), h.vaddr(), h.memsz()));
                }
            }
            return out;
        }
        PhysicalMemory m = source.memory();
        long ps = m.pageSize();
        long runStart = -1;
        for (long pfn = 0, max = m.maxPfn(); pfn <= max; pfn++) {
            boolean ram = pfn < max && m.state(pfn) != PhysicalMemory.PageState.ABSENT;
            if (ram && runStart < 0) {
                runStart = pfn;
            } else if (!ram && runStart >= 0) {
                out.add(new LoadRegion(runStart * ps, 0, (pfn - runStart) * ps));
                runStart = -1;
            }
        }
        return out;
    }
}
