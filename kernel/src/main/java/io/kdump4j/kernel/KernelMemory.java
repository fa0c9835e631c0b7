package io.kdump4j.kernel;

import io.kdump4j.format.io.Bytes;
import io.kdump4j.format.mem.AddressSpace;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.format.mem.PhysicalMemory;
import io.kdump4j.kernel.arch.Arch;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kernel virtual and physical memory of one dump. Virtual reads are split at page boundaries
 * (neighbouring virtual pages need not be neighbours in physical memory) and each page is
 * translated by the {@link Arch}. Translations of recent pages are cached per instance (a small
 * bounded LRU, like a TLB), never in statics, so two dumps can be open at once.
 *
 * <p>Faults: a page-table miss is {@link MemoryFault} VIRTUAL {@code NOT_MAPPED} naming the
 * level; a translated page that the dump lacks (filtered, not saved, lost) is a VIRTUAL fault
 * with the physical fault's reason and the physical address in the detail.
 */
public final class KernelMemory {
    private static final int TLB_ENTRIES = 4096;

    private final PhysicalMemory physical;
    private final Arch arch;
    private final ByteOrder order;
    private final int pageSize;
    private final long pageMask;
    private final Map<Long, Long> tlb = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > TLB_ENTRIES;
        }
    };
    private final byte[] scratch = new byte[8];
    private final byte[] entry = new byte[8];

    KernelMemory(PhysicalMemory physical, Arch arch) {
        this.physical = physical;
        this.arch = arch;
        this.order = arch.byteOrder();
        this.pageSize = arch.pageSize();
        this.pageMask = pageSize - 1L;
    }

    public Arch arch() {
        return arch;
    }

    public PhysicalMemory physical() {
        return physical;
    }

    /** Translates a kernel virtual address: the architecture's formula where it applies, else a page-table walk. */
    public synchronized long virtToPhys(long vaddr) throws IOException {
        long page = vaddr & ~pageMask;
        Long cached = tlb.get(page);
        if (cached != null) {
            return cached | (vaddr & pageMask);
        }
        long paddr;
        try {
            paddr = arch.virtToPhys(vaddr, this::tableEntry);
        } catch (MemoryFault f) {
            if (f.space() == AddressSpace.PHYSICAL) {
                throw new MemoryFault(vaddr, AddressSpace.VIRTUAL, f.reason(),
                        "its page table at physical 0x" + Long.toHexString(f.address()) + " is " + f.reason().text());
            }
            throw f;
        }
        tlb.put(page, paddr & ~pageMask);
        return paddr;
    }

    /** Page-table walk only, bypassing the formulas and the cache (for checks and tests). */
    public synchronized long walk(long vaddr) throws IOException {
        return arch.walk(vaddr, this::tableEntry);
    }

    private long tableEntry(long paddr) throws IOException {
        physical.read(paddr, entry, 0, 8);
        return Bytes.s64(entry, 0, order);
    }

    public void readPhysical(long paddr, byte[] dst, int off, int len) throws IOException {
        physical.read(paddr, dst, off, len);
    }

    public synchronized void readVirtual(long vaddr, byte[] dst, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        int done = 0;
        while (done < len) {
            long va = vaddr + done;
            int n = (int) Math.min(len - done, pageSize - (va & pageMask));
            long pa = virtToPhys(va);
            try {
                physical.read(pa, dst, off + done, n);
            } catch (MemoryFault f) {
                throw new MemoryFault(va, AddressSpace.VIRTUAL, f.reason(),
                        "physical 0x" + Long.toHexString(f.address()));
            }
            done += n;
        }
    }

    /** Reads {@code len} bytes at {@code vaddr} into a new array. */
    public byte[] read(long vaddr, int len) throws IOException {
        if (len < 0) {
            throw new IllegalArgumentException("negative length " + len);
        }
        byte[] b = new byte[len];
        readVirtual(vaddr, b, 0, len);
        return b;
    }

    public synchronized int u8(long vaddr) throws IOException {
        readVirtual(vaddr, scratch, 0, 1);
        return scratch[0] & 0xff;
    }

    public synchronized int u16(long vaddr) throws IOException {
        readVirtual(vaddr, scratch, 0, 2);
        return Bytes.u16(scratch, 0, order);
    }

    public synchronized long u32(long vaddr) throws IOException {
        readVirtual(vaddr, scratch, 0, 4);
        return Bytes.s32(scratch, 0, order) & 0xffff_ffffL;
    }

    public synchronized long u64(long vaddr) throws IOException {
        readVirtual(vaddr, scratch, 0, 8);
        return Bytes.s64(scratch, 0, order);
    }

    /** A kernel pointer, with the architecture's tag bits removed ({@link Arch#stripPointer(long)}). */
    public long pointer(long vaddr) throws IOException {
        return arch.stripPointer(u64(vaddr));
    }

    /**
     * A NUL-terminated string of at most {@code max} bytes (Latin-1, so every byte maps to one
     * char). Reads page by page, so a string that ends before an unreadable page is returned.
     */
    public String cString(long vaddr, int max) throws IOException {
        StringBuilder sb = new StringBuilder();
        long va = vaddr;
        while (sb.length() < max) {
            int n = (int) Math.min(max - sb.length(), pageSize - (va & pageMask));
            byte[] b = read(va, n);
            for (int i = 0; i < n; i++) {
                if (b[i] == 0) {
                    return sb.toString();
                }
                sb.append((char) (b[i] & 0xff));
            }
            va += n;
        }
        return sb.toString();
    }

    /** Decodes a fixed C char array's bytes up to its first NUL. */
    static String cString(byte[] b, int off, int max) {
        int end = off;
        while (end < off + max && end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.ISO_8859_1);
    }
}
