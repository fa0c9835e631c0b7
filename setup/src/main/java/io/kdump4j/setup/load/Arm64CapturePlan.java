package io.kdump4j.setup.load;

import io.kdump4j.setup.check.Iomem;
import io.kdump4j.setup.elfcore.Arm64CoreHeader;
import io.kdump4j.setup.elfcore.CoreSegment;
import io.kdump4j.setup.elfcore.CrashSources;
import io.kdump4j.setup.elfcore.ElfCoreHeaderWriter;
import io.kdump4j.setup.fdt.CaptureDeviceTree;
import io.kdump4j.setup.fdt.DeviceTree;
import io.kdump4j.setup.fdt.FdtWriter;
import io.kdump4j.setup.kexec.Arm64Purgatory;
import io.kdump4j.setup.kexec.KexecSegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where everything goes in the arm64 crash reservation for kexec_load(2), and the bytes:
 * <pre>
 *  crash start, rounded up to 2 MiB          the Image at base + text_offset, image_size long
 *  next page                                 the initramfs
 *  next page                                 the device tree (/chosen rewritten)
 *  next page                                 the purgatory = the entry point
 *  ...                                       free: the capture kernel's memory
 *  last page(s) of the reservation           the ELF core header
 * </pre>
 * The Image placement is kexec-tools' (2 MiB aligned base plus text_offset, as booting.rst asks);
 * the ELF core header at the top is where kexec-tools puts it too (the lab's capture kernel
 * logged "Reserving 1 KiB of memory at 0x5b5ff000 for elfcorehdr" with the reservation ending at
 * 0x5b5fffff). Addresses inside the device tree have fixed sizes, so the tree is written once
 * the addresses are known and its size does not move anything.
 *
 * @param segments   in load order
 * @param entry      the purgatory's address
 * @param crashStart first byte of the reservation used
 * @param crashEnd   one past its last byte
 * @param core       the ELF core header's segments, for the plan
 * @param elfcorehdr the ELF core header's length in bytes (the device tree gives this size)
 */
public record Arm64CapturePlan(List<KexecSegment> segments, long entry, long crashStart, long crashEnd,
        List<CoreSegment> core, long elfcorehdr, String cmdline) {
    static final long MIB_2 = 2 << 20;

    public static Arm64CapturePlan plan(Arm64Image kernel, byte[] initrd, String cmdline, DeviceTree running,
            CrashSources src) {
        return plan(kernel, initrd, cmdline, running, src, false);
    }

    /**
     * @param verify use the purgatory that checks a byte sum of every other segment before
     *               entering the kernel ({@link Arm64Purgatory#buildVerifying}); off by default
     */
    public static Arm64CapturePlan plan(Arm64Image kernel, byte[] initrd, String cmdline, DeviceTree running,
            CrashSources src, boolean verify) {
        Iomem.Resource crash = src.iomem().crashKernel().stream().max(Comparator.comparingLong(Iomem.Resource::size))
                .orElseThrow(() -> new IllegalStateException("/proc/iomem shows no \"Crash kernel\" range: add "
                        + "crashkernel= to the boot command line (kdump4j check says how)"));
        long start = crash.start();
        long end = crash.end() + 1;
        List<CoreSegment> core = Arm64CoreHeader.segments(src);
        byte[] hdr = ElfCoreHeaderWriter.write(io.kdump4j.format.elf.ElfConstants.EM_AARCH64, core);

        long kernelMem = KexecSegment.alignUp(start, MIB_2) + kernel.textOffset();
        long kernelEnd = kernelMem + KexecSegment.alignUp(kernel.imageSize(), KexecSegment.PAGE);
        long initrdMem = kernelEnd;
        long initrdLen = initrd == null ? 0 : initrd.length;
        long dtbMem = initrdMem + KexecSegment.alignUp(initrdLen, KexecSegment.PAGE);
        long hdrMem = end - KexecSegment.alignUp(hdr.length, KexecSegment.PAGE);

        long[] usable = src.iomem().crashKernel().stream().sorted(Comparator.comparingLong(Iomem.Resource::start))
                .flatMapToLong(r -> java.util.stream.LongStream.of(r.start(), r.size())).toArray();
        DeviceTree tree = CaptureDeviceTree.apply(running, new CaptureDeviceTree.Params(cmdline, initrdMem, initrdLen,
                hdrMem, hdr.length, usable));
        byte[] dtb = FdtWriter.write(tree);
        long purgatoryMem = dtbMem + KexecSegment.alignUp(dtb.length, KexecSegment.PAGE);
        byte[] purgatory;
        if (verify) {
            List<Arm64Purgatory.Region> regions = new ArrayList<>();
            regions.add(Arm64Purgatory.Region.of(kernelMem, kernel.bytes()));
            if (initrd != null) {
                regions.add(Arm64Purgatory.Region.of(initrdMem, initrd));
            }
            regions.add(Arm64Purgatory.Region.of(dtbMem, dtb));
            regions.add(Arm64Purgatory.Region.of(hdrMem, hdr));
            purgatory = Arm64Purgatory.buildVerifying(dtbMem, kernelMem, regions);
        } else {
            purgatory = Arm64Purgatory.build(dtbMem, kernelMem);
        }
        long purgatoryEnd = purgatoryMem + KexecSegment.alignUp(purgatory.length, KexecSegment.PAGE);
        if (purgatoryEnd > hdrMem) {
            throw new IllegalStateException("the crashkernel= reservation (" + ((end - start) >> 20) + " MiB at 0x"
                    + Long.toHexString(start) + ") is too small: the kernel (" + (kernel.imageSize() >> 20)
                    + " MiB with BSS), the initramfs (" + (initrdLen >> 10) + " KiB), the device tree and the ELF core "
                    + "header need " + ((purgatoryEnd - start + (end - hdrMem)) >> 20) + " MiB before the capture "
                    + "kernel has any memory of its own; reserve more (kdump4j estimate)");
        }
        List<KexecSegment> segs = new ArrayList<>();
        segs.add(new KexecSegment("kernel Image", kernel.bytes(), kernelMem, KexecSegment.alignUp(kernel.imageSize(), KexecSegment.PAGE)));
        if (initrd != null) {
            segs.add(new KexecSegment("initramfs", initrd, initrdMem, KexecSegment.alignUp(initrdLen, KexecSegment.PAGE)));
        }
        segs.add(new KexecSegment("device tree", dtb, dtbMem, KexecSegment.alignUp(dtb.length, KexecSegment.PAGE)));
        segs.add(new KexecSegment(verify ? "purgatory+check" : "purgatory", purgatory, purgatoryMem,
                KexecSegment.alignUp(purgatory.length, KexecSegment.PAGE)));
        segs.add(new KexecSegment("ELF core header", hdr, hdrMem, KexecSegment.alignUp(hdr.length, KexecSegment.PAGE)));
        return new Arm64CapturePlan(List.copyOf(segs), purgatoryMem, start, end, List.copyOf(core), hdr.length, cmdline);
    }

    /** The plan as text, for {@code kdump4j load --dry-run}. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append("kexec_load(KEXEC_ON_CRASH | KEXEC_ARCH_AARCH64), crash reservation 0x%x-0x%x (%d MiB)%n"
                .formatted(crashStart, crashEnd - 1, (crashEnd - crashStart) >> 20));
        for (KexecSegment s : segments) {
            b.append("  ").append(s.describe()).append(System.lineSeparator());
        }
        b.append("  entry 0x%x (purgatory: x0 = device tree, branch to the Image)%n".formatted(entry));
        b.append("  capture memory free after the segments: %d MiB%n".formatted(freeBytes() >> 20));
        b.append("ELF core header (%d bytes, %d program headers):%n".formatted(elfcorehdr, core.size()));
        for (CoreSegment c : core) {
            b.append("  ").append(c.describe()).append(System.lineSeparator());
        }
        b.append("capture command line: ").append(cmdline).append(System.lineSeparator());
        return b.toString();
    }

    /** Bytes of the reservation not taken by a segment. */
    public long freeBytes() {
        return (crashEnd - crashStart) - segments.stream().mapToLong(KexecSegment::memsz).sum();
    }
}
