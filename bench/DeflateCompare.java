import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.Deflater;

/**
 * Benchmark (not a test), for the one-CPU zlib gap of `kdump4j save` (bench/README.md): compresses
 * every non-zero 4 KiB page of an ELF core once with the JDK's Deflater at level 1 (the system
 * zlib, what makedumpfile's compress2 uses too) and once with libdeflate's zlib format at LEVEL
 * (Debian's libdeflate0, through FFM), three rounds, and prints the time and bytes of each (a page
 * that does not shrink counts as stored raw, as in a kdump file).
 *
 * <pre>java --enable-native-access=ALL-UNNAMED bench/DeflateCompare.java CORE [LEVEL]</pre>
 */
public class DeflateCompare {
    public static void main(String[] args) throws Throwable {
        Path core = Path.of(args[0]);
        int level = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup("libdeflate.so.0", Arena.global());
        MethodHandle alloc = linker.downcallHandle(lib.find("libdeflate_alloc_compressor").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle compress = linker.downcallHandle(lib.find("libdeflate_zlib_compress").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        MemorySegment compressor = (MemorySegment) alloc.invokeExact(level);
        try (FileChannel ch = FileChannel.open(core); Arena arena = Arena.ofConfined()) {
            MemorySegment file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            byte[] page = new byte[4096];
            byte[] out = new byte[8192];
            MemorySegment in = arena.allocate(4096);
            MemorySegment outSeg = arena.allocate(4096);
            Deflater deflater = new Deflater(Deflater.BEST_SPEED);
            for (int round = 0; round < 3; round++) {
                long pages = 0;
                long zlibBytes = 0;
                long deflateBytes = 0;
                long zlibNs = 0;
                long deflateNs = 0;
                for (long p = 1; p < ch.size() / 4096; p++) {
                    MemorySegment.copy(file, ValueLayout.JAVA_BYTE, p * 4096, page, 0, 4096);
                    if (java.util.Arrays.equals(page, new byte[4096])) {
                        continue;
                    }
                    pages++;
                    long t0 = System.nanoTime();
                    deflater.reset();
                    deflater.setInput(page);
                    deflater.finish();
                    int z = deflater.deflate(out);
                    long t1 = System.nanoTime();
                    MemorySegment.copy(page, 0, in, ValueLayout.JAVA_BYTE, 0, 4096);
                    long d = (long) compress.invokeExact(compressor, in, 4096L, outSeg, 4096L);
                    long t2 = System.nanoTime();
                    zlibNs += t1 - t0;
                    deflateNs += t2 - t1;
                    zlibBytes += Math.min(z, 4096);
                    deflateBytes += d == 0 ? 4096 : Math.min(d, 4096);
                }
                System.out.printf("%d pages: zlib level 1 %.0f ms %d bytes; libdeflate level %d %.0f ms %d bytes;"
                        + " speed %.2fx, size %.4f%n", pages, zlibNs / 1e6, zlibBytes, level, deflateNs / 1e6,
                        deflateBytes, (double) zlibNs / deflateNs, (double) deflateBytes / zlibBytes);
            }
        }
    }
}
