package io.kdump4j.setup.load;

import io.kdump4j.setup.check.Iomem;
import io.kdump4j.setup.elfcore.CoreSegment;
import io.kdump4j.setup.elfcore.CrashSources;
import io.kdump4j.setup.elfcore.ElfCoreHeaderWriter;
import io.kdump4j.setup.elfcore.X86CoreHeader;
import io.kdump4j.setup.kexec.KexecSegment;
import io.kdump4j.setup.kexec.X86Purgatory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The x86_64 kexec_load(2) plan, for kernels where kexec_file_load is missing or refused: what
 * the kernel's bzImage64 loader (arch/x86/kernel/kexec-bzimage64.c) does inside the kernel, done
 * in user space.
 * <pre>
 *  crash start, rounded up to kernel_alignment   the protected-mode kernel, init_size long
 *  next page                                      boot_params (4 KiB) + the command line
 *  next page                                      the initramfs
 *  next page                                      the purgatory (one page, its own stack) = entry
 *  ...                                            free: the capture kernel's memory
 *  last page(s) of the reservation                the ELF core header
 * </pre>
 * boot_params starts from the running kernel's (/sys/kernel/boot_params/data: screen_info, the
 * ACPI RSDP address) with the new kernel's setup header over it, and gets the capture kernel's
 * memory map: RAM below 1 MiB, the ACPI, ACPI NVS and reserved ranges of /proc/iomem, and the
 * crash reservation minus the ELF core header — the ranges the kernel's
 * crash_setup_memmap_entries() gives a kexec_file capture kernel. The command line starts with
 * {@code elfcorehdr=} as the kernel's loader writes it. EFI runtime services are not handed
 * over (the kernel's loader passes them in setup_data): efi_info is cleared, so an EFI-booted
 * first kernel's capture kernel runs without EFI, with the RSDP address in boot_params.
 *
 * @param segments   in load order
 * @param entry      the purgatory's address
 * @param crashStart first byte of the reservation used
 * @param crashEnd   one past its last byte
 * @param core       the ELF core header's segments, for the plan
 * @param e820       the capture kernel's memory map, for the plan
 * @param cmdline    the capture kernel's command line as passed (with elfcorehdr=)
 */
public record X86CapturePlan(List<KexecSegment> segments, long entry, long crashStart, long crashEnd,
        List<CoreSegment> core, List<E820> e820, String cmdline) {
    static final int BOOT_PARAMS = 4096;
    /** E820_MAX_ENTRIES_ZEROPAGE: the table inside boot_params. */
    static final int E820_MAX = 128;
    static final long LOW_1M = 1L << 20;

    /** One memory-map entry: type 1 RAM, 2 reserved, 3 ACPI tables, 4 ACPI NVS. */
    public record E820(long addr, long size, int type) {
    }

    /**
     * @param runningBootParams the first kernel's boot_params (4096 bytes), or null
     * @param acpiRsdp          the ACPI RSDP's physical address, or 0 to leave boot_params' value
     */
    public static X86CapturePlan plan(X86BzImage kernel, byte[] initrd, String cmdline, CrashSources src,
            long directMap, byte[] runningBootParams, long acpiRsdp) {
        List<Iomem.Resource> crashes = src.iomem().crashKernel().stream()
                .sorted(Comparator.comparingLong(Iomem.Resource::start)).toList();
        Iomem.Resource crash = crashes.stream().max(Comparator.comparingLong(Iomem.Resource::size))
                .orElseThrow(() -> new IllegalStateException("/proc/iomem shows no \"Crash kernel\" range: add "
                        + "crashkernel= to the boot command line (kdump4j check says how)"));
        long start = crash.start();
        long end = crash.end() + 1;
        List<CoreSegment> core = X86CoreHeader.segments(src, directMap);
        byte[] hdr = ElfCoreHeaderWriter.write(io.kdump4j.format.elf.ElfConstants.EM_X86_64, core);
        long hdrMem = end - KexecSegment.alignUp(hdr.length, KexecSegment.PAGE);

        String line = "elfcorehdr=0x" + Long.toHexString(hdrMem) + " " + cmdline;
        if (line.length() > kernel.cmdlineSize()) {
            throw new IllegalStateException("the capture command line is " + line.length() + " bytes; this kernel takes "
                    + kernel.cmdlineSize());
        }
        byte[] pm = kernel.protectedMode();
        long kernelMem = KexecSegment.alignUp(start, kernel.kernelAlignment());
        long kernelMemsz = KexecSegment.alignUp(Math.max(pm.length, kernel.initSize()), KexecSegment.PAGE);
        long bpMem = kernelMem + kernelMemsz;
        byte[] cmd = (line + "\0").getBytes(StandardCharsets.US_ASCII);
        long bpMemsz = KexecSegment.alignUp(BOOT_PARAMS + cmd.length, KexecSegment.PAGE);
        long initrdMem = bpMem + bpMemsz;
        long initrdLen = initrd == null ? 0 : initrd.length;
        long purgatoryMem = initrdMem + KexecSegment.alignUp(initrdLen, KexecSegment.PAGE);
        long purgatoryEnd = purgatoryMem + X86Purgatory.SIZE;
        if (purgatoryEnd > hdrMem) {
            throw new IllegalStateException("the crashkernel= reservation (" + ((end - start) >> 20) + " MiB at 0x"
                    + Long.toHexString(start) + ") is too small: the kernel (" + (kernelMemsz >> 20) + " MiB with its "
                    + "decompression room), the initramfs (" + (initrdLen >> 10) + " KiB), boot_params, the purgatory "
                    + "and the ELF core header need " + ((purgatoryEnd - start + (end - hdrMem)) >> 20) + " MiB "
                    + "before the capture kernel has any memory of its own; reserve more (kdump4j estimate)");
        }
        if (initrd != null && initrdMem + initrdLen - 1 > kernel.initrdAddrMax()
                && (kernel.xloadflags() & X86BzImage.XLF_CAN_BE_LOADED_ABOVE_4G) == 0) {
            throw new IllegalStateException("the initramfs would end at 0x" + Long.toHexString(initrdMem + initrdLen)
                    + ", above this kernel's initrd_addr_max 0x" + Long.toHexString(kernel.initrdAddrMax()));
        }
        List<E820> map = memoryMap(src.iomem(), crashes, hdrMem, end);
        byte[] bp = bootParams(kernel, runningBootParams, acpiRsdp, map, bpMem + BOOT_PARAMS, cmd.length - 1,
                initrdMem, initrdLen, kernelMem);
        byte[] bpSegment = new byte[BOOT_PARAMS + cmd.length];
        System.arraycopy(bp, 0, bpSegment, 0, BOOT_PARAMS);
        System.arraycopy(cmd, 0, bpSegment, BOOT_PARAMS, cmd.length);

        List<KexecSegment> segs = new ArrayList<>();
        segs.add(new KexecSegment("kernel (bzImage)", pm, kernelMem, kernelMemsz));
        segs.add(new KexecSegment("boot_params+cmdline", bpSegment, bpMem, bpMemsz));
        if (initrd != null) {
            segs.add(new KexecSegment("initramfs", initrd, initrdMem, KexecSegment.alignUp(initrdLen, KexecSegment.PAGE)));
        }
        segs.add(new KexecSegment("purgatory", X86Purgatory.build(purgatoryMem, bpMem, kernelMem + 0x200),
                purgatoryMem, X86Purgatory.SIZE));
        segs.add(new KexecSegment("ELF core header", hdr, hdrMem, KexecSegment.alignUp(hdr.length, KexecSegment.PAGE)));
        return new X86CapturePlan(List.copyOf(segs), purgatoryMem, start, end, List.copyOf(core), List.copyOf(map), line);
    }

    /** The capture kernel's E820 table; see the class comment. */
    static List<E820> memoryMap(Iomem iomem, List<Iomem.Resource> crashes, long hdrMem, long hdrEnd) {
        List<E820> map = new ArrayList<>();
        for (Iomem.Resource r : iomem.resources()) {
            if (r.depth() == 0 && r.name().equals("System RAM") && r.start() < LOW_1M) {
                long e = Math.min(r.end() + 1, LOW_1M);
                map.add(new E820(r.start(), e - r.start(), 1));
            }
        }
        for (Iomem.Resource r : iomem.resources()) {
            int type = switch (r.name()) {
                case "ACPI Tables" -> 3;
                case "ACPI Non-volatile Storage" -> 4;
                case "Reserved", "reserved" -> 2;
                default -> 0;
            };
            if (type != 0) {
                map.add(new E820(r.start(), r.size(), type));
            }
        }
        for (Iomem.Resource c : crashes) {
            long s = c.start();
            long e = c.end() + 1;
            if (hdrMem >= s && hdrEnd <= e) {
                if (hdrMem > s) {
                    map.add(new E820(s, hdrMem - s, 1));
                }
                if (hdrEnd < e) {
                    map.add(new E820(hdrEnd, e - hdrEnd, 1));
                }
            } else {
                map.add(new E820(s, e - s, 1));
            }
        }
        map.sort(Comparator.comparingLong(E820::addr));
        if (map.size() > E820_MAX) {
            throw new IllegalStateException("the capture kernel's memory map has " + map.size() + " entries; boot_params "
                    + "holds " + E820_MAX + " (the kernel's own loader puts the rest in setup_data, which kdump4j does not)");
        }
        return map;
    }

    /** struct boot_params (arch/x86/include/uapi/asm/bootparam.h); offsets in the comments. */
    static byte[] bootParams(X86BzImage kernel, byte[] running, long acpiRsdp, List<E820> map, long cmdlineAt,
            int cmdlineLen, long initrdAt, long initrdLen, long kernelAt) {
        ByteBuffer b = ByteBuffer.allocate(BOOT_PARAMS).order(ByteOrder.LITTLE_ENDIAN);
        if (running != null && running.length == BOOT_PARAMS) {
            b.put(0, running);
            // Fields of the first boot that would mislead the capture kernel.
            b.put(0x0c0, new byte[12]);              // ext_ramdisk_image/size, ext_cmd_line_ptr
            b.put(0x1c0, new byte[32]);              // efi_info: EFI runtime is not handed over
            b.put(0x1e8, new byte[8]);               // e820_entries, eddbuf_entries, edd_mbr_sig_buf_entries,
                                                     // kbd_status, secure_boot, _pad5, sentinel
            b.put(0x2d0, new byte[20 * E820_MAX]);   // e820_table
        }
        int subarch = b.getInt(0x23c);
        byte[] header = kernel.setupHeader();
        b.put(0x1f1, header);
        b.putInt(0x23c, subarch);                    // hardware_subarch of the machine, not of the image file
        if (acpiRsdp != 0) {
            b.putLong(0x070, acpiRsdp);              // acpi_rsdp_addr
        }
        b.put(0x210, (byte) 0xff);                   // type_of_loader: undefined (boot.rst)
        b.put(0x211, (byte) (b.get(0x211) & ~0x80 | 0x01)); // loadflags: LOADED_HIGH, no CAN_USE_HEAP
        b.putInt(0x214, (int) kernelAt);             // code32_start
        b.putInt(0x218, (int) initrdAt);             // ramdisk_image
        b.putInt(0x21c, (int) initrdLen);            // ramdisk_size
        b.putInt(0x0c0, (int) (initrdAt >>> 32));    // ext_ramdisk_image
        b.putInt(0x0c4, (int) (initrdLen >>> 32));   // ext_ramdisk_size
        b.putInt(0x228, (int) cmdlineAt);            // cmd_line_ptr
        b.putInt(0x0c8, (int) (cmdlineAt >>> 32));   // ext_cmd_line_ptr
        b.putLong(0x250, 0);                         // setup_data: none
        b.put(0x1e8, (byte) map.size());             // e820_entries
        for (int i = 0; i < map.size(); i++) {
            E820 e = map.get(i);
            b.putLong(0x2d0 + 20 * i, e.addr());
            b.putLong(0x2d0 + 20 * i + 8, e.size());
            b.putInt(0x2d0 + 20 * i + 16, e.type());
        }
        return b.array();
    }

    /** The plan as text, for {@code kdump4j load --dry-run}. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append("kexec_load(KEXEC_ON_CRASH | KEXEC_ARCH_X86_64), crash reservation 0x%x-0x%x (%d MiB)%n"
                .formatted(crashStart, crashEnd - 1, (crashEnd - crashStart) >> 20));
        for (KexecSegment s : segments) {
            b.append("  ").append(s.describe()).append(System.lineSeparator());
        }
        b.append("  entry 0x%x (purgatory: GDT, %%rsi = boot_params, jump to the kernel's 64-bit entry)%n".formatted(entry));
        b.append("capture memory map (%d entries):%n".formatted(e820.size()));
        for (E820 e : e820) {
            b.append("  0x%09x-0x%09x %s%n".formatted(e.addr(), e.addr() + e.size() - 1,
                    switch (e.type()) {
                        case 1 -> "RAM";
                        case 3 -> "ACPI Tables";
                        case 4 -> "ACPI NVS";
                        default -> "reserved";
                    }));
        }
        b.append("ELF core header (%d program headers):%n".formatted(core.size()));
        for (CoreSegment c : core) {
            b.append("  ").append(c.describe()).append(System.lineSeparator());
        }
        b.append("capture command line: ").append(cmdline).append(System.lineSeparator());
        return b.toString();
    }
}
