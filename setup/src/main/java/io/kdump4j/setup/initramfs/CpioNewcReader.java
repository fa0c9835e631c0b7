package io.kdump4j.setup.initramfs;

import io.kdump4j.format.io.DumpFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists a cpio newc archive (see {@link CpioNewcWriter} for the layout) from a stream: names,
 * modes and sizes, skipping the data. Enough for {@code kdump4j estimate} to size an initramfs
 * and for tests; extraction is GNU cpio's job.
 */
public final class CpioNewcReader {
    /** One entry: its name, st_mode and data size. */
    public record Entry(String name, int mode, long size) {
    }

    /** The listing and the archive's total length (through the trailer's padding). */
    public record Listing(List<Entry> entries, long archiveBytes) {
        public boolean has(String name) {
            return entries.stream().anyMatch(e -> e.name().equals(name));
        }
    }

    /** The most entries we list; a real initramfs has a few thousand. */
    static final int MAX_ENTRIES = 1 << 20;
    static final int MAX_NAME = 4096;

    private CpioNewcReader() {
    }

    public static Listing list(String source, InputStream in) throws IOException {
        List<Entry> out = new ArrayList<>();
        long off = 0;
        while (true) {
            byte[] h = in.readNBytes(CpioNewcWriter.HEADER);
            if (h.length < CpioNewcWriter.HEADER) {
                throw new DumpFormatException(source, off, "archive ends inside a header (no TRAILER!!!)");
            }
            String head = new String(h, StandardCharsets.US_ASCII);
            if (!head.startsWith("070701")) {
                throw new DumpFormatException(source, off, "expected cpio newc magic 070701, found \"" + head.substring(0, 6) + "\"");
            }
            int mode = (int) hex(source, off, head, 1);
            long size = hex(source, off, head, 6);
            long nameSize = hex(source, off, head, 11);
            if (nameSize < 1 || nameSize > MAX_NAME) {
                throw new DumpFormatException(source, off + 94, "name size " + nameSize + " is not 1.." + MAX_NAME);
            }
            long namePadded = pad4(CpioNewcWriter.HEADER + nameSize) - CpioNewcWriter.HEADER;
            byte[] name = in.readNBytes((int) namePadded);
            if (name.length < namePadded) {
                throw new DumpFormatException(source, off + CpioNewcWriter.HEADER, "archive ends inside a name");
            }
            String n = new String(name, 0, (int) nameSize - 1, StandardCharsets.UTF_8);
            off += CpioNewcWriter.HEADER + namePadded;
            if (n.equals(CpioNewcWriter.TRAILER)) {
                return new Listing(List.copyOf(out), off);
            }
            long dataPadded = pad4(size);
            if (skip(in, dataPadded) < dataPadded) {
                throw new DumpFormatException(source, off, "archive ends inside the data of " + n + " (" + size + " bytes)");
            }
            off += dataPadded;
            if (out.size() >= MAX_ENTRIES) {
                throw new DumpFormatException(source, off, "more than " + MAX_ENTRIES + " entries");
            }
            out.add(new Entry(n, mode, size));
        }
    }

    private static long hex(String source, long off, String head, int field) throws DumpFormatException {
        int at = 6 + 8 * field;
        try {
            return Long.parseLong(head.substring(at, at + 8), 16);
        } catch (NumberFormatException e) {
            throw new DumpFormatException(source, off + at, "expected 8 hex digits, found \"" + head.substring(at, at + 8) + "\"");
        }
    }

    /** Skips up to n bytes; returns how many were there. */
    private static long skip(InputStream in, long n) throws IOException {
        long done = 0;
        byte[] buf = null;
        while (done < n) {
            long k = in.skip(n - done);
            if (k <= 0) {
                if (buf == null) {
                    buf = new byte[8192];
                }
                int r = in.read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) {
                    break;
                }
                k = r;
            }
            done += k;
        }
        return done;
    }

    private static long pad4(long n) {
        return (n + 3) & ~3L;
    }
}
