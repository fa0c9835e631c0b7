package io.kdump4j.kernel.helpers.mm;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.KernelMemory;
import io.kdump4j.kernel.Vmcoreinfo;
import java.io.IOException;

/**
 * Where the {@code struct page} of each page frame is, for a SPARSEMEM kernel (every kernel
 * kdump4j reads: x86_64 and arm64 are SPARSEMEM, with SPARSEMEM_VMEMMAP and
 * SPARSEMEM_EXTREME).
 *
 * <p>Memory is cut into sections of {@code 2^SECTION_SIZE_BITS} bytes; {@code struct
 * mem_section.section_mem_map} holds, in its low bits, flags (bit 0
 * {@code SECTION_MARKED_PRESENT}), and above them the section's {@code mem_map} <em>minus the
 * section's first PFN</em>: the kernel's {@code sparse_encode_mem_map()} stores
 * {@code mem_map - section_nr_to_pfn(pnum)} as a {@code struct page *}, so that the struct page
 * of any PFN in the section is simply {@code (coded & SECTION_MAP_MASK) + pfn * sizeof(struct
 * page)}. With SPARSEMEM_VMEMMAP every section codes the same base ({@code vmemmap}).
 *
 * <p>The flags take the bits below {@code SECTION_MAP_LAST_BIT}, which was {@code 1<<2} before
 * kernel commit 2d070eab2e82 ("mm: consider zone which is not fully populated to have holes")
 * (in v4.13) and has grown since; masking 5 bits is what makedumpfile does for every kernel
 * (mem_map is aligned far beyond that, so the extra bits are always 0 in the address).
 *
 * <p>{@code SYMBOL(mem_section)} in VMCOREINFO is the address of the root array itself (since
 * kernel commit a0b1280368d1 ("kdump: write correct address of mem_section into vmcoreinfo")
 * (in v4.15), also for SPARSEMEM_EXTREME where {@code mem_section} became a pointer). With
 * SPARSEMEM_EXTREME the roots are pointers to pages of {@code PAGE_SIZE / sizeof(struct
 * mem_section)} sections each; without it the root array is the sections themselves. The two
 * are told apart by {@code LENGTH(mem_section)}: the number of roots.
 *
 * <p>Heap: one {@code long} per section up to the highest PFN of the dump (8 bytes per 128 MiB
 * of x86_64 address space: 1 MiB for 16 TiB), checked against a limit before it is made.
 */
public final class MemMap {
    /** {@code SECTION_MARKED_PRESENT}: the section has memory (and, unless hot-removed, a mem_map). */
    private static final long SECTION_MARKED_PRESENT = 1;
    /** makedumpfile's {@code SECTION_MAP_MASK}: ~((1 << 5) - 1). */
    static final long SECTION_MAP_MASK = ~((1L << 5) - 1);
    /** At most this many sections are tracked (4 Mi sections of 128 MiB = 512 TiB). */
    static final long MAX_SECTIONS = 1L << 22;

    private final int pageStructSize;
    private final int pfnSectionShift;
    /** The coded mem_map of each section, or 0 when the section has none. */
    private final long[] coded;

    private MemMap(int pageStructSize, int pfnSectionShift, long[] coded) {
        this.pageStructSize = pageStructSize;
        this.pfnSectionShift = pfnSectionShift;
        this.coded = coded;
    }

    /** The section table of {@code kernel}, for struct pages of {@code layout}'s size. */
    public static MemMap of(KernelDump kernel, PageLayout layout) throws IOException {
        return read(kernel.dump().name(), kernel.vmcoreinfo(), kernel.memory(), layout.size(),
                kernel.dump().memory().maxPfn());
    }

    /**
     * Reads the section table {@code vi} describes.
     *
     * @param maxPfn one past the highest frame of the dump: sections beyond it are not read
     */
    public static MemMap read(String source, Vmcoreinfo vi, KernelMemory mem, int pageStructSize, long maxPfn)
            throws IOException {
        long root = required(source, vi.symbol("mem_section"), "SYMBOL(mem_section)");
        long roots = required(source, vi.length("mem_section"), "LENGTH(mem_section)");
        long sectionSize = required(source, vi.size("mem_section"), "SIZE(mem_section)");
        long mapOffset = required(source, vi.offset("mem_section", "section_mem_map"),
                "OFFSET(mem_section.section_mem_map)");
        long sectionBits = required(source, vi.number("SECTION_SIZE_BITS"), "NUMBER(SECTION_SIZE_BITS)");
        long physBits = required(source, vi.number("MAX_PHYSMEM_BITS"), "NUMBER(MAX_PHYSMEM_BITS)");
        int pageSize = mem.arch().pageSize();
        int pageShift = Integer.numberOfTrailingZeros(pageSize);
        if (physBits < 20 || physBits > 56 || sectionBits <= pageShift || sectionBits > physBits) {
            throw bad(source, "SECTION_SIZE_BITS=" + sectionBits + " and MAX_PHYSMEM_BITS=" + physBits
                    + " are not a SPARSEMEM layout (expected " + pageShift + " < SECTION_SIZE_BITS <= MAX_PHYSMEM_BITS <= 56)");
        }
        if (sectionSize < 8 || sectionSize > pageSize || mapOffset < 0 || mapOffset > sectionSize - 8) {
            throw bad(source, "SIZE(mem_section)=" + sectionSize + " with OFFSET(mem_section.section_mem_map)="
                    + mapOffset + " is not a struct mem_section");
        }
        int pfnShift = (int) (sectionBits - pageShift);
        long nrSections = 1L << (physBits - sectionBits);
        long perRootExtreme = pageSize / sectionSize;
        long perRoot;
        if (roots == nrSections) {
            perRoot = 1;
        } else if (roots * perRootExtreme == nrSections) {
            perRoot = perRootExtreme;
        } else {
            throw bad(source, "LENGTH(mem_section)=" + roots + " fits neither SPARSEMEM (" + nrSections
                    + " sections) nor SPARSEMEM_EXTREME (" + nrSections / perRootExtreme + " roots)");
        }
        long used = Math.min(nrSections, Math.ceilDiv(Math.max(maxPfn, 1), 1L << pfnShift));
        if (used > MAX_SECTIONS) {
            throw bad(source, "the dump's highest frame 0x" + Long.toHexString(maxPfn) + " needs " + used
                    + " memory sections; at most " + MAX_SECTIONS + " are supported");
        }
        long[] coded = new long[(int) used];
        byte[] table = new byte[(int) (perRoot * sectionSize)];
        for (long r = 0; r * perRoot < used; r++) {
            long tableAddr;
            if (perRoot == 1) {
                tableAddr = root + r * sectionSize;
            } else {
                try {
                    tableAddr = mem.pointer(root + r * 8);
                } catch (MemoryFault f) {
                    throw bad(source, "the mem_section root array at 0x" + Long.toHexString(root)
                            + " cannot be read: " + f.getMessage());
                }
                if (tableAddr == 0) {
                    continue;
                }
            }
            try {
                mem.readVirtual(tableAddr, table, 0, table.length);
            } catch (MemoryFault f) {
                // A root the dump lacks: its sections count as having no mem_map (pages kept).
                continue;
            }
            for (int i = 0; i < perRoot && r * perRoot + i < used; i++) {
                long map = io.kdump4j.format.io.Bytes.s64(table, (int) (i * sectionSize + mapOffset),
                        mem.arch().byteOrder());
                if ((map & SECTION_MARKED_PRESENT) == 0) {
                    continue;
                }
                long c = map & SECTION_MAP_MASK;
                if (c >= 0) {
                    throw bad(source, "section " + (r * perRoot + i) + " codes mem_map 0x" + Long.toHexString(c)
                            + ", not a kernel address");
                }
                coded[(int) (r * perRoot + i)] = c;
            }
        }
        return new MemMap(pageStructSize, pfnShift, coded);
    }

    /** Frames per section. */
    public long sectionPfns() {
        return 1L << pfnSectionShift;
    }

    /** Whether the section of {@code pfn} has a mem_map. */
    public boolean has(long pfn) {
        long s = pfn >>> pfnSectionShift;
        return s < coded.length && coded[(int) s] != 0;
    }

    /** The address of {@code pfn}'s struct page; {@link #has} must be true. */
    public long address(long pfn) {
        return coded[(int) (pfn >>> pfnSectionShift)] + pfn * pageStructSize;
    }

    /**
     * The frame whose struct page is at {@code pageAddress}, decoded with the section of
     * {@code near} (a compound page's tails and head share the coded base: within one section
     * without VMEMMAP, everywhere with it); -1 when the address is not a struct page there.
     */
    public long pfnOf(long pageAddress, long near) {
        if (!has(near)) {
            return -1;
        }
        long delta = pageAddress - coded[(int) (near >>> pfnSectionShift)];
        if (delta < 0 || delta % pageStructSize != 0) {
            return -1;
        }
        return delta / pageStructSize;
    }

    private static long required(String source, java.util.OptionalLong v, String key) throws DumpFormatException {
        if (v.isEmpty()) {
            throw bad(source, "VMCOREINFO has no " + key + ": the struct page array cannot be found");
        }
        return v.getAsLong();
    }

    private static DumpFormatException bad(String source, String problem) {
        return new DumpFormatException(source, -1, problem);
    }
}
