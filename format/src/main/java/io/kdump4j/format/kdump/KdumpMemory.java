package io.kdump4j.format.kdump;

import io.kdump4j.format.codec.PageCodec;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.mem.AddressSpace;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.format.mem.PhysicalMemory;
import java.io.IOException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;

/**
 * Physical memory of a kdump-compressed dump (one file, or the parts of a split set), page by
 * page through the page descriptors, with a small LRU cache of decoded pages.
 *
 * <p>The unit is the file's {@code block_size}: PFN n covers physical addresses
 * {@code [n * block_size, (n+1) * block_size)}. makedumpfile writes block_size = page size, but
 * QEMU's {@code dump-guest-memory} writes its own target page size (65536 for arm64, whatever
 * the guest's 4 KiB granule), so {@link #pageSize()} is the block size and reads of any length
 * and alignment are split on block boundaries.
 *
 * <p>Why a page cannot be read: its PFN is in the 2nd bitmap but its descriptor's offset is 0
 * (or lies past the end) in a dump marked incomplete: {@link MemoryFault.Reason#LOST}; in the
 * 1st bitmap only: {@link MemoryFault.Reason#EXCLUDED}; in neither, or in no part of a split
 * set: {@link MemoryFault.Reason#NOT_IN_DUMP}.
 *
 * <p>Thread safety: reads are serialised on this object (the codecs keep state, and the cache
 * is shared); decoding one page is microseconds, which is fine for an analyser.
 */
final class KdumpMemory implements PhysicalMemory {
    static final int CACHE_PAGES = 128;

    private final List<KdumpPart> parts;
    private final int blockSize;
    private final long maxPfn;
    private final boolean incomplete;
    private final long present;
    private final long excluded;
    private final Map<PageCodec.Kind, PageCodec> codecs = new EnumMap<>(PageCodec.Kind.class);
    private final LinkedHashMap<Long, byte[]> cache = new LinkedHashMap<>(CACHE_PAGES * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > CACHE_PAGES;
        }
    };

    KdumpMemory(List<KdumpPart> parts) throws IOException {
        this.parts = List.copyOf(parts);
        KdumpPart first = parts.get(0);
        this.blockSize = first.header.blockSize();
        this.maxPfn = first.sub.maxMapnr();
        this.incomplete = parts.stream().anyMatch(p -> p.header.incomplete());
        long pres = 0;
        long excl = 0;
        for (KdumpPart p : parts) {
            pres += p.pagesDumped();
            excl += p.pagesExcluded();
        }
        this.present = pres;
        this.excluded = excl;
    }

    @Override
    public int pageSize() {
        return blockSize;
    }

    @Override
    public long maxPfn() {
        return maxPfn;
    }

    @Override
    public long pagesPresent() {
        return present;
    }

    @Override
    public long pagesExcluded() {
        return excluded;
    }

    /** The number of decoded pages held in the cache (for tests). */
    synchronized int cachedPages() {
        return cache.size();
    }

    private KdumpPart owner(long pfn) {
        for (KdumpPart p : parts) {
            if (p.covers(pfn)) {
                return p;
            }
        }
        return null;
    }

    @Override
    public synchronized PageState state(long pfn) {
        try {
            KdumpPart p = owner(pfn);
            if (p == null) {
                return PageState.ABSENT;
            }
            if (p.dumped.get(pfn)) {
                if (incomplete) {
                    PageDesc d = p.desc(pfn);
                    if (d == null || d.offset() == 0) {
                        return PageState.LOST;
                    }
                }
                return PageState.PRESENT;
            }
            return p.ram.get(pfn) ? PageState.EXCLUDED : PageState.ABSENT;
        } catch (IOException e) {
            // The bitmaps were range-checked at open; a descriptor beyond the end of a complete
            // dump is already a format error there. What remains unreadable is not in the dump.
            return PageState.ABSENT;
        }
    }

    @Override
    public synchronized void read(long paddr, byte[] dst, int dstOffset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(dstOffset, length, dst.length);
        long pos = paddr;
        int done = 0;
        while (done < length) {
            if (pos < 0) {
                throw new MemoryFault(pos, AddressSpace.PHYSICAL, MemoryFault.Reason.NOT_IN_DUMP,
                        "beyond the " + maxPfn + " page frames the dump describes");
            }
            long pfn = pos / blockSize;
            int inPage = (int) (pos % blockSize);
            int n = Math.min(length - done, blockSize - inPage);
            byte[] page = page(pfn, pos);
            System.arraycopy(page, inPage, dst, dstOffset + done, n);
            done += n;
            pos += n;
        }
    }

    private byte[] page(long pfn, long faultAddress) throws IOException {
        byte[] cached = cache.get(pfn);
        if (cached != null) {
            return cached;
        }
        KdumpPart p = owner(pfn);
        if (p == null) {
            throw new MemoryFault(faultAddress, AddressSpace.PHYSICAL, MemoryFault.Reason.NOT_IN_DUMP,
                    pfn >= maxPfn ? "beyond the " + maxPfn + " page frames the dump describes"
                            : "PFN 0x" + Long.toHexString(pfn) + " is in no part of the split dump");
        }
        if (!p.dumped.get(pfn)) {
            throw new MemoryFault(faultAddress, AddressSpace.PHYSICAL,
                    p.ram.get(pfn) ? MemoryFault.Reason.EXCLUDED : MemoryFault.Reason.NOT_IN_DUMP);
        }
        PageDesc d = p.desc(pfn);
        if (d == null || (d.offset() == 0 && p.header.incomplete())) {
            throw new MemoryFault(faultAddress, AddressSpace.PHYSICAL, MemoryFault.Reason.LOST);
        }
        byte[] page = decode(p, pfn, d, faultAddress);
        cache.put(pfn, page);
        return page;
    }

    private byte[] decode(KdumpPart p, long pfn, PageDesc d, long faultAddress) throws IOException {
        String name = p.src.name();
        long descAt = p.descOffset(pfn);
        PageCodec.Kind kind = PageCodec.Kind.fromFlags(d.flags());
        if (kind == null && d.flags() != 0) {
            throw new DumpFormatException(name, descAt + 12, "page descriptor of PFN 0x" + Long.toHexString(pfn)
                    + " has flags 0x" + Integer.toHexString(d.flags()) + ", which name no known compression");
        }
        boolean sizeOk = kind == null ? d.size() == blockSize : d.size() > 0 && d.size() <= blockSize;
        if (!sizeOk) {
            throw new DumpFormatException(name, descAt + 8, "page descriptor of PFN 0x" + Long.toHexString(pfn)
                    + " says " + d.size() + " bytes of " + (kind == null ? "raw" : kind.id()) + " data; expected "
                    + (kind == null ? "exactly" : "1 to") + " " + blockSize + " (the block size)");
        }
        if (d.offset() < p.descBase && !p.header.incomplete()) {
            throw new DumpFormatException(name, descAt, "page descriptor of PFN 0x" + Long.toHexString(pfn)
                    + " places its data at offset " + d.offset() + ", inside the headers (page data starts after "
                    + p.descBase + ")");
        }
        if (d.offset() < 0 || d.offset() > p.src.size() - d.size()) {
            if (p.header.incomplete()) {
                throw new MemoryFault(faultAddress, AddressSpace.PHYSICAL, MemoryFault.Reason.LOST,
                        "its data lies past the end of the incomplete file");
            }
            throw new DumpFormatException(name, descAt, "page descriptor of PFN 0x" + Long.toHexString(pfn)
                    + " places " + d.size() + " bytes at offset " + d.offset() + ", but the file ends at "
                    + p.src.size() + " (truncated?)");
        }
        byte[] stored = p.src.read(d.offset(), (int) d.size(), "page data of PFN 0x" + Long.toHexString(pfn));
        if (kind == null) {
            return stored;
        }
        byte[] page = new byte[blockSize];
        try {
            codecs.computeIfAbsent(kind, PageCodec::create).decompress(stored, 0, stored.length, page, 0, blockSize);
        } catch (DataFormatException e) {
            throw new DumpFormatException(name, d.offset(), "page data of PFN 0x" + Long.toHexString(pfn) + ": "
                    + e.getMessage(), e);
        }
        return page;
    }
}
