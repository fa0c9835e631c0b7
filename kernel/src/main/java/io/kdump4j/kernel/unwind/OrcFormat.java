package io.kdump4j.kernel.unwind;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.symbols.KernelSymbols;
import io.kdump4j.kernel.symbols.Symbol;
import io.kdump4j.kernel.types.KernelTypes;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Which ORC format a kernel uses: the entry's bit layout ({@link OrcLayout}) and the register
 * numbering ({@link OrcRegisters}). Since Linux 6.4 (commit b9f174c811e3 "x86/unwind/orc: Add ELF
 * section with ORC version identifier", also in 6.3.10) vmlinux has {@code .orc_header}
 * ({@code __start_orc_header}): 20 bytes, the SHA-1 that {@code scripts/orc_hash.sh} computes
 * over the {@code ORC_REG_*} and {@code ORC_TYPE_*} defines and {@code struct orc_entry} of
 * {@code orc_types.h}. The kernel refuses modules whose hash differs, so vmlinux's hash holds
 * for the modules too. A hash not in the table below is refused: unwinding with guessed
 * register numbers returns into garbage. Kernels without the header are older than the first
 * renumbering and use {@link OrcRegisters#CLASSIC}, with the layout from BTF or the release.
 *
 * @param layout the entry's bitfields
 * @param registers the base-register numbering
 */
record OrcFormat(OrcLayout layout, OrcRegisters registers) {
    /** Hash (lowercase hex) to format; each hash was recomputed from the orc_types.h it names. */
    static final Map<String, OrcFormat> BY_HASH = Map.of(
            // Linux 6.3.10 (commit ffb1b4a41016 "x86/unwind/orc: Add 'signal' field to ORC metadata").
            "db84aed4103b31dd51e017f8f79783ca985c2c51", new OrcFormat(OrcLayout.SINCE_6_3, OrcRegisters.CLASSIC),
            // Linux 6.4 .. 7.0 (commit fb799447ae29 "x86,objtool: Split UNWIND_HINT_EMPTY in two").
            "fe5d32bf581bd63b2ca9a5c65ba5a625eab3fe24", new OrcFormat(OrcLayout.SINCE_6_4, OrcRegisters.CLASSIC),
            // The same plus ORC_REG_AX 10 (commit 96f3b16a9de5, Linux 7.1 and stable backports).
            "edfa4d15552fdd2e1d56679728416379f2fe4534", new OrcFormat(OrcLayout.SINCE_6_4, OrcRegisters.CLASSIC_AX),
            // The 7.x renumbering (SP 5->3, PREV_SP 1->8, BP_INDIRECT 8->10, DI 3->5, AX 1): read
            // from the .orc_header of Debian's 7.2.13 vmlinux and recomputed from its orc_types.h.
            "137c36ad7627c4dd55932176bb0ecdbd5041fc82", new OrcFormat(OrcLayout.SINCE_6_4, OrcRegisters.LINUX_7));

    static final int HASH_BYTES = 20;

    /** The format of this dump's kernel; a DumpFormatException for an unknown orc_header hash. */
    static OrcFormat of(KernelDump k) throws IOException {
        KernelSymbols s = KernelSymbols.of(k);
        Optional<Symbol> header = s.lookup("__start_orc_header");
        if (header.isPresent()) {
            return byHash(k.dump().name(), k.memory().read(header.get().address(), HASH_BYTES));
        }
        KernelTypes types;
        try {
            types = KernelTypes.of(k);
        } catch (IOException e) {
            types = null;
        }
        return new OrcFormat(OrcLayout.detect(types, k.release()), OrcRegisters.CLASSIC);
    }

    static OrcFormat byHash(String file, byte[] hash) throws DumpFormatException {
        String hex = HexFormat.of().formatHex(hash);
        OrcFormat f = BY_HASH.get(hex);
        if (f == null) {
            throw new DumpFormatException(file, -1, "this kernel's ORC format (orc_header hash " + hex + ") is not one "
                    + "kdump4j knows: its register numbers cannot be trusted, so the stack is not unwound");
        }
        return f;
    }
}
