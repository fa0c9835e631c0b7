package io.kdump4j.format;

import io.kdump4j.format.elf.ElfDump;
import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.ChannelByteSource;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.io.MappedByteSource;
import io.kdump4j.format.kdump.FlattenedByteSource;
import io.kdump4j.format.kdump.KdumpFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens a dump by signature, in a fixed order: makedumpfile's flattened stream (then whatever
 * it holds), kdump-compressed / diskdump, ELF core. A file that matches none is a
 * {@link DumpFormatException} at offset 0 naming the formats tried.
 */
public final class Dumps {
    private Dumps() {
    }

    public static DumpFile open(Path path) throws IOException {
        return open(path, MappedByteSource.DEFAULT_CHUNK_BITS);
    }

    /** Opens with a given mapping chunk size; tests use tiny chunks to cross boundaries. */
    public static DumpFile open(Path path, int chunkBits) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        }
        if (Files.isDirectory(path)) {
            throw new DumpFormatException(path.toString(), -1, "is a directory, not a dump file");
        }
        ByteSource src;
        if (Files.isRegularFile(path)) {
            src = MappedByteSource.open(path, chunkBits);
        } else {
            src = new ChannelByteSource(path);
        }
        try {
            return open(src);
        } catch (IOException | RuntimeException e) {
            src.close();
            throw e;
        }
    }

    /** Opens the dump held by {@code src}; the returned dump owns {@code src}. */
    public static DumpFile open(ByteSource src) throws IOException {
        byte[] head = src.read(0, (int) Math.min(16, src.size()), "a dump signature");
        boolean flattened = false;
        if (FlattenedByteSource.matches(head)) {
            src = FlattenedByteSource.index(src);
            flattened = true;
            head = src.read(0, (int) Math.min(16, src.size()), "a dump signature inside the flattened stream");
        }
        if (KdumpFile.matches(head)) {
            return KdumpFile.open(src, flattened);
        }
        if (ElfDump.matches(head)) {
            return ElfDump.open(src, flattened);
        }
        throw new DumpFormatException(src.name(), 0, "not a kernel dump: expected the signature of a "
                + "kdump-compressed (\"KDUMP   \"), diskdump (\"DISKDUMP\"), flattened (\"makedumpfile\") "
                + "or ELF core (\\x7fELF) file" + (flattened ? " inside the flattened stream" : ""));
    }

    /**
     * Opens the parts of a split dump set ({@code makedumpfile --split}) as one dump. Each part
     * must be a kdump-compressed file of the same dump.
     */
    public static DumpFile openSet(List<Path> parts) throws IOException {
        if (parts.size() == 1) {
            return open(parts.get(0));
        }
        return KdumpFile.openSplitSet(parts);
    }
}
