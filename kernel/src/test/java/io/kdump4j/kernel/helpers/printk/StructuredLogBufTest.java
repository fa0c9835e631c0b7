package io.kdump4j.kernel.helpers.printk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.format.Dumps;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.testing.PhysicalImage;
import io.kdump4j.kernel.testing.TinyElfCore;
import io.kdump4j.testkit.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The structured log_buf of Linux 3.5 .. 5.9, on a synthetic x86_64 ELF core (no fixture has
 * such a kernel). The kernel image is mapped by the text formula with phys_base 0, so symbol
 * {@code S} lives at physical {@code S - 0xffffffff80000000}, and the page tables map the
 * same 2 MiB, as a real kernel's do.
 */
class StructuredLogBufTest {
    private static final long KMAP = 0xffff_ffff_8000_0000L;
    private static final long TOP_PGT = 0x1000;
    private static final long LOG_BUF_PTR = 0x2000;
    private static final long LOG_BUF_LEN = 0x2008;
    private static final long FIRST_IDX = 0x2010;
    private static final long NEXT_IDX = 0x2018;
    private static final long UTS = 0x3000;
    private static final long PUD = 0x4000;
    private static final long PMD = 0x5000;
    private static final long MEM_MAP = 0x6000;
    private static final long BUF = 0x10000;
    private static final int BUF_LEN = 1024;

    @TempDir
    Path tmp;

    /** One record to place: header fields and text. */
    record Rec(long ts, int level, String text, int callerId) {
    }

    /**
     * Lays records out as the kernel does: header, text, a 3-byte dict, padding to 4
     * ({@code LOG_ALIGN} with efficient unaligned access). As {@code log_store()} does, when the
     * record and one more header do not fit before the end, a zero-length header marks the wrap
     * and the record goes to index 0.
     */
    private static byte[] dump(List<Rec> recs, int startIdx, boolean callerIds) throws IOException {
        return dump(recs, startIdx, callerIds, -1);
    }

    private static byte[] dump(List<Rec> recs, int startIdx, boolean callerIds, int nextOverride) throws IOException {
        int hdr = callerIds ? 20 : 16;
        PhysicalImage mem = new PhysicalImage(0, 0x20000);
        int idx = startIdx;
        boolean wrapped = false;
        for (Rec r : recs) {
            byte[] text = r.text().getBytes(StandardCharsets.ISO_8859_1);
            int len = (hdr + text.length + 3 + 3) & ~3;
            if (idx + len + hdr > BUF_LEN) {
                mem.u16(BUF + idx + 8, 0);
                idx = 0;
                wrapped = true;
            }
            if (wrapped && idx + len > startIdx) {
                throw new IllegalArgumentException("records overrun log_first_idx: use fewer or shorter records");
            }
            long at = BUF + idx;
            mem.u64(at, r.ts()).u16(at + 8, len).u16(at + 10, text.length).u16(at + 12, 3).u8(at + 14, 0)
                    .u8(at + 15, (r.level() << 5) | 2);
            if (callerIds) {
                mem.u32(at + 16, r.callerId());
            }
            mem.bytes(at + hdr, text).bytes(at + hdr + text.length, "a=b".getBytes(StandardCharsets.ISO_8859_1));
            idx += len;
        }
        // Page tables as the kernel has them for its image (makedumpfile walks them even there):
        // PGD[511] -> PUD, PUD[510] -> PMD, PMD[0] = a 2 MiB page at physical 0.
        mem.u64(TOP_PGT + 511 * 8, PUD | 0x63).u64(PUD + 510 * 8, PMD | 0x63).u64(PMD, 0xe3);
        // struct new_utsname: sysname, nodename, release, version, machine, domainname (char[65] each)
        String[] uts = {"Linux", "synthetic", "5.4.0-synthetic", "#1 SMP synthetic", "x86_64", "(none)"};
        for (int i = 0; i < uts.length; i++) {
            mem.bytes(UTS + 65L * i, uts[i].getBytes(StandardCharsets.ISO_8859_1));
        }
        mem.u64(MEM_MAP, KMAP + 0x100000);
        mem.u64(LOG_BUF_PTR, KMAP + BUF).u32(LOG_BUF_LEN, BUF_LEN).u32(FIRST_IDX, startIdx).u32(NEXT_IDX, nextOverride >= 0 ? nextOverride : idx);
        String vmcoreinfo = "OSRELEASE=5.4.0-synthetic\nPAGESIZE=4096\n"
                + "SYMBOL(init_uts_ns)=" + Long.toHexString(KMAP + UTS) + "\nOFFSET(uts_namespace.name)=0\n"
                + "SYMBOL(init_top_pgt)=" + Long.toHexString(KMAP + TOP_PGT) + "\nNUMBER(phys_base)=0\n"
                + "SYMBOL(log_buf)=" + Long.toHexString(KMAP + LOG_BUF_PTR) + "\n"
                + "SYMBOL(log_buf_len)=" + Long.toHexString(KMAP + LOG_BUF_LEN) + "\n"
                + "SYMBOL(log_first_idx)=" + Long.toHexString(KMAP + FIRST_IDX) + "\n"
                + "SYMBOL(clear_idx)=" + Long.toHexString(KMAP + FIRST_IDX) + "\n"
                + "SYMBOL(log_next_idx)=" + Long.toHexString(KMAP + NEXT_IDX) + "\n"
                + "SIZE(printk_log)=" + hdr + "\nOFFSET(printk_log.ts_nsec)=0\nOFFSET(printk_log.len)=8\n"
                + "OFFSET(printk_log.text_len)=10\n" + (callerIds ? "OFFSET(printk_log.caller_id)=16\n" : "")
                // What makedumpfile needs to accept the dump (FLATMEM); kdump4j does not read these.
                + "SYMBOL(mem_map)=" + Long.toHexString(KMAP + MEM_MAP) + "\nSIZE(page)=64\nOFFSET(page.flags)=0\n"
                + "OFFSET(page._refcount)=52\nOFFSET(page.mapping)=24\n"
                + "CRASHTIME=1700000000\n";
        return new TinyElfCore(TinyElfCore.EM_X86_64).vmcoreinfo(vmcoreinfo).memory(0, mem.array()).toBytes();
    }

    private List<LogRecord> read(byte[] elf) throws IOException {
        Path f = Files.write(tmp.resolve("log.elf"), elf);
        try (KernelDump k = KernelDump.open(Dumps.open(f))) {
            return KernelLog.read(k);
        }
    }

    private static String text(List<LogRecord> recs) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KernelLog.writeMakedumpfileText(recs, out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static String textWithCallerIds(List<LogRecord> recs) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KernelLog.writeMakedumpfileTextWithCallerIds(recs, out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Records that exercise every output rule: continuation lines, escapes, tab/CR, bytes >= 0x80, the wrap. */
    private static List<Rec> awkwardRecords() {
        List<Rec> recs = new ArrayList<>();
        recs.add(new Rec(5_000_001_000L, 6, "task line\nsecond\n\nfourth", 42));
        recs.add(new Rec(7_000_001_999L, 3, "esc \u0001 tab\there \u00e2\u0080\u0094 del\u007f cr\r vt\u000b ff\f end", 43));
        recs.add(new Rec(0, 6, "", 7));
        for (int i = 0; i < 14; i++) {
            recs.add(new Rec(86_399_999_999_999L + i * 1_000_000_000L, 6, "msg " + i, 0x8000_0001));
        }
        return recs;
    }

    /**
     * The real makedumpfile ({@code --dump-dmesg}) on the same synthetic dumps, with and without
     * caller ids in the kernel, gives byte-identical text. Skipped where makedumpfile is not installed.
     */
    @Test
    void matchesTheInstalledMakedumpfile() throws IOException {
        Path mdf = Path.of("/usr/bin/makedumpfile");
        assumeTrue(Files.isExecutable(mdf), "makedumpfile is not installed");
        String version = Fixtures.run(List.of(mdf.toString(), "-v"));
        Matcher v = Pattern.compile("version 1\\.(\\d+)\\.(\\d+)").matcher(version);
        assumeTrue(v.find(), "unknown makedumpfile version: " + version);
        boolean printsCallerIds = Integer.parseInt(v.group(1)) > 7
                || Integer.parseInt(v.group(1)) == 7 && Integer.parseInt(v.group(2)) >= 5;
        for (boolean callerIds : new boolean[] {false, true}) {
            byte[] elf = dump(awkwardRecords(), 700, callerIds);
            Path in = Files.write(tmp.resolve("mdf-" + callerIds + ".elf"), elf);
            Path out = tmp.resolve("mdf-" + callerIds + ".txt");
            Fixtures.run(List.of(mdf.toString(), "--dump-dmesg", in.toString(), out.toString()));
            String expected = Files.readString(out, StandardCharsets.ISO_8859_1);
            List<LogRecord> recs = read(elf);
            assertEquals(expected, printsCallerIds ? textWithCallerIds(recs) : text(recs), "caller ids in kernel: " + callerIds);
            assertTrue(expected.contains("\\xffffffe2"), expected);
        }
    }

    @Test
    void readsRecordsAcrossTheWrapMarker() throws IOException {
        List<Rec> recs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            recs.add(new Rec(1_000_000_000L * i + 123_456_789L, i % 8, "message number " + i, 0));
        }
        List<LogRecord> got = read(dump(recs, 900, false));
        assertEquals(12, got.size());
        for (int i = 0; i < 12; i++) {
            LogRecord r = got.get(i);
            assertEquals("message number " + i, r.message());
            assertEquals(recs.get(i).ts(), r.timestampNanos());
            assertEquals(i % 8, r.level());
            assertEquals(2, r.flags());
            assertEquals(i, r.sequence());
            assertEquals(OptionalInt.empty(), r.callerId());
            assertEquals(LogRecord.Source.LOG_BUF, r.source());
        }
        assertTrue(text(got).startsWith("[    0.123456] message number 0\n[    1.123456] message number 1\n"));
    }

    /** makedumpfile 1.7.5+ prints "[%8s] " caller ids and indents continuation lines past them. */
    @Test
    void callerIdsAndContinuationLines() throws IOException {
        List<Rec> recs = List.of(new Rec(5_000_001_000L, 6, "task line\nsecond", 42),
                new Rec(12_345_678_901_234L, 4, "cpu line", 0x8000_0003));
        List<LogRecord> got = read(dump(recs, 0, true));
        assertEquals(OptionalInt.of(42), got.get(0).callerId());
        assertEquals("[    5.000001] task line\n               second\n[12345.678901] cpu line\n", text(got));
        String out = textWithCallerIds(got);
        assertEquals("[    5.000001] [     T42] task line\n"
                + " ".repeat("[    5.000001] [     T42] ".length()) + "second\n"
                + "[12345.678901] [      C3] cpu line\n", out);
    }

    @Test
    void cyclicRecordChainIsReportedNotLooped() throws IOException {
        List<Rec> recs = List.of(new Rec(1, 6, "a", 0), new Rec(2, 6, "b", 0));
        // log_next_idx 2 is never reached: the chain runs 0, 20, 40 (len 0: wrap), 0, 20 ...
        byte[] elf = dump(recs, 0, false, 2);
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> read(elf));
        assertTrue(e.getMessage().contains("kernel log"), e.getMessage());
    }
}
