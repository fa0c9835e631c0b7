package io.kdump4j.capture.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.capture.PageClass;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.Vmcoreinfo;
import io.kdump4j.testkit.Fixtures;
import io.kdump4j.testkit.Fuzz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The classifier over the real 6.1 dump with damaged VMCOREINFO: a key it needs that is missing
 * or impossible is a {@link DumpFormatException} naming the key; random damage to the keys it
 * reads never ends in an unchecked exception, and never makes a page FREE, CACHE or USER out
 * of nothing on frames it cannot read.
 */
class DamagedVmcoreinfoTest {
    private static final List<String> KEYS = List.of("SIZE(page)", "OFFSET(page.flags)", "OFFSET(page.mapping)",
            "OFFSET(page._mapcount)", "OFFSET(page.private)", "OFFSET(page.compound_head)",
            "OFFSET(page.compound_order)", "OFFSET(page.compound_dtor)", "SYMBOL(mem_section)",
            "LENGTH(mem_section)", "SIZE(mem_section)", "OFFSET(mem_section.section_mem_map)",
            "NUMBER(SECTION_SIZE_BITS)", "NUMBER(MAX_PHYSMEM_BITS)", "NUMBER(PG_lru)", "NUMBER(PG_private)",
            "NUMBER(PG_slab)", "NUMBER(PG_head_mask)", "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)",
            "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)", "LENGTH(zone.free_area)", "NUMBER(HUGETLB_PAGE_DTOR)");
    private static KernelDump kernel;

    @BeforeAll
    static void open() throws IOException {
        kernel = KernelDump.open(Dumps.open(Fixtures.elfCore(ClassifyFixtures.X86_61)));
    }

    @AfterAll
    static void close() throws IOException {
        kernel.close();
    }

    static Vmcoreinfo with(Map<String, String> changes) {
        Map<String, String> e = new LinkedHashMap<>(kernel.vmcoreinfo().entries());
        changes.forEach((k, v) -> {
            if (v == null) {
                e.remove(k);
            } else {
                e.put(k, v);
            }
        });
        StringBuilder b = new StringBuilder();
        e.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        return Vmcoreinfo.parse("damaged", 0, b.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    static StructPageClassifier open(Vmcoreinfo vi) throws IOException {
        return StructPageClassifier.open("damaged", vi, kernel.memory(), kernel.dump().memory().maxPfn());
    }

    @Test
    void missingOrImpossibleKeysAreNamed() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("SYMBOL(mem_section)", null);
        cases.put("SIZE(page)", "100000");
        cases.put("LENGTH(mem_section)", "77");
        cases.put("NUMBER(SECTION_SIZE_BITS)", "60");
        cases.put("OFFSET(page.mapping)", "62");
        cases.put("LENGTH(zone.free_area)", "40");
        for (var c : cases.entrySet()) {
            Map<String, String> change = new LinkedHashMap<>();
            change.put(c.getKey(), c.getValue());
            DumpFormatException e = assertThrows(DumpFormatException.class, () -> open(with(change)), c.getKey());
            String name = c.getKey().substring(c.getKey().indexOf('(') + 1, c.getKey().indexOf(')'));
            assertTrue(e.getMessage().contains(name), e.getMessage());
            assertTrue(e.getMessage().startsWith("damaged"), e.getMessage());
        }
    }

    /** Without any slab knowledge, no page is taken for user data (slab fields overlay page.mapping). */
    @Test
    void noSlabKnowledgeMeansNoUserPages() throws Exception {
        Map<String, String> change = new LinkedHashMap<>();
        change.put("NUMBER(PG_slab)", null);
        StructPageClassifier c = open(with(change));
        assertTrue(c.limitations().stream().anyMatch(l -> l.contains("slab")), c.limitations().toString());
        long user = 0;
        for (long pfn = 0; pfn < kernel.dump().memory().maxPfn(); pfn++) {
            if (c.classify(pfn) == PageClass.USER) {
                user++;
            }
        }
        assertEquals(0, user);
    }

    @Test
    void randomDamageIsAFormatErrorOrAClassification() {
        long maxPfn = kernel.dump().memory().maxPfn();
        Fuzz.check("damaged VMCOREINFO for struct page", 200, r -> {
            Map<String, String> change = new LinkedHashMap<>();
            int n = 1 + r.nextInt(3);
            for (int i = 0; i < n; i++) {
                change.put(KEYS.get(r.nextInt(KEYS.size())), value(r));
            }
            if (Boolean.getBoolean("kdump4j.fuzz.verbose")) {
                System.out.println("damage: " + change);
            }
            StructPageClassifier c;
            try {
                c = open(with(change));
            } catch (DumpFormatException e) {
                assertTrue(e.getMessage().startsWith("damaged"), e.getMessage());
                return;
            }
            for (int i = 0; i < 3; i++) {
                long pfn = r.nextLong(maxPfn);
                try {
                    c.classify(pfn);
                } catch (DumpFormatException e) {
                    assertTrue(e.getMessage().contains("struct page"), e.getMessage());
                }
            }
        });
    }

    private static String value(SplittableRandom r) {
        return switch (r.nextInt(8)) {
            case 0 -> null;
            case 1 -> "0";
            case 2 -> "-1";
            case 3 -> Long.toString(r.nextInt(128));
            case 4 -> Long.toString(Long.MAX_VALUE);
            case 5 -> Long.toString(r.nextLong());
            case 6 -> Long.toHexString(r.nextLong());
            default -> Long.toString(1L << r.nextInt(63));
        };
    }
}
