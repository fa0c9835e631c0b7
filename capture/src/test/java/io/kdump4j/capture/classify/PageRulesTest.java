package io.kdump4j.capture.classify;

import io.kdump4j.kernel.helpers.mm.PageLayout;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdump4j.capture.PageClass;
import io.kdump4j.kernel.Vmcoreinfo;
import io.kdump4j.testkit.Fixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The per-page rules on struct pages built in memory, laid out by the real VMCOREINFO of the
 * 6.1 and 6.12 fixtures: the cases the fixtures' memory does not hold (hugetlb heads, hwpoison,
 * offline, typed pages whose low 24 bits carry data, impossible orders).
 */
class PageRulesTest {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    static PageLayout layout(String c) throws Exception {
        byte[] text = Files.readAllBytes(Fixtures.dir(c).resolve("vmcoreinfo.txt"));
        return PageLayout.from(c, Vmcoreinfo.parse(c, 0, text));
    }

    /** A head page (or single page) and its first tail page. */
    static final class Pages {
        final PageLayout l;
        final ByteBuffer b;

        Pages(PageLayout l) {
            this.l = l;
            this.b = ByteBuffer.allocate(2 * l.size()).order(LE);
            b.putInt(l.mapcountOffset(), -1);
            b.putInt(l.size() + l.mapcountOffset(), -1);
        }

        Pages flags(long f) {
            b.putLong(l.flagsOffset(), f);
            return this;
        }

        Pages bit(int n) {
            return flags(b.getLong(l.flagsOffset()) | 1L << n);
        }

        Pages mapping(long m) {
            b.putLong(l.mappingOffset(), m);
            return this;
        }

        Pages mapcount(long v) {
            b.putInt(l.mapcountOffset(), (int) v);
            return this;
        }

        Pages priv(long v) {
            b.putLong(l.privateOffset(), v);
            return this;
        }

        Pages tailFlags(long f) {
            b.putLong(l.size() + l.flagsOffset(), f);
            return this;
        }

        Pages tailByte(int offset, int v) {
            b.put(l.size() + offset, (byte) v);
            return this;
        }

        String at(long pfn) {
            long r = PageRules.classify(l, LE, b.array(), 0, true, pfn);
            return PageRules.pageClass(r) + "x" + PageRules.frames(r);
        }
    }

    /**
     * Linux 7.x's {@code page.compound_info} (the 6.12 fixture's VMCOREINFO with the member
     * renamed, as 7.2.13's has it): both encodings of a tail, and what is not a tail.
     */
    @Test
    void linux7CompoundInfoBothEncodings() throws Exception {
        String text = Files.readString(Fixtures.dir(ClassifyFixtures.X86_612).resolve("vmcoreinfo.txt"))
                .replace("OFFSET(page.compound_head)=", "OFFSET(page.compound_info)=");
        PageLayout l = PageLayout.from("7.x", Vmcoreinfo.parse("7.x", 0, text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        assertEquals(8, l.compoundHeadOffset(), "compound_info is where compound_head was");
        assertEquals(64, l.size());
        long head = 0xffffea0004a00000L;
        long tail = head + 5 * 64;
        assertEquals(head, l.compoundHead(head | 1, tail), "the head's address | 1");
        // Order 9 (2 MiB of 4 KiB pages): mask = GENMASK(63, 9 + log2(64)).
        long mask = -(1L << (9 + 6));
        assertEquals(head, l.compoundHead(mask | 1, tail), "mask | 1: the head is at tail & mask");
        assertEquals(head, l.compoundHead(mask | 1, head + 511 * 64), "the last tail of the order-9 page");
        assertEquals(0, l.compoundHead(head, tail), "bit 0 clear: not a tail");
        assertEquals(0, l.compoundHead(0, tail));
    }

    @Test
    void linux612TopBytePageTypes() throws Exception {
        PageLayout l = layout(ClassifyFixtures.X86_612);
        long buddy = l.buddyType().getAsLong();
        long slab = l.slabType().getAsLong();
        long hugetlb = l.hugetlbType().getAsLong();
        long offline = l.offlineType().getAsLong();
        assertEquals("KEPTx1", new Pages(l).at(0));
        assertEquals("FREEx8", new Pages(l).mapcount(buddy).priv(3).at(8));
        // The low 24 bits may carry data while a type is set: the top byte decides.
        assertEquals("FREEx8", new Pages(l).mapcount(buddy | 0x123).priv(3).at(8));
        assertEquals("KEPTx1", new Pages(l).mapcount(buddy).priv(l.freeAreaOrders()).at(0), "impossible order");
        // A slab page whose overlaid field has bit 0 set is not anonymous.
        assertEquals("KEPTx1", new Pages(l).mapcount(slab).mapping(0xffff888000001001L).at(0));
        assertEquals("USERx1", new Pages(l).mapping(0xffff888000001001L).at(0));
        // A hugetlb folio: head flag, page type Hugetlb, order in the low byte of _flags_1.
        assertEquals("USERx512", new Pages(l).flags(l.headMask()).mapcount(hugetlb).tailFlags(9).at(512));
        assertEquals("USERx1", new Pages(l).flags(l.headMask()).mapcount(hugetlb).tailFlags(9).at(513),
                "a head not aligned to its order: order 0 (makedumpfile keeps the hugetlb mark, drops the order)");
        assertEquals("CACHEx4", new Pages(l).flags(l.headMask()).bit(l.pgLru()).tailFlags(2).at(4));
        assertEquals("CACHE_PRIVATEx1", new Pages(l).bit(l.pgLru()).bit(l.pgPrivate()).at(0));
        assertEquals("CACHEx1", new Pages(l).bit(l.pgSwapcache()).bit(l.pgSwapbacked()).at(0));
        assertEquals("KEPTx1", new Pages(l).bit(l.pgSwapcache()).at(0), "PG_swapcache without PG_swapbacked");
        assertEquals("USERx1", new Pages(l).bit(l.pgLru()).mapping(0xffff888000002001L).at(0), "anon LRU");
        assertEquals("HWPOISONx1", new Pages(l).bit(l.pgHwpoison()).at(0));
        assertEquals("OFFLINEx1", new Pages(l).mapcount(offline).at(0));
    }

    @Test
    void linux61FlagsAndExactValues() throws Exception {
        PageLayout l = layout(ClassifyFixtures.X86_61);
        long buddy = l.buddyType().getAsLong();
        assertEquals(false, l.topByteTypes());
        assertEquals("FREEx1024", new Pages(l).mapcount(buddy).priv(10).at(1024));
        // Before 6.12 a type is a cleared bit: another cleared bit is another type.
        assertEquals("KEPTx1", new Pages(l).mapcount(buddy & ~0x400).priv(3).at(8));
        assertEquals("KEPTx1", new Pages(l).bit(l.pgSlab()).mapping(0xffff888000001001L).at(0), "PG_slab");
        // hugetlb before 6.6: compound_dtor == HUGETLB_PAGE_DTOR and compound_order in the first tail.
        int dtor = l.compoundDtorOffset();
        int ord = l.compoundOrderOffset();
        assertEquals("USERx512", new Pages(l).flags(l.headMask()).tailByte(dtor, (int) l.hugetlbDtor())
                .tailByte(ord, 9).at(1024));
        assertEquals("KEPTx1", new Pages(l).flags(l.headMask()).tailByte(dtor, 1).tailByte(ord, 9).at(1024),
                "a compound page of another destructor is kernel data");
        assertEquals("USERx512", new Pages(l).flags(l.headMask()).mapping(0xffff888000003001L).tailByte(ord, 9)
                .at(512), "an anonymous THP");
    }
}
