package io.kdump4j.setup.boot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * A shell fragment the boot loader's update script sources ({@code /etc/default/u-boot},
 * {@code /etc/default/flash-kernel}): one marked line appended that extends the variable with
 * the parameter, keeping the value (or the tool's own default) set above it.
 */
final class ShellDefaults {
    private ShellDefaults() {
    }

    static FileEdit add(Path file, String variable, String toolDefault, String param) throws IOException {
        String text = strip(FileEdit.read(file));
        String line = variable + "=\"${" + variable + ":-" + toolDefault + "} " + param + "\" " + BootLoader.MARK + "\n";
        return FileEdit.of(file, (text == null ? "" : text.isEmpty() || text.endsWith("\n") ? text : text + "\n") + line);
    }

    /** The file without kdump4j's lines; deleted when kdump4j created it and nothing else is left. */
    static FileEdit remove(Path file, boolean created) throws IOException {
        String text = strip(FileEdit.read(file));
        return FileEdit.of(file, text == null || (created && text.isBlank()) ? null : text);
    }

    static String strip(String text) {
        if (text == null) {
            return null;
        }
        String kept = text.lines().filter(l -> !l.endsWith(BootLoader.MARK)).collect(Collectors.joining("\n"));
        return kept.isEmpty() ? "" : kept + "\n";
    }
}
