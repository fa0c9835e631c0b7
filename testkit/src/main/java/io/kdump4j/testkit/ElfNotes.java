package io.kdump4j.testkit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** ELF notes: {@code Elf64_Nhdr {u32 namesz, descsz, type}}, name and descriptor padded to 4. */
public final class ElfNotes {
    private ElfNotes() {
    }

    public static byte[] note(String name, int type, byte[] desc, ByteOrder order) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.ISO_8859_1);
        int size = 12 + pad4(n.length) + pad4(desc.length);
        ByteBuffer b = ByteBuffer.allocate(size).order(order);
        b.putInt(n.length).putInt(desc.length).putInt(type);
        b.put(n).position(12 + pad4(n.length));
        b.put(desc);
        return b.array();
    }

    static int pad4(int n) {
        return (n + 3) & ~3;
    }
}
