package io.kdump4j.kernel.arch;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.mem.AddressSpace;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.kernel.Vmcoreinfo;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.OptionalLong;

/**
 * arm64 (AArch64, little-endian): 4/16/64 KiB pages, 39..52-bit kernel virtual addresses.
 *
 * <h2>The two closed formulas</h2>
 * <ul>
 * <li><b>Kernel image</b>: {@code paddr = vaddr - kimage_voffset}
 *     ({@code __kimg_to_phys()}, {@code NUMBER(kimage_voffset)}). The image lives in the vmalloc
 *     region, so it is also reachable by a page-table walk; {@link #kernelImageToPhys(long)}
 *     gives the formula for checks and for finding {@code swapper_pg_dir} itself.
 * <li><b>Linear map</b>: {@code paddr = vaddr - PAGE_OFFSET + PHYS_OFFSET}
 *     ({@code __lm_to_phys()}).
 * </ul>
 *
 * <h2>History of the linear map</h2>
 * Before Linux 5.4 the linear map was the <em>upper</em> half of the kernel address space:
 * {@code PAGE_OFFSET = -(1 << (VA_BITS - 1))}, and the kernel image/vmalloc were below it.
 * Commit 14c127c957c1 ("arm64: mm: Flip kernel VA space", v5.4) put the linear map in the
 * <em>lower</em> half: {@code PAGE_OFFSET = -(1 << VA_BITS)}, {@code PAGE_END = -(1 << (VA_BITS - 1))}.
 * Like makedumpfile ({@code get_page_offset_arm64()}) the layout is detected from where
 * {@code SYMBOL(_stext)} sits: above {@code PAGE_END} means flipped. For 52-bit kernels on
 * 48-bit hardware, Linux 5.11 (commit f4693c2716b3, "arm64: mm: extend linear region for 52-bit
 * VA configurations") keeps {@code PAGE_OFFSET} at the 52-bit value and instead moves
 * {@code memstart_addr}, so the formula uses the compile-time {@code NUMBER(VA_BITS)}; the
 * 5.4..5.10 kernels in that one configuration (which used the runtime size) are not handled.
 *
 * <h2>Why PHYS_OFFSET looks negative</h2>
 * {@code NUMBER(PHYS_OFFSET)} is {@code memstart_addr}. With KASLR, {@code arm64_memblock_init()}
 * randomises where RAM appears inside the (much larger) linear region by <em>subtracting</em>
 * a multiple of {@code ARM64_MEMSTART_ALIGN} from {@code memstart_addr}, which then becomes
 * negative as a signed 64-bit number: the fixture's {@code 0xffffab1240000000} is
 * {@code -0x54edc0000000}. The formula is used modulo 2^64 exactly as the kernel does, so RAM
 * at 0x40000000 appears at {@code 0xffff54ee00000000}.
 *
 * <h2>Page-table walk</h2>
 * From {@code swapper_pg_dir} (physical via the image formula). Levels follow
 * {@code ARM64_HW_PGTABLE_LEVEL_SHIFT(n) = (PAGE_SHIFT - 3) * (4 - n) + 3}; the number of levels
 * is {@code ceil((va_bits - PAGE_SHIFT) / (PAGE_SHIFT - 3))} (4 KiB/48 bits: 4 levels; 64 KiB/48
 * bits: 3; 4 KiB/52 bits: 5). The runtime VA size is {@code 64 - NUMBER(TCR_EL1_T1SZ)} (exported
 * since Linux 5.9), else {@code NUMBER(VA_BITS)}. Descriptor bits[1:0]: {@code 11} table (or page
 * at the last level), {@code 01} block (1 GiB/2 MiB with 4 KiB pages, 32 MiB with 16 KiB,
 * 512 MiB with 64 KiB), {@code x0} invalid. Output address bits [47:PAGE_SHIFT]; with 64 KiB
 * pages and 52-bit physical addresses bits [15:12] of the descriptor carry PA[51:48]; with
 * LPA2 (4/16 KiB pages, 52-bit VA at run time) bits [9:8] carry PA[51:50] and the address field
 * reaches bit 49.
 */
public final class Aarch64 implements Arch {
    /** {@code sizeof(struct elf_prstatus)} on arm64. */
    public static final int PRSTATUS_SIZE = 392;

    private final int pageSize;
    private final int pageShift;
    private final int vaBits;
    private final int vaBitsActual;
    private final long kimageVoffset;
    private final long physOffset;
    private final boolean flipped;
    private final long pageOffset;
    private final long pageEnd;
    private final long swapperPhys;
    private final long pacMask;
    private final int levels;
    private final boolean lpa2;

    Aarch64(int pageSize, int vaBits, int vaBitsActual, long kimageVoffset, long physOffset, long stext,
            long swapperPgDir, long pacMask) {
        this.pageSize = pageSize;
        this.pageShift = Integer.numberOfTrailingZeros(pageSize);
        this.vaBits = vaBits;
        this.vaBitsActual = vaBitsActual;
        this.kimageVoffset = kimageVoffset;
        this.physOffset = physOffset;
        long flippedPageEnd = -(1L << (Math.min(vaBits, 48) - 1));
        this.flipped = Long.compareUnsigned(stext, flippedPageEnd) > 0;
        if (flipped) {
            this.pageOffset = -(1L << vaBits);
            this.pageEnd = flippedPageEnd;
        } else {
            this.pageOffset = -(1L << (vaBitsActual - 1));
            this.pageEnd = 0;
        }
        this.swapperPhys = swapperPgDir - kimageVoffset;
        this.pacMask = pacMask;
        int bitsPerLevel = pageShift - 3;
        this.levels = (vaBitsActual - pageShift + bitsPerLevel - 1) / bitsPerLevel;
        this.lpa2 = pageSize != 65536 && vaBitsActual == 52;
    }

    /** Built from VMCOREINFO; needs PAGESIZE, VA_BITS, kimage_voffset, PHYS_OFFSET, swapper_pg_dir, _stext. */
    public static Aarch64 from(String source, Vmcoreinfo vi) throws DumpFormatException {
        long pageSize = vi.pageSize().orElse(4096);
        if (pageSize != 4096 && pageSize != 16384 && pageSize != 65536) {
            throw new DumpFormatException(source, -1, "arm64 VMCOREINFO PAGESIZE=" + pageSize
                    + ": expected 4096, 16384 or 65536");
        }
        long vaBits = require(source, vi.number("VA_BITS"), "NUMBER(VA_BITS)");
        if (vaBits < 36 || vaBits > 52) {
            throw new DumpFormatException(source, -1, "arm64 VMCOREINFO NUMBER(VA_BITS)=" + vaBits
                    + ": expected 36..52");
        }
        long actual = vaBits;
        OptionalLong t1sz = vi.number("TCR_EL1_T1SZ");
        if (t1sz.isPresent()) {
            actual = 64 - t1sz.getAsLong();
            if (actual < 36 || actual > 52) {
                throw new DumpFormatException(source, -1, "arm64 VMCOREINFO NUMBER(TCR_EL1_T1SZ)="
                        + t1sz.getAsLong() + " gives " + actual + "-bit addresses: expected 36..52");
            }
        }
        long kimage = require(source, vi.number("kimage_voffset"), "NUMBER(kimage_voffset)");
        long physOffset = require(source, vi.number("PHYS_OFFSET"), "NUMBER(PHYS_OFFSET)");
        long stext = require(source, vi.symbol("_stext"), "SYMBOL(_stext)");
        long swapper = require(source, vi.symbol("swapper_pg_dir"), "SYMBOL(swapper_pg_dir)");
        long pac = vi.number("KERNELPACMASK").orElse(0);
        return new Aarch64((int) pageSize, (int) vaBits, (int) actual, kimage, physOffset, stext, swapper, pac);
    }

    private static long require(String source, OptionalLong v, String key) throws DumpFormatException {
        if (v.isEmpty()) {
            throw new DumpFormatException(source, -1, "arm64 dump without " + key + " in VMCOREINFO (or it is "
                    + "malformed): kernel addresses cannot be translated");
        }
        return v.getAsLong();
    }

    @Override
    public String name() {
        return "aarch64";
    }

    @Override
    public int pointerSize() {
        return 8;
    }

    @Override
    public ByteOrder byteOrder() {
        return ByteOrder.LITTLE_ENDIAN;
    }

    @Override
    public int pageSize() {
        return pageSize;
    }

    public int vaBits() {
        return vaBits;
    }

    public int vaBitsActual() {
        return vaBitsActual;
    }

    public long pageOffset() {
        return pageOffset;
    }

    public long physOffset() {
        return physOffset;
    }

    public long kimageVoffset() {
        return kimageVoffset;
    }

    /** The number of page-table levels walked. */
    public int levels() {
        return levels;
    }

    /** Whether {@code vaddr} is in the linear map ({@code __is_lm_address()}). */
    public boolean isLinear(long vaddr) {
        if (flipped) {
            return Long.compareUnsigned(vaddr - pageOffset, pageEnd - pageOffset) < 0;
        }
        return Long.compareUnsigned(vaddr, pageOffset) >= 0;
    }

    /** The linear map formula; callers check {@link #isLinear(long)}. */
    public long linearToPhys(long vaddr) {
        return vaddr - pageOffset + physOffset;
    }

    /** The kernel image formula {@code vaddr - kimage_voffset}, valid for addresses inside the image. */
    public long kernelImageToPhys(long vaddr) {
        return vaddr - kimageVoffset;
    }

    @Override
    public OptionalLong directTranslate(long vaddr) {
        return isLinear(vaddr) ? OptionalLong.of(linearToPhys(vaddr)) : OptionalLong.empty();
    }

    @Override
    public long walk(long vaddr, PageTableReader tables) throws IOException {
        if ((vaddr >> vaBitsActual) != -1L) {
            throw new MemoryFault(vaddr, AddressSpace.VIRTUAL, MemoryFault.Reason.NOT_MAPPED,
                    "outside the " + vaBitsActual + "-bit kernel half of the address space (TTBR1)");
        }
        int bitsPerLevel = pageShift - 3;
        int startLevel = 4 - levels;
        long table = swapperPhys;
        for (int level = startLevel; level <= 3; level++) {
            int shift = bitsPerLevel * (4 - level) + 3;
            long indexMask = level == startLevel ? (1L << (vaBitsActual - shift)) - 1 : (1L << bitsPerLevel) - 1;
            long index = (vaddr >>> shift) & indexMask;
            long entryAddr = table + index * 8;
            long entry = tables.u64(entryAddr);
            String name = levelName(level, startLevel);
            int type = (int) (entry & 3);
            boolean last = level == 3;
            if ((type & 1) == 0 || (last && type == 1)) {
                throw new MemoryFault(vaddr, AddressSpace.VIRTUAL, MemoryFault.Reason.NOT_MAPPED,
                        name + " entry " + index + " at physical 0x" + Long.toHexString(entryAddr)
                                + " is not valid (0x" + Long.toHexString(entry) + ")");
            }
            if (!last && type == 1 && !blockAllowed(level)) {
                throw new MemoryFault(vaddr, AddressSpace.VIRTUAL, MemoryFault.Reason.NOT_MAPPED,
                        name + " entry " + index + " at physical 0x" + Long.toHexString(entryAddr)
                                + " is a block descriptor (0x" + Long.toHexString(entry) + ") at a level that has no "
                                + "blocks with " + pageSize / 1024 + " KiB pages (corrupt page tables)");
            }
            long out = outputAddress(entry);
            if (last || type == 1) {
                long pageMask = (1L << shift) - 1;
                return (out & ~pageMask) | (vaddr & pageMask);
            }
            table = out;
        }
        throw new IllegalStateException("unreachable: the loop returns at level 3");
    }

    /**
     * Whether a block descriptor is valid at {@code level} (0..2; 3 holds pages): level 2 (PMD)
     * with every granule, level 1 (PUD, 1 GiB) only with 4 KiB pages, as Linux makes them
     * ({@code pud_sect}, {@code use_1G_block()} in arch/arm64/mm/mmu.c); never level 0 or the
     * LPA2 level -1. A block elsewhere was accepted and translated before.
     */
    private boolean blockAllowed(int level) {
        return level == 2 || (level == 1 && pageShift == 12);
    }

    private static String levelName(int level, int startLevel) {
        if (level == startLevel) {
            return "PGD";
        }
        return switch (level) {
            case 0 -> "P4D";
            case 1 -> "PUD";
            case 2 -> "PMD";
            default -> "PTE";
        };
    }

    /** The output address of a table/block/page descriptor, including the 52-bit PA encodings. */
    private long outputAddress(long entry) {
        if (pageSize == 65536) {
            long low = entry & 0x0000_ffff_ffff_0000L;
            long high = (entry >>> 12) & 0xf;
            return low | (high << 48);
        }
        if (lpa2) {
            long low = entry & (((1L << 50) - 1) & -(1L << pageShift));
            long high = (entry >>> 8) & 0x3;
            return low | (high << 50);
        }
        return entry & (((1L << 48) - 1) & -(1L << pageShift));
    }

    /**
     * Pointer authentication ({@code CONFIG_ARM64_PTR_AUTH_KERNEL}) keeps a signature in the
     * upper bits of signed kernel pointers (return addresses on stacks); {@code KERNELPACMASK}
     * names those bits. A kernel pointer (bit 55 set) gets them all set, a user pointer cleared,
     * as {@code ptrauth_strip_kernel_insn_pac()} does.
     */
    @Override
    public long stripPointer(long pointer) {
        if (pacMask == 0) {
            return pointer;
        }
        return (pointer & (1L << 55)) != 0 ? pointer | pacMask : pointer & ~pacMask;
    }

    @Override
    public String toString() {
        return "aarch64 (" + pageSize / 1024 + " KiB pages, " + vaBitsActual + "-bit VA, " + levels + " levels, "
                + (flipped ? "5.4+ layout" : "pre-5.4 layout") + ")";
    }
}
