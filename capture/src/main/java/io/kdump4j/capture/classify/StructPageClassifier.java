package io.kdump4j.capture.classify;

import io.kdump4j.capture.PageClass;
import io.kdump4j.capture.PageClassifier;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.KernelMemory;
import io.kdump4j.kernel.Vmcoreinfo;
import io.kdump4j.kernel.helpers.mm.MemMap;
import io.kdump4j.kernel.helpers.mm.PageLayout;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * Classifies page frames from the crashed kernel's {@code struct page} array, with
 * makedumpfile's rules ({@code __exclude_unnecessary_pages()}), first match wins:
 * <ol>
 *   <li>a compound tail page takes the class of its head when the head's class covers it
 *   ({@code 1 << order} frames), else it is kept;</li>
 *   <li>a free buddy block (page type Buddy, not slab): {@code 1 << page.private} frames are
 *   {@link PageClass#FREE}; an unaccepted page (a confidential guest's memory not yet accepted)
 *   frees a whole {@code MAX_ORDER} block;</li>
 *   <li>page cache (LRU, or swap cache) that is not anonymous: {@link PageClass#CACHE_PRIVATE}
 *   with {@code PG_private}, else {@link PageClass#CACHE};</li>
 *   <li>anonymous (mapping bit 0, and not a slab page) or a hugetlb head: {@link PageClass#USER};</li>
 *   <li>{@code PG_hwpoison}: {@link PageClass#HWPOISON}; page type Offline: {@link PageClass#OFFLINE};</li>
 *   <li>everything else is {@link PageClass#KEPT}.</li>
 * </ol>
 * A head's class covers its whole compound page ({@code 1 << order} frames), like
 * makedumpfile's {@code exclude_range()}. One class per frame serves every dump level: the
 * tests are disjoint but for the order above, which is makedumpfile's order at level 31, and a
 * class a level does not exclude leaves the frame in (as makedumpfile, which then finds a
 * tail or an unremarkable page).
 *
 * <p>Memory is bounded: frames are classified in aligned chunks of {@link #chunkPfns()} frames
 * (at least as large as the largest buddy block, so a free block never crosses a chunk; a
 * compound page that does is found again from its tail's {@code compound_head} or
 * {@code compound_info}, {@link PageLayout#compoundHead}), reading the
 * chunk's struct pages in virtual reads of {@value #READ_BYTES} bytes into one buffer (1 MiB for
 * 64-byte struct pages). Only the last chunk is kept. Struct pages the dump lacks leave their
 * frames {@link PageClass#KEPT} and are counted ({@link #unreadableFrames()}).
 *
 * <p>Thread-safe (one lock); deterministic, so the saver's two passes get the same answers.
 */
public final class StructPageClassifier implements PageClassifier {
    /** Bytes of struct page per virtual read. */
    static final int READ_BYTES = 64 << 10;
    private static final int MIN_CHUNK_PFNS = 1 << 14;
    /** The largest compound page looked for behind a tail (2^24 frames: 64 GiB of 4 KiB pages). */
    private static final long MAX_COMPOUND_PFNS = 1L << 24;
    private static final PageClass[] CLASSES = PageClass.values();

    private final String source;
    private final KernelMemory memory;
    private final PageLayout layout;
    private final MemMap memMap;
    private final ByteOrder order;
    private final int chunkPfns;
    private final byte[] pages;
    private final byte[] classes;
    private final byte[] headPages;
    private long chunkStart = -1;
    private long unreadable;

    /** Result of {@link #classifyOne}: the class and the frames it covers. */
    private PageClass oneClass;
    private long oneFrames;

    /** Classifies one head or single page with {@link PageRules} into {@link #oneClass} and {@link #oneFrames}. */
    private void classifyOne(byte[] buf, int off, boolean next, long pfn) {
        long r = PageRules.classify(layout, order, buf, off, next, pfn);
        oneClass = PageRules.pageClass(r);
        oneFrames = PageRules.frames(r);
    }

    private StructPageClassifier(String source, KernelMemory memory, PageLayout layout, MemMap memMap) {
        this.source = source;
        this.memory = memory;
        this.layout = layout;
        this.memMap = memMap;
        this.order = memory.arch().byteOrder();
        this.chunkPfns = Math.max(MIN_CHUNK_PFNS, 1 << (layout.freeAreaOrders() - 1));
        this.pages = new byte[chunkPfns * layout.size()];
        this.classes = new byte[chunkPfns];
        this.headPages = new byte[2 * layout.size()];
    }

    /**
     * Builds the classifier of a kernel dump.
     *
     * @throws DumpFormatException when VMCOREINFO does not locate or describe the struct page
     *     array (the message says which key is missing or wrong)
     */
    public static StructPageClassifier open(KernelDump kernel) throws IOException {
        return open(kernel.dump().name(), kernel.vmcoreinfo(), kernel.memory(), kernel.dump().memory().maxPfn());
    }

    /** The classifier of {@code memory} as {@code vi} describes it (tests give it damaged VMCOREINFO). */
    static StructPageClassifier open(String source, Vmcoreinfo vi, KernelMemory memory, long maxPfn)
            throws IOException {
        PageLayout layout = PageLayout.from(source, vi);
        MemMap map = MemMap.read(source, vi, memory, layout.size(), maxPfn);
        return new StructPageClassifier(source, memory, layout, map);
    }

    /** What this kernel's VMCOREINFO does not tell, and so which classes are never found (empty when all are). */
    public List<String> limitations() {
        return layout.limitations();
    }

    /** Frames kept because their struct page could not be read from the dump. */
    public synchronized long unreadableFrames() {
        return unreadable;
    }

    /** Frames classified at once. */
    public int chunkPfns() {
        return chunkPfns;
    }

    @Override
    public synchronized PageClass classify(long pfn) throws IOException {
        if (pfn < 0) {
            throw new IllegalArgumentException("negative pfn " + pfn);
        }
        long start = pfn - pfn % chunkPfns;
        if (start != chunkStart) {
            fill(start);
        }
        return CLASSES[classes[(int) (pfn - start)]];
    }

    /** Classifies the frames {@code [start, start + chunkPfns)}. */
    private void fill(long start) throws IOException {
        chunkStart = -1;
        Arrays.fill(classes, (byte) PageClass.KEPT.ordinal());
        long end = start + chunkPfns;
        int size = layout.size();
        long rangeEnd = start;
        PageClass rangeClass = PageClass.KEPT;
        long pfn = start;
        while (pfn < end) {
            if (!memMap.has(pfn)) {
                pfn = Math.min(end, (pfn / memMap.sectionPfns() + 1) * memMap.sectionPfns());
                continue;
            }
            long runEnd = Math.min(end, (pfn / memMap.sectionPfns() + 1) * memMap.sectionPfns());
            boolean[] readable = readRun(start, pfn, runEnd);
            for (long p = pfn; p < runEnd; p++) {
                int i = (int) (p - start);
                if (p < rangeEnd) {
                    classes[i] = (byte) rangeClass.ordinal();
                    continue;
                }
                if (!readable[(int) ((p - start) * size / READ_BYTES)]) {
                    continue;
                }
                int off = i * size;
                long chead = layout.compoundInfo(pages, off, order);
                if ((chead & 1) != 0) {
                    PageClass c = tail(p, layout.compoundHead(chead, memMap.address(p)), start);
                    classes[i] = (byte) c.ordinal();
                    continue;
                }
                boolean next = p + 1 < runEnd && readable[(int) ((p + 1 - start) * size / READ_BYTES)];
                classifyOne(pages, off, next, p);
                classes[i] = (byte) oneClass.ordinal();
                if (oneFrames > 1 && oneClass != PageClass.KEPT) {
                    rangeEnd = p + oneFrames;
                    rangeClass = oneClass;
                }
            }
            pfn = runEnd;
        }
        chunkStart = start;
    }

    /** Reads the struct pages of {@code [from, to)} into {@link #pages}; returns which reads succeeded. */
    private boolean[] readRun(long chunk, long from, long to) throws IOException {
        int size = layout.size();
        int offFrom = (int) ((from - chunk) * size);
        int offTo = (int) ((to - chunk) * size);
        boolean[] ok = new boolean[Math.ceilDiv(pages.length, READ_BYTES)];
        long addr = memMap.address(from);
        for (int off = offFrom; off < offTo; ) {
            int n = Math.min(offTo - off, READ_BYTES - off % READ_BYTES);
            try {
                memory.readVirtual(addr + (off - offFrom), pages, off, n);
                ok[off / READ_BYTES] = true;
            } catch (MemoryFault f) {
                // The mem_map page is not in the dump (re-filtering a dump whose saver dropped it,
                // or a hole): keep the frames rather than guess.
                unreadable += Math.ceilDiv(n, size);
            } catch (DumpFormatException e) {
                throw new DumpFormatException(source, e.offset(), "struct page array at 0x"
                        + Long.toHexString(addr + (off - offFrom)) + ": " + e.problem(), e);
            }
            off += n;
        }
        return ok;
    }

    /**
     * A tail page whose head's class did not already cover it in this chunk: its head lies in an
     * earlier chunk (a compound page larger than a chunk) or was kept.
     */
    private PageClass tail(long pfn, long headAddr, long chunk) throws IOException {
        long head = memMap.pfnOf(headAddr, pfn);
        if (head < 0 || head > pfn || pfn - head >= MAX_COMPOUND_PFNS || head >= chunk || !memMap.has(head)) {
            return PageClass.KEPT;
        }
        try {
            memory.readVirtual(memMap.address(head), headPages, 0, headPages.length);
        } catch (MemoryFault f) {
            return PageClass.KEPT;
        }
        classifyOne(headPages, 0, true, head);
        return head + oneFrames > pfn ? oneClass : PageClass.KEPT;
    }

}
