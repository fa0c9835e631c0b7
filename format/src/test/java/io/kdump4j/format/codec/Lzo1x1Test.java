package io.kdump4j.format.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.mem.PhysicalMemory;
import io.kdump4j.testkit.Fixtures;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our LZO1X-1 compressor against the real one: liblzo2's {@code lzo1x_1_compress()} (the library
 * makedumpfile links, called through FFM) must produce the same bytes for every input, and
 * aircompressor's decoder must give the input back.
 */
class Lzo1x1Test {
    private static final Path LIBLZO = Path.of("/usr/lib/x86_64-linux-gnu/liblzo2.so.2");
    private static final String X86_61 = "x86_64-6.1.0-56-amd64/sysrq-elf";
    /** {@code LZO1X_1_MEM_COMPRESS}: 2^14 dictionary entries of a pointer's size, at most. */
    private static final int WRKMEM = 16384 * 8;

    private static Arena arena;
    private static MethodHandle lzo1x1;
    private static MemorySegment wrkmem;

    @BeforeAll
    static void load() {
        assumeTrue(Files.exists(LIBLZO), "liblzo2 is not installed (it comes with makedumpfile)");
        arena = Arena.ofShared();
        SymbolLookup lib = SymbolLookup.libraryLookup(LIBLZO, arena);
        // int lzo1x_1_compress(const uchar *src, lzo_uint src_len, uchar *dst, lzo_uint *dst_len, void *wrkmem)
        lzo1x1 = Linker.nativeLinker().downcallHandle(lib.find("lzo1x_1_compress").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        wrkmem = arena.allocate(WRKMEM, 16);
    }

    @AfterAll
    static void close() {
        if (arena != null) {
            arena.close();
        }
    }

    private static byte[] liblzo(byte[] in) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment src = a.allocate(Math.max(1, in.length));
            MemorySegment.copy(in, 0, src, ValueLayout.JAVA_BYTE, 0, in.length);
            MemorySegment dst = a.allocate(Lzo1x1.maxCompressedLength(in.length));
            MemorySegment len = a.allocate(ValueLayout.JAVA_LONG);
            int rc = (int) lzo1x1.invokeExact(src, (long) in.length, dst, len, wrkmem);
            assertEquals(0, rc, "lzo1x_1_compress failed");
            return dst.asSlice(0, len.get(ValueLayout.JAVA_LONG, 0)).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** Compresses with ours at an offset inside a larger array, so that offsets are honoured. */
    private static byte[] ours(Lzo1x1 lzo, byte[] in) {
        byte[] src = new byte[in.length + 24];
        System.arraycopy(in, 0, src, 11, in.length);
        byte[] dst = new byte[Lzo1x1.maxCompressedLength(in.length) + 7];
        int n = lzo.compress(src, 11, in.length, dst, 7);
        return Arrays.copyOfRange(dst, 7, 7 + n);
    }

    private static void check(Lzo1x1 lzo, PageCodec codec, byte[] in) throws Throwable {
        byte[] mine = ours(lzo, in);
        assertArrayEquals(liblzo(in), mine, "compressed " + in.length + " bytes");
        byte[] back = new byte[in.length];
        codec.decompress(mine, 0, mine.length, back, 0, back.length);
        assertArrayEquals(in, back);
    }

    @Test
    void samePagesAsLiblzoOnTheFixture() throws Throwable {
        Path core = Fixtures.elfCore(X86_61);
        assumeTrue(core != null, "fixture core missing");
        Lzo1x1 lzo = new Lzo1x1();
        PageCodec codec = PageCodec.create(PageCodec.Kind.LZO);
        int checked = 0;
        try (DumpFile dump = Dumps.open(core)) {
            PhysicalMemory m = dump.memory();
            byte[] page = new byte[m.pageSize()];
            for (long pfn = 0; pfn < m.maxPfn(); pfn += 13) {
                if (m.state(pfn) == PhysicalMemory.PageState.PRESENT) {
                    m.read(pfn * m.pageSize(), page, 0, page.length);
                    check(lzo, codec, page);
                    checked++;
                }
            }
        }
        assertEquals(true, checked > 10_000, "pages checked: " + checked);
    }

    /**
     * Into an array only as long as the output: literals are copied 8 bytes at a time, and the
     * bytes written past a run must always be inside the output (overwritten by what follows), never
     * past its end, so a buffer that ends where the output ends is enough.
     */
    @Test
    void exactlySizedOutputArrays() throws Throwable {
        Path core = Fixtures.elfCore(X86_61);
        assumeTrue(core != null, "fixture core missing");
        Lzo1x1 lzo = new Lzo1x1();
        int checked = 0;
        try (DumpFile dump = Dumps.open(core)) {
            PhysicalMemory m = dump.memory();
            byte[] page = new byte[m.pageSize()];
            for (long pfn = 0; pfn < m.maxPfn(); pfn++) {
                if (m.state(pfn) == PhysicalMemory.PageState.PRESENT) {
                    m.read(pfn * m.pageSize(), page, 0, page.length);
                    byte[] expected = liblzo(page);
                    byte[] exact = new byte[expected.length];
                    assertEquals(expected.length, lzo.compress(page, 0, page.length, exact, 0), "pfn " + pfn);
                    assertArrayEquals(expected, exact, "pfn " + pfn);
                    checked++;
                }
            }
        }
        assertEquals(true, checked > 1000, "pages checked: " + checked);
    }

    @Test
    void sameAsLiblzoOnEdgeCases() throws Throwable {
        Lzo1x1 lzo = new Lzo1x1();
        PageCodec codec = PageCodec.create(PageCodec.Kind.LZO);
        Random r = new Random(42);
        // From 1 byte: aircompressor does not decode the bare end marker that an empty input gives.
        for (int len = 1; len <= 300; len++) {
            byte[] b = new byte[len];
            r.nextBytes(b);
            check(lzo, codec, b);
            check(lzo, codec, new byte[len]);
            byte[] few = new byte[len];
            for (int i = 0; i < len; i++) {
                few[i] = (byte) r.nextInt(3);
            }
            check(lzo, codec, few);
        }
        // Long matches (M3 and M4 length extensions), far matches (M4, beyond 16 KiB), the
        // 49152-byte pieces of a 64 KiB page, and long literal runs.
        for (int len : new int[] {4096, 16384, 49152, 49153, 65536, 100_000}) {
            byte[] zeros = new byte[len];
            check(lzo, codec, zeros);
            byte[] random = new byte[len];
            r.nextBytes(random);
            check(lzo, codec, random);
            byte[] far = new byte[len];
            r.nextBytes(far);
            System.arraycopy(far, 0, far, len / 2, Math.min(len / 2, 20_000));
            check(lzo, codec, far);
            byte[] text = new byte[len];
            for (int i = 0; i < len; i++) {
                text[i] = (byte) "the quick brown fox jumps over the lazy dog ".charAt((i * 7 + r.nextInt(2)) % 44);
            }
            check(lzo, codec, text);
        }
    }
}
