package io.kdump4j.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.codec.PageCodec;
import io.kdump4j.format.elf.ElfConstants;
import io.kdump4j.format.elf.ElfDump;
import io.kdump4j.format.elf.ProgramHeader;
import io.kdump4j.format.io.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edge cases no real fixture has: PT_LOADs that start and end inside a page (e820 ranges need
 * not be page aligned), a hole between them, no VMCOREINFO note, zero pages among data.
 */
class SyntheticSourceTest {
    static final int PS = 4096;
    /** [paddr, size): a range starting mid-page, a hole, a range ending mid-page, an aligned one. */
    static final long[][] LOADS = {{0x1800, 0x2a00}, {0x6000, 0x1234}, {0x10000, 0x4000}};

    @TempDir
    Path dir;

    /** An ELF64 core with one VMCOREINFO-less CORE note and the LOADS filled with random and zero bytes. */
    private Path core() throws Exception {
        ByteOrder o = ByteOrder.LITTLE_ENDIAN;
        byte[] desc = "synthetic".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream notes = new ByteArrayOutputStream();
        byte[] nh = new byte[12];
        Bytes.put32(nh, 0, o, 5);
        Bytes.put32(nh, 4, o, desc.length);
        Bytes.put32(nh, 8, o, 0x4242);
        notes.write(nh);
        notes.write("CORE\0\0\0\0".getBytes(StandardCharsets.US_ASCII));
        notes.write(desc);
        notes.write(new byte[(4 - desc.length % 4) % 4]);
        byte[] n = notes.toByteArray();
        int phnum = 1 + LOADS.length;
        long off = 64 + 56L * phnum;
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        byte[] eh = new byte[64];
        eh[0] = 0x7f;
        eh[1] = 'E';
        eh[2] = 'L';
        eh[3] = 'F';
        eh[4] = 2;
        eh[5] = 1;
        eh[6] = 1;
        Bytes.put16(eh, 16, o, 4);
        Bytes.put16(eh, 18, o, ElfConstants.EM_X86_64);
        Bytes.put32(eh, 20, o, 1);
        Bytes.put64(eh, 32, o, 64);
        Bytes.put16(eh, 52, o, 64);
        Bytes.put16(eh, 54, o, 56);
        Bytes.put16(eh, 56, o, phnum);
        f.write(eh);
        byte[] ph = new byte[56 * phnum];
        Bytes.put32(ph, 0, o, ElfConstants.PT_NOTE);
        Bytes.put64(ph, 8, o, off);
        Bytes.put64(ph, 32, o, n.length);
        Bytes.put64(ph, 40, o, n.length);
        long dataOff = off + n.length;
        for (int i = 0; i < LOADS.length; i++) {
            int at = 56 * (i + 1);
            Bytes.put32(ph, at, o, ElfConstants.PT_LOAD);
            Bytes.put64(ph, at + 8, o, dataOff);
            Bytes.put64(ph, at + 16, o, 0xffff888000000000L + LOADS[i][0]);
            Bytes.put64(ph, at + 24, o, LOADS[i][0]);
            Bytes.put64(ph, at + 32, o, LOADS[i][1]);
            Bytes.put64(ph, at + 40, o, LOADS[i][1]);
            dataOff += LOADS[i][1];
        }
        f.write(ph);
        f.write(n);
        Random r = new Random(42);
        for (long[] l : LOADS) {
            byte[] d = new byte[(int) l[1]];
            r.nextBytes(d);
            // One whole zero page inside the last range.
            if (l[0] == 0x10000) {
                java.util.Arrays.fill(d, PS, 2 * PS, (byte) 0);
            }
            f.write(d);
        }
        Path p = dir.resolve("synthetic.elf");
        Files.write(p, f.toByteArray());
        return p;
    }

    /** Whether any byte of the page is in a load. */
    private static boolean covered(long pfn) {
        for (long[] l : LOADS) {
            if (Math.max(pfn * PS, l[0]) < Math.min((pfn + 1) * PS, l[0] + l[1])) {
                return true;
            }
        }
        return false;
    }

    /** The bytes physical memory holds: the loads, zeros elsewhere. */
    private static byte[] expectedPage(DumpFile src, long pfn) throws Exception {
        byte[] page = new byte[PS];
        for (long[] l : LOADS) {
            long lo = Math.max(pfn * PS, l[0]);
            long hi = Math.min((pfn + 1) * PS, l[0] + l[1]);
            if (lo < hi) {
                src.memory().read(lo, page, (int) (lo - pfn * PS), (int) (hi - lo));
            }
        }
        return page;
    }

    @Test
    void partialPagesAreSavedWithZerosOutsideTheSegments() throws Exception {
        Path core = core();
        Path out = dir.resolve("out.kdump");
        try (DumpFile src = Dumps.open(core)) {
            SaveResult r = Saver.save(src, SaveOptions.defaults().withLevels(1).withCompression(Compression.ZLIB)
                    .withCyclePfns(8), out);
            assertTrue(r.complete());
            assertEquals(1, r.summary().pages(PageClass.ZERO));
            try (KdumpCheckReader k = new KdumpCheckReader(out, ByteOrder.LITTLE_ENDIAN)) {
                assertEquals(0, k.offsetVmcoreinfo, "no VMCOREINFO: offset 0");
                assertEquals(0, k.sizeVmcoreinfo);
                assertEquals(src.memory().maxPfn(), k.maxMapnr);
                PageCodec[] codecs = new PageCodec[PageCodec.Kind.values().length];
                int dumped = 0;
                for (long pfn = 0; pfn < k.maxMapnr; pfn++) {
                    boolean present = covered(pfn);
                    assertEquals(present, k.dumped(pfn), "pfn " + pfn);
                    if (present) {
                        assertArrayEquals(expectedPage(src, pfn), k.page(pfn, codecs), "pfn " + pfn);
                        dumped++;
                    }
                }
                assertEquals(10, dumped, "pages 1-4 (head and tail partial), 6-7 (tail partial), 16-19");
                assertFalse(k.dumped(0), "pfn 0 is a hole");
                assertTrue(k.ram(1) && k.dumped(1), "pfn 1 holds the first range's partial head");
            }
        }
    }

    @Test
    void elfOutputClipsSegmentsToTheSourceRanges() throws Exception {
        Path core = core();
        Path out = dir.resolve("out.elf");
        try (DumpFile src = Dumps.open(core)) {
            assertTrue(Saver.save(src, SaveOptions.defaults().withLevels(1).withContainer(Container.ELF), out).complete());
        }
        try (ElfDump src = (ElfDump) Dumps.open(core); ElfDump elf = (ElfDump) Dumps.open(out)) {
            List<ProgramHeader> loads = elf.programHeaders().stream().filter(h -> h.type() == ElfConstants.PT_LOAD).toList();
            // A single zero page is a run shorter than 256: it stays in the segment, as zeros.
            assertEquals(3, loads.size(), loads.toString());
            assertEquals(0x1800, loads.get(0).paddr(), "the partial head page is kept");
            assertEquals(0x2a00, loads.get(0).filesz(), "and the partial tail");
            assertEquals(0xffff888000001800L, loads.get(0).vaddr());
            assertEquals(0x6000, loads.get(1).paddr());
            assertEquals(0x1234, loads.get(1).memsz());
            assertEquals(0x10000, loads.get(2).paddr());
            assertEquals(0x4000, loads.get(2).filesz());
            for (long[] l : LOADS) {
                byte[] a = new byte[(int) l[1]];
                byte[] b = new byte[(int) l[1]];
                src.memory().read(l[0], a, 0, a.length);
                elf.memory().read(l[0], b, 0, b.length);
                assertArrayEquals(a, b);
            }
            assertEquals(src.notes().size(), elf.notes().size());
            assertEquals(0x4242, elf.notes().get(0).type());
        }
    }
}
