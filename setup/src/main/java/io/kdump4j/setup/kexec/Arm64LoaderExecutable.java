package io.kdump4j.setup.kexec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A static arm64 Linux executable that makes one planned kexec_load(2) call and exits with the
 * errno (0 on success). It is for machines that cannot run kdump4j itself — Debian 12 packages
 * no Java 25 for arm64 — where the plan is made by {@code kdump4j load --root FACTS
 * --emit-loader FILE} on another machine from facts copied off the target in the same boot
 * (the addresses of crash notes and KASLR offsets change at every boot). The file is one
 * read-write-execute PT_LOAD at {@link #BASE}: the code, the {@code struct kexec_segment} table
 * and the segment bytes, so the table's {@code buf} pointers are known when it is written.
 *
 * <p>The code, hand-encoded (Arm ARM C6.2; {@code Arm64LoaderExecutableTest} disassembles it):
 * <pre>
 *  0: 58000140  ldr  x0, 0x28     // entry
 *  4: 58000161  ldr  x1, 0x30     // nr_segments
 *  8: 58000182  ldr  x2, 0x38     // segments
 *  c: 580001a3  ldr  x3, 0x40     // flags
 * 10: d2800d08  mov  x8, #104     // __NR_kexec_load
 * 14: d4000001  svc  #0
 * 18: cb0003e0  neg  x0, x0       // -errno -> errno; 0 stays 0
 * 1c: d2800ba8  mov  x8, #93      // __NR_exit
 * 20: d4000001  svc  #0
 * 24: d503201f  nop
 * 28: .quad entry, nr_segments, segments, flags
 * </pre>
 */
public final class Arm64LoaderExecutable {
    /** Where the file is mapped. */
    public static final long BASE = 0x400000L;
    static final int[] CODE = {0x58000140, 0x58000161, 0x58000182, 0x580001a3, 0xd2800d08, 0xd4000001, 0xcb0003e0,
        0xd2800ba8, 0xd4000001, 0xd503201f};
    static final int CODE_AT = 64 + 56;

    private Arm64LoaderExecutable() {
    }

    public static byte[] write(long entry, List<KexecSegment> segments, long flags) {
        if (segments.isEmpty() || segments.size() > KexecLoadSyscall.KEXEC_SEGMENT_MAX) {
            throw new IllegalArgumentException(segments.size() + " segments");
        }
        int tableAt = CODE_AT + CODE.length * 4 + 32;
        int dataAt = align(tableAt + 32 * segments.size(), 4096);
        long[] bufAt = new long[segments.size()];
        long at = dataAt;
        for (int i = 0; i < segments.size(); i++) {
            bufAt[i] = at;
            at = align(at + segments.get(i).bytes().length, 4096);
        }
        ByteBuffer head = ByteBuffer.allocate(dataAt).order(ByteOrder.LITTLE_ENDIAN);
        head.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        head.putShort((short) 2); // ET_EXEC
        head.putShort((short) 183); // EM_AARCH64
        head.putInt(1);
        head.putLong(BASE + CODE_AT); // e_entry
        head.putLong(64); // e_phoff
        head.putLong(0);
        head.putInt(0);
        head.putShort((short) 64).putShort((short) 56).putShort((short) 1);
        head.putShort((short) 0).putShort((short) 0).putShort((short) 0);
        head.putInt(1); // PT_LOAD
        head.putInt(7); // PF_R | PF_W | PF_X
        head.putLong(0);
        head.putLong(BASE);
        head.putLong(BASE);
        head.putLong(at);
        head.putLong(at);
        head.putLong(4096);
        for (int w : CODE) {
            head.putInt(w);
        }
        head.putLong(entry).putLong(segments.size()).putLong(BASE + tableAt).putLong(flags);
        for (int i = 0; i < segments.size(); i++) {
            KexecSegment s = segments.get(i);
            head.putLong(BASE + bufAt[i]).putLong(s.bytes().length).putLong(s.mem()).putLong(s.memsz());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) at);
        out.writeBytes(head.array());
        for (int i = 0; i < segments.size(); i++) {
            out.writeBytes(segments.get(i).bytes());
            out.writeBytes(new byte[(int) (align(out.size(), 4096) - out.size())]);
        }
        return out.toByteArray();
    }

    private static int align(long v, int a) {
        return Math.toIntExact((v + a - 1) & -a);
    }
}
