package io.kdump4j.format.kdump;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdump4j.format.io.ArrayByteSource;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The writers' encoders are the inverses of the readers beside them (one declaration of each
 * makedumpfile structure, both directions): what {@code encode} writes, {@code read}/{@code decode}
 * give back, field by field.
 */
class KdumpEncodeTest {
    private static final List<String> UTS = List.of("Linux", "host", "6.1.0-test", "#1 SMP PREEMPT_DYNAMIC", "x86_64", "(none)");

    @Test
    void headerAndSubHeaderRoundTrip() throws Exception {
        for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            long maxPfn = 100_000;
            DiskDumpHeader h = DiskDumpHeader.forWriting(o, UTS, 1_800_000_000L, 7, 0x1 | DiskDumpHeader.STATUS_INCOMPLETE,
                    4096, 2, 8, maxPfn, 4);
            KdumpSubHeader sub = KdumpSubHeader.forWriting(0x1000000L, 31, 4096 + 200, 1234, 4096 + 104, 5000, maxPfn);
            byte[] file = new byte[4096 * (1 + 2 + 8)];
            System.arraycopy(h.encode(), 0, file, 0, 4096);
            System.arraycopy(sub.encode(o), 0, file, 4096, KdumpSubHeader.encodedSize());
            ArrayByteSource src = new ArrayByteSource("enc", file);
            DiskDumpHeader r = DiskDumpHeader.read(src);
            assertEquals(h, r, o.toString());
            assertEquals(true, r.incomplete());
            // Beyond 32 bits the header clips max_mapnr (the sub-header keeps the full value).
            byte[] big = DiskDumpHeader.forWriting(o, UTS, 0, 0, 0, 4096, 2, 8, 5_000_000_000L, 1).encode();
            assertEquals(0xffff_ffffL, io.kdump4j.format.io.Bytes.u32(big, 440, o));
            KdumpSubHeader rs = KdumpSubHeader.read(src, r);
            assertEquals(sub.physBase(), rs.physBase());
            assertEquals(31, rs.dumpLevel());
            assertEquals(sub.offsetVmcoreinfo(), rs.offsetVmcoreinfo());
            assertEquals(sub.sizeVmcoreinfo(), rs.sizeVmcoreinfo());
            assertEquals(sub.offsetNote(), rs.offsetNote());
            assertEquals(sub.sizeNote(), rs.sizeNote());
            assertEquals(maxPfn, rs.maxMapnr());
            assertEquals(false, rs.split());
        }
    }

    @Test
    void pageDescriptorRoundTrips() {
        byte[] b = new byte[2 * PageDesc.SIZE];
        PageDesc.encode(b, PageDesc.SIZE, ByteOrder.BIG_ENDIAN, 0x1234_5678_9aL, 4000, 0x2);
        assertEquals(new PageDesc(0x1234_5678_9aL, 4000, 0x2), PageDesc.decode(b, PageDesc.SIZE, ByteOrder.BIG_ENDIAN));
    }
}
