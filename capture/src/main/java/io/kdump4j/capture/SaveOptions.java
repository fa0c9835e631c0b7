package io.kdump4j.capture;

import io.kdump4j.format.codec.PageCodec;
import io.kdump4j.kernel.Utsname;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How to save a dump. Start from {@link #defaults()} and change what differs:
 * {@code SaveOptions.defaults().withLevels(11, 31).withCompression(Compression.ZSTD)}.
 *
 * @param dumpLevels the dump levels to try in order: when the target runs out of space at one
 *     level the save starts again at the next (so {@code 11,31} means "everything but cache and
 *     user pages, and if that does not fit, free pages too")
 * @param compression the page codec (kdump-compressed output only)
 * @param container kdump-compressed or ELF
 * @param flattened write makedumpfile's flattened stream ({@code -F}) instead of a seekable file;
 *     always the case when saving to an {@link java.io.OutputStream}
 * @param threads compression threads (1 = compress on the writing thread)
 * @param cyclePfns page frames handled per cycle; bounds the memory of bitmaps and page
 *     descriptors kept at once (a multiple of 8)
 * @param classifier page classes from {@code struct page}; {@link PageClassifier#NONE} keeps all
 * @param filter a filter on page contents; {@link PageFilter#NONE} keeps all
 * @param listener progress reports
 * @param timestamp the dump's timestamp; null means the kernel's {@code CRASHTIME} from
 *     VMCOREINFO (what makedumpfile records), else the time of the save
 * @param utsname the header's utsname; null means {@code init_uts_ns} read from the dump (x86_64
 *     and arm64, through the kernel-image mapping), else what VMCOREINFO and the container tell
 *     (sysname, release, machine)
 * @param writeOrder the order a kdump-compressed save writes page data in, so that what matters
 *     most survives a full disk ({@link WriteOrder#KERNEL_FIRST} by default; {@link WriteOrder#PFN}
 *     is makedumpfile's order). Ignored when a content filter is set: a filtered page moves the
 *     descriptor slots of every later frame, so then pages go in PFN order.
 * @param encoder which compressor writes the pages ({@link PageCodec.Encoder#FASTEST} by default;
 *     {@link PageCodec.Encoder#MAKEDUMPFILE} writes makedumpfile's very bytes)
 * @param lostPages how many pages of the source may fail to read before the save stops: up to
 *     these limits an unreadable page is written as lost and the save goes on
 */
public record SaveOptions(
        List<Integer> dumpLevels,
        Compression compression,
        Container container,
        boolean flattened,
        int threads,
        int cyclePfns,
        PageClassifier classifier,
        PageFilter filter,
        ProgressListener listener,
        Instant timestamp,
        Utsname utsname,
        WriteOrder writeOrder,
        PageCodec.Encoder encoder,
        LostPageLimits lostPages) {

    /** The default cycle: 2^16 frames, 8 KiB of each bitmap and 1.5 MiB of page descriptors. */
    public static final int DEFAULT_CYCLE_PFNS = 1 << 16;

    public SaveOptions {
        dumpLevels = List.copyOf(dumpLevels);
        if (dumpLevels.isEmpty()) {
            throw new IllegalArgumentException("at least one dump level is needed");
        }
        dumpLevels.forEach(DumpLevel::check);
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(classifier, "classifier");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(writeOrder, "writeOrder");
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(lostPages, "lostPages");
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads must be 1 to 256, not " + threads);
        }
        if (cyclePfns < 8 || cyclePfns % 8 != 0 || cyclePfns > (1 << 24)) {
            throw new IllegalArgumentException("cyclePfns must be a multiple of 8 from 8 to 2^24, not " + cyclePfns);
        }
        if (container == Container.ELF && compression != Compression.NONE) {
            throw new IllegalArgumentException("an ELF dump cannot be compressed; use the kdump-compressed format");
        }
    }

    /** Dump level 31, zlib, kdump-compressed, a seekable file, one thread, nothing classified. */
    public static SaveOptions defaults() {
        return new SaveOptions(List.of(DumpLevel.MAX), Compression.ZLIB, Container.KDUMP, false, 1,
                DEFAULT_CYCLE_PFNS, PageClassifier.NONE, PageFilter.NONE, ProgressListener.NONE, null, null,
                WriteOrder.KERNEL_FIRST, PageCodec.Encoder.FASTEST, LostPageLimits.DEFAULT);
    }

    public SaveOptions withLevels(int... levels) {
        return new SaveOptions(java.util.Arrays.stream(levels).boxed().toList(), compression, container, flattened,
                threads, cyclePfns, classifier, filter, listener, timestamp, utsname, writeOrder, encoder, lostPages);
    }

    public SaveOptions withCompression(Compression c) {
        return new SaveOptions(dumpLevels, c, container, flattened, threads, cyclePfns, classifier, filter, listener,
                timestamp, utsname, writeOrder, encoder, lostPages);
    }

    /** ELF output also sets compression to none. */
    public SaveOptions withContainer(Container c) {
        return new SaveOptions(dumpLevels, c == Container.ELF ? Compression.NONE : compression, c, flattened,
                threads, cyclePfns, classifier, filter, listener, timestamp, utsname, writeOrder, encoder, lostPages);
    }

    public SaveOptions withFlattened(boolean f) {
        return new SaveOptions(dumpLevels, compression, container, f, threads, cyclePfns, classifier, filter,
                listener, timestamp, utsname, writeOrder, encoder, lostPages);
    }

    public SaveOptions withThreads(int n) {
        return new SaveOptions(dumpLevels, compression, container, flattened, n, cyclePfns, classifier, filter,
                listener, timestamp, utsname, writeOrder, encoder, lostPages);
    }

    public SaveOptions withCyclePfns(int n) {
        return new SaveOptions(dumpLevels, compression, container, flattened, threads, n, classifier, filter,
                listener, timestamp, utsname, writeOrder, encoder, lostPages);
    }

    public SaveOptions withClassifier(PageClassifier c) {
        return new SaveOptions(dumpLevels, compression, container, flattened, threads, cyclePfns, c, filter,
                listener, timestamp, utsname, writeOrder, encoder, lostPages);
    }

    public SaveOptions withFilter(PageFilter f) {
        return new SaveOptions(dumpLevels, compression, container, flattened, threads, cyclePfns, classifier, f,
                listener, timestamp, utsname, writeOrder, encoder, lostPages);
    }

    public SaveOptions withListener(ProgressListener l) {
        return new SaveOptions(dumpLevels, compression, container, flattened, threads, cyclePfns, classifier, filter,
                l, timestamp, utsname, writeOrder, encoder, lostPages);
    }

    public SaveOptions withTimestamp(Instant t) {
        return new SaveOptions(dumpLevels, compression, container, flattened, threads, cyclePfns, classifier, filter,
                listener, t, utsname, writeOrder, encoder, lostPages);
    }

    public SaveOptions withWriteOrder(WriteOrder w) {
        return new SaveOptions(dumpLevels, compression, container, flattened, threads, cyclePfns, classifier, filter,
                listener, timestamp, utsname, w, encoder, lostPages);
    }

    public SaveOptions withEncoder(PageCodec.Encoder e) {
        return new SaveOptions(dumpLevels, compression, container, flattened, threads, cyclePfns, classifier, filter,
                listener, timestamp, utsname, writeOrder, e, lostPages);
    }

    public SaveOptions withUtsname(Utsname u) {
        return new SaveOptions(dumpLevels, compression, container, flattened, threads, cyclePfns, classifier, filter,
                listener, timestamp, u, writeOrder, encoder, lostPages);
    }

    public SaveOptions withLostPageLimits(LostPageLimits l) {
        return new SaveOptions(dumpLevels, compression, container, flattened, threads, cyclePfns, classifier, filter,
                listener, timestamp, utsname, writeOrder, encoder, l);
    }
}
