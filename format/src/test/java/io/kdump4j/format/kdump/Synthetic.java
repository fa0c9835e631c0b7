package io.kdump4j.format.kdump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.io.ArrayByteSource;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.format.mem.PhysicalMemory;
import io.kdump4j.testkit.KdumpWriter;
import io.kdump4j.testkit.TestCodec;
import java.io.IOException;
import java.util.Map;

/** Small synthetic dumps shared by the edge-case tests, and the checks they share. */
final class Synthetic {
    static final String VMCOREINFO = "OSRELEASE=6.1.0-test\nPAGESIZE=4096\nCRASHTIME=1700000000\n";

    private Synthetic() {
    }

    /**
     * 80 PFNs: pages with data at 1-9, 20, 63, 64 (a bitmap byte boundary is at 64), zero pages
     * at 10-12, RAM excluded at 13-15 and 30, everything else a hole.
     */
    static KdumpWriter standard(TestCodec codec, int blockSize) {
        KdumpWriter w = new KdumpWriter().codec(codec).blockSize(blockSize).maxMapnr(80).vmcoreinfo(VMCOREINFO)
                .prstatus(new byte[336]).nrCpus(1);
        for (long pfn : new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 20, 63, 64}) {
            w.page(pfn, KdumpWriter.patternPage(pfn, blockSize));
        }
        for (long pfn = 10; pfn <= 12; pfn++) {
            w.page(pfn, new byte[blockSize]);
        }
        for (long pfn : new long[] {13, 14, 15, 30}) {
            w.excluded(pfn);
        }
        return w;
    }

    static DumpFile open(byte[] file) throws IOException {
        return Dumps.open(new ArrayByteSource("synthetic.kdump", file));
    }

    /** Every written page reads back; excluded PFNs and holes fault with their reasons. */
    static void assertReadsBack(KdumpWriter w, PhysicalMemory m) throws IOException {
        int ps = m.pageSize();
        byte[] buf = new byte[ps];
        for (Map.Entry<Long, byte[]> e : w.pages().entrySet()) {
            m.read(e.getKey() * ps, buf, 0, ps);
            assertArrayEquals(e.getValue(), buf, "PFN " + e.getKey());
            assertEquals(PhysicalMemory.PageState.PRESENT, m.state(e.getKey()));
        }
        for (long pfn = 0; pfn < m.maxPfn(); pfn++) {
            if (w.pages().containsKey(pfn)) {
                continue;
            }
            long addr = pfn * ps;
            MemoryFault f = assertThrows(MemoryFault.class, () -> m.read(addr, new byte[1], 0, 1), "PFN " + pfn);
            PhysicalMemory.PageState s = m.state(pfn);
            if (s == PhysicalMemory.PageState.EXCLUDED) {
                assertEquals(MemoryFault.Reason.EXCLUDED, f.reason());
            } else if (s == PhysicalMemory.PageState.LOST) {
                assertEquals(MemoryFault.Reason.LOST, f.reason());
            } else {
                assertEquals(MemoryFault.Reason.NOT_IN_DUMP, f.reason());
            }
        }
    }

    /** Opens {@code file} and reads every page, allowing only our two checked failures. */
    static void openAndReadAll(ByteSourceFactory f) throws IOException {
        try (DumpFile d = f.open()) {
            d.details();
            d.notes();
            d.vmcoreinfo();
            PhysicalMemory m = d.memory();
            int ps = m.pageSize();
            byte[] buf = new byte[ps];
            long limit = Math.min(m.maxPfn(), 2048);
            for (long pfn = 0; pfn < limit; pfn++) {
                m.state(pfn);
                try {
                    m.read(pfn * ps, buf, 0, ps);
                } catch (MemoryFault | DumpFormatException expected) {
                    // the only two ways a damaged dump may refuse a page
                }
            }
        }
    }

    interface ByteSourceFactory {
        DumpFile open() throws IOException;
    }
}
