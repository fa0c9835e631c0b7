package io.kdump4j.capture.classify;

import io.kdump4j.capture.PageClass;
import io.kdump4j.kernel.helpers.mm.PageLayout;
import java.nio.ByteOrder;

/**
 * makedumpfile's rules for one {@code struct page} (its {@code __exclude_unnecessary_pages()}
 * loop body), as a pure function of the page's bytes and the kernel's {@link PageLayout}. The
 * decoding of the page (flags, page types, compound heads, hugetlb) is the kernel layer's
 * ({@code kernel.helpers.mm}); what is kept here is makedumpfile's policy: the order of the
 * tests, the alignment rule for compound pages, an impossible buddy order keeping the page. See
 * {@link StructPageClassifier} for the order of the tests. Compound tails are the caller's
 * business.
 */
final class PageRules {
    private static final PageClass[] CLASSES = PageClass.values();

    private PageRules() {
    }

    /**
     * Classifies the struct page at {@code buf[off]} of frame {@code pfn} (not a tail);
     * {@code next} says whether the first tail page follows it in {@code buf}. Returns the class
     * and the frames it covers, packed: read them with {@link #pageClass} and {@link #frames}.
     */
    static long classify(PageLayout l, ByteOrder order, byte[] buf, int off, boolean next, long pfn) {
        long flags = l.flags(buf, off, order);
        long mapping = l.mapping(buf, off, order);
        int mapcount = l.mapcount(buf, off, order);
        long priv = l.privateWord(buf, off, order);
        int compoundOrder = 0;
        boolean hugetlb = false;
        if (next && l.isHead(flags)) {
            compoundOrder = l.compoundOrder(buf, off, order);
            hugetlb = l.isHugetlbHead(buf, off, order, mapcount);
            // makedumpfile's sanity rule: a compound page is aligned to its size. Orders from 48
            // (2^48 frames: more than 64-bit physical addresses hold) are garbage too, and would
            // not fit the packed result.
            if (compoundOrder >= 48 || (pfn & ((1L << compoundOrder) - 1)) != 0) {
                compoundOrder = 0;
            }
        }
        long frames = 1L << compoundOrder;
        boolean slab = l.isSlab(flags, mapcount);
        boolean anon = l.isAnon(mapping, slab);
        PageClass c;
        if (!slab && l.isBuddy(mapcount) && l.privateOffset() != PageLayout.ABSENT) {
            if (priv < 0 || priv >= l.freeAreaOrders()) {
                c = PageClass.KEPT; // an impossible order: makedumpfile warns and keeps the page
                frames = 1;
            } else {
                c = PageClass.FREE;
                frames = 1L << priv;
            }
        } else if (l.isUnaccepted(mapcount)) {
            c = PageClass.FREE;
            frames = 1L << (l.freeAreaOrders() - 1);
        } else if (l.isCache(flags) && !anon) {
            c = l.isPrivate(flags) ? PageClass.CACHE_PRIVATE : PageClass.CACHE;
        } else if (anon || hugetlb) {
            c = PageClass.USER;
        } else if (l.isHwpoison(flags)) {
            c = PageClass.HWPOISON;
        } else if (!slab && l.isOffline(mapcount)) {
            c = PageClass.OFFLINE;
        } else {
            c = PageClass.KEPT;
            frames = 1;
        }
        return frames << 8 | c.ordinal();
    }

    /** The class of a {@link #classify} result. */
    static PageClass pageClass(long result) {
        return CLASSES[(int) (result & 0xff)];
    }

    /** The frames a {@link #classify} result covers, from the classified frame on. */
    static long frames(long result) {
        return result >>> 8;
    }
}
