package io.kdump4j.kernel.types;

import io.kdump4j.format.io.Checked;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.KernelMemory;
import io.kdump4j.kernel.btf.Btf;
import io.kdump4j.kernel.symbols.KernelSymbols;
import io.kdump4j.kernel.symbols.Symbol;
import java.io.IOException;
import java.util.Optional;

/**
 * Finds vmlinux's BTF ({@code CONFIG_DEBUG_INFO_BTF}, the {@code .BTF} section the kernel keeps
 * for {@code /sys/kernel/btf/vmlinux}) in the dump's memory. The section is bracketed by
 * {@code __start_BTF} and {@code __stop_BTF}; those are data symbols, so a kernel built without
 * {@code CONFIG_KALLSYMS_ALL} (Debian's arm64) lacks them in kallsyms. Then the section is
 * found by its header: it lies in read-only data after the text, so the pages after
 * {@code _etext} are searched for {@code struct btf_header} (magic 0xeB9F, version 1, flags 0,
 * {@code hdr_len} 24, type section first) whose sizes are consistent.
 */
final class BtfLocator {
    /** Larger than any vmlinux BTF (Debian 6.12: about 6 MiB). */
    static final long MAX_BTF = 64L << 20;
    /** How far after _etext the header is searched for. */
    static final long SCAN_LIMIT = 96L << 20;
    private static final int SCAN_CHUNK = 1 << 20;

    private BtfLocator() {
    }

    static Btf load(KernelDump k) throws IOException {
        KernelSymbols syms = KernelSymbols.of(k);
        Optional<Symbol> start = syms.lookup("__start_BTF");
        Optional<Symbol> stop = syms.lookup("__stop_BTF");
        KernelMemory mem = k.memory();
        long addr;
        long size;
        if (start.isPresent() && stop.isPresent()) {
            addr = start.get().address();
            size = stop.get().address() - addr;
        } else {
            long from = syms.address("_etext");
            long[] found = scan(mem, from);
            if (found == null) {
                throw new TypeLookupException("no BTF in this dump: __start_BTF is not in kallsyms and no BTF "
                        + "header follows _etext (a kernel without CONFIG_DEBUG_INFO_BTF?)");
            }
            addr = found[0];
            size = found[1];
        }
        String where = k.dump().name() + " vmlinux BTF at 0x" + Long.toHexString(addr);
        int n = Checked.allocation(size, -1, where, 0, "the BTF section");
        if (size < Btf.MIN_HEADER_SIZE || size > MAX_BTF) {
            throw new DumpFormatException(where, 0, "the BTF section claims " + size + " bytes, expected "
                    + Btf.MIN_HEADER_SIZE + ".." + MAX_BTF);
        }
        byte[] blob = mem.read(addr, n);
        return Btf.parse(blob, where, 0);
    }

    /** The address and size of the first consistent BTF header after {@code from}, or null. */
    private static long[] scan(KernelMemory mem, long from) throws IOException {
        long start = from & ~3L;
        for (long off = 0; off < SCAN_LIMIT; off += SCAN_CHUNK) {
            // Each window overlaps the next by a header's length, so a header across the
            // boundary is still seen whole.
            byte[] b;
            try {
                b = mem.read(start + off, SCAN_CHUNK + 24);
            } catch (IOException e) {
                continue;
            }
            for (int i = 0; i + 24 <= b.length; i += 4) {
                if ((b[i] & 0xff) != 0x9f || (b[i + 1] & 0xff) != 0xeb || b[i + 2] != 1 || b[i + 3] != 0) {
                    continue;
                }
                long hdrLen = u32(b, i + 4);
                long typeOff = u32(b, i + 8);
                long typeLen = u32(b, i + 12);
                long strOff = u32(b, i + 16);
                long strLen = u32(b, i + 20);
                if (hdrLen != 24 || typeOff != 0 || strOff != typeLen || typeLen == 0 || strLen == 0) {
                    continue;
                }
                long total = hdrLen + strOff + strLen;
                if (total <= MAX_BTF) {
                    return new long[] {start + off + i, total};
                }
            }
        }
        return null;
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (long) (b[at + 3] & 0xff) << 24;
    }

}
