package io.kdump4j.cli;

import io.kdump4j.capture.Compression;
import io.kdump4j.capture.Container;
import io.kdump4j.capture.DumpLevel;
import io.kdump4j.capture.PageClass;
import io.kdump4j.capture.ProgressListener;
import io.kdump4j.capture.SaveOptions;
import io.kdump4j.capture.SaveResult;
import io.kdump4j.capture.SaveSummary;
import io.kdump4j.capture.Saver;
import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.codec.PageCodec;
import io.kdump4j.kernel.KernelDump;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kdump4j save SOURCE TARGET|-}: what makedumpfile does in a capture kernel. Saves the
 * kernel log to {@code TARGET.dmesg.txt} first (it survives when the dump does not fit), then
 * the dump, filtered by dump level with page classes read from the crashed kernel's
 * {@code struct page} array, compressed, written safely ({@link Saver}).
 */
@Command(name = "save", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Save a crash dump like makedumpfile: filter pages by dump level, compress, write a "
                + "kdump-compressed, ELF or flattened dump.",
            "SOURCE is /proc/vmcore or any dump kdump4j reads (re-filtering an existing dump works too). "
                + "TARGET is written as TARGET.incomplete and renamed when done; '-' writes the flattened "
                + "stream to stdout (for ssh or a raw device). The kernel log goes to TARGET.dmesg.txt first."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the dump is complete", "6:a dump was saved but is incomplete (full disk, unreadable "
                + "source): TARGET.incomplete, marked so in its header", "other:see kdump4j --help"})
final class SaveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-d", "--dump-level"}, split = ",", paramLabel = "N", defaultValue = "31",
            description = "Dump level 0-31, a sum of: 1 zero pages, 2 cache without private, 4 all cache, "
                    + "8 user data, 16 free pages. A list (11,31) retries at the next level when the disk is "
                    + "full. Default: ${DEFAULT-VALUE}.")
    List<Integer> levels;

    @Option(names = {"-c", "--compress"}, paramLabel = "CODEC",
            description = "Page compression: zlib, lzo, snappy, zstd or none. Default: zlib (none for --format elf).")
    String compress;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "kdump",
            description = "kdump (kdump-compressed), elf, or flat (makedumpfile's flattened stream, -F). "
                    + "Default: ${DEFAULT-VALUE}; '-' as TARGET implies flat.")
    String format;

    @Option(names = {"-j", "--threads"}, paramLabel = "N", defaultValue = "1",
            description = "Compression threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--makedumpfile-bytes",
            description = "Compress pages with makedumpfile's own compressors (zlib's deflate instead of "
                    + "libdeflate), so that each page is stored byte for byte as makedumpfile stores it. "
                    + "Slower: by default zlib pages are written by libdeflate (same format, about 1%% larger).")
    boolean makedumpfileBytes;

    @Option(names = "--force", description = "Overwrite an existing TARGET.")
    boolean force;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "/proc/vmcore or a dump file")
    Path source;

    @Parameters(index = "1", paramLabel = "TARGET", description = "the dump file to write, or - for stdout")
    String target;

    @Override
    public Integer call() throws IOException {
        PrintStream err = System.err;
        SaveOptions options = options();
        boolean toStdout = target.equals("-");
        Path out = toStdout ? null : Path.of(target);
        if (out != null && Files.exists(out) && !force) {
            throw new ParameterException(spec.commandLine(), target + " exists; remove it or use --force");
        }
        Path log = out == null ? null : out.resolveSibling(out.getFileName() + ".dmesg.txt");
        if (log != null && Files.exists(log) && !force) {
            throw new ParameterException(spec.commandLine(), log + " exists (the kernel log of an earlier save); "
                    + "remove it or use --force");
        }
        // One owner: this try opens and closes the dump; the kernel is a view over it, and Saver
        // does the rest (log first, classes, lock, .incomplete, fsync, rename).
        try (DumpFile dump = Dumps.open(source)) {
            KernelDump kernel = null;
            try {
                kernel = KernelDump.of(dump);
            } catch (IOException e) {
                warn("the dump's kernel cannot be read (" + e.getMessage() + "): pages are not classified and "
                        + "the kernel log is not saved");
            }
            SaveProgress progress = new SaveProgress(err, ProgressMode.current());
            options = options.withListener(new ProgressListener() {
                @Override
                public void progress(Progress p) {
                    progress.progress(p);
                }

                @Override
                public void notice(String message) {
                    err.println("kdump4j save: " + message);
                }

                @Override
                public void warning(String message) {
                    warn(message);
                }
            });
            SaveResult result;
            try {
                if (toStdout) {
                    OutputStream fd1 = Main.rawStdout ? new java.io.FileOutputStream(java.io.FileDescriptor.out)
                            : new PrintStreamOutput(System.out);
                    OutputStream stdout = new BufferedOutputStream(fd1, 1 << 20);
                    result = Saver.save(dump, kernel, options, stdout);
                    stdout.flush();
                } else {
                    result = Saver.save(dump, kernel, options, out);
                }
            } finally {
                progress.done();
            }
            summary(err, result, options);
            if (result.summary().classifierFailures() > 0) {
                warn("the page classifier failed " + result.summary().classifierFailures() + " times (first: "
                        + result.summary().classifierProblem() + "); those pages were kept. Please report it.");
            }
            if (result.complete()) {
                return ExitCodes.OK;
            }
            warn("the dump is INCOMPLETE: " + result.problem());
            return ExitCodes.INCOMPLETE;
        }
    }

    private SaveOptions options() {
        for (int l : levels) {
            if (l < 0 || l > DumpLevel.MAX) {
                throw new ParameterException(spec.commandLine(), "dump level " + l + " is not 0 to 31");
            }
        }
        Container container;
        boolean flat;
        switch (format.toLowerCase(Locale.ROOT)) {
            case "kdump" -> {
                container = Container.KDUMP;
                flat = false;
            }
            case "flat" -> {
                container = Container.KDUMP;
                flat = true;
            }
            case "elf" -> {
                container = Container.ELF;
                flat = false;
            }
            default -> throw new ParameterException(spec.commandLine(), "--format " + format
                    + " is not kdump, elf or flat");
        }
        if (target.equals("-") && container == Container.ELF) {
            throw new ParameterException(spec.commandLine(), "an ELF dump cannot be streamed to stdout; use --format flat");
        }
        Compression c;
        try {
            c = compress == null ? (container == Container.ELF ? Compression.NONE : Compression.ZLIB)
                    : Compression.fromId(compress);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (container == Container.ELF && c != Compression.NONE) {
            throw new ParameterException(spec.commandLine(), "an ELF dump cannot be compressed; use --format kdump");
        }
        if (threads < 1 || threads > 256) {
            throw new ParameterException(spec.commandLine(), "--threads must be 1 to 256");
        }
        return SaveOptions.defaults().withLevels(levels.stream().mapToInt(Integer::intValue).toArray())
                .withContainer(container).withCompression(c).withFlattened(flat || target.equals("-"))
                .withThreads(threads)
                .withEncoder(makedumpfileBytes ? PageCodec.Encoder.MAKEDUMPFILE : PageCodec.Encoder.FASTEST);
    }

    private static void summary(PrintStream err, SaveResult r, SaveOptions options) {
        SaveSummary s = r.summary();
        err.printf(Locale.ROOT, "kdump4j save: %s, dump level %d%s, %s%n", r.complete() ? "complete" : "INCOMPLETE",
                s.dumpLevel(), r.levelsTried().size() > 1 ? " (tried " + r.levelsTried() + ")" : "",
                r.path() == null ? "to stdout" : r.path().toString());
        StringBuilder b = new StringBuilder();
        for (PageClass c : PageClass.values()) {
            long n = s.pages(c);
            if (n > 0) {
                b.append(b.isEmpty() ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT).replace('_', ' '))
                        .append(' ').append(n);
            }
        }
        if (s.pagesFiltered() > 0) {
            b.append(", filtered ").append(s.pagesFiltered());
        }
        if (s.pagesNotWritten() > 0) {
            b.append(", NOT WRITTEN ").append(s.pagesNotWritten());
        }
        if (s.pagesLost() > 0) {
            b.append(", LOST (unreadable in the source) ").append(s.pagesLost());
        }
        double secs = s.elapsed().toNanos() / 1e9;
        err.printf(Locale.ROOT, "kdump4j save: %d pages: %s%n", s.pagesTotal(), b);
        if (options.compression() != Compression.NONE) {
            err.printf(Locale.ROOT, "kdump4j save: pages compressed by %s%n",
                    PageCodec.create(options.compression().kind(), options.encoder()).implementation());
        }
        err.printf(Locale.ROOT, "kdump4j save: read %s, wrote %s (%.1f%%) in %.2f s (%.0f MiB/s read)%n",
                SaveProgress.mib(s.bytesIn()), SaveProgress.mib(s.bytesOut()),
                s.bytesIn() == 0 ? 0.0 : 100.0 * s.bytesOut() / s.bytesIn(), secs,
                secs == 0 ? 0.0 : s.bytesIn() / (1024.0 * 1024.0) / secs);
    }

    private static void warn(String s) {
        System.err.println("kdump4j save: warning: " + s);
    }

    /**
     * Bytes to a {@link PrintStream} (System.out), turning its swallowed errors (a closed pipe)
     * back into an {@link IOException}, so that a broken ssh pipe ends the save as a failure.
     */
    private static final class PrintStreamOutput extends OutputStream {
        private final PrintStream out;

        PrintStreamOutput(PrintStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            check();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            check();
        }

        @Override
        public void flush() throws IOException {
            check();
        }

        private void check() throws IOException {
            if (out.checkError()) {
                throw new IOException("writing to stdout failed (the reader closed the pipe, or the device is full)");
            }
        }
    }
}
