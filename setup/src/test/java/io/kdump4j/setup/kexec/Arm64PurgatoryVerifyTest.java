package io.kdump4j.setup.kexec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifying purgatory, disassembled by binutils and <em>run</em> under qemu-aarch64-static
 * (user-mode emulation: the code uses no privileged instruction): a static program whose entry
 * is the purgatory, whose "kernel" is {@code exit(x0)} and whose "device tree address" is 42, so
 * the exit status says the checks passed and x0 was set; a damaged region must stop it.
 */
class Arm64PurgatoryVerifyTest {
    static final long BASE = 0x400000L;
    static final int CODE_AT = 0x78;
    static final int STUB_AT = 0x800;
    static final int DATA_AT = 0x1000;

    @Test
    void binutilsAgrees(@TempDir Path tmp) throws Exception {
        Path objdump = Path.of("/usr/bin/aarch64-linux-gnu-objdump");
        assumeTrue(Files.isExecutable(objdump), "binutils-aarch64-linux-gnu is not installed");
        Path bin = tmp.resolve("p.bin");
        Files.write(bin, java.util.Arrays.copyOf(Arm64Purgatory.buildVerifying(1, 2, List.of()), 0x58));
        Process p = new ProcessBuilder(objdump.toString(), "-D", "-b", "binary", "-m", "aarch64", bin.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        List<String> insns = out.lines().filter(l -> l.matches("\\s+[0-9a-f]+:\\s+[0-9a-f]{8}\\s+.*"))
                .map(l -> l.replaceAll("^\\s+[0-9a-f]+:\\s+[0-9a-f]{8}\\s+", "").replaceAll("\\s+", " ")
                        .replaceAll(" //.*", "").strip())
                .toList();
        assertEquals(List.of("adr x5, 0x70", "ldr x6, 0x68", "cbz x6, 0x40", "ldp x7, x9, [x5], #16",
                "ldr x10, [x5], #8", "mov x11, xzr", "cbz x9, 0x2c", "ldrb w12, [x7], #1", "add x11, x11, x12",
                "sub x9, x9, #0x1", "b 0x18", "cmp x11, x10", "b.ne 0x3c", "sub x6, x6, #0x1", "b 0x8", "b 0x3c",
                "ldr x0, 0x58", "ldr x4, 0x60", "mov x1, xzr", "mov x2, xzr", "mov x3, xzr", "br x4"), insns, out);
    }

    @Test
    void runsUnderEmulation(@TempDir Path tmp) throws Exception {
        Path qemu = Path.of("/usr/bin/qemu-aarch64-static");
        assumeTrue(Files.isExecutable(qemu), "qemu-user-static is not installed (scripts/arm64-makedumpfile.sh installs it)");
        byte[] a = "the kernel Image".getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[5000];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        List<Arm64Purgatory.Region> regions = List.of(Arm64Purgatory.Region.of(BASE + DATA_AT, a),
                Arm64Purgatory.Region.of(BASE + DATA_AT + 64, b));
        assertEquals(0, run(qemu, tmp, program(regions, a, b, -1)), "no regions: straight to the kernel");
        assertEquals(42, run(qemu, tmp, program(regions, a, b, 0)), "matching sums: the kernel gets x0 = 42");
        assertEquals(-1, run(qemu, tmp, program(regions, a, b, 4999)), "one changed byte: it must stop");
    }

    /** A static arm64 program: purgatory at the entry, exit(x0) as the kernel, then the regions' bytes. */
    static byte[] program(List<Arm64Purgatory.Region> regions, byte[] a, byte[] b, int damage) {
        byte[] purgatory = damage < 0 ? Arm64Purgatory.buildVerifying(0, BASE + STUB_AT, List.of())
                : Arm64Purgatory.buildVerifying(42, BASE + STUB_AT, regions);
        ByteBuffer f = ByteBuffer.allocate(DATA_AT + 64 + b.length).order(ByteOrder.LITTLE_ENDIAN);
        f.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        f.putShort((short) 2).putShort((short) 183).putInt(1).putLong(BASE + CODE_AT).putLong(64).putLong(0).putInt(0);
        f.putShort((short) 64).putShort((short) 56).putShort((short) 1).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0);
        f.putInt(1).putInt(7).putLong(0).putLong(BASE).putLong(BASE).putLong(f.capacity()).putLong(f.capacity())
                .putLong(4096);
        f.put(CODE_AT, purgatory);
        f.putInt(STUB_AT, 0xd2800ba8); // mov x8, #93 (exit)
        f.putInt(STUB_AT + 4, 0xd4000001); // svc #0
        f.put(DATA_AT, a);
        f.put(DATA_AT + 64, b);
        if (damage > 0) {
            f.put(DATA_AT + 64 + damage, (byte) (b[damage] + 1));
        }
        return f.array();
    }

    /** The exit status, or -1 when it was still running after 3 s (stopped on a mismatch). */
    static int run(Path qemu, Path tmp, byte[] program) throws Exception {
        Path exe = tmp.resolve("purgatory-harness");
        Files.write(exe, program);
        // qemu-user, like execve, refuses a file without an execute bit (exit status 1, no message).
        assertEquals(true, exe.toFile().setExecutable(true));
        assertFalse(program.length > 1 << 20);
        Process p = new ProcessBuilder(qemu.toString(), exe.toString()).redirectErrorStream(true).start();
        if (!p.waitFor(3, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return -1;
        }
        return p.exitValue();
    }
}
