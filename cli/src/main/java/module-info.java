/** The kdump4j command line. */
module io.kdump4j.cli {
    requires io.kdump4j.format;
    requires io.kdump4j.kernel;
    requires io.kdump4j.setup;
    requires io.kdump4j.analyze;
    requires io.kdump4j.capture;
    requires info.picocli;
    // The progress bar on a real terminal; the capture initramfs leaves JLine out (lines there).
    requires static org.jline.terminal;

    opens io.kdump4j.cli to info.picocli;
}
