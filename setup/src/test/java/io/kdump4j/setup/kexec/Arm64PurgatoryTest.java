package io.kdump4j.setup.kexec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Arm64PurgatoryTest {
    static final long DTB = 0x5a2f5000L;
    static final long KERNEL = 0x53610000L;

    /** Our own decoder of the four instruction forms used: what each word does to the registers. */
    @Test
    void decodesToDtbInX0ZerosAndBranchToKernel() {
        ByteBuffer b = ByteBuffer.wrap(Arm64Purgatory.build(DTB, KERNEL)).order(ByteOrder.LITTLE_ENDIAN);
        long[] x = new long[31];
        java.util.Arrays.fill(x, 0xdeadbeefL);
        long target = -1;
        for (int pc = 0; pc < 6 * 4; pc += 4) {
            int w = b.getInt(pc);
            if ((w & 0xff000000) == 0x58000000) { // LDR Xt, literal
                int imm19 = (w >> 5) & 0x7ffff;
                x[w & 31] = b.getLong(pc + imm19 * 4);
            } else if ((w & 0xffffffe0) == 0xaa1f03e0) { // MOV Xd, XZR
                x[w & 31] = 0;
            } else if ((w & 0xfffffc1f) == 0xd61f0000) { // BR Xn
                target = x[(w >> 5) & 31];
                break;
            } else {
                throw new AssertionError("unexpected instruction 0x" + Integer.toHexString(w) + " at " + pc);
            }
        }
        assertEquals(DTB, x[0]);
        assertEquals(0, x[1]);
        assertEquals(0, x[2]);
        assertEquals(0, x[3]);
        assertEquals(KERNEL, target);
        assertEquals(40, Arm64Purgatory.SIZE);
    }

    /** binutils' disassembly of the same bytes, when aarch64-linux-gnu-objdump is installed. */
    @Test
    void binutilsAgrees(@TempDir Path tmp) throws Exception {
        Path objdump = Path.of("/usr/bin/aarch64-linux-gnu-objdump");
        assumeTrue(Files.isExecutable(objdump), "binutils-aarch64-linux-gnu is not installed");
        Path bin = tmp.resolve("purgatory.bin");
        Files.write(bin, java.util.Arrays.copyOf(Arm64Purgatory.build(DTB, KERNEL), 24));
        Process p = new ProcessBuilder(List.of(objdump.toString(), "-D", "-b", "binary", "-m", "aarch64", bin.toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        List<String> insns = out.lines().filter(l -> l.matches("\\s+[0-9a-f]+:\\s+[0-9a-f]{8}\\s+.*"))
                .map(l -> l.replaceAll("^\\s+[0-9a-f]+:\\s+[0-9a-f]{8}\\s+", "").replaceAll("\\s+", " ").strip())
                .toList();
        assertEquals(List.of("ldr x0, 0x18", "ldr x4, 0x20", "mov x1, xzr", "mov x2, xzr", "mov x3, xzr", "br x4"),
                insns, out);
        assertTrue(out.contains("580000c0"));
    }
}
