package io.kdump4j.capture.pipeline;

import io.kdump4j.capture.Utsname;
import io.kdump4j.format.DumpFile;
import io.kdump4j.format.io.Bytes;
import java.util.Optional;

/**
 * Reads {@code init_uts_ns.name} from the dump, as makedumpfile does for the kdump header, with
 * just enough address translation for a symbol in the kernel image: no page tables, only the
 * linear kernel-image mapping that VMCOREINFO describes.
 *
 * <ul>
 *   <li>x86_64: {@code paddr = vaddr - __START_KERNEL_map + phys_base}, with
 *   {@code __START_KERNEL_map = 0xffffffff80000000} and {@code NUMBER(phys_base)}
 *   (arch/x86/include/asm/page_64.h {@code __phys_addr_symbol()}).</li>
 *   <li>arm64: {@code paddr = vaddr - kimage_voffset}, with {@code NUMBER(kimage_voffset)}
 *   (arch/arm64/include/asm/memory.h {@code __kimg_to_phys()}).</li>
 * </ul>
 * The result is used only if it looks right: sysname "Linux" and a release equal to
 * {@code OSRELEASE}. The kernel module, with real address translation, is the better source and
 * can pass its answer through {@link io.kdump4j.capture.SaveOptions#utsname()}.
 */
final class KernelUtsname {
    private static final long START_KERNEL_MAP = 0xffff_ffff_8000_0000L;
    private static final int FIELD = 65;

    private KernelUtsname() {
    }

    static Optional<Utsname> read(DumpFile source, String vmcoreinfo, String machine) {
        String sym = SourceFacts.value(vmcoreinfo, "SYMBOL(init_uts_ns)=");
        String release = SourceFacts.value(vmcoreinfo, "OSRELEASE=");
        if (sym == null || release == null) {
            return Optional.empty();
        }
        long vaddr;
        try {
            vaddr = Long.parseUnsignedLong(sym, 16);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String off = SourceFacts.value(vmcoreinfo, "OFFSET(uts_namespace.name)=");
        long nameOffset = off == null ? 0 : SourceFacts.parseNumber(off, 0);
        long paddr;
        if ("x86_64".equals(machine)) {
            String pb = SourceFacts.value(vmcoreinfo, "NUMBER(phys_base)=");
            if (pb == null || Long.compareUnsigned(vaddr, START_KERNEL_MAP) < 0) {
                return Optional.empty();
            }
            paddr = vaddr - START_KERNEL_MAP + SourceFacts.parseNumber(pb, 0);
        } else if ("aarch64".equals(machine)) {
            String kv = SourceFacts.value(vmcoreinfo, "NUMBER(kimage_voffset)=");
            if (kv == null) {
                return Optional.empty();
            }
            paddr = vaddr - SourceFacts.parseNumber(kv, 0);
        } else {
            return Optional.empty();
        }
        byte[] b = new byte[6 * FIELD];
        try {
            source.memory().read(paddr + nameOffset, b, 0, b.length);
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
        String[] f = new String[6];
        for (int i = 0; i < 6; i++) {
            f[i] = Bytes.cString(b, i * FIELD, FIELD);
        }
        if (!f[0].equals("Linux") || !f[2].equals(release)) {
            return Optional.empty();
        }
        return Optional.of(new Utsname(f[0], f[1], f[2], f[3], f[4], f[5]));
    }
}
