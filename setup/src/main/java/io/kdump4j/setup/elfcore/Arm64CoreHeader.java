package io.kdump4j.setup.elfcore;

import io.kdump4j.setup.check.Iomem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * The segments of an arm64 capture kernel's ELF core header, as kexec-tools
 * (kexec/arch/arm64/crashdump.c) and the kernel's own kexec_file path
 * (arch/arm64/kernel/machine_kexec_file.c prepare_elf_headers()) lay them out: one PT_NOTE per
 * possible CPU (its crash_notes buffer), the VMCOREINFO PT_NOTE, a PT_LOAD for the kernel image
 * ({@link KernelText}) and one PT_LOAD per System RAM range outside the crash reservation, at
 * its linear-map address.
 *
 * <p>The linear map: {@code vaddr = paddr - PHYS_OFFSET + PAGE_OFFSET}, with PHYS_OFFSET from
 * VMCOREINFO (KASLR randomizes it, so /proc/iomem's first RAM address is not it) and
 * {@code PAGE_OFFSET = -(1 << VA_BITS)} since v5.4 (commit 14c127c957c1 "arm64: mm: Flip kernel
 * VA space"); older kernels are refused rather than given wrong addresses.
 */
public final class Arm64CoreHeader {
    private Arm64CoreHeader() {
    }

    /** The segments, notes first. */
    public static List<CoreSegment> segments(CrashSources src) {
        List<CoreSegment> out = new ArrayList<>();
        for (CrashSources.CpuNote n : src.cpuNotes()) {
            out.add(CoreSegment.note(n.address(), n.size(), "cpu" + n.cpu() + " crash_notes"));
        }
        out.add(CoreSegment.note(src.vmcoreinfoAddress(), src.vmcoreinfoSize(), "VMCOREINFO"));
        KernelText text = KernelText.resolve(src.iomem(), src.vmcoreinfo(), src.stext());
        out.add(CoreSegment.load(text.vaddr(), text.paddr(), text.size(), "kernel image: " + text.source()));
        long physOffset = need(src, "NUMBER(PHYS_OFFSET)");
        long vaBits = need(src, "NUMBER(VA_BITS)");
        if (vaBits < 36 || vaBits > 52) {
            throw new IllegalStateException("VMCOREINFO VA_BITS " + vaBits + " is not an arm64 value");
        }
        long pageOffset = -(1L << vaBits);
        for (long[] r : ramOutsideCrash(src.iomem())) {
            out.add(CoreSegment.load(r[0] - physOffset + pageOffset, r[0], r[1] - r[0], "System RAM"));
        }
        return out;
    }

    /** Top-level System RAM minus every "Crash kernel" range, as half-open [start, end) pairs. */
    public static List<long[]> ramOutsideCrash(Iomem iomem) {
        List<long[]> ram = new ArrayList<>();
        for (Iomem.Resource r : iomem.resources()) {
            if (r.depth() == 0 && r.name().equals("System RAM")) {
                ram.add(new long[] {r.start(), r.end() + 1});
            }
        }
        ram.sort(Comparator.comparingLong(a -> a[0]));
        for (Iomem.Resource c : iomem.crashKernel()) {
            List<long[]> next = new ArrayList<>();
            for (long[] r : ram) {
                long cs = c.start();
                long ce = c.end() + 1;
                if (ce <= r[0] || cs >= r[1]) {
                    next.add(r);
                    continue;
                }
                if (cs > r[0]) {
                    next.add(new long[] {r[0], cs});
                }
                if (ce < r[1]) {
                    next.add(new long[] {ce, r[1]});
                }
            }
            ram = next;
        }
        return ram;
    }

    private static long need(CrashSources src, String key) {
        OptionalLong v = src.vmcoreinfo().number(key);
        return v.orElseThrow(() -> new IllegalStateException("VMCOREINFO has no " + key + " (needs Linux 5.4 or "
                + "later, and /proc/kcore readable by root)"));
    }
}
