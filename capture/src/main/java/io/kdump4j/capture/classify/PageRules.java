package io.kdump4j.capture.classify;

import io.kdump4j.capture.PageClass;
import io.kdump4j.format.io.Bytes;
import java.nio.ByteOrder;

/**
 * makedumpfile's rules for one {@code struct page} (its {@code __exclude_unnecessary_pages()}
 * loop body), as a pure function of the page's bytes and the kernel's {@link PageLayout}: see
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
        long flags = Bytes.s64(buf, off + l.flagsOffset(), order);
        long mapping = l.mappingOffset() == PageLayout.ABSENT ? 0 : Bytes.s64(buf, off + l.mappingOffset(), order);
        int mapcount = l.mapcountOffset() == PageLayout.ABSENT ? -1 : Bytes.s32(buf, off + l.mapcountOffset(), order);
        long priv = l.privateOffset() == PageLayout.ABSENT ? 0 : Bytes.s64(buf, off + l.privateOffset(), order);
        int compoundOrder = 0;
        boolean hugetlb = false;
        if (next && (flags & l.headMask()) != 0) {
            int tail = off + l.size();
            long flags1 = Bytes.s64(buf, tail + l.flagsOffset(), order);
            if (l.hugetlbType().isPresent()) {
                compoundOrder = (int) (flags1 & 0xff);
                hugetlb = l.isType(mapcount, l.hugetlbType());
            } else if (l.pgHugetlb() != PageLayout.ABSENT) {
                compoundOrder = (int) (flags1 & 0xff);
                hugetlb = PageLayout.test(flags1, l.pgHugetlb());
            } else if (l.compoundOrderOffset() != PageLayout.ABSENT) {
                compoundOrder = narrow(buf, tail + l.compoundOrderOffset(), l.compoundOrderWidth(), order);
                if (l.compoundDtorWidth() != PageLayout.ABSENT && l.hugetlbDtor() >= 0) {
                    hugetlb = narrow(buf, tail + l.compoundDtorOffset(), l.compoundDtorWidth(), order) == l.hugetlbDtor();
                }
            } else {
                compoundOrder = (int) (flags1 & 0xff);
            }
            // makedumpfile's sanity rule: a compound page is aligned to its size. Orders from 48
            // (2^48 frames: more than 64-bit physical addresses hold) are garbage too, and would
            // not fit the packed result.
            if (compoundOrder >= 48 || (pfn & ((1L << compoundOrder) - 1)) != 0) {
                compoundOrder = 0;
            }
        }
        long frames = 1L << compoundOrder;
        boolean slab = l.isSlab(flags, mapcount);
        boolean anon = l.knowsSlab() && (mapping & 1) != 0 && !slab;
        PageClass c;
        if (!slab && l.isType(mapcount, l.buddyType()) && l.privateOffset() != PageLayout.ABSENT) {
            if (priv < 0 || priv >= l.freeAreaOrders()) {
                c = PageClass.KEPT; // an impossible order: makedumpfile warns and keeps the page
                frames = 1;
            } else {
                c = PageClass.FREE;
                frames = 1L << priv;
            }
        } else if (l.isType(mapcount, l.unacceptedType())) {
            c = PageClass.FREE;
            frames = 1L << (l.freeAreaOrders() - 1);
        } else if (l.isCache(flags) && !anon) {
            c = PageLayout.test(flags, l.pgPrivate()) ? PageClass.CACHE_PRIVATE : PageClass.CACHE;
        } else if (anon || hugetlb) {
            c = PageClass.USER;
        } else if (PageLayout.test(flags, l.pgHwpoison())) {
            c = PageClass.HWPOISON;
        } else if (!slab && l.isType(mapcount, l.offlineType())) {
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

    private static int narrow(byte[] buf, int off, int width, ByteOrder order) {
        return width == 2 ? Bytes.u16(buf, off, order) : buf[off] & 0xff;
    }
}
