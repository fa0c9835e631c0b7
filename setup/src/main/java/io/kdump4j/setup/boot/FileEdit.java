package io.kdump4j.setup.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One file's change: its text before (null: absent) and after (null: delete it).
 *
 * @param file   the file, under the root
 * @param before its text now, or null when it does not exist
 * @param after  its text after the edit, or null to delete it
 */
public record FileEdit(Path file, String before, String after) {
    /** The edit of {@code file} from what it holds now to {@code after}. */
    static FileEdit of(Path file, String after) throws IOException {
        return new FileEdit(file, read(file), after);
    }

    static String read(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    }

    public boolean changes() {
        return before == null ? after != null : !before.equals(after);
    }

    /** Writes (atomically, by a rename) or deletes the file. */
    public void apply() throws IOException {
        if (after == null) {
            Files.deleteIfExists(file);
            return;
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".kdump4j-new");
        Files.writeString(tmp, after, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
