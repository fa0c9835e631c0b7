package io.kdump4j.capture;

import io.kdump4j.capture.elf.ElfWriter;
import io.kdump4j.capture.kdump.KdumpWriter;
import io.kdump4j.capture.output.DumpSink;
import io.kdump4j.capture.output.FileSink;
import io.kdump4j.capture.output.FlattenedSink;
import io.kdump4j.capture.output.TargetLock;
import io.kdump4j.capture.pipeline.SaveStats;
import io.kdump4j.capture.pipeline.SourceFacts;
import io.kdump4j.capture.pipeline.WriteFailure;
import io.kdump4j.capture.pipeline.WriteJob;
import io.kdump4j.capture.classify.StructPageClassifier;
import io.kdump4j.format.DumpFile;
import io.kdump4j.kernel.KernelDump;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Saves a dump: reads {@code source} page by page, filters by dump level, and writes a
 * kdump-compressed, flattened or ELF dump.
 *
 * <p>Safety, for a file target (this class owns all of it; the CLI only opens the source and
 * its kernel view and prints):
 * <ol>
 *   <li>the target is locked ({@link TargetLock}: {@code .TARGET.lock}) for the whole save; a
 *   second save to the same target fails at once instead of racing the first;</li>
 *   <li>the kernel log is written first, to {@code TARGET.dmesg.txt} ({@link KernelLogFile});</li>
 *   <li>everything is written to {@code TARGET.incomplete} (mode 0600), whose header says
 *   "incomplete" until the last page is written;</li>
 *   <li>on success the header is rewritten complete, the file is fsynced, renamed to
 *   {@code TARGET}, and the directory is fsynced;</li>
 *   <li>when the file system fills up (ENOSPC) and more dump levels were given, the partial
 *   file is removed and the save starts again at the next level;</li>
 *   <li>a page of the source that cannot be read is written as lost and the save goes on
 *   ({@link LostPageLimits}: too many in a row or in all, and it stops as below); the finished
 *   dump stays marked incomplete, and the result is {@link SaveResult.Status#INCOMPLETE} with
 *   {@link SaveSummary#pagesLost()} saying how many;</li>
 *   <li>when the last level does not fit, or the source cannot be read any more, what was written stays
 *   in {@code TARGET.incomplete}, marked incomplete in its header and readable, and the result
 *   says {@link SaveResult.Status#INCOMPLETE}. The file keeps its {@code .incomplete} name so that
 *   no script mistakes it for a finished dump: "a failed save leaves a dump marked incomplete,
 *   never a silently short one".</li>
 * </ol>
 */
public final class Saver {
    /** The suffix of a dump being written, or of one that could not be finished. */
    public static final String INCOMPLETE_SUFFIX = ".incomplete";

    private Saver() {
    }

    /**
     * Saves {@code source} to a file with what its kernel knows: {@code kernel} is a view over
     * {@code source} ({@link KernelDump#of}; the caller owns both) or null when the kernel
     * cannot be read. With a kernel, the log goes to {@code TARGET.dmesg.txt} first, and pages
     * are classified from {@code struct page} unless {@code options} name a classifier; without
     * one every page is kept. See the class comment for what happens on failure.
     */
    public static SaveResult save(DumpFile source, KernelDump kernel, SaveOptions options, Path target)
            throws IOException {
        try (TargetLock lock = TargetLock.acquire(target)) {
            if (kernel != null) {
                KernelLogFile.write(kernel, target, options.listener());
            }
            SaveOptions o = withClassifier(kernel, options);
            SaveResult r = saveLocked(source, kernel, o, target);
            unreadable(o);
            return r;
        }
    }

    /** Tells the listener of frames kept because their struct page is not in the dump. */
    private static void unreadable(SaveOptions o) {
        if (o.classifier() instanceof StructPageClassifier c && c.unreadableFrames() > 0) {
            o.listener().warning(c.unreadableFrames() + " frames were kept unclassified: their struct page is not in the dump");
        }
    }

    /**
     * Saves {@code source} to a file as it is: no log, the classifier {@code options} name; the
     * kernel is read only for the header's utsname. For tests and re-filtering.
     */
    public static SaveResult save(DumpFile source, SaveOptions options, Path target) throws IOException {
        try (TargetLock lock = TargetLock.acquire(target)) {
            return saveLocked(source, quietView(source), options, target);
        }
    }

    /** The kernel view for the header's utsname, or null when the kernel cannot be read. */
    private static KernelDump quietView(DumpFile source) {
        try {
            return KernelDump.of(source);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * {@code options} with the {@code struct page} classifier of {@code kernel} when they name
     * none and a level needs one; what it cannot do is a warning to the listener.
     */
    static SaveOptions withClassifier(KernelDump kernel, SaveOptions options) {
        if (kernel == null || options.classifier() != PageClassifier.NONE) {
            return options;
        }
        boolean needed = options.dumpLevels().stream().anyMatch(l -> (l & ~DumpLevel.EXCLUDE_ZERO) != 0);
        try {
            StructPageClassifier c = StructPageClassifier.open(kernel);
            if (needed) {
                c.limitations().forEach(l -> options.listener().warning("page classes: " + l));
            }
            return options.withClassifier(c);
        } catch (IOException e) {
            if (needed) {
                options.listener().warning("pages cannot be classified from struct page (" + e.getMessage()
                        + "): cache, user and free pages are kept (the dump is larger, not wrong)");
            }
            return options;
        }
    }

    private static SaveResult saveLocked(DumpFile source, KernelDump kernel, SaveOptions options, Path target)
            throws IOException {
        SourceFacts facts = SourceFacts.of(source, kernel, options);
        Path partial = target.resolveSibling(target.getFileName() + INCOMPLETE_SUFFIX);
        List<Integer> tried = new ArrayList<>();
        long present = WriteJob.presentPages(source);
        for (int i = 0; i < options.dumpLevels().size(); i++) {
            int level = options.dumpLevels().get(i);
            tried.add(level);
            boolean last = i == options.dumpLevels().size() - 1;
            SaveStats stats = new SaveStats(level, present, options.listener(), options.lostPages());
            WriteFailure failure = null;
            try (FileSink file = FileSink.create(partial)) {
                DumpSink sink = options.flattened()
                        ? new FlattenedSink(new BufferedOutputStream(file.appender(), 1 << 20), partial.toString())
                        : file;
                try {
                    write(new WriteJob(source, facts, options, level, sink, stats));
                } catch (WriteFailure f) {
                    failure = f;
                } catch (IOException | RuntimeException e) {
                    // Not a failure the writers know how to mark (a refused source, a bug): no result
                    // to return. An empty file goes; anything written says "incomplete" in its header.
                    file.close();
                    if (Files.size(partial) == 0) {
                        Files.deleteIfExists(partial);
                    }
                    throw e;
                }
                if (failure != null && failure.noSpace() && !last) {
                    file.truncate(0);
                } else {
                    try {
                        sink.finish();
                        file.finish();
                    } catch (IOException e) {
                        if (failure == null) {
                            throw e;
                        }
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure == null) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(target);
                return new SaveResult(SaveResult.Status.COMPLETE, target, tried, stats.summary(), null);
            }
            if (failure.noSpace() && !last) {
                Files.deleteIfExists(partial);
                continue;
            }
            if (!failure.marked()) {
                Files.deleteIfExists(partial);
                throw new IOException("the save failed before a dump header could be written to " + partial
                        + " (removed): " + failure.getMessage(), failure);
            }
            syncDirectory(partial);
            return new SaveResult(SaveResult.Status.INCOMPLETE, partial, tried, stats.summary(), failure.getMessage());
        }
        throw new IllegalStateException("no dump level was tried");
    }

    /**
     * Saves to a stream (stdout piped to ssh, a raw device) in makedumpfile's flattened format:
     * the first dump level only, since a stream cannot be rewound for a retry. The stream is
     * flushed, not closed. On failure the stream ends with the incomplete header and the end
     * marker when it still accepts bytes.
     */
    public static SaveResult save(DumpFile source, SaveOptions options, OutputStream target) throws IOException {
        return saveStream(source, quietView(source), options, target);
    }

    /** {@link #save(DumpFile, SaveOptions, OutputStream)} with a kernel view (classes from struct page; no log file). */
    public static SaveResult save(DumpFile source, KernelDump kernel, SaveOptions options, OutputStream target)
            throws IOException {
        SaveOptions o = kernel == null ? options : withClassifier(kernel, options);
        SaveResult r = saveStream(source, kernel, o, target);
        unreadable(o);
        return r;
    }

    private static SaveResult saveStream(DumpFile source, KernelDump kernel, SaveOptions options, OutputStream target)
            throws IOException {
        SourceFacts facts = SourceFacts.of(source, kernel, options);
        int level = options.dumpLevels().get(0);
        SaveStats stats = new SaveStats(level, WriteJob.presentPages(source), options.listener(), options.lostPages());
        FlattenedSink sink = new FlattenedSink(target, "the output stream");
        WriteFailure failure = null;
        try {
            write(new WriteJob(source, facts, options, level, sink, stats));
        } catch (WriteFailure f) {
            failure = f;
        }
        try {
            sink.finish();
        } catch (IOException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
        if (failure == null) {
            return new SaveResult(SaveResult.Status.COMPLETE, null, List.of(level), stats.summary(), null);
        }
        if (!failure.marked()) {
            throw new IOException("the save failed before a dump header was written: " + failure.getMessage(), failure);
        }
        return new SaveResult(SaveResult.Status.INCOMPLETE, null, List.of(level), stats.summary(), failure.getMessage());
    }

    private static void write(WriteJob job) throws IOException {
        switch (job.options().container()) {
            case KDUMP -> new KdumpWriter(job).write();
            case ELF -> new ElfWriter(job).write();
        }
    }

    /** Makes a rename durable: fsync of the directory (a no-op where directories cannot be opened). */
    private static void syncDirectory(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open or sync a directory; the data itself is already synced.
        }
    }
}
