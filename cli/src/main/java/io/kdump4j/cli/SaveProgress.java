package io.kdump4j.cli;

import io.kdump4j.capture.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The progress of a save on stderr ({@link ProgressMode}): on a real terminal a bar redrawn in
 * place at most {@value #BAR_PER_SECOND} times a second ({@link TerminalBar}); otherwise plain
 * lines ({@link ProgressLine}), at most one every {@value #LINE_SECONDS} seconds and one at
 * each tenth of the bytes to read, for a capture kernel's serial console, where carriage
 * returns pile up into one endless line.
 */
final class SaveProgress implements ProgressListener {
    static final int LINE_SECONDS = 5;
    static final int BAR_PER_SECOND = 4;
    static final String PREFIX = "kdump4j save: ";

    private final PrintStream err;
    private final ProgressMode mode;
    private final LongSupplier clock;
    private TerminalBar bar;
    private long lastNanos = Long.MIN_VALUE;
    private int lastTenth = -1;
    private int lastLevel = -1;
    private boolean lastPlanned;
    private long readingSince = -1;

    SaveProgress(PrintStream err, ProgressMode mode) {
        this(err, mode, System::nanoTime);
    }

    /** With a clock (nanoseconds), for tests. */
    SaveProgress(PrintStream err, ProgressMode mode, LongSupplier clock) {
        this.err = err;
        this.clock = clock;
        if (mode == ProgressMode.BAR) {
            bar = TerminalBar.open();
            mode = bar == null ? ProgressMode.LINES : mode;
        }
        this.mode = mode;
    }

    ProgressMode mode() {
        return mode;
    }

    @Override
    public void progress(Progress p) {
        long now = clock.getAsLong();
        if (p.dumpLevel() != lastLevel) {
            // A retry at another level reads again from the start.
            readingSince = -1;
        }
        if (readingSince < 0 && p.planned()) {
            readingSince = now;
        }
        double reading = readingSince < 0 ? 0 : (now - readingSince) / 1e9;
        switch (mode) {
            case NONE -> {
            }
            case BAR -> {
                if (lastNanos == Long.MIN_VALUE || now - lastNanos >= 1_000_000_000L / BAR_PER_SECOND
                        || p.readFraction() >= 1.0) {
                    bar.draw(p, reading);
                    lastNanos = now;
                }
            }
            case LINES -> {
                int tenth = (int) (p.readFraction() * 10);
                if (p.dumpLevel() != lastLevel || p.planned() != lastPlanned || tenth != lastTenth
                        || now - lastNanos >= LINE_SECONDS * 1_000_000_000L) {
                    err.println(ProgressLine.format(PREFIX, p, reading, ProgressLine.MAX));
                    lastTenth = tenth;
                    lastNanos = now;
                }
            }
        }
        lastLevel = p.dumpLevel();
        lastPlanned = p.planned();
    }

    /** Ends the bar's line, so that what follows starts on a fresh one. */
    void done() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
