package io.kdump4j.kernel.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.testkit.Fuzz;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * BTF blobs built here with every kind (the layouts of include/uapi/linux/btf.h), and damaged
 * ones: each damage is a DumpFormatException naming the offset, never an unchecked exception or
 * an allocation sized by the bad value.
 */
class BtfTest {

    /** A little-endian BTF writer for tests. */
    static final class Builder {
        private final ByteArrayOutputStream types = new ByteArrayOutputStream();
        private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
        private final Map<String, Integer> offsets = new LinkedHashMap<>();
        private int nextId = 1;

        Builder() {
            strings.write(0);
            offsets.put("", 0);
        }

        int str(String s) {
            return offsets.computeIfAbsent(s, k -> {
                int off = strings.size();
                strings.writeBytes(k.getBytes(StandardCharsets.ISO_8859_1));
                strings.write(0);
                return off;
            });
        }

        void u32(long v) {
            for (int i = 0; i < 4; i++) {
                types.write((int) (v >>> (8 * i)));
            }
        }

        int type(String name, int kind, boolean kflag, int vlen, long sizeOrType) {
            u32(str(name));
            u32(((long) kind << 24) | (kflag ? 1L << 31 : 0) | vlen);
            u32(sizeOrType);
            return nextId++;
        }

        byte[] build() {
            byte[] t = types.toByteArray();
            byte[] s = strings.toByteArray();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0x9f);
            out.write(0xeb);
            out.write(1);
            out.write(0);
            for (long v : new long[] {24, 0, t.length, t.length, s.length}) {
                for (int i = 0; i < 4; i++) {
                    out.write((int) (v >>> (8 * i)));
                }
            }
            out.writeBytes(t);
            out.writeBytes(s);
            return out.toByteArray();
        }
    }

    static byte[] everyKind() {
        Builder b = new Builder();
        int intT = b.type("int", 1, false, 0, 4);
        b.u32((1L << 24) | 32);
        int ptr = b.type("", 2, false, 0, intT);
        int arr = b.type("", 3, false, 0, 0);
        b.u32(intT);
        b.u32(intT);
        b.u32(16);
        int inner = b.type("", 5, false, 1, 8);
        b.u32(b.str("hidden"));
        b.u32(ptr);
        b.u32(0);
        b.type("task", 4, true, 4, 88);
        b.u32(b.str("pid"));
        b.u32(intT);
        b.u32(0);
        b.u32(b.str("flags"));
        b.u32(intT);
        b.u32((3L << 24) | 36);
        b.u32(b.str("comm"));
        b.u32(arr);
        b.u32(64);
        b.u32(b.str(""));
        b.u32(inner);
        b.u32(8 * 80);
        b.type("state", 6, true, 2, 4);
        b.u32(b.str("A"));
        b.u32(-1 & 0xffffffffL);
        b.u32(b.str("B"));
        b.u32(7);
        b.type("big", 19, false, 1, 8);
        b.u32(b.str("HUGE"));
        b.u32(0x89abcdefL);
        b.u32(0x01234567L);
        b.type("task", 7, false, 0, 0);
        int td = b.type("pid_t", 8, false, 0, intT);
        b.type("", 9, false, 0, td);
        b.type("", 10, false, 0, td);
        b.type("", 11, false, 0, ptr);
        int proto = b.type("", 13, false, 1, intT);
        b.u32(b.str("arg"));
        b.u32(intT);
        b.type("fn", 12, false, 1, proto);
        int var = b.type("runqueues", 14, false, 0, intT);
        b.u32(1);
        b.type(".data..percpu", 15, false, 1, 4096);
        b.u32(var);
        b.u32(0x1c40);
        b.u32(4);
        b.type("double", 16, false, 0, 8);
        b.type("tag", 17, false, 0, var);
        b.u32(-1 & 0xffffffffL);
        b.type("rcu", 18, false, 0, intT);
        return b.build();
    }

    @Test
    void parsesEveryKind() throws DumpFormatException {
        Btf btf = Btf.parse(everyKind(), "test", 0);
        assertEquals(19, btf.count());
        for (BtfKind k : BtfKind.values()) {
            if (k != BtfKind.UNKNOWN) {
                assertTrue(btf.types().stream().anyMatch(t -> t.kind() == k), k.toString());
            }
        }
        BtfType task = btf.first(BtfKind.STRUCT, "task").orElseThrow();
        assertEquals(88, task.sizeOrType());
        BtfMember flags = task.members().get(1);
        assertEquals(36, flags.bitOffset());
        assertEquals(3, flags.bitSize());
        BtfType e = btf.first(BtfKind.ENUM, "state").orElseThrow();
        assertEquals(-1, e.members().get(0).value(), "signed enum (kind_flag)");
        assertEquals(0x0123456789abcdefL, btf.first(BtfKind.ENUM64, "big").orElseThrow().members().get(0).value());
        BtfType arr = btf.type(3).orElseThrow();
        assertEquals(16, arr.arrayLength());
        assertEquals(1, arr.ref());
        BtfType sec = btf.first(BtfKind.DATASEC, ".data..percpu").orElseThrow();
        assertEquals(0x1c40, sec.members().get(0).bitOffset());
        assertTrue(btf.type(0).isEmpty() && btf.type(20).isEmpty());
    }

    @Test
    void refusesDamagedHeaders() {
        byte[] good = everyKind();
        byte[] magic = good.clone();
        magic[0] = 0;
        assertThrows(DumpFormatException.class, () -> Btf.parse(magic, "t", 0));
        byte[] version = good.clone();
        version[2] = 2;
        assertThrows(DumpFormatException.class, () -> Btf.parse(version, "t", 0));
        byte[] typeLen = good.clone();
        typeLen[15] = 0x7f;
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> Btf.parse(typeLen, "t", 0x1000));
        assertEquals(0x1008, e.offset(), e.getMessage());
        assertThrows(DumpFormatException.class, () -> Btf.parse(new byte[10], "t", 0));
    }

    @Test
    void refusesAHugeVlen() {
        Builder b = new Builder();
        b.type("s", 4, false, 0xffff, 8);
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> Btf.parse(b.build(), "t", 0));
        assertTrue(e.getMessage().contains("past the end of the type section"), e.getMessage());
    }

    @Test
    void refusesAnUnknownKindAndABadName() {
        Builder b = new Builder();
        b.type("x", 25, false, 0, 0);
        assertThrows(DumpFormatException.class, () -> Btf.parse(b.build(), "t", 0));
        Builder c = new Builder();
        c.u32(99999);
        c.u32(1L << 24);
        c.u32(4);
        c.u32(32);
        assertThrows(DumpFormatException.class, () -> Btf.parse(c.build(), "t", 0));
    }

    /** Corrupted bytes give a parsed blob or a DumpFormatException, nothing else. */
    @Test
    void corruptedBytesNeverEscape() {
        Fuzz.check("corrupted BTF", 2000, r -> {
            byte[] b = everyKind();
            int n = 1 + r.nextInt(3);
            for (int i = 0; i < n; i++) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            try {
                Btf.parse(b, "t", 0);
            } catch (DumpFormatException expected) {
                // The one allowed failure.
            }
        });
    }
}
