package io.kdump4j.setup.fdt;

import io.kdump4j.format.io.Cursor;
import io.kdump4j.format.io.DumpFormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reads a flattened device tree blob (the Devicetree Specification v0.4, chapter 5; versions 16
 * and 17, which is what dtc, QEMU and the kernel's /sys/firmware/fdt produce). Everything is
 * checked against the blob before use: the header's offsets and sizes, every token, every
 * property length and string offset, and the nesting depth; a bad blob gives a
 * {@link DumpFormatException} with the offset of the bad field.
 */
public final class FdtReader {
    /** {@code FDT_MAGIC}. */
    public static final int MAGIC = 0xd00dfeed;
    /** {@code sizeof(struct fdt_header)} for version 17. */
    public static final int HEADER_SIZE = 40;
    /** Larger than any real tree (QEMU's virt is ~1 MiB with padding); bounds the read. */
    public static final int MAX_SIZE = 16 << 20;
    /** Deeper than any real tree; bounds the recursion a hostile blob could ask for. */
    public static final int MAX_DEPTH = 64;

    static final int FDT_BEGIN_NODE = 1;
    static final int FDT_END_NODE = 2;
    static final int FDT_PROP = 3;
    static final int FDT_NOP = 4;
    static final int FDT_END = 9;

    private FdtReader() {
    }

    /** Reads a blob file such as {@code /sys/firmware/fdt} (whose stat size is 0, so it is read to its end). */
    public static DeviceTree read(Path file) throws IOException {
        byte[] blob;
        try (var in = Files.newInputStream(file)) {
            blob = in.readNBytes(MAX_SIZE + 1);
        }
        if (blob.length > MAX_SIZE) {
            throw new DumpFormatException(file.toString(), MAX_SIZE, "device tree larger than " + MAX_SIZE
                    + " bytes; not a device tree blob");
        }
        return read(file.toString(), blob);
    }

    /** Reads a blob; {@code name} is for messages. */
    public static DeviceTree read(String name, byte[] blob) throws DumpFormatException {
        Cursor h = new Cursor(name, blob, 0, ByteOrder.BIG_ENDIAN, "fdt_header");
        int magic = h.s32("magic");
        if (magic != MAGIC) {
            throw h.error(0, "magic is 0x" + Integer.toHexString(magic) + ", expected 0xd00dfeed (not a flattened device tree)");
        }
        long totalSize = h.u32("totalsize");
        long offStruct = h.u32("off_dt_struct");
        long offStrings = h.u32("off_dt_strings");
        long offRsv = h.u32("off_mem_rsvmap");
        long version = h.u32("version");
        long lastComp = h.u32("last_comp_version");
        long bootCpu = h.u32("boot_cpuid_phys");
        long sizeStrings = h.u32("size_dt_strings");
        if (version < 16 || lastComp > 17) {
            throw h.error(20, "version " + version + " (last compatible " + lastComp
                    + "); versions 16 and 17 are supported");
        }
        long sizeStruct = version >= 17 ? h.u32("size_dt_struct") : totalSize - offStruct;
        if (totalSize > blob.length || totalSize < HEADER_SIZE - (version >= 17 ? 0 : 4)) {
            throw h.error(4, "totalsize " + totalSize + " but the blob has " + blob.length + " bytes");
        }
        checkBlock(h, 8, "structure block", offStruct, sizeStruct, totalSize);
        checkBlock(h, 12, "strings block", offStrings, sizeStrings, totalSize);
        checkBlock(h, 16, "memory reservation block", offRsv, 16, totalSize);
        if (offRsv % 8 != 0 || offStruct % 4 != 0) {
            throw h.error(12, "memory reservation block at " + offRsv + " or structure block at " + offStruct
                    + " is misaligned");
        }
        List<DeviceTree.Reservation> rsv = reservations(name, blob, offRsv, totalSize);
        Cursor s = new Cursor(name, blob, 0, ByteOrder.BIG_ENDIAN, "structure block");
        s.seek((int) offStruct);
        FdtNode root = structure(name, blob, s.slice((int) sizeStruct, "structure block"), offStrings, sizeStrings);
        return new DeviceTree(rsv, bootCpu, root);
    }

    private static void checkBlock(Cursor h, long field, String what, long off, long size, long total)
            throws DumpFormatException {
        if (off < HEADER_SIZE - 4 || off + size > total) {
            throw h.error(field, what + " at " + off + " size " + size + " is outside the blob (totalsize " + total + ")");
        }
    }

    private static List<DeviceTree.Reservation> reservations(String name, byte[] blob, long off, long total)
            throws DumpFormatException {
        Cursor c = new Cursor(name, blob, 0, ByteOrder.BIG_ENDIAN, "memory reservation block");
        c.seek((int) off);
        List<DeviceTree.Reservation> out = new ArrayList<>();
        while (true) {
            if (c.offset() + 16 > total) {
                throw c.error("no terminating {0, 0} entry before the end of the blob");
            }
            long a = c.s64("fdt_reserve_entry.address");
            long sz = c.s64("fdt_reserve_entry.size");
            if (a == 0 && sz == 0) {
                return out;
            }
            out.add(new DeviceTree.Reservation(a, sz));
        }
    }

    private static FdtNode structure(String file, byte[] blob, Cursor s, long offStrings, long sizeStrings) throws DumpFormatException {
        int token = skipNops(s);
        if (token != FDT_BEGIN_NODE) {
            throw s.error(s.offset() - 4, "first token is " + token + ", expected FDT_BEGIN_NODE (1)");
        }
        FdtNode root = new FdtNode(name(s));
        Deque<FdtNode> open = new ArrayDeque<>();
        open.push(root);
        while (!open.isEmpty()) {
            long at = s.offset();
            token = skipNops(s);
            switch (token) {
                case FDT_BEGIN_NODE -> {
                    if (open.size() >= MAX_DEPTH) {
                        throw s.error(at, "nodes nested deeper than " + MAX_DEPTH);
                    }
                    FdtNode n = new FdtNode(name(s));
                    open.peek().add(n);
                    open.push(n);
                }
                case FDT_END_NODE -> open.pop();
                case FDT_PROP -> {
                    long len = s.u32("fdt_property.len");
                    long nameOff = s.u32("fdt_property.nameoff");
                    if (len > s.remaining()) {
                        throw s.error(at + 4, "property length " + len + " runs past the structure block");
                    }
                    String pname = propertyName(file, blob, offStrings, sizeStrings, nameOff, at + 8);
                    byte[] value = s.bytes((int) len, "property " + pname);
                    align(s);
                    open.peek().set(pname, value);
                }
                default -> throw s.error(at, "token " + token + " inside a node, expected FDT_BEGIN_NODE, "
                        + "FDT_END_NODE, FDT_PROP or FDT_NOP");
            }
        }
        long at = s.offset();
        token = skipNops(s);
        if (token != FDT_END) {
            throw s.error(at, "token " + token + " after the root node, expected FDT_END (9)");
        }
        return root;
    }

    private static int skipNops(Cursor s) throws DumpFormatException {
        int t = s.s32("token");
        while (t == FDT_NOP) {
            t = s.s32("token");
        }
        return t;
    }

    private static String name(Cursor s) throws DumpFormatException {
        int start = s.position();
        long at = s.offset();
        while (s.u8("node name") != 0) {
            if (s.position() - start > 256) {
                throw s.error(at, "node name longer than 256 bytes or not NUL-terminated");
            }
        }
        int end = s.position() - 1;
        s.seek(start);
        String n = new String(s.bytes(end - start, "node name"), StandardCharsets.UTF_8);
        s.skip(1);
        align(s);
        return n;
    }

    private static String propertyName(String file, byte[] blob, long offStrings, long sizeStrings, long nameOff,
            long fieldAt) throws DumpFormatException {
        if (nameOff >= sizeStrings) {
            throw new DumpFormatException(file, fieldAt, "structure block: property name offset " + nameOff
                    + " is outside the strings block (" + sizeStrings + " bytes)");
        }
        int from = (int) (offStrings + nameOff);
        int limit = (int) (offStrings + sizeStrings);
        int end = from;
        while (end < limit && blob[end] != 0) {
            end++;
        }
        if (end == limit) {
            throw new DumpFormatException(file, from, "strings block: property name is not NUL-terminated");
        }
        return new String(blob, from, end - from, StandardCharsets.UTF_8);
    }

    private static void align(Cursor s) throws DumpFormatException {
        int pad = (4 - (s.position() & 3)) & 3;
        s.skip(pad);
    }
}
