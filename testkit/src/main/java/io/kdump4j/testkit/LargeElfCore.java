package io.kdump4j.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a large x86_64 ELF core for the save benchmark (bench/save.sh) from a real one, so that
 * makedumpfile and kdump4j both see one kernel's dump of a bigger machine.
 *
 * <p>The source core is copied, and RAM is added from the next memory-section boundary above its
 * last frame up to the requested size, as one more PT_LOAD. The added RAM is made of aligned
 * blocks of {@value #BLOCK} frames (4 MiB, the largest buddy block of a 6.1 kernel, so that free
 * blocks and compound pages stay whole), each a copy of a block of the source's own RAM picked by
 * a fixed hash: page contents and their {@code struct page}s both, so the mix of zero, cache,
 * user, free and kernel pages, and with it the compressibility, is the source's.
 *
 * <p>The added frames get a {@code mem_map} the way a SPARSEMEM_VMEMMAP kernel has one: their
 * {@code struct mem_section} entries are filled in (every present section of a vmemmap kernel
 * encodes the same {@code section_mem_map}, vmemmap itself, so the last present entry is copied),
 * and the kernel's PMD page that maps vmemmap gets 2 MiB entries (flags copied from the last
 * present one) backed by the top of the added RAM, where the copied {@code struct page}s are
 * written. The frames holding those {@code struct page}s are themselves described by copies of
 * the kernel image's (reserved) {@code struct page}s. Without a {@code mem_map}, makedumpfile
 * would cut the dump at the last frame it describes ({@code get_mem_map()} lowers max_mapnr "for
 * the case that Linux uses less memory than is dumped") while kdump4j keeps such frames, and the
 * two tools would not save the same memory.
 *
 * <p>{@code struct page} copies keep their fields, except a tail page's {@code compound_head}
 * (bit 0 set), moved by the distance between the two blocks when its head is in the block. All
 * other pointers still point into the source's memory, which neither tool follows to classify.
 *
 * <p>All-zero pages of contents are left as holes, as in the decompressed fixture cores. Only a
 * little-endian, 4-level x86_64 SPARSEMEM_EXTREME + VMEMMAP core with 4 KiB pages is accepted.
 *
 * <p>Usage: {@code LargeElfCore [SOURCE [OUT [GIB]]]}; defaults: the x86_64 6.1 fixture core,
 * {@code ~/.cache/kdump4j/bench/x86_64-6.1.0-56-amd64-16g.elf}, 16. An existing OUT is kept.
 */
public final class LargeElfCore {
    private static final int PAGE = 4096;
    private static final int PAGE_STRUCT = 64;
    private static final int BLOCK = 1024;
    private static final int EHDR = 64;
    private static final int PHDR = 56;
    private static final int PT_LOAD = 1;
    private static final int PT_NOTE = 4;
    private static final long GIB = 1L << 30;
    private static final long PMD_SIZE = 2L << 20;
    private static final long KERNEL_MAP = 0xffff_ffff_8000_0000L;
    private static final long PTE_PHYS = 0x000f_ffff_ffff_f000L;
    private static final long PMD_PHYS = 0x000f_ffff_ffe0_0000L;
    private static final long PRESENT = 1;
    private static final long PSE = 0x80;
    private static final long SECTION_FLAGS = 0x1f;
    private static final byte[] ZEROS = new byte[PAGE];

    /** A PT_LOAD of the source: physical range and file offset. */
    private record Load(long offset, long vaddr, long paddr, long filesz, long memsz) {
    }

    private final FileChannel in;
    private final List<Load> ram = new ArrayList<>();
    private final Map<String, String> info = new HashMap<>();

    private LargeElfCore(FileChannel in) {
        this.in = in;
    }

    public static void main(String[] args) throws IOException {
        Path source = args.length > 0 ? Path.of(args[0]) : Fixtures.elfCore("x86_64-6.1.0-56-amd64/sysrq-elf");
        Path out = args.length > 1 ? Path.of(args[1])
                : Fixtures.cache().resolve("bench").resolve("x86_64-6.1.0-56-amd64-16g.elf");
        long gib = args.length > 2 ? Long.parseLong(args[2]) : 16;
        if (!Files.exists(out)) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            build(source, out, gib * GIB);
        }
        System.out.println(out);
    }

    /**
     * Writes {@code out}: {@code source} plus RAM up to physical address {@code end}. Written to a
     * temporary name and renamed when whole.
     */
    public static void build(Path source, Path out, long end) throws IOException {
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel dst = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            new LargeElfCore(in).write(source, dst, end);
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void write(Path source, FileChannel dst, long end) throws IOException {
        ByteBuffer eh = read(0, EHDR);
        if (eh.getInt(0) != 0x464c457f || eh.get(4) != 2 || eh.get(5) != 1 || eh.getShort(16) != 4
                || eh.getShort(18) != 62) {
            throw new IOException(source + ": not a little-endian x86_64 ELF64 core");
        }
        long phoff = eh.getLong(32);
        int phnum = Short.toUnsignedInt(eh.getShort(56));
        ByteBuffer ph = read(phoff, phnum * PHDR);
        long firstData = in.size();
        List<Load> loads = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int b = i * PHDR;
            long off = ph.getLong(b + 8);
            long filesz = ph.getLong(b + 32);
            if (filesz > 0) {
                firstData = Math.min(firstData, off);
            }
            if (ph.getInt(b) == PT_NOTE) {
                readVmcoreinfo(off, filesz);
            } else if (ph.getInt(b) == PT_LOAD) {
                loads.add(new Load(off, ph.getLong(b + 16), ph.getLong(b + 24), filesz, ph.getLong(b + 40)));
            }
        }
        if (phoff + (long) (phnum + 1) * PHDR > firstData) {
            throw new IOException(source + ": no room for one more program header before the data");
        }
        // The kernel-text PT_LOAD repeats part of the direct map: RAM is the PT_LOADs not inside another.
        for (Load l : loads) {
            boolean inside = loads.stream().anyMatch(o -> o != l && o.paddr() <= l.paddr()
                    && l.paddr() + l.filesz() <= o.paddr() + o.filesz() && o.filesz() > l.filesz());
            if (!inside) {
                ram.add(l);
            }
        }
        Load biggest = ram.stream().max((a, b) -> Long.compare(a.filesz(), b.filesz())).orElseThrow();
        long pageOffset = biggest.vaddr() - biggest.paddr();
        long maxEnd = loads.stream().mapToLong(l -> l.paddr() + l.memsz()).max().orElseThrow();

        long sectionPages = 1L << (number("NUMBER(SECTION_SIZE_BITS)") - 12);
        long sectionBytes = sectionPages * PAGE;
        if (!"4096".equals(info.get("PAGESIZE")) || number("SIZE(page)") != PAGE_STRUCT
                || number("OFFSET(mem_section.section_mem_map)") != 0
                || !"0".equals(info.getOrDefault("NUMBER(pgtable_l5_enabled)", "0"))) {
            throw new IOException(source + ": only 4 KiB pages, 64-byte struct page, 4-level paging are supported");
        }
        long start = (maxEnd + sectionBytes - 1) / sectionBytes * sectionBytes;
        end = end / sectionBytes * sectionBytes;
        long sizeofSection = number("SIZE(mem_section)");
        long perRoot = PAGE / sizeofSection;
        long firstSection = start / sectionBytes;
        long lastSection = end / sectionBytes;
        if (end <= start || lastSection > perRoot) {
            throw new IOException(source + ": the added RAM must end above " + start + " and within the first "
                    + "mem_section root (" + perRoot * sectionBytes + " bytes)");
        }

        // mem_section (SPARSEMEM_EXTREME): VMCOREINFO gives the root array; root 0 holds the first sections.
        long rootArray = hex("SYMBOL(mem_section)") - pageOffset;
        long root0 = readLong(rootArray) - pageOffset;
        long lastEntry = readLong(root0 + (firstSection - 1) * sizeofSection);
        long vmemmap = lastEntry & ~SECTION_FLAGS;
        if ((lastEntry & PRESENT) == 0 || readLong(root0) != lastEntry) {
            throw new IOException(source + ": the sections below the added RAM do not encode one vmemmap");
        }
        for (long s = firstSection; s < lastSection; s++) {
            if (readLong(root0 + s * sizeofSection) != 0) {
                throw new IOException(source + ": section " + s + " is already in use");
            }
        }
        // The PMD page mapping the added RAM's struct pages: the one mapping the last present section's.
        long pgd = hex("SYMBOL(init_top_pgt)") - KERNEL_MAP + Long.parseLong(info.get("NUMBER(phys_base)"));
        long lastVa = vmemmap + (firstSection * sectionPages - 1) * PAGE_STRUCT;
        long pmdPage = tableOf(pgd, lastVa);
        long lastPmd = readLong(pmdPage + ((lastVa >>> 21) & 511) * 8);
        if ((lastPmd & PSE) == 0 || (vmemmap & (GIB - 1)) != 0 || sectionPages * PAGE_STRUCT != PMD_SIZE
                || lastSection * PMD_SIZE > GIB) {
            throw new IOException(source + ": vmemmap is not mapped by 2 MiB pages of one PMD page");
        }

        long pages = (end - start) / PAGE;
        long memmapBytes = pages * PAGE_STRUCT;
        long memmapAt = end - memmapBytes;
        long dataAt = (in.size() + PAGE - 1) / PAGE * PAGE;
        copySparse(dst);
        ByteBuffer added = le(PHDR).putInt(PT_LOAD).putInt(7).putLong(dataAt).putLong(pageOffset + start)
                .putLong(start).putLong(end - start).putLong(end - start).putLong(0).flip();
        write(dst, phoff + (long) phnum * PHDR, added);
        write(dst, 56, le(2).putShort((short) (phnum + 1)).flip());
        for (long s = firstSection; s < lastSection; s++) {
            write(dst, fileOffset(root0 + s * sizeofSection), le(8).putLong(lastEntry).flip());
            long pmd = (lastPmd & ~PMD_PHYS) | (memmapAt + (s - firstSection) * PMD_SIZE);
            write(dst, fileOffset(pmdPage + s * 8), le(8).putLong(pmd).flip());
        }

        List<Long> pool = new ArrayList<>();
        for (Load l : ram) {
            long p = l.paddr();
            long first = (p + (long) BLOCK * PAGE - 1) / ((long) BLOCK * PAGE) * BLOCK;
            for (long b = first; (b + BLOCK) * PAGE <= l.paddr() + l.filesz(); b += BLOCK) {
                pool.add(b);
            }
        }
        long reserved = (hex("SYMBOL(_stext)") - KERNEL_MAP + Long.parseLong(info.get("NUMBER(phys_base)")))
                / PAGE / BLOCK * BLOCK;
        Blocks out = new Blocks(dst, dataAt, start, memmapAt, vmemmap, pgd);
        for (long b = start / PAGE, i = 0; b < end / PAGE; b += BLOCK, i++) {
            boolean memmap = b * PAGE >= memmapAt;
            long from = memmap ? reserved : pool.get((int) Long.remainderUnsigned(mix(i), pool.size()));
            out.copy(from, b, !memmap);
        }
        out.flush();
        dst.truncate(dataAt + (end - start));
        if (dst.size() < dataAt + (end - start)) {
            write(dst, dataAt + (end - start) - 1, ByteBuffer.allocate(1));
        }
    }

    /** Writes copied blocks: contents (runs of non-zero pages in one write) and struct pages. */
    private final class Blocks {
        private final FileChannel dst;
        private final long dataAt;
        private final long start;
        private final long memmapAt;
        private final long vmemmap;
        private final long pgd;
        private final ByteBuffer run = ByteBuffer.allocate(BLOCK * PAGE);
        private long runStart;

        Blocks(FileChannel dst, long dataAt, long start, long memmapAt, long vmemmap, long pgd) {
            this.dst = dst;
            this.dataAt = dataAt;
            this.start = start;
            this.memmapAt = memmapAt;
            this.vmemmap = vmemmap;
            this.pgd = pgd;
        }

        void copy(long from, long to, boolean contents) throws IOException {
            ByteBuffer pages = le(BLOCK * PAGE_STRUCT);
            readVirtual(vmemmap + from * PAGE_STRUCT, pages);
            long lo = vmemmap + from * PAGE_STRUCT;
            long hi = lo + (long) BLOCK * PAGE_STRUCT;
            long shift = (to - from) * PAGE_STRUCT;
            for (int k = 0; k < BLOCK; k++) {
                long head = pages.getLong(k * PAGE_STRUCT + 8);
                if ((head & 1) != 0 && head - 1 >= lo && head - 1 < hi) {
                    pages.putLong(k * PAGE_STRUCT + 8, head + shift);
                }
            }
            write(dst, dataAt + memmapAt - start + (to * PAGE - start) / PAGE * PAGE_STRUCT, pages.clear());
            if (!contents) {
                return;
            }
            ByteBuffer page = ByteBuffer.allocate(PAGE);
            for (int k = 0; k < BLOCK; k++) {
                page.clear();
                readFully(fileOffset((from + k) * PAGE), page);
                boolean zero = Arrays.equals(page.array(), ZEROS);
                if (run.position() > 0 && (zero || !run.hasRemaining()
                        || runStart + run.position() != dataAt + (to + k) * PAGE - start)) {
                    flush();
                }
                if (!zero) {
                    if (run.position() == 0) {
                        runStart = dataAt + (to + k) * PAGE - start;
                    }
                    run.put(page.array());
                }
            }
        }

        void flush() throws IOException {
            if (run.position() > 0) {
                write(dst, runStart, run.flip());
                run.clear();
            }
        }

        /** Reads kernel-virtual memory of the source through its page tables. */
        private void readVirtual(long va, ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                long pa = translate(pgd, va + b.position());
                int n = (int) Math.min(b.remaining(), PAGE - (pa & (PAGE - 1)));
                int lim = b.limit();
                b.limit(b.position() + n);
                readFully(fileOffset(pa), b);
                b.limit(lim);
            }
        }
    }

    /** The physical address of the page-table page at the PMD level that maps {@code va}. */
    private long tableOf(long pgd, long va) throws IOException {
        long pgdE = readLong(pgd + ((va >>> 39) & 511) * 8);
        long pudE = readLong((pgdE & PTE_PHYS) + ((va >>> 30) & 511) * 8);
        if ((pgdE & PRESENT) == 0 || (pudE & PRESENT) == 0 || (pudE & PSE) != 0) {
            throw new IOException("no PMD page maps " + Long.toHexString(va));
        }
        return pudE & PTE_PHYS;
    }

    /** A 4-level x86_64 page walk (1 GiB and 2 MiB pages included). */
    private long translate(long pgd, long va) throws IOException {
        long e = readLong(pgd + ((va >>> 39) & 511) * 8);
        long[] shifts = {30, 21, 12};
        for (long shift : shifts) {
            if ((e & PRESENT) == 0) {
                throw new IOException("not mapped: " + Long.toHexString(va));
            }
            e = readLong((e & PTE_PHYS) + ((va >>> shift) & 511) * 8);
            if ((e & PRESENT) != 0 && shift != 12 && (e & PSE) != 0) {
                long size = 1L << shift;
                return (e & PTE_PHYS & ~(size - 1)) | (va & (size - 1));
            }
        }
        if ((e & PRESENT) == 0) {
            throw new IOException("not mapped: " + Long.toHexString(va));
        }
        return (e & PTE_PHYS) | (va & (PAGE - 1));
    }

    private void readVmcoreinfo(long off, long size) throws IOException {
        ByteBuffer notes = read(off, (int) size);
        int at = 0;
        while (at + 12 <= size) {
            int namesz = notes.getInt(at);
            int descsz = notes.getInt(at + 4);
            int desc = at + 12 + ((namesz + 3) & ~3);
            String name = new String(notes.array(), at + 12, Math.max(0, namesz - 1), StandardCharsets.ISO_8859_1);
            if (name.equals("VMCOREINFO")) {
                for (String line : new String(notes.array(), desc, descsz, StandardCharsets.ISO_8859_1).split("\n")) {
                    int eq = line.indexOf('=');
                    if (eq > 0) {
                        info.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
                    }
                }
            }
            at = desc + ((descsz + 3) & ~3);
        }
    }

    private long number(String key) throws IOException {
        String v = info.get(key);
        if (v == null) {
            throw new IOException("VMCOREINFO has no " + key);
        }
        return Long.parseLong(v);
    }

    private long hex(String key) throws IOException {
        String v = info.get(key);
        if (v == null) {
            throw new IOException("VMCOREINFO has no " + key);
        }
        return Long.parseUnsignedLong(v, 16);
    }

    private long fileOffset(long paddr) throws IOException {
        for (Load l : ram) {
            if (paddr >= l.paddr() && paddr < l.paddr() + l.filesz()) {
                return l.offset() + (paddr - l.paddr());
            }
        }
        throw new IOException("physical address " + Long.toHexString(paddr) + " is not in the source");
    }

    private long readLong(long paddr) throws IOException {
        ByteBuffer b = le(8);
        readFully(fileOffset(paddr), b);
        return b.getLong(0);
    }

    /** Copies the source, leaving its all-zero pages as holes. */
    private void copySparse(FileChannel dst) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(PAGE);
        for (long at = 0, size = in.size(); at < size; at += PAGE) {
            buf.clear().limit((int) Math.min(PAGE, size - at));
            readFully(at, buf);
            if (Arrays.mismatch(buf.array(), 0, buf.limit(), ZEROS, 0, buf.limit()) >= 0) {
                write(dst, at, buf.flip());
            }
        }
    }

    /** splitmix64's finaliser: a fixed, well-spread choice of source block. */
    private static long mix(long i) {
        long z = i * 0x9e3779b97f4a7c15L + 0x632be59bd9b4e019L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private ByteBuffer read(long at, int len) throws IOException {
        ByteBuffer b = le(len);
        readFully(at, b);
        return b;
    }

    private void readFully(long at, ByteBuffer b) throws IOException {
        long base = at - b.position();
        while (b.hasRemaining()) {
            if (in.read(b, base + b.position()) < 0) {
                throw new IOException("unexpected end of the source at " + (base + b.position()));
            }
        }
    }

    private static void write(FileChannel dst, long at, ByteBuffer b) throws IOException {
        long base = at - b.position();
        while (b.hasRemaining()) {
            dst.write(b, base + b.position());
        }
    }
}
