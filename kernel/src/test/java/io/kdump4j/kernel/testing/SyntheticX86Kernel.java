package io.kdump4j.kernel.testing;

import java.nio.charset.StandardCharsets;

/**
 * A minimal x86_64 kernel image in a synthetic ELF core, complete enough that both kdump4j and
 * the real makedumpfile accept it: 1 MiB of RAM at physical 0; page tables mapping the first
 * 2 MiB of the kernel text mapping ({@code 0xffffffff80000000}) to physical 0 with a 2 MiB page
 * (PGD[511] -> PUD[510] -> PMD[0]), phys_base 0; an {@code init_uts_ns}; and the FLATMEM keys
 * makedumpfile insists on. Tests place their structures at physical 0x8000 and above and name
 * them with {@link #symbol(String, long)}.
 */
public final class SyntheticX86Kernel {
    public static final long KMAP = 0xffff_ffff_8000_0000L;
    public static final String RELEASE = "5.4.0-synthetic";
    /** The first physical address free for tests. */
    public static final long FREE = 0x8000;
    private static final long TOP_PGT = 0x1000;
    private static final long UTS = 0x3000;
    private static final long PUD = 0x4000;
    private static final long PMD = 0x5000;
    private static final long MEM_MAP = 0x6000;

    private final PhysicalImage mem = new PhysicalImage(0, 0x10_0000);
    private final StringBuilder vmcoreinfo = new StringBuilder();

    public SyntheticX86Kernel() {
        mem.u64(TOP_PGT + 511 * 8, PUD | 0x63).u64(PUD + 510 * 8, PMD | 0x63).u64(PMD, 0xe3);
        String[] uts = {"Linux", "synthetic", RELEASE, "#1 SMP synthetic", "x86_64", "(none)"};
        for (int i = 0; i < uts.length; i++) {
            mem.bytes(UTS + 65L * i, uts[i].getBytes(StandardCharsets.ISO_8859_1));
        }
        mem.u64(MEM_MAP, KMAP + 0x10_0000);
        line("OSRELEASE=" + RELEASE).line("PAGESIZE=4096");
        symbol("init_uts_ns", UTS).line("OFFSET(uts_namespace.name)=0");
        symbol("init_top_pgt", TOP_PGT).line("NUMBER(phys_base)=0");
        // What makedumpfile needs to accept the dump (FLATMEM); kdump4j does not read these.
        symbol("mem_map", MEM_MAP).line("SIZE(page)=64").line("OFFSET(page.flags)=0")
                .line("OFFSET(page._refcount)=52").line("OFFSET(page.mapping)=24");
    }

    /** The physical memory, for tests to fill. */
    public PhysicalImage memory() {
        return mem;
    }

    /** The kernel virtual address of physical {@code paddr} in the text mapping. */
    public static long va(long paddr) {
        return KMAP + paddr;
    }

    /** Adds {@code SYMBOL(name)} for the object at physical {@code paddr}. */
    public SyntheticX86Kernel symbol(String name, long paddr) {
        return line("SYMBOL(" + name + ")=" + Long.toHexString(va(paddr)));
    }

    /** Adds a VMCOREINFO line. */
    public SyntheticX86Kernel line(String text) {
        vmcoreinfo.append(text).append('\n');
        return this;
    }

    /** The ELF core: VMCOREINFO (with CRASHTIME last, as the kernel appends it) and the memory. */
    public byte[] elf() {
        String text = vmcoreinfo + "CRASHTIME=1700000000\n";
        return new TinyElfCore(TinyElfCore.EM_X86_64).vmcoreinfo(text).memory(0, mem.array()).toBytes();
    }
}
