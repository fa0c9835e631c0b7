package io.kdump4j.cli;

import io.kdump4j.capture.ProgressListener.Progress;
import java.util.Locale;

/**
 * The words of a progress report, at most {@value #MAX} columns: the share of the bytes to
 * read that were read (not of frames scanned: filtered frames cost nothing), the read rate,
 * the time left at that rate, and what was written. Before the bytes to read are known
 * (a kdump-compressed save first classifies every frame), the classification's own share.
 */
final class ProgressLine {
    /** The widest a line may be: a serial console wraps at 80 columns. */
    static final int MAX = 80;

    private ProgressLine() {
    }

    /**
     * The line for {@code p}, {@code readingSeconds} after the first byte was read (0 before).
     *
     * @param prefix what starts the line ("kdump4j save: " for lines, "" beside a bar)
     * @param width  the columns available (at most {@value #MAX} for lines)
     */
    static String format(String prefix, Progress p, double readingSeconds, int width) {
        String s;
        if (!p.planned()) {
            s = String.format(Locale.ROOT, "%sclassifying frames, %d%% of %d, level %d", prefix,
                    (int) (p.fraction() * 100), p.pagesTotal(), p.dumpLevel());
        } else {
            double rate = readingSeconds > 0 ? p.bytesIn() / readingSeconds : 0;
            String left = rate > 0 ? duration((p.bytesToRead() - Math.min(p.bytesIn(), p.bytesToRead())) / rate) : "--:--";
            String head = String.format(Locale.ROOT, "%s%3d%% of %s read, %s/s, %s left", prefix,
                    (int) (p.readFraction() * 100), size(p.bytesToRead()), size((long) rate), left);
            String tail = ", " + size(p.bytesOut()) + " written";
            s = head.length() + tail.length() <= width ? head + tail : head;
        }
        return s.length() <= width ? s : s.substring(0, Math.max(0, width));
    }

    /** Bytes in binary units with one decimal: "812.3 MiB", "1.2 TiB". */
    static String size(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = Math.max(0, bytes);
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%d B", (long) v) : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Seconds as m:ss or h:mm:ss; "99+ h" beyond 99 hours. */
    static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        if (s >= 100 * 3600) {
            return "99+ h";
        }
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
