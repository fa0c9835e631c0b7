package io.kdump4j.kernel.unwind;

import io.kdump4j.kernel.btf.BtfKind;
import io.kdump4j.kernel.btf.BtfMember;
import io.kdump4j.kernel.btf.BtfType;
import io.kdump4j.kernel.types.KernelTypes;
import java.util.Optional;

/**
 * Where the bitfields of the 6-byte {@code struct orc_entry} ({@code s16 sp_offset; s16
 * bp_offset;} then 16 bits of flags, {@code arch/x86/include/asm/orc_types.h}) sit, and what its
 * {@code type} values mean. Three layouts exist (little-endian bitfields, bit 0 = LSB of the
 * flags word):
 * <ul>
 * <li>until Linux 6.2: {@code sp_reg:4 bp_reg:4 type:2 end:1}; types CALL=0, REGS=1,
 *     REGS_PARTIAL=2; {@code end} marks the last frame (entry code, kernel thread start).
 * <li>Linux 6.3 (commit ffb1b4a41016 "x86/unwind/orc: Add 'signal' field to ORC metadata"):
 *     {@code type:2 signal:1 end:1}, same type values.
 * <li>since Linux 6.4 (commit fb799447ae29 "x86,objtool: Split UNWIND_HINT_EMPTY in two"):
 *     {@code type:3 signal:1}; types UNDEFINED=0, END_OF_STACK=1, CALL=2, REGS=3,
 *     REGS_PARTIAL=4. (drgn 0.0.22 knows only the first layout and fails on 6.12 with
 *     "unknown ORC entry type 3", which is REGS.)
 * </ul>
 * Kernels with an {@code .orc_header} say which layout they use ({@link OrcFormat}); for older
 * ones the layout is read from BTF's {@code struct orc_entry} when present (its bitfield offsets
 * and widths), else chosen by kernel version.
 *
 * @param typeShift first bit of {@code type}
 * @param typeBits width of {@code type}
 * @param signalBit the {@code signal} bit, -1 when absent
 * @param endBit the {@code end} bit, -1 when absent
 */
record OrcLayout(int typeShift, int typeBits, int signalBit, int endBit) {
    static final OrcLayout UNTIL_6_2 = new OrcLayout(8, 2, -1, 10);
    static final OrcLayout SINCE_6_3 = new OrcLayout(8, 2, 10, 11);
    static final OrcLayout SINCE_6_4 = new OrcLayout(8, 3, 11, -1);

    /** The normalized kinds of entry (the names of the 6.4+ enum). */
    enum Type { UNDEFINED, END_OF_STACK, CALL, REGS, REGS_PARTIAL }

    Type type(int flags) {
        int t = (flags >>> typeShift) & ((1 << typeBits) - 1);
        if (typeBits >= 3) {
            return switch (t) {
                case 0 -> Type.UNDEFINED;
                case 1 -> Type.END_OF_STACK;
                case 2 -> Type.CALL;
                case 3 -> Type.REGS;
                case 4 -> Type.REGS_PARTIAL;
                default -> Type.UNDEFINED;
            };
        }
        if (endBit >= 0 && ((flags >>> endBit) & 1) != 0) {
            return Type.END_OF_STACK;
        }
        return switch (t) {
            case 0 -> Type.CALL;
            case 1 -> Type.REGS;
            case 2 -> Type.REGS_PARTIAL;
            default -> Type.UNDEFINED;
        };
    }

    boolean signal(int flags, Type type) {
        if (signalBit >= 0) {
            return ((flags >>> signalBit) & 1) != 0;
        }
        return type == Type.REGS || type == Type.REGS_PARTIAL;
    }

    /** The layout from BTF ({@code types} may be null when the dump has no BTF), else by release. */
    static OrcLayout detect(KernelTypes types, String release) {
        Optional<BtfType> t = types == null ? Optional.empty() : types.struct("orc_entry");
        if (t.isPresent() && t.get().kind() == BtfKind.STRUCT) {
            int typeShift = -1;
            int typeBits = 0;
            int signal = -1;
            int end = -1;
            for (BtfMember m : t.get().members()) {
                int bit = (int) m.bitOffset() - 32;
                switch (m.name()) {
                    case "type" -> {
                        typeShift = bit;
                        typeBits = m.bitSize();
                    }
                    case "signal" -> signal = bit;
                    case "end" -> end = bit;
                    default -> {
                    }
                }
            }
            if (typeShift >= 0 && typeBits > 0) {
                return new OrcLayout(typeShift, typeBits, signal, end);
            }
        }
        return olderThan64(release) ? UNTIL_6_2 : SINCE_6_4;
    }

    private static boolean olderThan64(String release) {
        if (release == null) {
            return false;
        }
        String[] p = release.split("[.-]");
        try {
            int major = Integer.parseInt(p[0]);
            int minor = Integer.parseInt(p[1]);
            return major < 6 || (major == 6 && minor < 4);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
