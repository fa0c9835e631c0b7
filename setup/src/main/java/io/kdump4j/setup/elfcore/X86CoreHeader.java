package io.kdump4j.setup.elfcore;

import io.kdump4j.setup.check.Iomem;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The segments of an x86_64 capture kernel's ELF core header, laid out as the kernel's own
 * kexec_file path does (kernel/crash_core.c crash_prepare_elf64_headers() with
 * arch/x86/kernel/crash.c prepare_elf_headers()): one PT_NOTE per possible CPU, the VMCOREINFO
 * PT_NOTE, a PT_LOAD for the kernel image ({@code _text} to {@code _end} at its
 * __START_KERNEL_map address) and one PT_LOAD per System RAM range outside the crash
 * reservation and above 1 MiB, at its direct-map address. The low 1 MiB is left out as the
 * kernel does (elf_header_exclude_ranges(): the first kernel always reserves it when
 * crashkernel= is given, and the capture kernel reuses it), which is what Debian's 6.1 fixture
 * shows: its first RAM PT_LOAD starts at 0x100000.
 *
 * <p>Addresses: the image is mapped at {@code vaddr = paddr - phys_base + __START_KERNEL_map}
 * with {@code phys_base} from VMCOREINFO; the direct map's KASLR offset
 * ({@code page_offset_base}) is not in VMCOREINFO, so it comes from /proc/kcore's RAM program
 * headers ({@link KcoreVmcoreinfo#directMapOffset}). The image address is cross-checked against
 * {@code SYMBOL(_stext)} of VMCOREINFO and {@code _stext} of /proc/kallsyms: a disagreement
 * stops the load rather than write a wrong header.
 */
public final class X86CoreHeader {
    static final long START_KERNEL_MAP = 0xffffffff80000000L;
    static final long LOW_1M = 1L << 20;

    private X86CoreHeader() {
    }

    /**
     * @param directMap the direct map's offset ({@code __va(0)}), from /proc/kcore
     * @throws IllegalStateException naming what is missing or inconsistent
     */
    public static List<CoreSegment> segments(CrashSources src, long directMap) {
        List<CoreSegment> out = new ArrayList<>();
        for (CrashSources.CpuNote n : src.cpuNotes()) {
            out.add(CoreSegment.note(n.address(), n.size(), "cpu" + n.cpu() + " crash_notes"));
        }
        out.add(CoreSegment.note(src.vmcoreinfoAddress(), src.vmcoreinfoSize(), "VMCOREINFO"));
        out.add(kernelImage(src));
        for (long[] r : Arm64CoreHeader.ramOutsideCrash(src.iomem())) {
            long s = Math.max(r[0], LOW_1M);
            if (s < r[1]) {
                out.add(CoreSegment.load(s + directMap, s, r[1] - s, "System RAM"));
            }
        }
        return out;
    }

    static CoreSegment kernelImage(CrashSources src) {
        Iomem iomem = src.iomem();
        List<Iomem.Resource> code = iomem.named("Kernel code");
        if (code.isEmpty() || iomem.addressesHidden()) {
            throw new IllegalStateException("/proc/iomem shows no \"Kernel code\" address (run as root): the kernel "
                    + "image's physical address is needed for the ELF core header");
        }
        long paddr = code.getFirst().start();
        long last = code.getFirst().end();
        for (String part : List.of("Kernel rodata", "Kernel data", "Kernel bss")) {
            for (Iomem.Resource r : iomem.named(part)) {
                last = Math.max(last, r.end());
            }
        }
        OptionalLong physBase = src.vmcoreinfo().number("NUMBER(phys_base)");
        if (physBase.isEmpty()) {
            throw new IllegalStateException("cannot tell the kernel image's virtual address: VMCOREINFO (with "
                    + "phys_base) is not readable from /proc/kcore (needs root and CONFIG_PROC_KCORE)");
        }
        long vaddr = paddr - physBase.getAsLong() + START_KERNEL_MAP;
        String source = "\"Kernel code\" in /proc/iomem + phys_base from VMCOREINFO";
        OptionalLong stext = src.vmcoreinfo().hex("SYMBOL(_stext)");
        for (long s : new long[] {stext.orElse(0L), src.stext()}) {
            if (s != 0 && (Long.compareUnsigned(s, vaddr) < 0 || s - vaddr > 2 << 20)) {
                throw new IllegalStateException("the kernel image address sources disagree: \"Kernel code\" 0x"
                        + Long.toHexString(paddr) + " - phys_base is 0x" + Long.toHexString(vaddr) + " but _stext is 0x"
                        + Long.toHexString(s) + "; refusing to write a wrong ELF core header");
            }
        }
        if (stext.isPresent() || src.stext() != 0) {
            source += ", consistent with _stext";
        }
        long size = last + 1 - paddr;
        // The kernel's own header ends the image at _end, past the .brk area that follows the
        // BSS; /proc/iomem's "Kernel bss" stops at __bss_stop. kallsyms has _end with
        // KALLSYMS_ALL (Debian's x86_64 kernels set it); a value outside 64 MiB past the BSS is
        // not believed.
        long end = src.end();
        if (end != 0 && Long.compareUnsigned(end, vaddr + size) >= 0 && end - (vaddr + size) < 64L << 20) {
            size = end - vaddr;
            source += ", to _end from /proc/kallsyms";
        }
        return CoreSegment.load(vaddr, paddr, size, "kernel image: " + source);
    }
}
