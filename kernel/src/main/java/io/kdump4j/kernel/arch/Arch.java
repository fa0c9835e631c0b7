package io.kdump4j.kernel.arch;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Note;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.Vmcoreinfo;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.OptionalLong;

/**
 * One architecture's way of turning kernel virtual addresses into physical ones. Each
 * implementation is built from the dump's VMCOREINFO and holds no mutable state, so one
 * instance serves one dump.
 *
 * <p>Translation is two-tiered: {@link #directTranslate(long)} applies a closed formula where
 * the kernel maps memory linearly (x86_64 kernel text, arm64 linear map), and
 * {@link #walk(long, PageTableReader)} walks the kernel's page tables for everything else.
 * {@link #virtToPhys(long, PageTableReader)} uses the formula when one applies, else the walk.
 */
public sealed interface Arch permits X86_64, Aarch64 {

    /** {@code "x86_64"} or {@code "aarch64"}, as {@code uname -m} prints it. */
    String name();

    /** Bytes in a kernel pointer. */
    int pointerSize();

    ByteOrder byteOrder();

    /** The page size the kernel runs with. */
    int pageSize();

    /** The physical address that a closed formula gives for {@code vaddr}, when one applies. */
    OptionalLong directTranslate(long vaddr);

    /**
     * Walks the kernel page tables (x86_64 {@code init_top_pgt}, arm64 {@code swapper_pg_dir}).
     *
     * @throws io.kdump4j.format.mem.MemoryFault VIRTUAL NOT_MAPPED naming the level whose entry is
     *     not present; or the fault of a page-table page the dump lacks
     */
    long walk(long vaddr, PageTableReader tables) throws IOException;

    /** The formula where it applies, else the page-table walk. */
    default long virtToPhys(long vaddr, PageTableReader tables) throws IOException {
        OptionalLong direct = directTranslate(vaddr);
        return direct.isPresent() ? direct.getAsLong() : walk(vaddr, tables);
    }

    /**
     * A pointer as stored, made usable as an address: arm64 removes pointer-authentication bits
     * ({@code NUMBER(KERNELPACMASK)}); x86_64 returns it unchanged.
     */
    long stripPointer(long pointer);

    /**
     * Detects the architecture of a dump: from the container's machine (ELF {@code e_machine},
     * kdump utsname machine), else from arch-only VMCOREINFO keys (x86_64 exports
     * {@code SYMBOL(init_top_pgt)} and {@code NUMBER(phys_base)}; arm64 exports
     * {@code NUMBER(kimage_voffset)} and {@code NUMBER(VA_BITS)}), else from the size of an
     * {@code NT_PRSTATUS} note ({@code struct elf_prstatus} is 336 bytes on x86_64, 392 on arm64).
     */
    static Arch detect(DumpFile dump, Vmcoreinfo vmcoreinfo) throws IOException {
        String kind = detectName(dump, vmcoreinfo);
        if (dump.byteOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new DumpFormatException(dump.name(), -1, kind + " dump in big-endian byte order is not supported");
        }
        return kind.equals("x86_64") ? X86_64.from(dump, vmcoreinfo) : Aarch64.from(dump.name(), vmcoreinfo);
    }

    /**
     * The architecture name by the rules of {@link #detect}, without building it.
     *
     * @throws DumpFormatException when the dump is of another architecture or gives no clue
     */
    static String detectName(DumpFile dump, Vmcoreinfo vmcoreinfo) throws DumpFormatException {
        String machine = dump.details().machine();
        String kind = machineKind(machine);
        if ("".equals(kind)) {
            throw new DumpFormatException(dump.name(), -1, "a " + machine
                    + " dump: kdump4j reads x86_64 and aarch64 dumps");
        }
        if (kind == null) {
            if (vmcoreinfo.has("SYMBOL(init_top_pgt)") || vmcoreinfo.has("NUMBER(phys_base)")) {
                kind = "x86_64";
            } else if (vmcoreinfo.has("NUMBER(kimage_voffset)") || vmcoreinfo.has("NUMBER(VA_BITS)")) {
                kind = "aarch64";
            }
        }
        if (kind == null) {
            for (Note n : dump.notes()) {
                if (n.is("CORE", Note.NT_PRSTATUS)) {
                    kind = switch (n.desc().length) {
                        case X86_64.PRSTATUS_SIZE -> "x86_64";
                        case Aarch64.PRSTATUS_SIZE -> "aarch64";
                        default -> null;
                    };
                    break;
                }
            }
        }
        if (kind == null) {
            throw new DumpFormatException(dump.name(), -1, "cannot tell the architecture: the container names "
                    + "machine \"" + machine + "\", VMCOREINFO has no x86_64 or arm64 keys and no "
                    + "NT_PRSTATUS note has a known size; kdump4j reads x86_64 and aarch64 dumps");
        }
        return kind;
    }

    /** "x86_64", "aarch64", "" for a machine that is certainly another architecture, null when unknown. */
    private static String machineKind(String machine) {
        if (machine == null) {
            return null;
        }
        return switch (machine) {
            case "x86_64", "amd64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            case "i386", "i686", "arm", "ppc64", "ppc64le", "s390x", "riscv64", "mips", "loongarch64" -> "";
            default -> null;
        };
    }
}
