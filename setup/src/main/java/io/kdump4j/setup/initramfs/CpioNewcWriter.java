package io.kdump4j.setup.initramfs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a cpio archive in the "newc" (SVR4, no CRC) format, the one the kernel unpacks as an
 * initramfs (Documentation/driver-api/early-userspace/buffer-format.rst). Each entry is
 *
 * <pre>
 * struct cpio_newc_header {          all fields are 8 ASCII hex digits
 *     char c_magic[6];               "070701"
 *     char c_ino[8], c_mode[8], c_uid[8], c_gid[8], c_nlink[8], c_mtime[8],
 *          c_filesize[8], c_devmajor[8], c_devminor[8], c_rdevmajor[8], c_rdevminor[8],
 *          c_namesize[8],            name length including its NUL
 *          c_check[8];               0 for newc
 * };                                 110 bytes
 * </pre>
 *
 * then the name and NUL padded to a multiple of 4 (counting from the header's start), then the
 * data padded to 4. The archive ends with an entry named {@code TRAILER!!!}.
 *
 * <p>Reproducible by construction: inode numbers count up from 1 in write order, and mtime,
 * uid and gid are fixed (0 unless given), so the same entries in the same order give the same
 * bytes. Device nodes are only header fields, so no root privileges are needed to make them.
 * Names are written without a leading '/', as gen_init_cpio does.
 */
public final class CpioNewcWriter implements AutoCloseable {
    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;
    static final int HEADER = 110;
    static final long MAX_FIELD = 0xFFFF_FFFFL;
    static final String TRAILER = "TRAILER!!!";

    private final OutputStream out;
    private final long mtime;
    private long offset;
    private long nextInode = 1;
    private boolean finished;

    /** Writes to {@code out} with every entry's mtime set to {@code mtime} (seconds). */
    public CpioNewcWriter(OutputStream out, long mtime) {
        this.out = out;
        this.mtime = mtime;
    }

    public void directory(String name, int permissions) throws IOException {
        entry(name, S_IFDIR | permissions, 2, 0, 0, 0);
        pad();
    }

    public void file(String name, int permissions, byte[] data) throws IOException {
        entry(name, S_IFREG | permissions, 1, data.length, 0, 0);
        write(data, data.length);
        pad();
    }

    /** A regular file whose data is streamed from {@code source} (its size must not change meanwhile). */
    public void file(String name, int permissions, Path source) throws IOException {
        long size = Files.size(source);
        entry(name, S_IFREG | permissions, 1, size, 0, 0);
        long copied = 0;
        try (InputStream in = Files.newInputStream(source)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while (copied < size && (n = in.read(buf, 0, (int) Math.min(buf.length, size - copied))) > 0) {
                write(buf, n);
                copied += n;
            }
        }
        if (copied != size) {
            throw new IOException(source + ": changed size while being archived (" + size + " then " + copied + ")");
        }
        pad();
    }

    public void symlink(String name, String target) throws IOException {
        byte[] t = target.getBytes(StandardCharsets.UTF_8);
        entry(name, S_IFLNK | 0777, 1, t.length, 0, 0);
        write(t, t.length);
        pad();
    }

    /** A character device node, e.g. /dev/console 5:1 and /dev/null 1:3. */
    public void charDevice(String name, int permissions, int major, int minor) throws IOException {
        entry(name, S_IFCHR | permissions, 1, 0, major, minor);
        pad();
    }

    /** Writes the trailer; the stream stays open (the caller owns it). */
    public void finish() throws IOException {
        if (!finished) {
            header(TRAILER, 0, 0, 1, 0, 0, 0);
            pad();
            out.flush();
            finished = true;
        }
    }

    @Override
    public void close() throws IOException {
        finish();
    }

    /** Bytes written so far. */
    public long size() {
        return offset;
    }

    private void entry(String name, int mode, int nlink, long size, int rmajor, int rminor) throws IOException {
        if (finished) {
            throw new IllegalStateException("archive already finished");
        }
        String n = name.startsWith("/") ? name.substring(1) : name;
        if (n.isEmpty() || n.contains("\0") || n.equals(TRAILER)
                || n.equals("..") || n.startsWith("../") || n.contains("/../") || n.endsWith("/..")) {
            throw new IllegalArgumentException("cpio: bad entry name \"" + name + "\"");
        }
        if (size > MAX_FIELD) {
            throw new IOException("cpio: " + name + " is " + size + " bytes; newc holds at most 4 GiB - 1 per file");
        }
        header(n, nextInode++, mode, nlink, size, rmajor, rminor);
    }

    private void header(String name, long inode, int mode, int nlink, long size, int rmajor, int rminor)
            throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(HEADER);
        h.append("070701");
        for (long v : new long[] {inode, mode, 0, 0, nlink, mtime, size, 0, 0, rmajor, rminor, n.length + 1L, 0}) {
            hex8(h, v);
        }
        byte[] hb = h.toString().getBytes(StandardCharsets.US_ASCII);
        write(hb, hb.length);
        write(n, n.length);
        out.write(0);
        offset++;
        pad();
    }

    private static void hex8(StringBuilder h, long v) {
        String s = Long.toHexString(v).toUpperCase(java.util.Locale.ROOT);
        h.append("0".repeat(8 - s.length())).append(s);
    }

    private void write(byte[] b, int n) throws IOException {
        out.write(b, 0, n);
        offset += n;
    }

    private void pad() throws IOException {
        while ((offset & 3) != 0) {
            out.write(0);
            offset++;
        }
    }
}
