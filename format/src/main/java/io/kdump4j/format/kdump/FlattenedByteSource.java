package io.kdump4j.format.kdump;

import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.DumpFormatException;
import java.io.IOException;

/** STUB: to be implemented (makedumpfile flattened stream, indexed in place). */
public final class FlattenedByteSource {
    private FlattenedByteSource() {
    }

    public static boolean matches(byte[] head) {
        return false;
    }

    public static ByteSource index(ByteSource src) throws IOException {
        throw new DumpFormatException(src.name(), 0, "flattened format not implemented yet");
    }
}
