package io.kdump4j.cli;

import io.kdump4j.capture.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress of a save on stderr: a bar redrawn in place on a terminal, plain lines at most
 * every {@value #LINE_SECONDS} seconds (and at each tenth) otherwise, for a capture kernel's
 * serial console, where carriage returns pile up into one endless line.
 */
final class SaveProgress implements ProgressListener {
    private static final int LINE_SECONDS = 5;
    private static final int BAR = 30;

    private final PrintStream err;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private long lastLineNanos;
    private int lastTenth = -1;
    private int lastLevel = -1;
    private boolean barShown;

    SaveProgress(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public void progress(Progress p) {
        double f = p.fraction();
        long now = System.nanoTime();
        String text = String.format(Locale.ROOT, "%3d%% %d/%d pages, level %d, read %s, written %s, %.0f s",
                (int) (f * 100), p.pagesDone(), p.pagesTotal(), p.dumpLevel(), mib(p.bytesIn()), mib(p.bytesOut()),
                (now - startNanos) / 1e9);
        if (terminal) {
            int n = (int) Math.round(f * BAR);
            err.print("\r[" + "#".repeat(n) + ".".repeat(BAR - n) + "] " + text + "\u001b[K");
            err.flush();
            barShown = true;
            return;
        }
        int tenth = (int) (f * 10);
        if (p.dumpLevel() != lastLevel || tenth != lastTenth || now - lastLineNanos >= LINE_SECONDS * 1_000_000_000L) {
            err.println("kdump4j save: " + text);
            lastLevel = p.dumpLevel();
            lastTenth = tenth;
            lastLineNanos = now;
        }
    }

    /** Ends the bar's line, so that what follows starts on a fresh one. */
    void done() {
        if (barShown) {
            err.println();
            barShown = false;
        }
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
