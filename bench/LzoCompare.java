import io.airlift.compress.v3.lzo.LzoDecompressor;
import io.kdump4j.format.io.Bytes;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Benchmark (not a test), for the one-CPU LZO gap of `kdump4j save` (bench/README.md): compresses
 * every non-zero 4 KiB page of an ELF core with liblzo2's {@code lzo1x_1_compress} (what
 * makedumpfile calls, through FFM with {@code Linker.Option.critical(true)}, so the heap arrays
 * are passed without copies) and with each of our compressors, ROUNDS rounds, and prints per
 * round the time and bytes of each (a page that does not shrink counts as stored raw, 4096 bytes,
 * as in a kdump file) and their ratios to liblzo2. It checks outside the timed part how many pages
 * each compressor gives byte-identical to liblzo2 and that aircompressor's LZO decoder gives every
 * page back. It also times the zero-page test that `save` makes on every page, {@code
 * Bytes.isZero} on the mapped page, over all pages of the core.
 *
 * <p>Our compressors are package-private classes of {@code io.kdump4j.format.codec} (Lzo1x1 is
 * what PageCodec's LZO uses); they are reached through a private lookup (the class path's unnamed
 * module opens every package) rather than through a public entry point that the production module
 * would have to carry for a benchmark. CLASS names any such class with a no-argument constructor
 * and {@code int compress(byte[] src, int srcOff, int len, byte[] dst, int dstOff)}; a candidate
 * compiled elsewhere is put on the class path next to format/target/classes.
 *
 * <pre>
 * mvn -q -B -o -pl format -am package -DskipTests
 * java --enable-native-access=ALL-UNNAMED \
 *   -cp format/target/classes:$HOME/.m2/repository/io/airlift/aircompressor-v3/3.3/aircompressor-v3-3.3.jar \
 *   bench/LzoCompare.java CORE [ROUNDS] [CLASS...]
 * </pre>
 */
public class LzoCompare {
    private static final int PAGE = 4096;
    private static final String LIBLZO = "/usr/lib/x86_64-linux-gnu/liblzo2.so.2";

    public static void main(String[] args) throws Throwable {
        Path core = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<String> names = new ArrayList<>(args.length > 2 ? Arrays.asList(args).subList(2, args.length)
                : List.of("Lzo1x1"));
        int n = names.size();
        Object[] compressors = new Object[n];
        MethodHandle[] compress = new MethodHandle[n];
        for (int i = 0; i < n; i++) {
            Class<?> c = Class.forName("io.kdump4j.format.codec." + names.get(i));
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
            compressors[i] = lookup.findConstructor(c, MethodType.methodType(void.class)).invoke();
            compress[i] = lookup.findVirtual(c, "compress", MethodType.methodType(int.class, byte[].class, int.class,
                    int.class, byte[].class, int.class)).asType(MethodType.methodType(int.class, Object.class,
                    byte[].class, int.class, int.class, byte[].class, int.class));
        }
        // int lzo1x_1_compress(const uchar *src, lzo_uint src_len, uchar *dst, lzo_uint *dst_len, void *wrkmem)
        MethodHandle liblzo = Linker.nativeLinker().downcallHandle(
                SymbolLookup.libraryLookup(LIBLZO, Arena.global()).find("lzo1x_1_compress").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
                Linker.Option.critical(true));
        LzoDecompressor decoder = new LzoDecompressor();
        try (FileChannel ch = FileChannel.open(core); Arena arena = Arena.ofConfined()) {
            MemorySegment file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            MemorySegment wrkmem = arena.allocate(16384 * 8, 64);
            byte[] page = new byte[PAGE];
            byte[] back = new byte[PAGE];
            byte[] ref = new byte[PAGE + PAGE / 16 + 67];
            byte[] out = new byte[PAGE + PAGE / 16 + 67];
            long[] refLen = new long[1];
            MemorySegment pageSeg = MemorySegment.ofArray(page);
            MemorySegment refSeg = MemorySegment.ofArray(ref);
            MemorySegment refLenSeg = MemorySegment.ofArray(refLen);
            long filePages = ch.size() / PAGE;
            for (int round = 1; round <= rounds; round++) {
                long pages = 0;
                long zeroNs = 0;
                long libNs = 0;
                long libBytes = 0;
                long[] ns = new long[n];
                long[] bytes = new long[n];
                long[] same = new long[n];
                for (long p = 1; p < filePages; p++) {
                    MemorySegment m = file.asSlice(p * PAGE, PAGE);
                    long z0 = System.nanoTime();
                    boolean zero = Bytes.isZero(m);
                    zeroNs += System.nanoTime() - z0;
                    if (zero) {
                        continue;
                    }
                    pages++;
                    MemorySegment.copy(m, ValueLayout.JAVA_BYTE, 0, page, 0, PAGE);
                    long t0 = System.nanoTime();
                    int rc = (int) liblzo.invokeExact(pageSeg, (long) PAGE, refSeg, refLenSeg, wrkmem);
                    libNs += System.nanoTime() - t0;
                    if (rc != 0) {
                        throw new IllegalStateException("lzo1x_1_compress: " + rc);
                    }
                    int r = (int) refLen[0];
                    libBytes += Math.min(r, PAGE);
                    for (int i = 0; i < n; i++) {
                        long t1 = System.nanoTime();
                        int c = (int) compress[i].invokeExact(compressors[i], page, 0, PAGE, out, 0);
                        ns[i] += System.nanoTime() - t1;
                        bytes[i] += Math.min(c, PAGE);
                        if (Arrays.equals(out, 0, c, ref, 0, r)) {
                            same[i]++;
                        } else if (round == 1) {
                            int d = decoder.decompress(out, 0, c, back, 0, PAGE);
                            if (d != PAGE || !Arrays.equals(back, page)) {
                                throw new IllegalStateException(names.get(i) + ": file page " + p + " does not decode");
                            }
                        }
                    }
                }
                System.out.printf("round %d: %d non-zero of %d pages; isZero %.1f ns/page (%.0f ms)%n", round, pages,
                        filePages - 1, (double) zeroNs / (filePages - 1), zeroNs / 1e6);
                System.out.printf("  %-12s %8.0f ms %12d bytes%n", "liblzo2", libNs / 1e6, libBytes);
                for (int i = 0; i < n; i++) {
                    System.out.printf("  %-12s %8.0f ms %12d bytes  speed %.3fx  size %.4fx  identical %d%n",
                            names.get(i), ns[i] / 1e6, bytes[i], (double) libNs / ns[i], (double) bytes[i] / libBytes,
                            same[i]);
                }
            }
        }
    }
}
