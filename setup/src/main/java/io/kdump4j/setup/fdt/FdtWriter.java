package io.kdump4j.setup.fdt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a {@link DeviceTree} as a version 17 blob (last compatible version 16), laid out as dtc
 * lays it out: the 40-byte {@code struct fdt_header}, the memory reservation block (8-aligned,
 * ended by a {0, 0} entry), the structure block and the strings block (each property name
 * stored once). The result reads back with {@link FdtReader} and with {@code dtc -I dtb}.
 */
public final class FdtWriter {
    private FdtWriter() {
    }

    public static byte[] write(DeviceTree tree) {
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        Map<String, Integer> offsets = new HashMap<>();
        ByteArrayOutputStream struct = new ByteArrayOutputStream();
        node(struct, tree.root(), strings, offsets);
        u32(struct, FdtReader.FDT_END);

        int rsvSize = (tree.reservations().size() + 1) * 16;
        int offRsv = FdtReader.HEADER_SIZE;
        int offStruct = offRsv + rsvSize;
        int offStrings = offStruct + struct.size();
        int total = offStrings + strings.size();

        ByteArrayOutputStream out = new ByteArrayOutputStream(total);
        u32(out, FdtReader.MAGIC);
        u32(out, total);
        u32(out, offStruct);
        u32(out, offStrings);
        u32(out, offRsv);
        u32(out, 17);
        u32(out, 16);
        u32(out, (int) tree.bootCpuId());
        u32(out, strings.size());
        u32(out, struct.size());
        for (DeviceTree.Reservation r : tree.reservations()) {
            u64(out, r.address());
            u64(out, r.size());
        }
        u64(out, 0);
        u64(out, 0);
        out.writeBytes(struct.toByteArray());
        out.writeBytes(strings.toByteArray());
        return out.toByteArray();
    }

    private static void node(ByteArrayOutputStream s, FdtNode n, ByteArrayOutputStream strings,
            Map<String, Integer> offsets) {
        u32(s, FdtReader.FDT_BEGIN_NODE);
        s.writeBytes(n.name().getBytes(StandardCharsets.UTF_8));
        s.write(0);
        pad(s);
        for (var p : n.properties().entrySet()) {
            Integer off = offsets.get(p.getKey());
            if (off == null) {
                off = strings.size();
                offsets.put(p.getKey(), off);
                strings.writeBytes(p.getKey().getBytes(StandardCharsets.UTF_8));
                strings.write(0);
            }
            u32(s, FdtReader.FDT_PROP);
            u32(s, p.getValue().length);
            u32(s, off);
            s.writeBytes(p.getValue());
            pad(s);
        }
        for (FdtNode c : n.children()) {
            node(s, c, strings, offsets);
        }
        u32(s, FdtReader.FDT_END_NODE);
    }

    private static void pad(ByteArrayOutputStream s) {
        while ((s.size() & 3) != 0) {
            s.write(0);
        }
    }

    private static void u32(ByteArrayOutputStream o, int v) {
        o.write(v >>> 24);
        o.write(v >>> 16);
        o.write(v >>> 8);
        o.write(v);
    }

    private static void u64(ByteArrayOutputStream o, long v) {
        u32(o, (int) (v >>> 32));
        u32(o, (int) v);
    }
}
