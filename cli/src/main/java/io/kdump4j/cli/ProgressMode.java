package io.kdump4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How a save shows its progress on stderr. A bar redrawn in place only on a real terminal (a
 * pseudo-terminal: ssh, a terminal emulator) whose {@code TERM} knows how; plain lines on a
 * serial or virtual console (ttyS*, ttyAMA*, hvc*, tty1.., /dev/console: a capture kernel's),
 * with {@code TERM} dumb, linux or vt*, into a file or pipe, or when {@code KDUMP4J_PROGRESS=lines}
 * (the capture /init sets it). {@code KDUMP4J_PROGRESS=none} prints nothing until the summary.
 */
enum ProgressMode {
    BAR, LINES, NONE;

    /** The environment variable that overrides the decision: bar, lines or none. */
    static final String ENV = "KDUMP4J_PROGRESS";
    private static final Pattern CONSOLE = Pattern.compile("/dev/(ttyS|ttyAMA|hvc|ttyUSB|ttyPS|tty|console)\\d*");
    private static final Pattern DUMB_TERM = Pattern.compile("dumb|linux|vt\\d*.*|unknown");

    /**
     * Decides from the environment and where stderr goes ({@code stderr}: the target of
     * /proc/self/fd/2, e.g. /dev/pts/3 or /dev/ttyS0, or null when unknown).
     */
    static ProgressMode decide(Map<String, String> env, String stderr) {
        String forced = env.getOrDefault(ENV, "").strip().toLowerCase(Locale.ROOT);
        switch (forced) {
            case "lines" -> {
                return LINES;
            }
            case "none" -> {
                return NONE;
            }
            default -> {
                // "bar" still needs a terminal to draw on; anything else is decided below.
            }
        }
        if (stderr == null || !stderr.startsWith("/dev/pts/")) {
            return LINES;
        }
        String term = env.getOrDefault("TERM", "").strip();
        if (term.isEmpty() || DUMB_TERM.matcher(term).matches()) {
            return LINES;
        }
        return BAR;
    }

    /** Whether a device path is a serial or virtual console (for tests and messages). */
    static boolean console(String device) {
        return device != null && CONSOLE.matcher(device).matches();
    }

    /** The decision for this process. */
    static ProgressMode current() {
        String target;
        try {
            target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            target = null;
        }
        ProgressMode m = decide(System.getenv(), target);
        if (m == BAR && (System.console() == null || ModuleLayer.boot().findModule("org.jline.terminal").isEmpty()
                && SaveProgress.class.getModule().isNamed())) {
            // No JLine on the module path (the capture initramfs leaves it out) or no console: lines.
            return LINES;
        }
        return m;
    }
}
