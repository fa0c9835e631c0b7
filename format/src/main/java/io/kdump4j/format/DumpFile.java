package io.kdump4j.format;

import io.kdump4j.format.mem.PhysicalMemory;
import io.kdump4j.format.note.VmcoreinfoText;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;

/**
 * An opened dump container: its notes and its physical memory. Knows nothing of kernels;
 * the kernel layer reads VMCOREINFO from {@link #notes()} and pages from {@link #memory()}.
 */
public interface DumpFile extends Closeable {

    /** The file name as the user gave it. */
    String name();

    DumpDetails details();

    /** The byte order of the dumped machine. */
    ByteOrder byteOrder();

    /** Every ELF note the container carries, in file order. */
    List<Note> notes();

    PhysicalMemory memory();

    /** The VMCOREINFO note's raw text (its bytes as ISO-8859-1), when the dump carries one. */
    default Optional<String> vmcoreinfo() {
        for (Note n : notes()) {
            if (n.name().equals(VmcoreinfoText.NOTE_NAME)) {
                return Optional.of(new String(n.desc(), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return Optional.empty();
    }

    /**
     * The VMCOREINFO note parsed by the one parser ({@link VmcoreinfoText}: a repeated key's
     * later line wins); {@link VmcoreinfoText#empty()} when the dump carries none.
     */
    default VmcoreinfoText vmcoreinfoText() {
        return VmcoreinfoText.find(name(), notes()).orElse(VmcoreinfoText.empty());
    }

    /**
     * What the container holds but could not read, one sentence each (a note segment larger
     * than the heap allows); empty when everything was read. The kernel view names these when
     * it lacks what they would have held.
     */
    default List<String> problems() {
        return List.of();
    }

    /** Closes the file; idempotent (a second call does nothing), as {@link java.io.Closeable} asks. */
    @Override
    void close() throws IOException;
}
