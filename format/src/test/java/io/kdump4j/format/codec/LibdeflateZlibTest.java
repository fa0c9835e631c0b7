package io.kdump4j.format.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.mem.PhysicalMemory;
import io.kdump4j.testkit.Fixtures;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * zlib pages written by libdeflate (the default encoder) against zlib itself, which is what
 * makedumpfile and crash decode with: every page libdeflate writes must inflate with zlib (the
 * JDK's {@link Inflater}) to the page, every page zlib writes must decode through our codec, and
 * on a real dump's pages the stored size stays within 2% of zlib's level-1 size (issue 3's bound
 * on output size against makedumpfile's).
 */
class LibdeflateZlibTest {
    private static final String X86_61 = "x86_64-6.1.0-56-amd64/sysrq-elf";

    @BeforeAll
    static void library() {
        // scripts/setup.sh installs libdeflate0; without it the codec falls back to zlib.
        assumeTrue(Libdeflate.available(), "libdeflate: " + Libdeflate.problem());
    }

    @Test
    void theDefaultEncoderIsLibdeflateAndSaysSo() {
        assertEquals("libdeflate, level 1",
                PageCodec.create(PageCodec.Kind.ZLIB, PageCodec.Encoder.FASTEST).implementation());
        assertEquals("zlib, level 1", PageCodec.create(PageCodec.Kind.ZLIB, PageCodec.Encoder.MAKEDUMPFILE).implementation());
    }

    @Test
    void fixturePagesRoundTripThroughZlibBothWaysAndStayWithinTwoPercent() throws Exception {
        Path core = Fixtures.elfCore(X86_61);
        assumeTrue(core != null, "fixture core missing");
        PageCodec fast = PageCodec.create(PageCodec.Kind.ZLIB, PageCodec.Encoder.FASTEST);
        PageCodec zlib = PageCodec.create(PageCodec.Kind.ZLIB, PageCodec.Encoder.MAKEDUMPFILE);
        Inflater inflater = new Inflater();
        long fastBytes = 0;
        long zlibBytes = 0;
        int pages = 0;
        try (DumpFile dump = Dumps.open(core)) {
            PhysicalMemory m = dump.memory();
            int ps = m.pageSize();
            byte[] page = new byte[ps];
            byte[] out = new byte[fast.maxCompressedLength(ps)];
            byte[] back = new byte[ps];
            for (long pfn = 0; pfn < m.maxPfn(); pfn += 7) {
                if (m.state(pfn) != PhysicalMemory.PageState.PRESENT) {
                    continue;
                }
                m.read(pfn * ps, page, 0, ps);
                if (isZero(page)) {
                    continue;
                }
                int n = fast.compress(page, 0, ps, out, 0, out.length);
                assertTrue(n > 0, "libdeflate: no output for pfn " + pfn);
                // zlib decodes libdeflate's stream (what makedumpfile and crash do with our pages)
                inflater.reset();
                inflater.setInput(out, 0, n);
                Arrays.fill(back, (byte) 1);
                assertEquals(ps, inflater.inflate(back), "inflated bytes of pfn " + pfn);
                assertTrue(inflater.finished(), "zlib stream of pfn " + pfn + " ends");
                assertArrayEquals(page, back, "pfn " + pfn);
                fastBytes += Math.min(n, ps);
                int z = zlib.compress(page, 0, ps, out, 0, out.length);
                zlibBytes += Math.min(z, ps);
                // libdeflate decodes zlib's stream (reading makedumpfile's dumps)
                Arrays.fill(back, (byte) 1);
                fast.decompress(out, 0, z, back, 0, ps);
                assertArrayEquals(page, back, "pfn " + pfn + " through zlib then libdeflate");
                pages++;
            }
        }
        assertTrue(pages > 3000, "non-zero pages checked: " + pages);
        double ratio = (double) fastBytes / zlibBytes;
        System.out.printf("libdeflate level 1: %d pages, %d bytes, zlib level 1 %d bytes (x %.4f)%n", pages,
                fastBytes, zlibBytes, ratio);
        assertTrue(Math.abs(ratio - 1) <= 0.02, "libdeflate/zlib size ratio " + ratio);
    }

    @Test
    void incompressibleAndTinyInputs() throws Exception {
        PageCodec fast = PageCodec.create(PageCodec.Kind.ZLIB, PageCodec.Encoder.FASTEST);
        Random r = new Random(7);
        for (int len : new int[] {1, 2, 17, 300, 4096, 65536}) {
            byte[] in = new byte[len];
            r.nextBytes(in);
            byte[] out = new byte[fast.maxCompressedLength(len)];
            int n = fast.compress(in, 0, len, out, 0, out.length);
            assertTrue(n > 0, "random " + len + " bytes fit zlib's bound");
            byte[] back = new byte[len];
            fast.decompress(out, 0, n, back, 0, len);
            assertArrayEquals(in, back);
            // a buffer smaller than the stream: no output, the caller stores the page raw
            assertEquals(-1, fast.compress(in, 0, len, new byte[len], 0, len / 2));
        }
    }

    @Test
    void aCorruptOrShortPageIsADataFormatException() {
        PageCodec fast = PageCodec.create(PageCodec.Kind.ZLIB, PageCodec.Encoder.FASTEST);
        byte[] page = new byte[4096];
        Arrays.fill(page, 0, 100, (byte) 'k');
        Deflater d = new Deflater(1);
        d.setInput(page);
        d.finish();
        byte[] z = new byte[8192];
        int n = d.deflate(z);
        byte[] back = new byte[4096];
        // a stream that decodes to fewer bytes than the page size asks for
        byte[] larger = new byte[4097];
        assertThrows(DataFormatException.class, () -> fast.decompress(z, 0, n, larger, 0, larger.length));
        byte[] bad = Arrays.copyOf(z, n);
        bad[5] ^= (byte) 0xff;
        bad[n / 2] ^= (byte) 0x55;
        assertThrows(DataFormatException.class, () -> fast.decompress(bad, 0, bad.length, back, 0, 4096));
        assertThrows(DataFormatException.class, () -> fast.decompress(z, 0, n / 2, back, 0, 4096));
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
