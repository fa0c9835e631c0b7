package io.kdump4j.setup.elfcore;

import io.kdump4j.format.note.VmcoreinfoText;
import io.kdump4j.setup.check.Iomem;
import java.util.List;
import java.util.OptionalLong;

/**
 * Where the running arm64 kernel's image is, physically and virtually: the PT_LOAD that lets a
 * reader of /proc/vmcore translate kernel-image addresses (arm64 maps the image apart from the
 * linear map, at a KASLR-randomized address).
 *
 * <p>The trap this class exists for: kexec-tools (arm64 crashdump.c) takes the virtual start from
 * {@code _text} in /proc/kallsyms. {@code _text} is not a function, so it is listed only with
 * CONFIG_KALLSYMS_ALL, which Debian's arm64 kernel does not set; kexec-tools then gets 0, does
 * not stop, and writes a header with a wrong kernel PT_LOAD (the lab's capture kernel aborted
 * while reading /proc/vmcore). Guessing from {@code _stext} is no better: "Kernel code" in
 * /proc/iomem starts at {@code __pa_symbol(_text)} or {@code __pa_symbol(_stext)} depending on
 * the kernel (arch/arm64/kernel/setup.c request_standard_resources(): changed to _stext by
 * commit e2a073dde921 "arm64: omit [_text, _stext) from permanent kernel mapping" in v5.11, and
 * later back to _text), 64 KiB apart.
 *
 * <p>So the virtual start comes from VMCOREINFO's {@code NUMBER(kimage_voffset)} (exported since
 * v4.11), which holds for every image symbol: {@code vaddr = paddr + kimage_voffset}; whatever
 * symbol "Kernel code" starts at, the pair is consistent. VMCOREINFO is read from /proc/kcore's
 * note (since v4.19, commit 23c85094fe18 "proc/kcore: add vmcoreinfo note to /proc/kcore").
 * When kallsyms shows {@code _stext} too, it must lie at or within 2 MiB after the start, or the
 * load stops: never a silently wrong header.
 *
 * @param paddr  physical start ("Kernel code")
 * @param vaddr  virtual start
 * @param size   bytes, to the end of "Kernel data" ({@code _end}), as kexec-tools' segment
 * @param source which sources gave it, for the plan
 */
public record KernelText(long paddr, long vaddr, long size, String source) {
    /**
     * @param iomem      /proc/iomem (privileged: addresses are hidden from other users)
     * @param vmcoreinfo VMCOREINFO, empty when /proc/kcore could not be read
     * @param stext      {@code _stext} from /proc/kallsyms, 0 when absent or hidden
     * @throws IllegalStateException saying what is missing and what to do
     */
    public static KernelText resolve(Iomem iomem, VmcoreinfoText vmcoreinfo, long stext) {
        List<Iomem.Resource> code = iomem.named("Kernel code");
        List<Iomem.Resource> data = iomem.named("Kernel data");
        if (code.isEmpty() || iomem.addressesHidden()) {
            throw new IllegalStateException("/proc/iomem shows no \"Kernel code\" address (run as root): the kernel "
                    + "image's physical address is needed for the ELF core header");
        }
        long paddr = code.getFirst().start();
        long end = (data.isEmpty() ? code.getFirst().end() : data.getFirst().end()) + 1;
        OptionalLong voffset = vmcoreinfo.number("NUMBER(kimage_voffset)");
        if (voffset.isEmpty()) {
            throw new IllegalStateException("cannot tell the kernel image's virtual address: VMCOREINFO (with "
                    + "kimage_voffset) is not readable from /proc/kcore (needs root and CONFIG_PROC_KCORE). "
                    + "/proc/kallsyms alone is not enough: without CONFIG_KALLSYMS_ALL it has no _text, and "
                    + "\"Kernel code\" starts at _text or _stext depending on the kernel version");
        }
        long vaddr = paddr + voffset.getAsLong();
        String source = "\"Kernel code\" in /proc/iomem + kimage_voffset from VMCOREINFO (/proc/kcore)";
        if (stext != 0) {
            if (Long.compareUnsigned(stext, vaddr) < 0 || stext - vaddr > 2 << 20) {
                throw new IllegalStateException("the kernel image address sources disagree: \"Kernel code\" 0x"
                        + Long.toHexString(paddr) + " + kimage_voffset is 0x" + Long.toHexString(vaddr)
                        + " but _stext in /proc/kallsyms is 0x" + Long.toHexString(stext)
                        + "; refusing to write a wrong ELF core header");
            }
            source += ", consistent with _stext in /proc/kallsyms";
        }
        return new KernelText(paddr, vaddr, end - paddr, source);
    }
}
