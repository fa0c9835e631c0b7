package io.kdump4j.cli;

import io.kdump4j.capture.ProgressListener.Progress;
import java.io.IOException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp.Capability;

/**
 * The progress bar on a real terminal, through JLine: the terminal's own width (read at each
 * redraw, so a resized window is followed) and its own carriage-return and clear-to-end-of-line
 * capabilities, rather than escape codes assumed. Only loaded when {@link ProgressMode#BAR} was
 * decided and JLine is present.
 */
final class TerminalBar implements AutoCloseable {
    private final Terminal terminal;
    private boolean drawn;

    /** Over a given terminal (tests: a JLine terminal on streams, of a chosen type and size). */
    TerminalBar(Terminal terminal) {
        this.terminal = terminal;
    }

    /** The bar on stderr's terminal, or null when JLine finds no real terminal there. */
    static TerminalBar open() {
        try {
            Terminal t = TerminalBuilder.builder().system(true).systemOutput(TerminalBuilder.SystemOutput.SysErr)
                    .dumb(false).build();
            if (Terminal.TYPE_DUMB.equals(t.getType()) || Terminal.TYPE_DUMB_COLOR.equals(t.getType())) {
                t.close();
                return null;
            }
            return new TerminalBar(t);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Redraws the bar's line: {@code [####....] text}, as wide as the terminal. */
    void draw(Progress p, double readingSeconds) {
        int width = Math.max(20, terminal.getWidth() <= 0 ? 80 : terminal.getWidth()) - 1;
        double f = p.planned() ? p.readFraction() : 0;
        String text = ProgressLine.format("", p, readingSeconds, Math.max(10, width - 12));
        int bar = Math.max(10, width - text.length() - 3);
        int n = (int) Math.round(f * bar);
        String line = "[" + "#".repeat(n) + ".".repeat(bar - n) + "] " + text;
        terminal.puts(Capability.carriage_return);
        terminal.writer().print(line.length() > width ? line.substring(0, width) : line);
        terminal.puts(Capability.clr_eol);
        terminal.flush();
        drawn = true;
    }

    /** Ends the bar's line, so that what follows starts on a fresh one. */
    void finish() {
        if (drawn) {
            terminal.writer().println();
            terminal.flush();
            drawn = false;
        }
    }

    @Override
    public void close() {
        finish();
        try {
            terminal.close();
        } catch (IOException e) {
            // the terminal is stderr's: nothing left to tell
        }
    }
}
