package io.kdump4j.kernel.arch;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.elf.ElfConstants;
import io.kdump4j.format.elf.ElfDump;
import io.kdump4j.format.elf.ProgramHeader;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.kdump.KdumpFile;
import io.kdump4j.format.mem.AddressSpace;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.kernel.Vmcoreinfo;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.OptionalLong;

/**
 * x86_64: 4-level paging (or 5-level when {@code NUMBER(pgtable_l5_enabled)=1}), 4 KiB pages.
 *
 * <p>The kernel image lives in the "kernel text mapping" at {@code __START_KERNEL_map =
 * 0xffffffff80000000}: {@code paddr = vaddr - __START_KERNEL_map + phys_base}
 * ({@code __phys_addr_symbol()} in {@code arch/x86/mm/physaddr.c}). With KASLR the image is
 * moved both virtually (KERNELOFFSET, already included in every SYMBOL() value) and physically
 * (phys_base). {@code phys_base} is the difference between where the kernel was linked to run
 * physically and where it was loaded, so it is negative when the kernel sits <em>below</em>
 * its link-time physical address (16 MiB + KASLR slack): the 6.1 fixture has
 * {@code NUMBER(phys_base)=-387973120}. The arithmetic is modulo 2^64, so the sign needs no
 * special case.
 *
 * <p>Everything else (direct map at the randomised {@code page_offset_base}, vmalloc, vmemmap,
 * modules, fixmap) is translated by walking {@code init_top_pgt}, whose physical address is
 * its symbol translated by the text formula. Entries hold the frame in bits 12..51
 * ({@code __PHYSICAL_MASK_SHIFT = 52}); with AMD SME/SEV the encryption bit
 * ({@code NUMBER(sme_mask)}) is set in entries and must be cleared. A PUD entry with PSE
 * (bit 7) maps 1 GiB, a PMD entry with PSE maps 2 MiB.
 */
public final class X86_64 implements Arch {
    /** {@code sizeof(struct elf_prstatus)} on x86_64. */
    public static final int PRSTATUS_SIZE = 336;
    /** {@code __START_KERNEL_map}: the base of the kernel text mapping. */
    public static final long START_KERNEL_MAP = 0xffff_ffff_8000_0000L;
    /** {@code KERNEL_IMAGE_SIZE} without KASLR (512 MiB); 1 GiB with {@code CONFIG_RANDOMIZE_BASE}. */
    private static final long DEFAULT_KERNEL_IMAGE_SIZE = 512L << 20;
    private static final long PHYSICAL_PAGE_MASK = 0x000f_ffff_ffff_f000L;
    private static final long PRESENT = 1L;
    private static final long PSE = 1L << 7;
    private static final int PAGE_SIZE = 4096;
    private static final String[] LEVEL_NAMES_4 = {"PGD", "PUD", "PMD", "PTE"};
    private static final String[] LEVEL_NAMES_5 = {"PGD", "P4D", "PUD", "PMD", "PTE"};

    private final long physBase;
    private final long kernelImageSize;
    private final long topTablePhys;
    private final boolean fiveLevel;
    private final long entryMask;

    X86_64(long physBase, long kernelImageSize, long topTableVaddr, boolean fiveLevel, long smeMask) {
        this.physBase = physBase;
        this.kernelImageSize = kernelImageSize;
        this.topTablePhys = topTableVaddr - START_KERNEL_MAP + physBase;
        this.fiveLevel = fiveLevel;
        this.entryMask = PHYSICAL_PAGE_MASK & ~smeMask;
    }

    /**
     * Built from VMCOREINFO and the dump. {@code NUMBER(phys_base)} is exported since Linux 4.10
     * (commit 401721ecd1dc "kexec: export the value of phys_base instead of symbol address").
     * Older kernels do not say it, and a relocated kernel has a nonzero one, so it is taken from
     * the dump as crash and makedumpfile do ({@link #physBaseFromDump}).
     */
    public static X86_64 from(DumpFile dump, Vmcoreinfo vi) throws DumpFormatException {
        OptionalLong exported = vi.number("phys_base");
        return build(dump.name(), vi, exported.isPresent() ? exported.getAsLong()
                : physBaseFromDump(dump, imageSize(dump.name(), vi)));
    }

    /**
     * phys_base from the container, for kernels whose VMCOREINFO lacks {@code NUMBER(phys_base)}:
     * a kdump-compressed dump records it in its sub-header (makedumpfile computed it when it
     * saved); an ELF core from {@code /proc/vmcore} has a PT_LOAD for the kernel text mapping
     * (virtual address in {@code __START_KERNEL_map .. + KERNEL_IMAGE_SIZE}) whose physical
     * address gives phys_base = p_paddr - (p_vaddr - __START_KERNEL_map). 0 when neither holds
     * (a QEMU core has no virtual addresses).
     */
    static long physBaseFromDump(DumpFile dump, long imageSize) {
        if (dump instanceof KdumpFile k) {
            return k.subHeader() == null ? 0 : k.subHeader().physBase();
        }
        if (dump instanceof ElfDump e) {
            for (ProgramHeader p : e.programHeaders()) {
                long rel = p.vaddr() - START_KERNEL_MAP;
                if (p.type() == ElfConstants.PT_LOAD && Long.compareUnsigned(p.vaddr(), START_KERNEL_MAP) >= 0
                        && Long.compareUnsigned(rel, imageSize) < 0) {
                    return p.paddr() - rel;
                }
            }
        }
        return 0;
    }

    /**
     * Built from VMCOREINFO alone: without {@code NUMBER(phys_base)} phys_base is taken as 0
     * ({@link #from(DumpFile, Vmcoreinfo)} reads it from the dump). The top-level table is {@code SYMBOL(init_top_pgt)} (4.13+; the
     * same table was {@code init_level4_pgt} before commit 65ade2f872b4), falling back to
     * {@code SYMBOL(swapper_pg_dir)} which x86_64 aliases to it.
     */
    public static X86_64 from(String source, Vmcoreinfo vi) throws DumpFormatException {
        return build(source, vi, vi.number("phys_base").orElse(0));
    }

    private static long imageSize(String source, Vmcoreinfo vi) throws DumpFormatException {
        long imageSize = vi.number("KERNEL_IMAGE_SIZE").orElse(DEFAULT_KERNEL_IMAGE_SIZE);
        if (imageSize <= 0 || imageSize > (2L << 30)) {
            throw new DumpFormatException(source, -1, "VMCOREINFO NUMBER(KERNEL_IMAGE_SIZE)=" + imageSize
                    + " is outside the kernel text mapping (at most 2 GiB)");
        }
        return imageSize;
    }

    private static X86_64 build(String source, Vmcoreinfo vi, long physBase) throws DumpFormatException {
        OptionalLong top = vi.symbol("init_top_pgt");
        if (top.isEmpty()) {
            top = vi.symbol("init_level4_pgt");
        }
        if (top.isEmpty()) {
            top = vi.symbol("swapper_pg_dir");
        }
        if (top.isEmpty()) {
            throw new DumpFormatException(source, -1, "x86_64 dump without SYMBOL(init_top_pgt) in VMCOREINFO: "
                    + "kernel page tables cannot be found");
        }
        long imageSize = imageSize(source, vi);
        boolean l5 = vi.number("pgtable_l5_enabled").orElse(0) != 0;
        long sme = vi.number("sme_mask").orElse(0);
        return new X86_64(physBase, imageSize, top.getAsLong(), l5, sme);
    }

    @Override
    public String name() {
        return "x86_64";
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
        return PAGE_SIZE;
    }

    public long physBase() {
        return physBase;
    }

    public boolean fiveLevelPaging() {
        return fiveLevel;
    }

    /** The physical address of the top-level kernel page table. */
    public long topTablePhys() {
        return topTablePhys;
    }

    /** The kernel text mapping: {@code [__START_KERNEL_map, __START_KERNEL_map + KERNEL_IMAGE_SIZE)}. */
    @Override
    public OptionalLong directTranslate(long vaddr) {
        long rel = vaddr - START_KERNEL_MAP;
        if (Long.compareUnsigned(vaddr, START_KERNEL_MAP) >= 0 && Long.compareUnsigned(rel, kernelImageSize) < 0) {
            return OptionalLong.of(rel + physBase);
        }
        return OptionalLong.empty();
    }

    @Override
    public long walk(long vaddr, PageTableReader tables) throws IOException {
        checkCanonical(vaddr);
        String[] names = fiveLevel ? LEVEL_NAMES_5 : LEVEL_NAMES_4;
        int levels = names.length;
        long table = topTablePhys;
        for (int level = 0; level < levels; level++) {
            int shift = 12 + 9 * (levels - 1 - level);
            long index = (vaddr >>> shift) & 511;
            long entry = tables.u64(table + index * 8);
            if ((entry & PRESENT) == 0) {
                throw new MemoryFault(vaddr, AddressSpace.VIRTUAL, MemoryFault.Reason.NOT_MAPPED,
                        names[level] + " entry " + index + " at physical 0x" + Long.toHexString(table + index * 8)
                                + " is not present (0x" + Long.toHexString(entry) + ")");
            }
            long frame = entry & entryMask;
            boolean leafLevel = level == levels - 1;
            boolean large = !leafLevel && (entry & PSE) != 0 && (shift == 30 || shift == 21);
            if (leafLevel || large) {
                long pageMask = (1L << shift) - 1;
                return (frame & ~pageMask) | (vaddr & pageMask);
            }
            table = frame;
        }
        throw new IllegalStateException("unreachable: the loop returns at the last level");
    }

    /** Bits 63..47 (or 63..56 with 5-level paging) must all equal the top translated bit. */
    private void checkCanonical(long vaddr) throws MemoryFault {
        int bits = fiveLevel ? 57 : 48;
        long top = vaddr >> (bits - 1);
        if (top != 0 && top != -1) {
            throw new MemoryFault(vaddr, AddressSpace.VIRTUAL, MemoryFault.Reason.NOT_MAPPED,
                    "not a canonical " + bits + "-bit x86_64 address");
        }
    }

    @Override
    public long stripPointer(long pointer) {
        return pointer;
    }

    @Override
    public String toString() {
        return "x86_64 (" + (fiveLevel ? 5 : 4) + "-level paging, phys_base " + physBase + ")";
    }
}
