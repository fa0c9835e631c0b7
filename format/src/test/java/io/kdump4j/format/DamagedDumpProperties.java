package io.kdump4j.format;

import io.kdump4j.format.io.ArrayByteSource;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.format.mem.PhysicalMemory;
import io.kdump4j.testkit.ElfCoreWriter;
import io.kdump4j.testkit.FlatWriter;
import io.kdump4j.testkit.KdumpWriter;
import io.kdump4j.testkit.TestCodec;
import io.kdump4j.testkit.Fuzz;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Damaged dumps of every container: random byte overwrites and truncations of small valid
 * files. Opening them and reading every page may only fail with {@link DumpFormatException}
 * or {@link MemoryFault}; never another exception, never a hang or an out-of-memory.
 */
class DamagedDumpProperties {
    private static final List<byte[]> FILES = List.of(
            kdump(TestCodec.ZLIB), kdump(TestCodec.LZO), kdump(TestCodec.SNAPPY), kdump(TestCodec.ZSTD),
            kdump(TestCodec.RAW), FlatWriter.scrambled(kdump(TestCodec.ZLIB), 900, 5), elf(),
            variant().wordSize(4, true).build(), variant().wordSize(4, false).version(3).build(),
            variant().order(java.nio.ByteOrder.BIG_ENDIAN).build(), qemu64k());

    private static byte[] kdump(TestCodec codec) {
        KdumpWriter w = new KdumpWriter().codec(codec).blockSize(1024).maxMapnr(40)
                .vmcoreinfo("OSRELEASE=6.1.0-test\nPAGESIZE=1024\n").prstatus(new byte[64]).lost(33);
        for (long pfn = 1; pfn < 30; pfn += 2) {
            w.page(pfn, pfn % 5 == 0 ? new byte[1024] : KdumpWriter.patternPage(pfn, 1024));
        }
        w.excluded(4);
        return w.build();
    }

    private static KdumpWriter variant() {
        KdumpWriter w = new KdumpWriter().codec(TestCodec.LZO).blockSize(1024).maxMapnr(20)
                .vmcoreinfo("OSRELEASE=6.1.0-test\n").prstatus(new byte[64]);
        for (long pfn = 2; pfn < 20; pfn += 3) {
            w.page(pfn, KdumpWriter.patternPage(pfn, 1024));
        }
        return w.excluded(3);
    }

    /** QEMU's shape: 64 KiB blocks, no codec in the status word. */
    private static byte[] qemu64k() {
        KdumpWriter w = new KdumpWriter().codec(TestCodec.ZLIB).codecInStatus(false).blockSize(65536).maxMapnr(6)
                .vmcoreinfo("PAGESIZE=4096\n").machine("Unknown");
        w.page(1, new byte[65536]).page(4, KdumpWriter.patternPage(4, 65536));
        return w.build();
    }

    private static byte[] elf() {
        return new ElfCoreWriter().vmcoreinfo("OSRELEASE=6.1.0-test\nPAGESIZE=4096\n").prstatus(new byte[336])
                .load(0, KdumpWriter.patternPage(3, 4096), 8192).load(0x10000, KdumpWriter.patternPage(4, 4096), 4096)
                .build();
    }

    /** An overwrite: where (as a fraction of the file, biased to headers) and what. */
    record Damage(int permille, boolean nearStart, byte[] bytes) {
        int offset(int length) {
            int span = nearStart ? Math.min(length, 5000) : length;
            return (int) ((long) permille * (span - 1) / 1000);
        }
    }

    private static Damage damage(SplittableRandom r) {
        return new Damage(r.nextInt(1001), r.nextBoolean(), Fuzz.bytes(r, 1 + r.nextInt(8)));
    }

    @Test
    void overwrittenBytesGiveOnlyFormatErrorsOrFaults() {
        Fuzz.check("overwritten bytes", 600, r -> {
            byte[] file = FILES.get(r.nextInt(FILES.size())).clone();
            int n = 1 + r.nextInt(4);
            for (int k = 0; k < n; k++) {
                Damage d = damage(r);
                int at = d.offset(file.length);
                for (int i = 0; i < d.bytes().length && at + i < file.length; i++) {
                    file[at + i] = d.bytes()[i];
                }
            }
            openAndReadAll(file);
        });
    }

    @Test
    void truncatedFilesGiveOnlyFormatErrorsOrFaults() {
        Fuzz.check("truncated files", 300, r -> {
            byte[] full = FILES.get(r.nextInt(FILES.size()));
            int permille = r.nextInt(1001);
            openAndReadAll(java.util.Arrays.copyOf(full, (int) ((long) full.length * permille / 1000)));
        });
    }

    private static void openAndReadAll(byte[] file) throws Exception {
        try (DumpFile d = Dumps.open(new ArrayByteSource("damaged", file))) {
            d.details();
            d.vmcoreinfo();
            PhysicalMemory m = d.memory();
            int ps = m.pageSize();
            byte[] buf = new byte[Math.min(ps, 1 << 16)];
            long limit = Math.min(m.maxPfn(), 4096);
            for (long pfn = 0; pfn < limit; pfn++) {
                m.state(pfn);
                try {
                    m.read(pfn * ps, buf, 0, buf.length);
                } catch (MemoryFault | DumpFormatException expected) {
                    // the two ways a damaged dump may refuse a page
                }
            }
        } catch (DumpFormatException expected) {
            // a damaged container is refused with file, offset and what was expected
        }
    }
}
