package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.capture.ProgressListener.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Progress on a serial console: which consoles get plain lines and which a bar, and what a line
 * says (the share of the bytes to read, rate, time left) within 80 columns.
 */
class SaveProgressTest {
    private static final long MIB = 1 << 20;

    @Test
    void serialAndVirtualConsolesGetLinesOnlyARealTerminalGetsABar() {
        Map<String, String> xterm = Map.of("TERM", "xterm-256color");
        assertEquals(ProgressMode.BAR, ProgressMode.decide(xterm, "/dev/pts/3"));
        for (String tty : List.of("/dev/ttyS0", "/dev/ttyAMA0", "/dev/hvc0", "/dev/tty1", "/dev/console")) {
            assertEquals(ProgressMode.LINES, ProgressMode.decide(xterm, tty), tty);
            assertTrue(ProgressMode.console(tty), tty);
        }
        assertTrue(!ProgressMode.console("/dev/pts/3"));
        for (String term : List.of("dumb", "linux", "vt100", "vt220", "")) {
            assertEquals(ProgressMode.LINES, ProgressMode.decide(Map.of("TERM", term), "/dev/pts/3"), term);
        }
        assertEquals(ProgressMode.LINES, ProgressMode.decide(Map.of(), "/dev/pts/3"), "no TERM");
        assertEquals(ProgressMode.LINES, ProgressMode.decide(xterm, "/tmp/save.log"), "a file");
        assertEquals(ProgressMode.LINES, ProgressMode.decide(xterm, "pipe:[1234]"), "a pipe");
        assertEquals(ProgressMode.LINES, ProgressMode.decide(xterm, null), "unknown");
        // What /init says wins: KDUMP4J_PROGRESS=lines on any terminal; bar still needs one.
        assertEquals(ProgressMode.LINES, ProgressMode.decide(Map.of("TERM", "xterm", "KDUMP4J_PROGRESS", "lines"),
                "/dev/pts/0"));
        assertEquals(ProgressMode.NONE, ProgressMode.decide(Map.of("KDUMP4J_PROGRESS", "none"), "/dev/pts/0"));
        assertEquals(ProgressMode.LINES, ProgressMode.decide(Map.of("TERM", "xterm", "KDUMP4J_PROGRESS", "bar"),
                "/dev/ttyS0"));
    }

    @Test
    void aLineGivesTheShareOfBytesToReadWithRateAndTimeLeft() {
        // 300 MiB of 1200 MiB read in 10 s: 25%, 30 MiB/s, 30 s left.
        Progress p = new Progress(31, 900_000, 1_000_000, 300 * MIB, 40 * MIB, 1200 * MIB);
        String line = ProgressLine.format(SaveProgress.PREFIX, p, 10, ProgressLine.MAX);
        assertEquals("kdump4j save:  25% of 1.2 GiB read, 30.0 MiB/s, 0:30 left, 40.0 MiB written", line);
        // Frames scanned (90%) do not count: classification of filtered frames is not the work.
        assertTrue(!line.contains("90%"), line);
    }

    @Test
    void beforeTheBytesToReadAreKnownTheLineSaysItIsClassifying() {
        Progress p = new Progress(31, 500_000, 1_000_000, 0, 8192, 0);
        assertEquals("kdump4j save: classifying frames, 50% of 1000000, level 31",
                ProgressLine.format(SaveProgress.PREFIX, p, 0, ProgressLine.MAX));
    }

    @Test
    void linesNeverPassEightyColumnsEvenAtTheExtremes() {
        long pib = 1L << 50;
        for (Progress p : List.of(new Progress(31, 1, 1L << 40, 1, pib, pib),
                new Progress(31, 1L << 40, 1L << 40, pib - 1, pib - 1, pib),
                new Progress(31, Long.MAX_VALUE / 2, Long.MAX_VALUE, 0, Long.MAX_VALUE, 0),
                new Progress(0, 0, 0, 0, 0, 4096))) {
            for (double s : new double[] {0, 0.001, 1e7}) {
                String line = ProgressLine.format(SaveProgress.PREFIX, p, s, ProgressLine.MAX);
                assertTrue(line.length() <= 80, line.length() + ": " + line);
            }
        }
        assertEquals("99+ h", ProgressLine.duration(1e9));
        assertEquals("1:01:01", ProgressLine.duration(3661));
        assertEquals("1023.0 MiB", ProgressLine.size(1023 * MIB));
    }

    @Test
    void linesComeAtEachTenthAndEveryFiveSecondsNotAtEveryReport() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        long[] now = {0};
        SaveProgress sp = new SaveProgress(new PrintStream(buf, true, StandardCharsets.UTF_8), ProgressMode.LINES,
                () -> now[0]);
        // The classification pass: 200 reports within a second give one line.
        for (int i = 0; i < 200; i++) {
            now[0] += 5_000_000L;
            sp.progress(new Progress(31, i * 1000L, 200_000, 0, 4096, 0));
        }
        // 1000 MiB to read, reported every MiB over 100 s: a line at each tenth and every 5 s.
        for (int i = 0; i <= 1000; i++) {
            now[0] += 100_000_000L;
            sp.progress(new Progress(31, 200_000, 200_000, i * MIB, i * MIB / 4, 1000 * MIB));
        }
        sp.done();
        List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.stream().filter(l -> l.contains("classifying")).count(), lines.toString());
        long reading = lines.stream().filter(l -> l.contains(" read, ")).count();
        assertTrue(reading >= 11 && reading <= 32, reading + " lines: " + lines);
        assertTrue(lines.getLast().startsWith("kdump4j save: 100% of 1000.0 MiB read"), lines.getLast());
        assertTrue(lines.stream().noneMatch(l -> l.contains("\r") || l.contains("\u001b")), "no redraw codes");
        assertTrue(lines.stream().allMatch(l -> l.length() <= 80), lines.toString());
    }

    /** The bar, drawn through JLine on an xterm of 60 columns: its capabilities, never wider than the terminal. */
    @Test
    void theBarIsSizedToTheTerminalAndUsesItsCapabilities() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (org.jline.terminal.Terminal t = org.jline.terminal.TerminalBuilder.builder().system(false)
                .streams(new java.io.ByteArrayInputStream(new byte[0]), out).type("xterm")
                .size(new org.jline.terminal.Size(60, 24)).build()) {
            TerminalBar bar = new TerminalBar(t);
            bar.draw(new Progress(31, 10, 100, 300 * MIB, 40 * MIB, 1200 * MIB), 10);
            bar.draw(new Progress(31, 100, 100, 1200 * MIB, 90 * MIB, 1200 * MIB), 40);
            bar.finish();
        }
        String s = out.toString(StandardCharsets.UTF_8);
        // xterm's carriage_return is \r and its clr_eol ESC [ K: from the terminal's description.
        List<String> parts = List.of(s.split("\r"));
        List<String> d2 = parts.stream().filter(x -> x.startsWith("[")).toList();
        assertEquals(2, d2.size(), s);
        String[] draws = {"", d2.get(0), d2.get(1)};
        assertTrue(s.endsWith("\n"), "finish ends the bar's line");
        for (String d : d2) {
            String text = d.replace("\u001b[K", "").strip();
            assertTrue(d.contains("\u001b[K"), d);
            assertTrue(text.length() <= 59, text.length() + ": " + text);
            assertTrue(text.length() >= 50, "the bar fills the width: " + text);
        }
        assertTrue(draws[1].startsWith("[#") && draws[1].contains("] ") && draws[1].contains(" 25% "), draws[1]);
        assertTrue(draws[2].contains("100%") && !draws[2].substring(0, draws[2].indexOf("] ")).contains("."), draws[2]);
    }
}
