package io.kdump4j.kernel.symbols;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.KernelMemory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * <li>{@code kallsyms_offsets}: one {@code int} per symbol, in one of two schemes, told apart by
 *     what VMCOREINFO names:
 *     <ul>
 *     <li>base-relative (VMCOREINFO names {@code kallsyms_relative_base}, an {@code unsigned
 *         long} relocated at boot, so KASLR is already applied). Without
 *         {@code CONFIG_KALLSYMS_ABSOLUTE_PERCPU}: address = base + (u32) offset. With it (x86_64
 *         SMP until Linux 6.15): a non-negative offset is an absolute value (per-CPU symbols,
 *         which are offsets into the per-CPU area), a negative one means base - 1 - offset. The
 *         dump does not say which was built; any negative offset means the absolute-percpu one
 *         (the plain scheme stores unsigned distances from the lowest symbol, which stay below
 *         2^31 for any kernel image).
 *     <li>place-relative (Linux 7.0, commit a081b5789255 "kallsyms: Get rid of kallsyms relative
 *         base", which also dropped {@code kallsyms_relative_base} from VMCOREINFO): each entry
 *         is a PC32 reference, address = &kallsyms_offsets[i] + (s32) kallsyms_offsets[i], so
 *         the kernel's relocation at boot is already in it. (Only non-relocatable 32-bit kernels
 *         store absolute values, and this reader is for 64-bit ones.)
 *     </ul>
 * </ul>
 * Either way the decoded table is checked before it is trusted: the addresses must come out in
 * order (scripts/kallsyms.c sorts by address; absolute per-CPU values excepted) and every
 * symbol VMCOREINFO also gives ({@code _stext}, {@code init_uts_ns}, {@code swapper_pg_dir}, ...)
 * must decode to VMCOREINFO's address. A table that fails is refused with the reason, never
 * used with wrong addresses.
 * </ul>
 */
public final class Kallsyms {
    /** More symbols than any kernel has (a distribution kernel has about 200k). */
    static final long MAX_SYMBOLS = 4_000_000;
    private static final int CHUNK = 64 * 1024;

    private Kallsyms() {
    }

    /** The tables every scheme needs. */
    private static final String[] TABLES = {"kallsyms_names", "kallsyms_num_syms", "kallsyms_token_table",
        "kallsyms_token_index", "kallsyms_offsets"};

    /**
     * How {@code kallsyms_offsets} encodes addresses. ABSOLUTE is {@code kallsyms_addresses}, one
     * {@code unsigned long} per symbol (kernels before 4.6, commit 2213e9a66bb8 "kallsyms: add
     * support for relative offsets in kallsyms address table", or built without
     * CONFIG_KALLSYMS_BASE_RELATIVE); only {@link KallsymsScan} finds such a table.
     */
    enum Scheme { BASE_RELATIVE, PLACE_RELATIVE, ABSOLUTE }

    /**
     * Where the tables are: from VMCOREINFO ({@link #fromVmcoreinfo}) or found by their shape in
     * the kernel image ({@link KallsymsScan}). {@code relativeBase} is the address of
     * {@code kallsyms_relative_base} (BASE_RELATIVE only, else 0).
     */
    record Tables(long numSyms, long names, long tokenTable, long tokenIndex, long offsets, long relativeBase,
                  Scheme scheme) {
        static Tables fromVmcoreinfo(KernelDump k) {
            Scheme s = Kallsyms.scheme(k);
            return new Tables(sym(k, "kallsyms_num_syms"), sym(k, "kallsyms_names"), sym(k, "kallsyms_token_table"),
                    sym(k, "kallsyms_token_index"), sym(k, "kallsyms_offsets"),
                    s == Scheme.BASE_RELATIVE ? sym(k, "kallsyms_relative_base") : 0, s);
        }
    }

    /** Whether VMCOREINFO names every table this reader needs. */
    public static boolean available(KernelDump k) {
        return missing(k).isEmpty();
    }

    /**
     * Why the tables cannot be read, for an error message: empty when VMCOREINFO names them all.
     */
    public static Optional<String> missing(KernelDump k) {
        List<String> absent = new ArrayList<>();
        for (String s : TABLES) {
            if (k.vmcoreinfo().symbol(s).isEmpty()) {
                absent.add(s);
            }
        }
        if (absent.isEmpty()) {
            return Optional.empty();
        }
        if (absent.size() == TABLES.length) {
            return Optional.of("VMCOREINFO names no kallsyms tables (they are in VMCOREINFO since Linux 6.0, "
                    + "commit 5fd8fea935a1)");
        }
        return Optional.of("VMCOREINFO lacks SYMBOL(" + String.join("), SYMBOL(", absent) + ")");
    }

    /** Whether VMCOREINFO names none of the tables (a kernel before Linux 6.0). */
    static boolean namesNone(KernelDump k) {
        for (String s : TABLES) {
            if (k.vmcoreinfo().symbol(s).isPresent()) {
                return false;
            }
        }
        return true;
    }

    /** The offsets scheme, from what VMCOREINFO names. */
    static Scheme scheme(KernelDump k) {
        return k.vmcoreinfo().symbol("kallsyms_relative_base").isPresent() ? Scheme.BASE_RELATIVE : Scheme.PLACE_RELATIVE;
    }

    /** Decodes every symbol, from the tables VMCOREINFO names. */
    public static SymbolTable read(KernelDump k) throws IOException {
        Optional<String> missing = missing(k);
        if (missing.isPresent()) {
            throw new DumpFormatException(k.dump().name(), -1, missing.get() + ": give a System.map");
        }
        return SymbolTable.of(decode(k, Tables.fromVmcoreinfo(k), false));
    }

    /**
     * Decodes every symbol of the tables at {@code t} and checks them ({@link #verify}). With
     * {@code anchored} (tables found by shape, not named by the kernel) at least one symbol that
     * VMCOREINFO gives by address must be in the table, at that address.
     */
    static List<Symbol> decode(KernelDump k, Tables tables, boolean anchored) throws IOException {
        String file = k.dump().name();
        KernelMemory mem = k.memory();
        long numAddr = tables.numSyms();
        long count = mem.u32(numAddr);
        if (count == 0 || count > MAX_SYMBOLS) {
            throw new DumpFormatException(file, -1, "kallsyms_num_syms at 0x" + Long.toHexString(numAddr)
                    + " is " + count + ", expected 1.." + MAX_SYMBOLS);
        }
        int n = (int) count;
        String[] tokens = tokens(k, tables);
        Scheme scheme = tables.scheme();
        long offsetsAt = tables.offsets();
        long base = scheme == Scheme.BASE_RELATIVE ? mem.u64(tables.relativeBase()) : 0;
        byte[] offsets = mem.read(offsetsAt, scheme == Scheme.ABSOLUTE ? n * 8 : n * 4);
        boolean absolutePercpu = false;
        for (int i = 0; scheme == Scheme.BASE_RELATIVE && i < n; i++) {
            if (s32(offsets, i * 4) < 0) {
                absolutePercpu = true;
                break;
            }
        }
        List<Symbol> out = new ArrayList<>(n);
        Stream names = new Stream(mem, tables.names());
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
            int off = scheme == Scheme.ABSOLUTE ? 0 : s32(offsets, i * 4);
            long address;
            if (scheme == Scheme.ABSOLUTE) {
                address = s32(offsets, i * 8) & 0xffff_ffffL | (long) s32(offsets, i * 8 + 4) << 32;
            } else if (scheme == Scheme.PLACE_RELATIVE) {
                address = offsetsAt + 4L * i + off;
            } else if (!absolutePercpu) {
                address = base + (off & 0xffff_ffffL);
            } else if (off >= 0) {
                address = off;
            } else {
                address = base - 1 - off;
            }
            out.add(new Symbol(sb.substring(1), address, 0, sb.charAt(0), null));
        }
        verify(k, scheme, absolutePercpu, anchored, out);
        return out;
    }

    /**
     * Checks a decoded table against what the dump says independently: kallsyms is sorted by
     * address, and VMCOREINFO's own SYMBOL() entries must decode to the same addresses.
     */
    static void verify(KernelDump k, Scheme scheme, boolean absolutePercpu, boolean anchored, List<Symbol> syms)
            throws DumpFormatException {
        String file = k.dump().name();
        String how = switch (scheme) {
            case PLACE_RELATIVE -> "place-relative";
            case BASE_RELATIVE -> "base-relative";
            case ABSOLUTE -> "absolute";
        };
        long previous = Long.MIN_VALUE;
        String previousName = null;
        for (Symbol s : syms) {
            // Absolute per-CPU values (old x86_64 scheme) are small offsets, not in address order.
            if (absolutePercpu && s.address() >= 0) {
                continue;
            }
            if (Long.compareUnsigned(s.address(), previous) < 0 && previousName != null) {
                throw new DumpFormatException(file, -1, "kallsyms decoded as " + how + " is not in address order ("
                        + previousName + " at 0x" + Long.toHexString(previous) + " before " + s.name() + " at 0x"
                        + Long.toHexString(s.address()) + "): refusing it; give a System.map");
            }
            previous = s.address();
            previousName = s.name();
        }
        Map<String, Long> first = new HashMap<>();
        for (Symbol s : syms) {
            first.putIfAbsent(s.name(), s.address());
        }
        int anchors = 0;
        for (String name : CHECKED) {
            OptionalLong expected = k.vmcoreinfo().symbol(name);
            Long got = first.get(name);
            if (expected.isPresent() && got != null && got != expected.getAsLong()) {
                throw new DumpFormatException(file, -1, "kallsyms decoded as " + how + " gives " + name + " at 0x"
                        + Long.toHexString(got) + " but VMCOREINFO says 0x" + Long.toHexString(expected.getAsLong())
                        + ": refusing it; give a System.map");
            }
            if (expected.isPresent() && got != null) {
                anchors++;
            }
        }
        if (anchored && anchors == 0) {
            throw new DumpFormatException(file, -1, "kallsyms decoded as " + how + " holds none of the symbols VMCOREINFO "
                    + "gives by address (" + String.join(", ", CHECKED) + "): refusing it; give a System.map");
        }
    }

    /** Kernel-image symbols that VMCOREINFO gives by address on x86_64 and arm64. */
    static final String[] CHECKED = {"_stext", "init_uts_ns", "swapper_pg_dir", "init_top_pgt", "_text"};

    /** The longest symbol name the kernel keeps (KSYM_NAME_LEN, 512 since Linux 6.1, 128 before). */
    static final int KSYM_NAME_LEN = 512;

    private static String[] tokens(KernelDump k, Tables t) throws IOException {
        KernelMemory mem = k.memory();
        byte[] index = mem.read(t.tokenIndex(), 512);
        int max = 0;
        for (int i = 0; i < 256; i++) {
            max = Math.max(max, u16(index, i * 2));
        }
        // No token is longer than a symbol name (KSYM_NAME_LEN is 512 since Linux 6.1).
        byte[] table = mem.read(t.tokenTable(), max + 512);
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
