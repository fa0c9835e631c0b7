package io.kdump4j.setup.check;

import java.util.Locale;

/**
 * Byte sizes as the kernel's {@code memparse()} reads them: a number (decimal, or hex with 0x)
 * with an optional K/M/G/T/P/E suffix, powers of 1024.
 */
public final class Sizes {
    private Sizes() {
    }

    /** Parses "256M", "0x1000", "1G"; throws IllegalArgumentException naming the text. */
    public static long parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty size");
        }
        int shift = switch (Character.toUpperCase(t.charAt(t.length() - 1))) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            case 'P' -> 50;
            case 'E' -> 60;
            default -> 0;
        };
        String num = shift == 0 ? t : t.substring(0, t.length() - 1);
        try {
            long v = num.toLowerCase(Locale.ROOT).startsWith("0x")
                    ? Long.parseUnsignedLong(num.substring(2), 16) : Long.parseLong(num);
            if (v < 0 || (shift > 0 && v > (Long.MAX_VALUE >> shift))) {
                throw new IllegalArgumentException("size out of range: " + text);
            }
            return v << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: \"" + text + "\"", e);
        }
    }

    /** "256 MiB", "1.5 GiB", "4096 B". */
    public static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v == Math.rint(v) ? String.format(Locale.ROOT, "%d", (long) v) : String.format(Locale.ROOT, "%.1f", v))
                + " " + units[u];
    }
}
