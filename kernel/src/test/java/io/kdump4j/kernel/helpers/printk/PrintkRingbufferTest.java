package io.kdump4j.kernel.helpers.printk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.format.Dumps;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.testing.PhysicalImage;
import io.kdump4j.kernel.testing.SyntheticX86Kernel;
import io.kdump4j.testkit.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lockless printk ringbuffer's corner cases on a synthetic x86_64 dump, with the
 * 6.1 x86_64 fixture's structure layout: descriptor states other than committed/finalized,
 * an id that does not match its slot, data-less records, a data block that wraps to the start
 * of the text ring, a text_len longer than its block, ids wrapping through DESC_ID_MASK. The
 * expected text is what the installed makedumpfile prints for the same file.
 */
class PrintkRingbufferTest {
    private static final long PRB_PTR = SyntheticX86Kernel.FREE;
    private static final long RB = 0x8100;
    private static final long DESCS = 0x9000;
    private static final long INFOS = 0xa000;
    private static final long TEXT = 0xc000;
    private static final int COUNT_BITS = 3;
    private static final int SIZE_BITS = 9;
    private static final long ID_MASK = (1L << 62) - 1;
    private static final String LAYOUT = """
            SIZE(printk_ringbuffer)=88
            OFFSET(printk_ringbuffer.desc_ring)=0
            OFFSET(printk_ringbuffer.text_data_ring)=48
            OFFSET(printk_ringbuffer.fail)=80
            SIZE(prb_desc_ring)=48
            OFFSET(prb_desc_ring.count_bits)=0
            OFFSET(prb_desc_ring.descs)=8
            OFFSET(prb_desc_ring.infos)=16
            OFFSET(prb_desc_ring.head_id)=24
            OFFSET(prb_desc_ring.tail_id)=32
            SIZE(prb_desc)=24
            OFFSET(prb_desc.state_var)=0
            OFFSET(prb_desc.text_blk_lpos)=8
            SIZE(prb_data_blk_lpos)=16
            OFFSET(prb_data_blk_lpos.begin)=0
            OFFSET(prb_data_blk_lpos.next)=8
            SIZE(printk_info)=88
            OFFSET(printk_info.seq)=0
            OFFSET(printk_info.ts_nsec)=8
            OFFSET(printk_info.text_len)=16
            OFFSET(printk_info.caller_id)=20
            OFFSET(printk_info.dev_info)=24
            SIZE(dev_printk_info)=64
            OFFSET(dev_printk_info.subsystem)=0
            LENGTH(printk_info_subsystem)=16
            OFFSET(dev_printk_info.device)=16
            LENGTH(printk_info_device)=48
            SIZE(prb_data_ring)=32
            OFFSET(prb_data_ring.size_bits)=0
            OFFSET(prb_data_ring.data)=8
            OFFSET(prb_data_ring.head_lpos)=16
            OFFSET(prb_data_ring.tail_lpos)=24
            SIZE(atomic_long_t)=8
            OFFSET(atomic_long_t.counter)=0""";

    @TempDir
    Path tmp;

    /** A descriptor to write: its id, state, data block (lpos) and info. */
    record Desc(long id, long state, long begin, long next, int textLen, String text, long ts) {
    }

    private static byte[] dump(List<Desc> descs, long tailId, long headId, int countBits) {
        return dump(descs, tailId, headId, countBits, countBits);
    }

    /** As above, but the ring header claims {@code claimedCountBits} (for hostile values). */
    private static byte[] dump(List<Desc> descs, long tailId, long headId, int countBits, int claimedCountBits) {
        SyntheticX86Kernel k = new SyntheticX86Kernel();
        PhysicalImage m = k.memory();
        long count = 1L << countBits;
        long size = 1L << SIZE_BITS;
        m.u64(PRB_PTR, SyntheticX86Kernel.va(RB));
        m.u32(RB, claimedCountBits).u64(RB + 8, SyntheticX86Kernel.va(DESCS)).u64(RB + 16, SyntheticX86Kernel.va(INFOS))
                .u64(RB + 24, headId).u64(RB + 32, tailId);
        m.u32(RB + 48, SIZE_BITS).u64(RB + 56, SyntheticX86Kernel.va(TEXT));
        for (Desc d : descs) {
            long slot = d.id() % count;
            long desc = DESCS + slot * 24;
            m.u64(desc, (d.state() << 62) | d.id()).u64(desc + 8, d.begin()).u64(desc + 16, d.next());
            long info = INFOS + slot * 88;
            m.u64(info, d.id()).u64(info + 8, d.ts()).u16(info + 16, d.textLen()).u8(info + 18, 0)
                    .u8(info + 19, 6 << 5).u32(info + 20, 0x8000_0000L);
            m.bytes(info + 24, "pci".getBytes(StandardCharsets.ISO_8859_1))
                    .bytes(info + 40, "+pci:0000:00:01.0".getBytes(StandardCharsets.ISO_8859_1));
            if (d.text() != null) {
                long begin = d.begin() % size;
                long next = d.next() % size;
                long at = begin > next ? 0 : begin;
                if (begin > next) {
                    m.u64(TEXT + begin, d.id()); // the kernel writes the id where the block was reserved
                }
                m.u64(TEXT + at, d.id()).bytes(TEXT + at + 8, d.text().getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        k.symbol("prb", PRB_PTR);
        for (String line : LAYOUT.split("\n")) {
            k.line(line);
        }
        return k.elf();
    }

    /**
     * Ids 0x3fff...fe .. 5 (wrapping through DESC_ID_MASK) on an 8-slot ring, one of each kind.
     * Data blocks (absolute lpos, 512-byte ring) run from 1200 to 1616, the sixth wrapping from
     * ring offset 480 to the ring's start. A text_len of -1 means the text's own length.
     */
    private static List<Desc> corners() {
        List<Desc> d = new ArrayList<>();
        long id = ID_MASK - 1;
        d.add(desc(id, 2, 1200, 1240, -1, "finalized \u00e2\u0080\u0094 dash", 1_000_000_000L));
        d.add(desc(id + 1, 1, 1240, 1280, -1, "committed", 2_000_000_000L));
        d.add(desc(0, 0, 1280, 1312, -1, "reserved", 3_000_000_000L));
        d.add(desc(1, 3, 1312, 1344, -1, "reusable", 4_000_000_000L));
        d.add(desc(2, 2, 1, 1, 0, null, 5_000_000_000L)); // data-less (FAILED_LPOS)
        d.add(desc(3, 2, 1344, 1376, 200, "text_len past the block: cut here", 6_000_000_000L));
        d.add(desc(4, 2, 1504, 1536 + 48, -1, "wrapped block\nsecond line\t\u0007", 7_000_000_000L));
        d.add(desc(5, 2, 1584, 1616, -1, "head", 8_000_000_000L));
        return d;
    }

    private static Desc desc(long id, long state, long begin, long next, int textLen, String text, long ts) {
        return new Desc(id, state, begin, next, textLen < 0 ? text.length() : textLen, text, ts);
    }

    private List<LogRecord> read(byte[] elf) throws IOException {
        Path f = Files.write(tmp.resolve("prb.elf"), elf);
        try (KernelDump k = KernelDump.open(Dumps.open(f))) {
            return KernelLog.read(k);
        }
    }

    private static String text(List<LogRecord> recs) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KernelLog.writeMakedumpfileText(recs, out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void skipsWhatMakedumpfileSkips() throws IOException {
        List<LogRecord> recs = read(dump(corners(), ID_MASK - 1, 5, COUNT_BITS));
        List<String> texts = recs.stream().map(LogRecord::message).toList();
        assertEquals(List.of("finalized \u2014 dash", "committed", "text_len past the block:",
                "wrapped block\nsecond line\t\u0007", "head"), texts);
        assertEquals(ID_MASK - 1, recs.get(0).sequence());
        assertEquals("pci", recs.get(0).subsystem());
        assertEquals("+pci:0000:00:01.0", recs.get(0).device());
        assertEquals(6, recs.get(0).level());
    }

    @Test
    void readsFromTailToHeadInclusive() throws IOException {
        List<LogRecord> recs = read(dump(corners(), 3, 5, COUNT_BITS));
        assertEquals(List.of("text_len past the block:", "wrapped block\nsecond line\t\u0007", "head"),
                recs.stream().map(LogRecord::message).toList());
    }

    /** A tail..head distance beyond the ring reads only the last `count` ids (the rest cannot match): no endless loop. */
    @Test
    void implausibleTailDoesNotLoop() throws IOException {
        assertEquals(read(dump(corners(), ID_MASK - 1, 5, COUNT_BITS)), read(dump(corners(), 100, 5, COUNT_BITS)));
    }

    /**
     * One flipped state bit in head_id (bit 62): no masked id ever equals it. The walk used to
     * count forever (a capture that never wrote its dump); now the state bits are masked off as
     * the kernel's DESC_ID() does, and the log reads as before.
     */
    @Test
    void stateBitsInHeadIdAreMaskedNotLoopedOn() throws IOException {
        List<LogRecord> expected = read(dump(corners(), ID_MASK - 1, 5, COUNT_BITS));
        assertEquals(expected, read(dump(corners(), ID_MASK - 1, 5 | (1L << 62), COUNT_BITS)));
        assertEquals(expected, read(dump(corners(), (ID_MASK - 1) | (1L << 63), 5 | (3L << 62), COUNT_BITS)));
    }

    /**
     * The largest ring the reader accepts (2^26 descriptors) whose ids never match: a capture's
     * deadline cuts the walk short with the reason instead of a wait. The deadline is one that
     * has already passed: the synthetic memory holds only 1 MiB, so a walk given time would end
     * at its first unreadable descriptor (a fault, also a reason) before any real deadline on a
     * fast machine, and the test would depend on the machine's speed.
     */
    @Test
    void aDeadlineCutsALongWalkWithTheReason() throws IOException {
        Path f = Files.write(tmp.resolve("big.elf"), dump(corners(), 6, 5, COUNT_BITS, 26));
        try (KernelDump k = KernelDump.open(Dumps.open(f))) {
            long t0 = System.nanoTime();
            KernelLog.Partial p = KernelLog.readWithin(k, java.time.Duration.ZERO);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < KernelLog.GRACE.toMillis() + 500, ms + " ms");
            assertTrue(!p.whole() && p.problem().contains("too long"), String.valueOf(p.problem()));
        }
    }

    @Test
    void hostileCountBitsIsAFormatError() {
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> read(dump(corners(), 0, 5, COUNT_BITS, 40)));
        assertTrue(e.getMessage().contains("count_bits 40"), e.getMessage());
    }

    @Test
    void matchesTheInstalledMakedumpfile() throws IOException {
        Path mdf = Path.of("/usr/bin/makedumpfile");
        assumeTrue(Files.isExecutable(mdf), "makedumpfile is not installed");
        String version = Fixtures.run(List.of(mdf.toString(), "-v"));
        assumeTrue(version.contains("version 1.7.2") || version.contains("version 1.7.3") || version.contains("version 1.7.4"),
                "caller ids are printed by makedumpfile 1.7.5+: " + version);
        byte[] elf = dump(corners(), ID_MASK - 1, 5, COUNT_BITS);
        Path in = Files.write(tmp.resolve("mdf.elf"), elf);
        Path out = tmp.resolve("mdf.txt");
        Fixtures.run(List.of(mdf.toString(), "--dump-dmesg", in.toString(), out.toString()));
        String expected = Files.readString(out, StandardCharsets.ISO_8859_1);
        assertEquals(5, expected.lines().filter(l -> l.startsWith("[")).count(), expected);
        assertTrue(expected.contains("\\xffffffe2") && expected.contains("\\x07"), expected);
        assertEquals(expected, text(read(elf)));
    }
}
