package io.kdump4j.kernel.symbols;

import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.KernelMemory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Finds the kallsyms tables of a kernel whose VMCOREINFO does not name them (every kernel before
 * Linux 6.0, commit 5fd8fea935a1) by their shape in the kernel image, so that such dumps need no
 * System.map. No peer does this: crash and drgn need the vmlinux, makedumpfile a System.map.
 *
 * <p>What scripts/kallsyms.c emits, each table aligned to 8 bytes on 64-bit kernels, in this
 * order until Linux 6.4 (commit 404bad70fcf7 "scripts/kallsyms: change the output order" moved
 * the offsets and the base to the end):
 * <pre>
 *   kallsyms_offsets (u32 each)     or kallsyms_addresses (u64 each, before 4.6)
 *   kallsyms_relative_base (u64)    (base-relative only)
 *   kallsyms_num_syms (u32)
 *   kallsyms_names                  (length byte, token indexes; one entry per symbol)
 *   kallsyms_markers                (the names offset of every 256th entry; u32 since commit
 *                                    80ffbaa5b1bd, 5.4; unsigned long before)
 *   kallsyms_token_table            (256 NUL-terminated tokens)
 *   kallsyms_token_index            (256 u16: each token's offset in the table)
 * </pre>
 * The anchor is {@code kallsyms_token_index}: 256 u16 starting at 0, strictly increasing, each
 * step the length of a token plus its NUL, right after a token table whose NULs fall exactly
 * where the index says. From there the markers are walked back (increasing, the first is 0),
 * {@code kallsyms_num_syms} must agree with their count, every marker must fall on an entry
 * boundary of the names, and the offsets sit before the count (or, from 6.4, after the index).
 * Each candidate is then decoded and checked like a VMCOREINFO table ({@link Kallsyms#verify}):
 * addresses in order and at least one of VMCOREINFO's own symbols ({@code _stext}, ...) at
 * VMCOREINFO's address. Only a table that passes is used.
 *
 * <p>The search runs from {@code _stext} through the kernel's read-only data (up to
 * {@code init_uts_ns}, which is in .data, or {@link #MAX_SPAN} bytes), a page at a time;
 * unreadable pages are skipped.
 */
final class KallsymsScan {
    /** The most of the kernel image searched (a distribution kernel's text+rodata is ~30 MiB). */
    static final long MAX_SPAN = 256L << 20;
    private static final int CHUNK = 1 << 20;
    /** Longest token the compressor makes; tokens of real kernels are at most a few dozen bytes. */
    private static final int MAX_TOKEN = 128;

    private KallsymsScan() {
    }

    /** What the scan found: the tables, or why none. */
    record Result(Optional<List<Symbol>> symbols, Kallsyms.Tables tables, String reason) {
    }

    /** Searches the kernel image; the decoded, verified symbols or the reason there are none. */
    static Result find(KernelDump k) throws IOException {
        OptionalLong stext = k.vmcoreinfo().symbol("_stext");
        if (stext.isEmpty()) {
            return new Result(Optional.empty(), null, "VMCOREINFO gives no _stext to search the kernel image from");
        }
        long from = stext.getAsLong() & ~7L;
        long to = from + MAX_SPAN;
        OptionalLong data = k.vmcoreinfo().symbol("init_uts_ns");
        if (data.isPresent() && Long.compareUnsigned(data.getAsLong(), from) > 0
                && Long.compareUnsigned(data.getAsLong(), to) < 0) {
            to = data.getAsLong();
        }
        KernelMemory mem = k.memory();
        int page = k.pageSize();
        String last = "no kallsyms_token_index shape between _stext and init_uts_ns";
        byte[] buf = new byte[CHUNK + 512];
        for (long at = from; Long.compareUnsigned(at, to) < 0; at += CHUNK) {
            fill(mem, at, buf, page);
            for (int i = 0; i < CHUNK; i += 8) {
                if (!indexAt(buf, i)) {
                    continue;
                }
                long x = at + i;
                int[] index = new int[256];
                for (int t = 0; t < 256; t++) {
                    index[t] = u16(buf, i + 2 * t);
                }
                List<Kallsyms.Tables> candidates = candidates(mem, x, index);
                for (Kallsyms.Tables c : candidates) {
                    try {
                        return new Result(Optional.of(Kallsyms.decode(k, c, true)), c, "");
                    } catch (IOException e) {
                        last = "tables at 0x" + Long.toHexString(c.tokenIndex()) + " did not verify: " + e.getMessage();
                    }
                }
            }
        }
        return new Result(Optional.empty(), null, last);
    }

    /** Reads {@code buf.length} bytes at {@code at}, zeros where a page cannot be read. */
    private static void fill(KernelMemory mem, long at, byte[] buf, int page) {
        for (int off = 0; off < buf.length; ) {
            long va = at + off;
            int n = (int) Math.min(buf.length - off, page - (va & (page - 1)));
            try {
                mem.readVirtual(va, buf, off, n);
            } catch (IOException e) {
                java.util.Arrays.fill(buf, off, off + n, (byte) 0);
            }
            off += n;
        }
    }

    /** A cheap test for a token index at {@code i}: 0, then 255 steps of 2..MAX_TOKEN+1. */
    static boolean indexAt(byte[] b, int i) {
        if (u16(b, i) != 0) {
            return false;
        }
        int prev = 0;
        for (int t = 1; t < 256; t++) {
            int v = u16(b, i + 2 * t);
            int step = v - prev;
            if (step < 2 || step > MAX_TOKEN + 1) {
                return false;
            }
            prev = v;
        }
        return true;
    }

    /** The table layouts consistent with a token index at {@code x}, most likely first. */
    static List<Kallsyms.Tables> candidates(KernelMemory mem, long x, int[] index) throws IOException {
        List<Kallsyms.Tables> out = new ArrayList<>();
        long table = tokenTable(mem, x, index);
        if (table == 0) {
            return out;
        }
        long blockAt = table - BACK;
        byte[] block = new byte[(int) BACK];
        fill(mem, blockAt, block, PAGE_FOR_FILL);
        Block b = new Block(blockAt, block);
        // The markers end at the token table (u32 since 5.4, unsigned long before), or, from 6.2
        // (commit 60443c88f3a8 "kallsyms: Improve the performance of kallsyms_lookup_name()",
        // also in Debian's 6.1 stable kernels), kallsyms_seqs_of_names (3 bytes per symbol)
        // lies between them.
        List<long[]> sets = new ArrayList<>();
        for (int width : new int[] {4, 8}) {
            long[] m = markers(b, table, width);
            if (m != null) {
                sets.add(m);
            }
        }
        for (long end = table - 8; end > blockAt + MARKERS_BACK; end -= 8) {
            long[] m = markers(b, end, 4);
            if (m == null) {
                continue;
            }
            int count = m.length - 1;
            long seqs = table - end;  // 3 * n bytes, padded to 8
            long nLo = Math.max(256L * (count - 1) + 1, (seqs - 7 + 2) / 3);
            long nHi = Math.min(256L * count, seqs / 3);
            if (nLo <= nHi) {
                sets.add(m);
            }
        }
        for (long[] markers : sets) {
            int m = markers.length - 1;
            long names = names(mem, markers[0], markers, m);
            if (names == 0) {
                continue;
            }
            long numSyms = names - 8;
            long n = mem.u32(numSyms);
            // before 6.4: offsets, relative base, count; absolute addresses right before the count
            long base = numSyms - 8;
            out.add(new Kallsyms.Tables(numSyms, names, table, x, base - align8(4 * n), base,
                    Kallsyms.Scheme.BASE_RELATIVE));
            out.add(new Kallsyms.Tables(numSyms, names, table, x, numSyms - 8 * n, 0, Kallsyms.Scheme.ABSOLUTE));
            // from 6.4 on: the offsets, then the base, after the token index
            long offsets = align8(x + 512);
            out.add(new Kallsyms.Tables(numSyms, names, table, x, offsets, align8(offsets + 4 * n),
                    Kallsyms.Scheme.BASE_RELATIVE));
        }
        return out;
    }

    /** The most symbols whose kallsyms_seqs_of_names the scan looks past (3 bytes each). */
    static final long MAX_SEQ_SYMBOLS = 1_000_000;
    /** Room for the markers of {@link Kallsyms#MAX_SYMBOLS} symbols (u64 each). */
    private static final long MARKERS_BACK = 8 * (Kallsyms.MAX_SYMBOLS / 256 + 2);
    private static final long BACK = 3 * MAX_SEQ_SYMBOLS + 8 + MARKERS_BACK;
    /** Page size for reads of the block before the token table (any divisor of the real one). */
    private static final int PAGE_FOR_FILL = 4096;

    /** Bytes of kernel memory read once, at {@code at}. */
    record Block(long at, byte[] bytes) {
        /** The value of {@code width} bytes at {@code addr}, or -1 outside the block. */
        long get(long addr, int width) {
            long off = addr - at;
            if (off < 0 || off + width > bytes.length) {
                return -1;
            }
            long v = 0;
            for (int i = width - 1; i >= 0; i--) {
                v = v << 8 | (bytes[(int) off + i] & 0xff);
            }
            return v;
        }
    }

    /**
     * The start of the token table that ends (with up to 7 bytes of alignment) at {@code x} and
     * whose tokens end exactly where {@code index} says; 0 (never a kernel address) if none.
     */
    static long tokenTable(KernelMemory mem, long x, int[] index) throws IOException {
        int size = index[255] + MAX_TOKEN + 8;
        long start = x - size;
        byte[] b = mem.read(start, size);
        int end = size - 1;
        int pad = 0;
        while (end >= 0 && b[end] == 0 && pad < 8) {
            end--;
            pad++;
        }
        if (pad == 0 || b[end] == 0) {
            return 0;  // the last token's NUL must be followed by at most 7 zero bytes of padding
        }
        int lastNul = end + 1;
        int s = end;
        while (s > 0 && b[s - 1] != 0) {
            s--;
        }
        int tableStart = s - index[255];
        if (tableStart < 0 || align8(start + lastNul + 1) != x) {
            return 0;
        }
        for (int t = 0; t < 256; t++) {
            int ts = tableStart + index[t];
            int te = t < 255 ? tableStart + index[t + 1] - 1 : lastNul;
            if (b[te] != 0) {
                return 0;
            }
            for (int j = ts; j < te; j++) {
                if (b[j] == 0) {
                    return 0;
                }
            }
        }
        return start + tableStart;
    }

    /**
     * kallsyms_markers ending (with up to 4 bytes of padding) at {@code end}: element 0 is the
     * array's address, then the markers themselves (the first 0, increasing, each step at least
     * one entry of 2 bytes per symbol); null if the values there are not markers.
     */
    static long[] markers(Block b, long end, int width) {
        long at = end - width;
        long v = b.get(at, width);
        if (v == 0 && width == 4) {
            at -= 4;  // padding to the next table's 8-byte alignment
            v = b.get(at, width);
        }
        List<Long> back = new ArrayList<>();
        long prev = Long.MAX_VALUE;
        while (v > 0 && (prev == Long.MAX_VALUE || prev - v >= 512 && prev - v <= 256L * (Kallsyms.KSYM_NAME_LEN + 2))
                && back.size() < Kallsyms.MAX_SYMBOLS / 256 + 1) {
            back.add(v);
            prev = v;
            at -= width;
            v = b.get(at, width);
        }
        if (v != 0 || back.isEmpty() || prev < 512) {
            return null;
        }
        long[] out = new long[back.size() + 2];
        out[0] = at;
        out[1] = 0;
        for (int j = 0; j < back.size(); j++) {
            out[j + 2] = back.get(back.size() - 1 - j);
        }
        return out;
    }

    /**
     * The start of kallsyms_names for markers at {@code markersAt}: 8 bytes after a count whose
     * 256-symbol blocks are exactly the markers, and every marker on an entry boundary; 0 if none.
     */
    static long names(KernelMemory mem, long markersAt, long[] markers, int m) throws IOException {
        long lastMarker = markers[m];
        long hi = (markersAt - lastMarker - 2) & ~7L;
        long lo = markersAt - lastMarker - 256L * (Kallsyms.KSYM_NAME_LEN + 2);
        for (long s = hi; s >= lo; s -= 8) {
            long n = mem.u32(s - 8);
            if (n == 0 || (n + 255) / 256 != m) {
                continue;
            }
            if (entriesMatch(mem, s, n, markers, markersAt)) {
                return s;
            }
        }
        return 0;
    }

    /** Walks the entry lengths of n names from {@code s}: each marker on a boundary, the end at the markers. */
    private static boolean entriesMatch(KernelMemory mem, long s, long n, long[] markers, long markersAt) throws IOException {
        int len = (int) (markersAt - s);
        if (len <= 0 || len > Kallsyms.MAX_SYMBOLS * (Kallsyms.KSYM_NAME_LEN + 2)) {
            return false;
        }
        byte[] b = mem.read(s, len);
        int pos = 0;
        for (long i = 0; i < n; i++) {
            if (i % 256 == 0 && pos != markers[(int) (i / 256) + 1]) {
                return false;
            }
            if (pos >= len) {
                return false;
            }
            int l = b[pos++] & 0xff;
            if ((l & 0x80) != 0) {
                if (pos >= len) {
                    return false;
                }
                l = (l & 0x7f) | (b[pos++] & 0xff) << 7;
            }
            if (l == 0) {
                return false;
            }
            pos += l;
        }
        return pos <= len && len - pos < 8;
    }

    private static long read(KernelMemory mem, long at, int width) throws IOException {
        return width == 4 ? mem.u32(at) : mem.u64(at);
    }

    private static long align8(long v) {
        return (v + 7) & ~7L;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }
}
