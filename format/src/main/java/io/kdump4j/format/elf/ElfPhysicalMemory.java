package io.kdump4j.format.elf;

import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.mem.AddressSpace;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.format.mem.PhysicalMemory;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Physical memory of an ELF core: PT_LOAD segments looked up by {@code p_paddr}.
 *
 * <p>Rule for {@code p_filesz < p_memsz} (as drgn's {@code program.c} argues): the bytes past
 * {@code p_filesz} were not saved, and every writer we know (makedumpfile {@code -E} for
 * trailing excluded pages, QEMU for holes) means them as zeros; they read as zeros. When the
 * dump is incomplete and a segment's data runs past the end of the file, the missing tail is
 * a {@link MemoryFault.Reason#LOST} page instead.
 *
 * <p>Overlapping segments (x86_64 /proc/vmcore describes the kernel text twice: once in its
 * own PT_LOAD and once inside System RAM) hold the same bytes; the first one found is used.
 */
final class ElfPhysicalMemory implements PhysicalMemory {
    private final ByteSource src;
    private final int pageSize;
    private final long[] start;
    private final long[] memEnd;
    private final long[] fileEnd;
    private final long[] declaredEnd;
    private final long[] offset;
    /** {@code maxEnd[i]}: the largest {@code memEnd} of segments 0..i (sorted by start), to bound the walk back. */
    private final long[] maxEnd;
    private final long maxPfn;
    private final long present;
    private final long excluded;

    ElfPhysicalMemory(ByteSource src, List<ProgramHeader> headers, int pageSize) {
        this.src = src;
        this.pageSize = pageSize;
        List<ProgramHeader> loads = new ArrayList<>();
        for (ProgramHeader h : headers) {
            if (h.type() == ElfConstants.PT_LOAD && h.memsz() > 0 && h.paddr() != -1L) {
                loads.add(h);
            }
        }
        loads.sort(Comparator.comparingLong(ProgramHeader::paddr));
        int n = loads.size();
        start = new long[n];
        memEnd = new long[n];
        fileEnd = new long[n];
        declaredEnd = new long[n];
        offset = new long[n];
        maxEnd = new long[n];
        long max = 0;
        long presBytes = 0;
        long exclBytes = 0;
        long covered = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            ProgramHeader h = loads.get(i);
            start[i] = h.paddr();
            memEnd[i] = h.paddr() + h.memsz();
            long avail = Math.max(0, Math.min(h.filesz(), src.size() - Math.min(src.size(), h.offset())));
            fileEnd[i] = h.paddr() + avail;
            declaredEnd[i] = h.paddr() + h.filesz();
            offset[i] = h.offset();
            max = Math.max(max, Long.divideUnsigned(memEnd[i] + pageSize - 1, pageSize));
            // Count each physical byte once: only the part of this segment beyond every earlier
            // one (sorted by start). makedumpfile -E splits the kernel-text segment and RAM into
            // many fragments, so an overlap is not always with the immediately preceding segment.
            presBytes += Math.max(0, declaredEnd[i] - Math.max(start[i], covered));
            exclBytes += Math.max(0, memEnd[i] - Math.max(declaredEnd[i], covered));
            covered = Math.max(covered, memEnd[i]);
            maxEnd[i] = i == 0 ? memEnd[i] : Math.max(maxEnd[i - 1], memEnd[i]);
        }
        long pres = presBytes / pageSize;
        long excl = exclBytes / pageSize;
        this.maxPfn = max;
        this.present = pres;
        this.excluded = excl;
    }

    @Override
    public int pageSize() {
        return pageSize;
    }

    /**
     * The index of the segment holding {@code paddr}, preferring one whose file data holds it
     * when segments overlap, or -1. Segments may overlap any number of times (makedumpfile
     * {@code -E} splits the kernel-text segment and RAM into many fragments): the walk goes back
     * over every earlier start whose segment, or an earlier one, still reaches past
     * {@code paddr} ({@link #maxEnd}). It gave up after 4 before.
     */
    private int find(long paddr) {
        int i = Arrays.binarySearch(start, paddr);
        if (i < 0) {
            i = -i - 2;
        }
        int covering = -1;
        for (int j = i; j >= 0 && Long.compareUnsigned(maxEnd[j], paddr) > 0; j--) {
            if (Long.compareUnsigned(paddr, start[j]) >= 0 && Long.compareUnsigned(paddr, memEnd[j]) < 0) {
                if (Long.compareUnsigned(paddr, fileEnd[j]) < 0) {
                    return j;
                }
                if (covering < 0 || Long.compareUnsigned(paddr, declaredEnd[j]) < 0) {
                    covering = j;
                }
            }
        }
        return covering;
    }

    @Override
    public void read(long paddr, byte[] dst, int dstOffset, int length) throws IOException {
        long pos = paddr;
        int done = 0;
        while (done < length) {
            int seg = find(pos);
            if (seg < 0) {
                throw new MemoryFault(pos, AddressSpace.PHYSICAL, MemoryFault.Reason.NOT_IN_DUMP);
            }
            int n = (int) Math.min(length - done, memEnd[seg] - pos);
            if (pos < fileEnd[seg]) {
                int fromFile = (int) Math.min(n, fileEnd[seg] - pos);
                src.read(offset[seg] + (pos - start[seg]), dst, dstOffset + done, fromFile, "PT_LOAD data");
                n = fromFile;
            } else {
                if (pos < declaredEnd[seg]) {
                    throw new MemoryFault(pos, AddressSpace.PHYSICAL, MemoryFault.Reason.LOST);
                }
                n = (int) Math.min(n, memEnd[seg] - pos);
                Arrays.fill(dst, dstOffset + done, dstOffset + done + n, (byte) 0);
            }
            done += n;
            pos += n;
        }
    }

    @Override
    public MemorySegment mapped(long paddr, long length) {
        int seg = find(paddr);
        if (seg < 0 || length < 0 || length > fileEnd[seg] - paddr) {
            return null;
        }
        return src.mapped(offset[seg] + (paddr - start[seg]), length);
    }

    @Override
    public java.util.Set<Long> partialFrames() {
        java.util.Set<Long> out = new java.util.HashSet<>();
        for (int i = 0; i < start.length; i++) {
            if (declaredEnd[i] == start[i]) {
                continue;
            }
            if (start[i] % pageSize != 0 && state(start[i] / pageSize) == PageState.ABSENT) {
                out.add(start[i] / pageSize);
            }
            if (declaredEnd[i] % pageSize != 0 && state(declaredEnd[i] / pageSize) == PageState.ABSENT) {
                out.add(declaredEnd[i] / pageSize);
            }
        }
        return java.util.Set.copyOf(out);
    }

    /** The segment tables are immutable: as thread-safe as the file underneath. */
    @Override
    public boolean concurrentReads() {
        return src.concurrentReads();
    }

    /**
     * PRESENT when the segment's file data holds the page's first byte, LOST when the header
     * places data there that the file (cut short) lacks, EXCLUDED when the page lies past
     * {@code p_filesz} in {@code p_memsz} (makedumpfile {@code -E} leaves filtered pages there;
     * they read as zeros, and are counted excluded in {@link #pagesExcluded()}), else ABSENT.
     * Before, pages past {@code p_filesz} were PRESENT here yet counted excluded, and {@code save}
     * turned them into present zero pages.
     */
    @Override
    public PageState state(long pfn) {
        long paddr = pfn * pageSize;
        int seg = find(paddr);
        if (seg < 0) {
            return PageState.ABSENT;
        }
        if (paddr < fileEnd[seg]) {
            return PageState.PRESENT;
        }
        return paddr < declaredEnd[seg] ? PageState.LOST : PageState.EXCLUDED;
    }

    @Override
    public long maxPfn() {
        return maxPfn;
    }

    @Override
    public long pagesPresent() {
        return present;
    }

    @Override
    public long pagesExcluded() {
        return excluded;
    }
}
