package io.kdump4j.kernel.helpers.mm;

import io.kdump4j.format.io.Bytes;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.Vmcoreinfo;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What the dumped kernel's {@code struct page} looks like and how its state is encoded, all
 * from VMCOREINFO (the kernel's {@code crash_save_vmcoreinfo_init()}); features are detected
 * from the keys present, never from the kernel version.
 *
 * <p>Page types ({@code PageBuddy}, {@code PageSlab}, {@code PageOffline}, hugetlb) live in
 * {@code page_type}, which overlays {@code _mapcount}. Two encodings exist:
 * <ul>
 *   <li>before Linux 6.12, a type was a cleared bit under {@code PAGE_TYPE_BASE} (6.1:
 *   {@code PAGE_BUDDY_MAPCOUNT_VALUE = ~0x80 = -129}); the kernel never set two types on a page,
 *   so comparing the whole {@code _mapcount} with the value is exact;</li>
 *   <li>since kernel commit 4ffca5a96678 ("mm: support only one page_type per page") (in
 *   v6.12) the type is a value in the top byte ({@code PGTY_buddy = 0xf0}, slab 0xf5,
 *   hugetlb 0xf4, offline 0xf1 ...) and the low 24 bits may carry data, so only the top byte
 *   is compared, as the kernel's own {@code page_type >> 24 == PGTY_*} does.</li>
 * </ul>
 * The encoding is recognised from the values: all of them have zero low 24 bits only in the
 * new one. makedumpfile 1.7.2 derived flag bits from the new values and so took every typed
 * page for a slab page (fixed by its commit 72c3414, "fix detection of typed (compound) pages
 * (Linux 6.12)", which compares whole values).
 *
 * <p>Slab pages: the {@code PG_slab} flag until kernel commit 46df8e73a4a3 ("mm: free up
 * PG_slab") (in v6.10), then a page type ({@code PAGE_SLAB_MAPCOUNT_VALUE}). A slab page's
 * {@code slab_cache} and list fields overlay {@code page.mapping}, so the anonymous test
 * ({@code mapping & PAGE_MAPPING_ANON}) is only meaningful on pages known not to be slab;
 * when VMCOREINFO tells neither, anonymous pages are not recognised at all.
 *
 * <p>Compound pages: a head has {@code PG_head} ({@code NUMBER(PG_head_mask)}); a tail has bit 0
 * set in {@code compound_head}, renamed {@code compound_info} in Linux 7.x (VMCOREINFO then has
 * {@code OFFSET(page.compound_info)}), which holds either the head's address | 1 or, with
 * HugeTLB vmemmap optimisation and a power-of-two {@code struct page}, {@code mask | 1} where
 * the head is at {@code tail_address & mask} ({@code _compound_head()} in
 * {@code include/linux/page-flags.h}); see {@link #compoundHead}. The order is in the first tail page: {@code
 * page[1].compound_order} while VMCOREINFO has that offset, else the low byte of the first tail's
 * flags ({@code folio._flags_1}, since kernel commit ebc1baf5c9b4 ("mm: free up a word in the
 * first tail page") (in v6.6)). Hugetlb heads: {@code page[1].compound_dtor ==
 * HUGETLB_PAGE_DTOR} before v6.6; {@code PG_hugetlb} in {@code _flags_1} from kernel commit
 * 9c5ccf2db04b ("mm: remove HUGETLB_PAGE_DTOR") (in v6.6); a page type
 * ({@code PAGE_HUGETLB_MAPCOUNT_VALUE}) from kernel commit d99e3140a4d3 ("mm: turn
 * folio_test_hugetlb into a PageType") (in v6.9).
 */
public record PageLayout(
        int size,
        int flagsOffset,
        int mappingOffset,
        int mapcountOffset,
        int privateOffset,
        int compoundHeadOffset,
        int compoundOrderOffset,
        int compoundOrderWidth,
        int compoundDtorOffset,
        int compoundDtorWidth,
        long hugetlbDtor,
        long headMask,
        int pgLru,
        int pgPrivate,
        int pgSwapcache,
        int pgSwapbacked,
        int pgSlab,
        int pgHwpoison,
        int pgHugetlb,
        boolean topByteTypes,
        OptionalLong buddyType,
        OptionalLong slabType,
        OptionalLong offlineType,
        OptionalLong hugetlbType,
        OptionalLong unacceptedType,
        int freeAreaOrders,
        List<String> limitations) {

    /** Marks an offset, width or bit that VMCOREINFO does not give. */
    public static final int ABSENT = -1;
    private static final long TOP_BYTE = 0xff00_0000L;

    /**
     * The head's struct page address for a tail page whose {@code compound_head} /
     * {@code compound_info} word is {@code info} and whose own struct page is at {@code page}; 0
     * when {@code info} does not mark a tail (bit 0 clear). Both encodings: a mask is all ones
     * from bit 63 down to bit {@code order + log2(SIZE(page))} (order at least 1), which no head
     * address is (struct pages are never in the top 16 MiB of the address space), and it needs a
     * power-of-two {@code SIZE(page)}; anything else is the head's address.
     */
    public long compoundHead(long info, long page) {
        if ((info & 1) == 0) {
            return 0;
        }
        long m = info & ~1L;
        long span = -m;
        if (Integer.bitCount(size) == 1 && m != 0 && Long.bitCount(span) == 1
                && Long.numberOfTrailingZeros(span) > Integer.numberOfTrailingZeros(size)
                && Long.numberOfTrailingZeros(span) <= 40) {
            return page & m;
        }
        return m;
    }

    /**
     * The layout of {@code kernel}'s struct page, from its VMCOREINFO.
     *
     * @throws DumpFormatException when VMCOREINFO lacks or contradicts what every struct page
     *     reader needs ({@code SIZE(page)}, {@code OFFSET(page.flags)})
     */
    public static PageLayout of(KernelDump kernel) throws DumpFormatException {
        return from(kernel.dump().name(), kernel.vmcoreinfo());
    }

    /** The layout {@code vi} describes (tests give it damaged VMCOREINFO). */
    public static PageLayout from(String source, Vmcoreinfo vi) throws DumpFormatException {
        List<String> missing = new ArrayList<>();
        long size = vi.size("page").orElseThrow(() -> bad(source, "VMCOREINFO has no SIZE(page)"));
        if (size < 32 || size > 256) {
            throw bad(source, "SIZE(page)=" + size + " is not a struct page (expected 32 to 256 bytes)");
        }
        int flags = field(source, vi, "flags", 8, size, true);
        int mapping = field(source, vi, "mapping", 8, size, false);
        int mapcount = field(source, vi, "_mapcount", 4, size, false);
        int priv = field(source, vi, "private", 8, size, false);
        int head = field(source, vi, "compound_head", 8, size, false);
        if (head == ABSENT) {
            head = field(source, vi, "compound_info", 8, size, false);
        }
        int order = field(source, vi, "compound_order", 1, size, false);
        int dtor = field(source, vi, "compound_dtor", 1, size, false);
        // compound_dtor and compound_order were adjacent unsigned chars, or unsigned shorts
        // before v4.16 (the dtor was a function pointer before v4.4: compared with
        // SYMBOL(free_huge_page), which VMCOREINFO never had, so such kernels get no hugetlb test).
        int width = order != ABSENT && dtor != ABSENT && order - dtor == 2 ? 2 : 1;
        if (order != ABSENT && order + width > size) {
            throw bad(source, "OFFSET(page.compound_order)=" + order + " is beyond SIZE(page)=" + size);
        }
        int dtorWidth = dtor != ABSENT && order - dtor == width ? width : ABSENT;
        long hugetlbDtor = vi.number("HUGETLB_PAGE_DTOR").orElse(ABSENT);

        OptionalLong buddy = vi.number("PAGE_BUDDY_MAPCOUNT_VALUE");
        OptionalLong slab = vi.number("PAGE_SLAB_MAPCOUNT_VALUE");
        OptionalLong offline = vi.number("PAGE_OFFLINE_MAPCOUNT_VALUE");
        OptionalLong hugetlb = vi.number("PAGE_HUGETLB_MAPCOUNT_VALUE");
        OptionalLong unaccepted = vi.number("PAGE_UNACCEPTED_MAPCOUNT_VALUE");
        boolean anyType = false;
        boolean allTop = true;
        for (OptionalLong v : List.of(buddy, slab, offline, hugetlb, unaccepted)) {
            if (v.isPresent()) {
                anyType = true;
                allTop &= (v.getAsLong() & 0x00ff_ffffL) == 0;
            }
        }
        boolean top = anyType && allTop;

        int pgSlab = bit(vi, "PG_slab");
        if (pgSlab == ABSENT && slab.isEmpty()) {
            missing.add("neither NUMBER(PG_slab) nor NUMBER(PAGE_SLAB_MAPCOUNT_VALUE): slab pages cannot be told"
                    + " from anonymous ones, so no page is classified as user data");
        }
        if (mapcount == ABSENT && anyType) {
            missing.add("no OFFSET(page._mapcount): page types (free, slab, offline, hugetlb) are not recognised");
        }
        if (buddy.isEmpty() || priv == ABSENT) {
            missing.add("no NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE) or OFFSET(page.private): free pages are not recognised");
        }
        if (head == ABSENT) {
            missing.add("no OFFSET(page.compound_head) or OFFSET(page.compound_info): compound tail pages are kept");
        }
        int pgLru = bit(vi, "PG_lru");
        int pgPrivate = bit(vi, "PG_private");
        int pgSwapcache = bit(vi, "PG_swapcache");
        if (pgLru == ABSENT || pgPrivate == ABSENT || pgSwapcache == ABSENT) {
            missing.add("no NUMBER(PG_lru), NUMBER(PG_private) or NUMBER(PG_swapcache): cache pages are not recognised");
        }
        if (mapping == ABSENT) {
            missing.add("no OFFSET(page.mapping): cache and anonymous pages are not recognised");
        }
        long orders = vi.length("zone.free_area").orElse(11);
        // At most 16 orders (a 2^15-page block; real kernels have 11 to 14), which bounds the
        // classifier's chunk and its buffer.
        if (orders < 1 || orders > 16) {
            throw bad(source, "LENGTH(zone.free_area)=" + orders + " is not a buddy allocator's order count (1 to 16)");
        }
        return new PageLayout((int) size, flags, mapping, mapcount, priv, head, order, width, dtor, dtorWidth,
                hugetlbDtor, vi.number("PG_head_mask").orElse(0), pgLru, pgPrivate, pgSwapcache,
                bit(vi, "PG_swapbacked"), pgSlab, bit(vi, "PG_hwpoison"), bit(vi, "PG_hugetlb"), top, buddy, slab,
                offline, hugetlb, unaccepted, (int) orders, List.copyOf(missing));
    }

    /** {@code page.flags} of the struct page at {@code b[off]}. */
    public long flags(byte[] b, int off, ByteOrder order) {
        return Bytes.s64(b, off + flagsOffset, order);
    }

    /** {@code page.mapping}; 0 when VMCOREINFO has no offset for it. */
    public long mapping(byte[] b, int off, ByteOrder order) {
        return mappingOffset == ABSENT ? 0 : Bytes.s64(b, off + mappingOffset, order);
    }

    /** {@code page._mapcount} (overlaid by {@code page_type}); -1 (unmapped, no type) when absent. */
    public int mapcount(byte[] b, int off, ByteOrder order) {
        return mapcountOffset == ABSENT ? -1 : Bytes.s32(b, off + mapcountOffset, order);
    }

    /** {@code page.private} (a free buddy block's order); 0 when absent. */
    public long privateWord(byte[] b, int off, ByteOrder order) {
        return privateOffset == ABSENT ? 0 : Bytes.s64(b, off + privateOffset, order);
    }

    /** {@code page.compound_head} / {@code compound_info}; 0 (not a tail) when absent. */
    public long compoundInfo(byte[] b, int off, ByteOrder order) {
        return compoundHeadOffset == ABSENT ? 0 : Bytes.s64(b, off + compoundHeadOffset, order);
    }

    /** Whether {@code flags} mark a compound head ({@code PG_head}). */
    public boolean isHead(long flags) {
        return (flags & headMask) != 0;
    }

    /**
     * A compound head's order, read from its first tail page, which must follow it at
     * {@code b[off + size()]}: {@code page[1].compound_order} while VMCOREINFO has that offset,
     * else the low byte of the first tail's flags ({@code folio._flags_1}, v6.6+, and whenever
     * the page types or {@code PG_hugetlb} say the kernel is that new). Unchecked: callers decide
     * what an order too large or misaligned means.
     */
    public int compoundOrder(byte[] b, int off, ByteOrder order) {
        int tail = off + size;
        if (hugetlbType.isEmpty() && pgHugetlb == ABSENT && compoundOrderOffset != ABSENT) {
            return narrow(b, tail + compoundOrderOffset, compoundOrderWidth, order);
        }
        return (int) (Bytes.s64(b, tail + flagsOffset, order) & 0xff);
    }

    /**
     * Whether the compound head at {@code b[off]} (first tail following) is a hugetlb page: a page
     * type since v6.9, {@code PG_hugetlb} in the first tail's flags in v6.6 to v6.8, the first
     * tail's {@code compound_dtor == HUGETLB_PAGE_DTOR} before; false when VMCOREINFO tells none.
     */
    public boolean isHugetlbHead(byte[] b, int off, ByteOrder order, int mapcount) {
        int tail = off + size;
        if (hugetlbType.isPresent()) {
            return isType(mapcount, hugetlbType);
        }
        if (pgHugetlb != ABSENT) {
            return test(Bytes.s64(b, tail + flagsOffset, order), pgHugetlb);
        }
        return compoundOrderOffset != ABSENT && compoundDtorWidth != ABSENT && hugetlbDtor >= 0
                && narrow(b, tail + compoundDtorOffset, compoundDtorWidth, order) == hugetlbDtor;
    }

    /** A free buddy block's head ({@code PageBuddy}); its order is {@link #privateWord}. */
    public boolean isBuddy(int mapcount) {
        return isType(mapcount, buddyType);
    }

    /** {@code PageOffline}: memory a balloon or hot-unplug driver took from the kernel. */
    public boolean isOffline(int mapcount) {
        return isType(mapcount, offlineType);
    }

    /** {@code PageUnaccepted}: a confidential guest's memory not yet accepted (a whole MAX_ORDER block). */
    public boolean isUnaccepted(int mapcount) {
        return isType(mapcount, unacceptedType);
    }

    /**
     * Anonymous memory: {@code PAGE_MAPPING_ANON} (bit 0 of {@code mapping}) on a page that is
     * not slab (a slab page's fields overlay {@code mapping}); false when slab pages cannot be
     * recognised at all ({@link #knowsSlab}).
     */
    public boolean isAnon(long mapping, boolean slab) {
        return knowsSlab() && (mapping & 1) != 0 && !slab;
    }

    /** {@code PG_private}: a cache page with buffers or other private data. */
    public boolean isPrivate(long flags) {
        return test(flags, pgPrivate);
    }

    /** {@code PG_hwpoison}: a page the hardware reported as corrupted. */
    public boolean isHwpoison(long flags) {
        return test(flags, pgHwpoison);
    }

    private static int narrow(byte[] b, int off, int width, ByteOrder order) {
        return width == 2 ? Bytes.u16(b, off, order) : b[off] & 0xff;
    }

    /** Whether the {@code _mapcount} value says the page is of the type {@code value} gives. */
    public boolean isType(int mapcount, OptionalLong value) {
        if (value.isEmpty() || mapcountOffset == ABSENT) {
            return false;
        }
        long v = value.getAsLong();
        return topByteTypes ? (mapcount & TOP_BYTE) == (v & TOP_BYTE) : mapcount == (int) v;
    }

    public boolean isSlab(long flags, int mapcount) {
        return isType(mapcount, slabType) || (pgSlab != ABSENT && test(flags, pgSlab));
    }

    /** Whether slab pages can be recognised at all (else the anonymous test is unsafe). */
    public boolean knowsSlab() {
        return pgSlab != ABSENT || (slabType.isPresent() && mapcountOffset != ABSENT);
    }

    /**
     * makedumpfile's {@code is_cache_page()}: on an LRU list, or in the swap cache
     * ({@code PG_swapcache} means that only with {@code PG_swapbacked}, which exists since
     * v4.10; before, it alone did).
     */
    public boolean isCache(long flags) {
        if (pgLru == ABSENT || pgSwapcache == ABSENT) {
            return false;
        }
        return test(flags, pgLru) || ((pgSwapbacked == ABSENT || test(flags, pgSwapbacked)) && test(flags, pgSwapcache));
    }

    /** Whether flag {@code bit} is set; false for a bit VMCOREINFO does not give. */
    public static boolean test(long flags, int bit) {
        return bit != ABSENT && (flags >>> bit & 1) != 0;
    }

    private static int field(String source, Vmcoreinfo vi, String member, int width, long size, boolean required)
            throws DumpFormatException {
        OptionalLong o = vi.offset("page", member);
        if (o.isEmpty()) {
            if (required) {
                throw bad(source, "VMCOREINFO has no OFFSET(page." + member + ")");
            }
            return ABSENT;
        }
        long v = o.getAsLong();
        if (v < 0 || v > size - width) {
            throw bad(source, "OFFSET(page." + member + ")=" + v + " does not fit in SIZE(page)=" + size);
        }
        return (int) v;
    }

    private static int bit(Vmcoreinfo vi, String name) {
        long v = vi.number(name).orElse(ABSENT);
        return v >= 0 && v < 64 ? (int) v : ABSENT;
    }

    private static DumpFormatException bad(String source, String problem) {
        return new DumpFormatException(source, -1, problem);
    }
}
