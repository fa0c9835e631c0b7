package io.kdump4j.kernel.symbols;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.KernelMemory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The kernel's own symbol table ({@code CONFIG_KALLSYMS}), decoded from the dump with only the
 * addresses VMCOREINFO gives (Linux 6.0+, commit 5fd8fea935a1 "vmcoreinfo: include kallsyms
 * symbols"). Facts from {@code kernel/kallsyms.c} and {@code scripts/kallsyms.c}:
 *
 * <ul>
 * <li>{@code kallsyms_num_syms}: an {@code unsigned int}, the number of entries.
 * <li>{@code kallsyms_names}: one entry per symbol, in address order: a length, then that many
 *     token indexes (bytes). The length is one byte; since Linux 6.1 (commit 73bbb94466fd
 *     "kallsyms: support "big" kernel symbols") a first byte with bit 7 set is the low 7 bits
 *     of a two-byte length whose second byte holds bits 7..14. Older kernels never wrote a
 *     length of 128 or more, so the rule is applied unconditionally.
 * <li>{@code kallsyms_token_index}: 256 {@code u16} offsets into {@code kallsyms_token_table},
 *     a run of NUL-terminated strings; a symbol's text is the concatenation of its tokens, and
 *     the first character is the {@code nm} type letter.
 * <li>{@code kallsyms_offsets}: one {@code int} per symbol (base-relative scheme,
 *     {@code CONFIG_KALLSYMS_BASE_RELATIVE}), with {@code kallsyms_relative_base} an
 *     {@code unsigned long} relocated at boot (so KASLR is already applied). Without
 *     {@code CONFIG_KALLSYMS_ABSOLUTE_PERCPU}: address = base + (u32) offset. With it (x86_64
 *     SMP until Linux 6.15): a non-negative offset is an absolute value (per-CPU symbols,
 *     which are offsets into the per-CPU area), a negative one means base - 1 - offset. The
 *     dump does not say which scheme was built; any negative offset means the absolute-percpu
 *     one (the plain scheme stores unsigned distances from the lowest symbol, which stay below
 *     2^31 for any kernel image).
 * </ul>
 */
public final class Kallsyms {
    /** More symbols than any kernel has (a distribution kernel has about 200k). */
    static final long MAX_SYMBOLS = 4_000_000;
    private static final int CHUNK = 64 * 1024;

    private Kallsyms() {
    }

    /** Whether VMCOREINFO names every table this reader needs. */
    public static boolean available(KernelDump k) {
        for (String s : new String[] {"kallsyms_names", "kallsyms_num_syms", "kallsyms_token_table",
                "kallsyms_token_index", "kallsyms_offsets", "kallsyms_relative_base"}) {
            if (k.vmcoreinfo().symbol(s).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Decodes every symbol. */
    public static SymbolTable read(KernelDump k) throws IOException {
        String file = k.dump().name();
        if (!available(k)) {
            throw new DumpFormatException(file, -1, "VMCOREINFO does not name the kallsyms tables "
                    + "(SYMBOL(kallsyms_names) etc., exported since Linux 6.0): give a System.map");
        }
        KernelMemory mem = k.memory();
        long numAddr = sym(k, "kallsyms_num_syms");
        long count = mem.u32(numAddr);
        if (count == 0 || count > MAX_SYMBOLS) {
            throw new DumpFormatException(file, -1, "kallsyms_num_syms at 0x" + Long.toHexString(numAddr)
                    + " is " + count + ", expected 1.." + MAX_SYMBOLS);
        }
        int n = (int) count;
        String[] tokens = tokens(k);
        long base = mem.u64(sym(k, "kallsyms_relative_base"));
        byte[] offsets = mem.read(sym(k, "kallsyms_offsets"), n * 4);
        boolean absolutePercpu = false;
        for (int i = 0; i < n; i++) {
            if (s32(offsets, i * 4) < 0) {
                absolutePercpu = true;
                break;
            }
        }
        List<Symbol> out = new ArrayList<>(n);
        Stream names = new Stream(mem, sym(k, "kallsyms_names"));
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < n; i++) {
            long at = names.position();
            int len = names.next();
            if ((len & 0x80) != 0) {
                len = (len & 0x7f) | (names.next() << 7);
            }
            if (len == 0) {
                throw new DumpFormatException(file, -1, "kallsyms_names entry " + i + " at 0x"
                        + Long.toHexString(at) + " has length 0");
            }
            sb.setLength(0);
            for (int t = 0; t < len; t++) {
                sb.append(tokens[names.next()]);
                if (sb.length() > KSYM_NAME_LEN + 1) {
                    throw new DumpFormatException(file, -1, "kallsyms_names entry " + i + " at 0x"
                            + Long.toHexString(at) + " decodes to more than " + KSYM_NAME_LEN
                            + " characters (KSYM_NAME_LEN): the kallsyms tables are corrupt");
                }
            }
            if (sb.length() < 2) {
                throw new DumpFormatException(file, -1, "kallsyms_names entry " + i + " at 0x"
                        + Long.toHexString(at) + " decodes to \"" + sb + "\", too short for a type and a name");
            }
            int off = s32(offsets, i * 4);
            long address;
            if (!absolutePercpu) {
                address = base + (off & 0xffff_ffffL);
            } else if (off >= 0) {
                address = off;
            } else {
                address = base - 1 - off;
            }
            out.add(new Symbol(sb.substring(1), address, 0, sb.charAt(0), null));
        }
        return SymbolTable.of(out);
    }

    /** The longest symbol name the kernel keeps (KSYM_NAME_LEN, 512 since Linux 6.1, 128 before). */
    static final int KSYM_NAME_LEN = 512;

    private static String[] tokens(KernelDump k) throws IOException {
        KernelMemory mem = k.memory();
        byte[] index = mem.read(sym(k, "kallsyms_token_index"), 512);
        int max = 0;
        for (int i = 0; i < 256; i++) {
            max = Math.max(max, u16(index, i * 2));
        }
        // No token is longer than a symbol name (KSYM_NAME_LEN is 512 since Linux 6.1).
        byte[] table = mem.read(sym(k, "kallsyms_token_table"), max + 512);
        String[] tokens = new String[256];
        for (int i = 0; i < 256; i++) {
            int start = u16(index, i * 2);
            int end = start;
            while (end < table.length && table[end] != 0 && end - start <= KSYM_NAME_LEN) {
                end++;
            }
            if (end >= table.length || table[end] != 0) {
                throw new DumpFormatException(k.dump().name(), -1, "kallsyms_token_table token " + i
                        + " has no NUL within " + KSYM_NAME_LEN + " bytes: the kallsyms tables are corrupt");
            }
            tokens[i] = new String(table, start, end - start, StandardCharsets.ISO_8859_1);
        }
        return tokens;
    }

    private static long sym(KernelDump k, String name) {
        OptionalLong v = k.vmcoreinfo().symbol(name);
        return v.orElseThrow();
    }

    private static int s32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | b[at + 3] << 24;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    /** Sequential bytes of kernel virtual memory, read a chunk at a time. */
    private static final class Stream {
        private final KernelMemory mem;
        private long chunkStart;
        private byte[] chunk = new byte[0];
        private int pos;

        Stream(KernelMemory mem, long start) {
            this.mem = mem;
            this.chunkStart = start;
        }

        long position() {
            return chunkStart + pos;
        }

        int next() throws IOException {
            if (pos == chunk.length) {
                chunkStart += chunk.length;
                int n = (int) (CHUNK - (chunkStart & (CHUNK - 1)));
                chunk = mem.read(chunkStart, n);
                pos = 0;
            }
            return chunk[pos++] & 0xff;
        }
    }
}
