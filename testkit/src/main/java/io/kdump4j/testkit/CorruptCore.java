package io.kdump4j.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A copy of a real ELF core (a fixture's {@code vmcore.elf}) with kernel data damaged in place:
 * bytes written at a physical address, found through the core's {@code PT_LOAD} headers. This
 * is how a crashed kernel's corrupt data is made for tests: the rest of the dump stays real.
 */
public final class CorruptCore implements AutoCloseable {
    private static final int PT_LOAD = 1;
    private final Path file;
    private final FileChannel ch;
    private final ByteOrder order;

    private CorruptCore(Path file) throws IOException {
        this.file = file;
        this.ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ByteBuffer ident = read(0, 16);
        if (ident.getInt(0) != 0x464c457f || ident.get(4) != 2) {
            ch.close();
            throw new IOException(file + " is not an ELF64 core");
        }
        this.order = ident.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    /** Copies {@code core} to {@code copy} (replacing it) and opens the copy for damage. */
    public static CorruptCore copy(Path core, Path copy) throws IOException {
        Files.createDirectories(copy.toAbsolutePath().getParent());
        Files.copy(core, copy, StandardCopyOption.REPLACE_EXISTING);
        return new CorruptCore(copy);
    }

    public Path file() {
        return file;
    }

    /** Writes {@code bytes} at physical address {@code paddr}; they must lie in one saved segment. */
    public void writePhysical(long paddr, byte[] bytes) throws IOException {
        ch.write(ByteBuffer.wrap(bytes), offsetOf(paddr, bytes.length));
    }

    /** Reads {@code len} bytes at physical address {@code paddr}. */
    public byte[] readPhysical(long paddr, int len) throws IOException {
        ByteBuffer b = read(offsetOf(paddr, len), len);
        byte[] out = new byte[len];
        b.get(0, out);
        return out;
    }

    /** Xors {@code mask} into the byte at physical address {@code paddr}. */
    public void flipPhysical(long paddr, int mask) throws IOException {
        byte[] b = readPhysical(paddr, 1);
        b[0] ^= (byte) mask;
        writePhysical(paddr, b);
    }

    /** Writes a 64-bit value in the core's byte order at physical address {@code paddr}. */
    public void writeLong(long paddr, long value) throws IOException {
        writePhysical(paddr, ByteBuffer.allocate(8).order(order).putLong(0, value).array());
    }

    /** The file offset of physical address {@code paddr}, whose {@code len} bytes one PT_LOAD holds. */
    long offsetOf(long paddr, int len) throws IOException {
        ByteBuffer eh = read(0, 64);
        long phoff = eh.getLong(32);
        int phentsize = eh.getShort(54) & 0xffff;
        int phnum = eh.getShort(56) & 0xffff;
        for (int i = 0; i < phnum; i++) {
            ByteBuffer ph = read(phoff + (long) i * phentsize, 56);
            if (ph.getInt(0) != PT_LOAD) {
                continue;
            }
            long offset = ph.getLong(8);
            long start = ph.getLong(24);
            long filesz = ph.getLong(32);
            if (paddr >= start && paddr + len <= start + filesz) {
                return offset + (paddr - start);
            }
        }
        throw new IOException("physical 0x" + Long.toHexString(paddr) + " (" + len + " bytes) is not saved in " + file);
    }

    private ByteBuffer read(long at, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len).order(order == null ? ByteOrder.LITTLE_ENDIAN : order);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new IOException(file + " ends before offset " + (at + len));
            }
        }
        return b.flip();
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
