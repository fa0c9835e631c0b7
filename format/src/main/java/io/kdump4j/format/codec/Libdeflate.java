package io.kdump4j.format.codec;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;

/**
 * libdeflate (Eric Biggers, MIT licence; Debian's {@code libdeflate0}) through the FFM API: a
 * deflate compressor about 2.6 times as fast as zlib at level 1 on dump pages, with output
 * about 1% larger (bench/README.md, {@code DeflateCompare}), and a faster inflater.
 *
 * <p>Its zlib-wrapped functions write and read the same RFC 1950 stream as zlib's
 * {@code compress2}/{@code uncompress}, so makedumpfile, crash and libkdumpfile read its pages
 * as they read zlib's; the bytes differ from zlib's (another match finder), which is why
 * {@link PageCodec.Encoder#MAKEDUMPFILE} keeps zlib itself.
 *
 * <p>The functions are bound with {@link Linker.Option#critical(boolean) critical(true)}: they
 * neither block nor call back, so the page arrays are passed in place, without a copy to native
 * memory. The library is looked up once, by its soname, as the dynamic loader finds it (the
 * capture initramfs puts it beside libc); when it is missing, {@link #available()} is false and
 * zlib is used.
 */
final class Libdeflate {
    static final String SONAME = "libdeflate.so.0";
    /** {@code enum libdeflate_result}: LIBDEFLATE_SUCCESS. */
    private static final int SUCCESS = 0;
    private static final Cleaner CLEANER = Cleaner.create();

    private static final class Binding {
        static final Binding INSTANCE = load();

        final MethodHandle allocCompressor;
        final MethodHandle freeCompressor;
        final MethodHandle zlibCompress;
        final MethodHandle zlibCompressBound;
        final MethodHandle allocDecompressor;
        final MethodHandle freeDecompressor;
        final MethodHandle zlibDecompress;
        final String problem;

        private Binding(SymbolLookup lib, String problem) {
            this.problem = problem;
            if (lib == null) {
                allocCompressor = freeCompressor = zlibCompress = zlibCompressBound = null;
                allocDecompressor = freeDecompressor = zlibDecompress = null;
                return;
            }
            Linker linker = Linker.nativeLinker();
            Linker.Option inPlace = Linker.Option.critical(true);
            ValueLayout ptr = ValueLayout.ADDRESS;
            ValueLayout size = ValueLayout.JAVA_LONG;
            // struct libdeflate_compressor *libdeflate_alloc_compressor(int compression_level)
            allocCompressor = linker.downcallHandle(lib.find("libdeflate_alloc_compressor").orElseThrow(),
                    FunctionDescriptor.of(ptr, ValueLayout.JAVA_INT));
            freeCompressor = linker.downcallHandle(lib.find("libdeflate_free_compressor").orElseThrow(),
                    FunctionDescriptor.ofVoid(ptr));
            // size_t libdeflate_zlib_compress(c, const void *in, size_t in_nbytes, void *out, size_t out_nbytes_avail):
            // the compressed size, or 0 when it does not fit in out_nbytes_avail
            zlibCompress = linker.downcallHandle(lib.find("libdeflate_zlib_compress").orElseThrow(),
                    FunctionDescriptor.of(size, ptr, ptr, size, ptr, size), inPlace);
            // size_t libdeflate_zlib_compress_bound(c, size_t in_nbytes): the output room that
            // guarantees success; zlib's compressBound() is not always enough (libdeflate keeps an
            // end margin for word-sized writes), so buffers are sized by this
            zlibCompressBound = linker.downcallHandle(lib.find("libdeflate_zlib_compress_bound").orElseThrow(),
                    FunctionDescriptor.of(size, ptr, size));
            allocDecompressor = linker.downcallHandle(lib.find("libdeflate_alloc_decompressor").orElseThrow(),
                    FunctionDescriptor.of(ptr));
            freeDecompressor = linker.downcallHandle(lib.find("libdeflate_free_decompressor").orElseThrow(),
                    FunctionDescriptor.ofVoid(ptr));
            // enum libdeflate_result libdeflate_zlib_decompress(d, in, in_nbytes, out, out_nbytes_avail,
            // size_t *actual_out_nbytes_ret): with a null last argument the output must fill
            // out_nbytes_avail exactly (LIBDEFLATE_SHORT_OUTPUT otherwise)
            zlibDecompress = linker.downcallHandle(lib.find("libdeflate_zlib_decompress").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ptr, ptr, size, ptr, size, ptr), inPlace);
        }

        private static Binding load() {
            try {
                return new Binding(SymbolLookup.libraryLookup(SONAME, Arena.global()), null);
            } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
                return new Binding(null, SONAME + " not loadable: " + e.getMessage());
            } catch (IllegalCallerException e) {
                // The module was not granted native access (--enable-native-access).
                return new Binding(null, "native access not enabled: " + e.getMessage());
            }
        }
    }

    private Libdeflate() {
    }

    /** Whether the library is loaded and bound. */
    static boolean available() {
        return Binding.INSTANCE.problem == null;
    }

    /** Why the library is not available, or null when it is. */
    static String problem() {
        return Binding.INSTANCE.problem;
    }

    /** One compressor (not thread-safe); its native state is freed when it becomes unreachable. */
    static final class Compressor {
        private final MemorySegment handle;

        Compressor(int level) {
            Binding b = Binding.INSTANCE;
            try {
                handle = (MemorySegment) b.allocCompressor.invokeExact(level);
            } catch (Throwable t) {
                throw new IllegalStateException("libdeflate_alloc_compressor failed", t);
            }
            if (handle.equals(MemorySegment.NULL)) {
                throw new OutOfMemoryError("libdeflate_alloc_compressor(" + level + ") returned NULL");
            }
            MemorySegment h = handle;
            CLEANER.register(this, () -> free(b.freeCompressor, h));
        }

        /** Output room that guarantees {@link #zlibCompress} succeeds for {@code len} input bytes. */
        int zlibCompressBound(int len) {
            try {
                return Math.toIntExact((long) Binding.INSTANCE.zlibCompressBound.invokeExact(handle, (long) len));
            } catch (Throwable t) {
                throw new IllegalStateException("libdeflate_zlib_compress_bound failed", t);
            }
        }

        /** The zlib stream's length, or 0 when it would not fit in {@code dstCapacity} bytes. */
        int zlibCompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstCapacity) {
            try {
                return (int) (long) Binding.INSTANCE.zlibCompress.invokeExact(handle,
                        MemorySegment.ofArray(src).asSlice(srcOff, srcLen), (long) srcLen,
                        MemorySegment.ofArray(dst).asSlice(dstOff, dstCapacity), (long) dstCapacity);
            } catch (Throwable t) {
                throw new IllegalStateException("libdeflate_zlib_compress failed", t);
            }
        }
    }

    /** One decompressor (not thread-safe); its native state is freed when it becomes unreachable. */
    static final class Decompressor {
        private final MemorySegment handle;

        Decompressor() {
            Binding b = Binding.INSTANCE;
            try {
                handle = (MemorySegment) b.allocDecompressor.invokeExact();
            } catch (Throwable t) {
                throw new IllegalStateException("libdeflate_alloc_decompressor failed", t);
            }
            if (handle.equals(MemorySegment.NULL)) {
                throw new OutOfMemoryError("libdeflate_alloc_decompressor returned NULL");
            }
            MemorySegment h = handle;
            CLEANER.register(this, () -> free(b.freeDecompressor, h));
        }

        /** {@code enum libdeflate_result}: 0 when exactly {@code dstLen} bytes were decoded. */
        int zlibDecompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstLen) {
            try {
                return (int) Binding.INSTANCE.zlibDecompress.invokeExact(handle,
                        MemorySegment.ofArray(src).asSlice(srcOff, srcLen), (long) srcLen,
                        MemorySegment.ofArray(dst).asSlice(dstOff, dstLen), (long) dstLen, MemorySegment.NULL);
            } catch (Throwable t) {
                throw new IllegalStateException("libdeflate_zlib_decompress failed", t);
            }
        }
    }

    /** What a {@code libdeflate_result} other than success means. */
    static String result(int r) {
        return switch (r) {
            case SUCCESS -> "success";
            case 1 -> "bad data";
            case 2 -> "more output than the page holds";
            case 3 -> "less output than a page";
            default -> "result " + r;
        };
    }

    private static void free(MethodHandle free, MemorySegment h) {
        try {
            free.invokeExact(h);
        } catch (Throwable t) {
            throw new IllegalStateException("libdeflate free failed", t);
        }
    }
}
