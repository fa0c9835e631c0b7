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
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The structured log_buf of Linux 3.5 .. 5.9, on a synthetic x86_64 ELF core (no fixture has
 * such a kernel; see {@link SyntheticX86Kernel}).
 */
class StructuredLogBufTest {
    private static final long LOG_BUF_PTR = SyntheticX86Kernel.FREE;
    private static final long LOG_BUF_LEN = LOG_BUF_PTR + 8;
    private static final long FIRST_IDX = LOG_BUF_PTR + 16;
    private static final long NEXT_IDX = LOG_BUF_PTR + 24;
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
        SyntheticX86Kernel kernel = new SyntheticX86Kernel();
        PhysicalImage mem = kernel.memory();
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
        mem.u64(LOG_BUF_PTR, SyntheticX86Kernel.va(BUF)).u32(LOG_BUF_LEN, BUF_LEN).u32(FIRST_IDX, startIdx)
                .u32(NEXT_IDX, nextOverride >= 0 ? nextOverride : idx);
        kernel.symbol("log_buf", LOG_BUF_PTR).symbol("log_buf_len", LOG_BUF_LEN).symbol("log_first_idx", FIRST_IDX)
                .symbol("clear_idx", FIRST_IDX).symbol("log_next_idx", NEXT_IDX)
                .line("SIZE(printk_log)=" + hdr).line("OFFSET(printk_log.ts_nsec)=0").line("OFFSET(printk_log.len)=8")
                .line("OFFSET(printk_log.text_len)=10");
        if (callerIds) {
            kernel.line("OFFSET(printk_log.caller_id)=16");
        }
        return kernel.elf();
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
