package io.kdump4j.format.kdump;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.DumpFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** STUB: to be implemented (kdump-compressed reader). */
public final class KdumpFile {
    private KdumpFile() {
    }

    public static boolean matches(byte[] head) {
        return false;
    }

    public static DumpFile open(ByteSource src, boolean flattened) throws IOException {
        throw new DumpFormatException(src.name(), 0, "kdump format not implemented yet");
    }

    public static DumpFile openSplitSet(List<Path> parts) throws IOException {
        throw new DumpFormatException(parts.get(0).toString(), 0, "split sets not implemented yet");
    }
}
