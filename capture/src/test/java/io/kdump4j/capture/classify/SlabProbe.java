package io.kdump4j.capture.classify;

import io.kdump4j.kernel.helpers.mm.MemMap;
import io.kdump4j.kernel.KernelDump;
import java.io.IOException;

/**
 * Test oracle: whether a frame belongs to a slab, read straight from its struct page with the
 * 6.12 rule (the head's {@code _mapcount} top byte is {@code PAGE_SLAB_MAPCOUNT_VALUE}'s), kept
 * apart from the classifier's own code paths except for locating struct page.
 */
final class SlabProbe {
    private final KernelDump kernel;
    private final MemMap memMap;
    private final int size;
    private final long mapcount;
    private final long compoundHead;
    private final int slabTop;

    SlabProbe(KernelDump k) throws IOException {
        this.kernel = k;
        var vi = k.vmcoreinfo();
        this.size = (int) vi.size("page").orElseThrow();
        this.memMap = MemMap.read("probe", vi, k.memory(), size, k.dump().memory().maxPfn());
        this.mapcount = vi.offset("page", "_mapcount").orElseThrow();
        this.compoundHead = vi.offset("page", "compound_head").orElseThrow();
        this.slabTop = (int) (vi.number("PAGE_SLAB_MAPCOUNT_VALUE").orElseThrow() >>> 24) & 0xff;
    }

    boolean inSlab(long pfn) throws IOException {
        long page = memMap.address(pfn);
        long head = kernel.memory().u64(page + compoundHead);
        if ((head & 1) != 0) {
            page = head - 1;
        }
        return (kernel.memory().u32(page + mapcount) >>> 24) == slabTop;
    }
}
