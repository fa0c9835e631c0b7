package io.kdump4j.format.kdump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpDetails;
import io.kdump4j.format.DumpFile;
import io.kdump4j.format.DumpFormat;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.format.mem.PhysicalMemory;
import io.kdump4j.format.mem.PhysicalMemory.PageState;
import io.kdump4j.testkit.Corrupt;
import io.kdump4j.testkit.KdumpWriter;
import io.kdump4j.testkit.TestCodec;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Edge cases of the kdump-compressed reader, on dumps from the testkit's independent writer. */
class KdumpSyntheticTest {

    @ParameterizedTest(name = "{0} pages read back")
    @EnumSource(TestCodec.class)
    void everyCodecReadsBack(TestCodec codec) throws Exception {
        KdumpWriter w = Synthetic.standard(codec, 4096);
        try (DumpFile d = Synthetic.open(w.build())) {
            Synthetic.assertReadsBack(w, d.memory());
            List<String> expected = codec == TestCodec.RAW ? List.of() : List.of(codec.name().toLowerCase());
            assertEquals(expected, d.details().compression());
            assertEquals(12 + 3, d.memory().pagesPresent());
            assertEquals(4, d.memory().pagesExcluded());
        }
    }

    @ParameterizedTest(name = "header version {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void everyHeaderVersionReadsWithTheFieldsItHas(int version) throws Exception {
        KdumpWriter w = Synthetic.standard(TestCodec.ZLIB, 4096).version(version).dumpLevel(17);
        try (DumpFile d = Synthetic.open(w.build())) {
            Synthetic.assertReadsBack(w, d.memory());
            DumpDetails det = d.details();
            assertEquals(version, det.headerVersion());
            assertEquals(17, det.dumpLevel().orElseThrow());
            assertEquals(version >= 3, d.vmcoreinfo().isPresent(), "VMCOREINFO from v3");
            assertEquals(version >= 4 ? 2 : version == 3 ? 1 : 0, d.notes().size(), "notes blob from v4");
            if (version >= 3) {
                assertEquals(Synthetic.VMCOREINFO, d.vmcoreinfo().orElseThrow());
            }
        }
    }

    @ParameterizedTest(name = "32-bit layout, padded sub-header {0}")
    @ValueSource(booleans = {false, true})
    void thirtyTwoBitDumpsReadWithTheirOwnLayout(boolean padded) throws Exception {
        for (int version : new int[] {2, 3, 4, 6}) {
            KdumpWriter w = Synthetic.standard(TestCodec.ZLIB, 4096).wordSize(4, padded).version(version)
                    .machine(padded ? "armv7l" : "i686").dumpLevel(31);
            try (DumpFile d = Synthetic.open(w.build())) {
                KdumpFile k = (KdumpFile) d;
                assertEquals(4, k.header().wordSize(), "version " + version);
                if (version >= 3) {
                    assertEquals(padded ? SubHeaderLayout.ILP32_PADDED : SubHeaderLayout.I386_PACKED,
                            k.subHeader().layout(), "version " + version);
                    assertEquals(Synthetic.VMCOREINFO, d.vmcoreinfo().orElseThrow());
                }
                assertEquals(31, d.details().dumpLevel().orElseThrow());
                assertEquals(1_700_000_000L, d.details().timestampSeconds());
                Synthetic.assertReadsBack(w, d.memory());
            }
        }
    }

    @ParameterizedTest(name = "32-bit split set, padded sub-header {0}")
    @ValueSource(booleans = {false, true})
    void thirtyTwoBitSplitPartsKeepTheirRanges(boolean padded, @TempDir Path dir) throws Exception {
        KdumpWriter w = Synthetic.standard(TestCodec.LZO, 4096).wordSize(4, padded);
        List<Path> parts = new java.util.ArrayList<>();
        for (byte[] p : w.buildSplit(2)) {
            Path f = dir.resolve("part" + parts.size());
            Files.write(f, p);
            parts.add(f);
        }
        try (DumpFile set = Dumps.openSet(parts)) {
            Synthetic.assertReadsBack(w, set.memory());
        }
    }

    @Test
    void bigEndianDumpReadsTheSame() throws Exception {
        KdumpWriter w = Synthetic.standard(TestCodec.LZO, 4096).order(ByteOrder.BIG_ENDIAN).machine("s390x");
        try (DumpFile d = Synthetic.open(w.build())) {
            assertEquals(ByteOrder.BIG_ENDIAN, d.byteOrder());
            assertEquals("s390x", d.details().machine());
            Synthetic.assertReadsBack(w, d.memory());
            assertEquals(Synthetic.VMCOREINFO, d.vmcoreinfo().orElseThrow());
        }
    }

    @Test
    void diskdumpSignatureIsReadAsTheLegacyFormat() throws Exception {
        KdumpWriter w = Synthetic.standard(TestCodec.ZLIB, 4096).signature("DISKDUMP");
        try (DumpFile d = Synthetic.open(w.build())) {
            assertEquals(DumpFormat.DISKDUMP, d.details().format());
            Synthetic.assertReadsBack(w, d.memory());
        }
    }

    @Test
    void zeroPagesShareOneStoredPage() throws Exception {
        KdumpWriter w = Synthetic.standard(TestCodec.ZLIB, 4096);
        byte[] shared = w.build();
        byte[] unshared = Synthetic.standard(TestCodec.ZLIB, 4096).shareZeroPage(false).build();
        try (DumpFile d = Synthetic.open(shared)) {
            Synthetic.assertReadsBack(w, d.memory());
        }
        assertTrue(shared.length < unshared.length, "sharing the zero page must not store it three times");
    }

    @Test
    void qemuStyle64kBlocksOnA4kGuestAreAddressedByBlock() throws Exception {
        KdumpWriter w = Synthetic.standard(TestCodec.SNAPPY, 65536).codecInStatus(false).machine("Unknown").dumpLevel(1);
        try (DumpFile d = Synthetic.open(w.build())) {
            PhysicalMemory m = d.memory();
            assertEquals(65536, m.pageSize());
            Synthetic.assertReadsBack(w, m);
            DumpDetails det = d.details();
            assertEquals(List.of("snappy"), det.compression(), "taken from the page descriptors");
            assertEquals(null, det.machine());
            assertTrue(det.notes().stream().anyMatch(s -> s.contains("4096-byte-page guest")), det.notes().toString());
            // A 4 KiB read from the middle of block 5 and one across blocks 5/6.
            byte[] four = new byte[4096];
            m.read(5L * 65536 + 12288, four, 0, 4096);
            assertArrayEquals(java.util.Arrays.copyOfRange(w.pages().get(5L), 12288, 16384), four);
            byte[] across = new byte[10];
            m.read(6L * 65536 - 5, across, 0, 10);
            byte[] expected = new byte[10];
            System.arraycopy(w.pages().get(5L), 65536 - 5, expected, 0, 5);
            System.arraycopy(w.pages().get(6L), 0, expected, 5, 5);
            assertArrayEquals(expected, across);
        }
    }

    @Test
    void lostPagesOfAnIncompleteDumpFaultAsLost() throws Exception {
        KdumpWriter w = Synthetic.standard(TestCodec.ZSTD, 4096).lost(40).lost(41);
        try (DumpFile d = Synthetic.open(w.build())) {
            assertTrue(d.details().incomplete());
            PhysicalMemory m = d.memory();
            assertEquals(PageState.LOST, m.state(40));
            MemoryFault f = assertThrows(MemoryFault.class, () -> m.read(41L * 4096 + 100, new byte[4], 0, 4));
            assertEquals(MemoryFault.Reason.LOST, f.reason());
            assertEquals(41L * 4096 + 100, f.address());
            Synthetic.assertReadsBack(w, m);
        }
    }

    @Test
    void incompleteDumpCutShortLosesOnlyTheMissingPages() throws Exception {
        KdumpWriter w = Synthetic.standard(TestCodec.RAW, 4096).lost(79);
        byte[] full = w.build();
        byte[] cut = Corrupt.truncate(full, full.length - 4096 - 100);
        try (DumpFile d = Synthetic.open(cut)) {
            PhysicalMemory m = d.memory();
            m.read(1L * 4096, new byte[4096], 0, 4096);
            MemoryFault f = assertThrows(MemoryFault.class, () -> m.read(64L * 4096, new byte[4096], 0, 4096));
            assertEquals(MemoryFault.Reason.LOST, f.reason());
        }
    }

    @Test
    void aHeaderClaiming2To40PagesFailsFastWithoutAllocating() {
        byte[] ok = Synthetic.standard(TestCodec.ZLIB, 4096).build();
        long pages = 1L << 40;
        byte[] bad = Corrupt.overwriteLong(ok, 4096 + 96, pages, false);
        bad = Corrupt.overwriteInt(bad, 440, 0xffff_ffff);
        bad = Corrupt.overwriteInt(bad, 436, (int) (2 * (pages / 8 / 4096)));
        byte[] file = bad;
        DumpFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(DumpFormatException.class, () -> Synthetic.open(file)));
        assertTrue(e.getMessage().contains("bitmap"), e.getMessage());
        assertEquals(2 * 4096, e.offset(), "the offset where the bitmaps should start");
    }

    @Test
    void tooFewBitmapBlocksForMaxMapnrIsAFormatError() {
        byte[] ok = Synthetic.standard(TestCodec.ZLIB, 4096).build();
        byte[] bad = Corrupt.overwriteLong(ok, 4096 + 96, 1L << 20, false);
        bad = Corrupt.overwriteInt(bad, 440, 1 << 20);
        byte[] file = bad;
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> Synthetic.open(file));
        assertEquals(436, e.offset());
    }

    @Test
    void unknownHeaderVersionNamesTheSupportedOnes() {
        byte[] bad = Corrupt.overwriteInt(Synthetic.standard(TestCodec.ZLIB, 4096).build(), 8, 99);
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> Synthetic.open(bad));
        assertEquals(8, e.offset());
        assertTrue(e.getMessage().contains("0-6"), e.getMessage());
    }

    @Test
    void corruptCompressedPageIsAFormatErrorAtItsData() throws Exception {
        KdumpWriter w = Synthetic.standard(TestCodec.ZLIB, 4096);
        byte[] file = w.build();
        int dataStart;
        try (DumpFile d = Synthetic.open(file)) {
            dataStart = (int) ((KdumpFile) d).header().blockSize() * 4; // header, sub, 2 bitmap blocks
        }
        int descOfPfn1 = dataStart;
        long dataOffset = java.nio.ByteBuffer.wrap(file, descOfPfn1, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] bad = Corrupt.flip(file, (int) dataOffset + 2, 0xff);
        try (DumpFile d = Synthetic.open(bad)) {
            DumpFormatException e = assertThrows(DumpFormatException.class,
                    () -> d.memory().read(4096, new byte[8], 0, 8));
            assertEquals(dataOffset, e.offset());
        }
    }

    @Test
    void truncatedAtAnyOffsetGivesOnlyFormatErrorsOrFaults() throws Exception {
        byte[] file = Synthetic.standard(TestCodec.ZLIB, 4096).build();
        int failures = 0;
        for (int len = 0; len < file.length; len += len < 600 ? 1 : len < 5 * 4096 ? 61 : 29) {
            byte[] cut = Corrupt.truncate(file, len);
            try {
                Synthetic.openAndReadAll(() -> Synthetic.open(cut));
            } catch (DumpFormatException expected) {
                failures++;
            }
        }
        assertTrue(failures > 100, "a truncated header must be refused; refusals: " + failures);
    }

    @Test
    void extremeValuesInEveryHeaderFieldGiveOnlyFormatErrorsOrFaults() throws Exception {
        KdumpWriter w = new KdumpWriter().codec(TestCodec.ZLIB).blockSize(1024).maxMapnr(24)
                .vmcoreinfo(Synthetic.VMCOREINFO).prstatus(new byte[64]).lost(20);
        for (long pfn = 1; pfn < 16; pfn += 2) {
            w.page(pfn, KdumpWriter.patternPage(pfn, 1024));
        }
        byte[] file = w.build();
        int[] values = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 20, 1024, 6};
        int cases = 0;
        for (int off = 8; off < 1024 + 104 + 64; off += 4) {
            if (off >= 464 && off < 1024) {
                continue;
            }
            for (int v : values) {
                byte[] bad = Corrupt.overwriteInt(file, off, v);
                try {
                    Synthetic.openAndReadAll(() -> Synthetic.open(bad));
                } catch (DumpFormatException expected) {
                    // refused with an offset: fine
                }
                cases++;
            }
        }
        assertTrue(cases > 1000);
    }

    @ParameterizedTest(name = "mapped with 2^{0}-byte chunks")
    @ValueSource(ints = {12, 13, 14, 17})
    void tinyMappingChunksDoNotChangeWhatIsRead(int chunkBits, @TempDir Path dir) throws Exception {
        KdumpWriter w = Synthetic.standard(TestCodec.RAW, 4096);
        Path f = dir.resolve("tiny.kdump");
        Files.write(f, w.build());
        try (DumpFile d = Dumps.open(f, chunkBits)) {
            Synthetic.assertReadsBack(w, d.memory());
            PhysicalMemory m = d.memory();
            for (long pfn : new long[] {2, 3, 7, 8}) {
                for (int delta = -1; delta <= 1; delta++) {
                    long addr = pfn * 4096 + delta;
                    byte[] got = new byte[3];
                    m.read(addr, got, 0, 3);
                    byte[] expect = new byte[3];
                    for (int i = 0; i < 3; i++) {
                        long a = addr + i;
                        expect[i] = w.pageOrZeros(a / 4096)[(int) (a % 4096)];
                    }
                    assertArrayEquals(expect, got, "3 bytes at 0x" + Long.toHexString(addr));
                }
            }
        }
    }

    @Test
    void eraseinfoTextIsAvailable() throws Exception {
        KdumpWriter w = Synthetic.standard(TestCodec.ZLIB, 4096).eraseinfo("erase modules size 8\n");
        try (DumpFile d = Synthetic.open(w.build())) {
            assertEquals("erase modules size 8\n", ((KdumpFile) d).eraseinfo().orElseThrow());
            assertFalse(d.details().incomplete());
        }
    }
}
