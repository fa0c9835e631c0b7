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

class Arm64LoaderExecutableTest {
    static final List<KexecSegment> SEGS = List.of(new KexecSegment("a", new byte[] {1, 2, 3}, 0x53600000L, 4096),
            new KexecSegment("b", new byte[5000], 0x53601000L, 8192));

    @Test
    void tablePointsAtTheBytes() {
        byte[] f = Arm64LoaderExecutable.write(0x53603000L, SEGS, 1 | 183L << 16);
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        int lit = Arm64LoaderExecutable.CODE_AT + 0x28;
        assertEquals(0x53603000L, b.getLong(lit));
        assertEquals(2, b.getLong(lit + 8));
        long table = b.getLong(lit + 16) - Arm64LoaderExecutable.BASE;
        assertEquals(0xb70001L, b.getLong(lit + 24));
        long buf0 = b.getLong((int) table) - Arm64LoaderExecutable.BASE;
        assertEquals(3, b.getLong((int) table + 8));
        assertEquals(0x53600000L, b.getLong((int) table + 16));
        assertEquals(1, f[(int) buf0]);
        assertEquals(3, f[(int) buf0 + 2]);
        long buf1 = b.getLong((int) table + 32) - Arm64LoaderExecutable.BASE;
        assertEquals(5000, b.getLong((int) table + 40));
        assertTrue(buf1 + 5000 <= f.length);
        assertEquals(f.length, b.getLong(64 + 32), "one PT_LOAD maps the whole file");
    }

    @Test
    void binutilsReadsTheProgram(@TempDir Path tmp) throws Exception {
        Path objdump = Path.of("/usr/bin/aarch64-linux-gnu-objdump");
        assumeTrue(Files.isExecutable(objdump), "binutils-aarch64-linux-gnu is not installed");
        Path exe = tmp.resolve("loader");
        Files.write(exe, Arm64LoaderExecutable.write(0x53603000L, SEGS, 1 | 183L << 16));
        Path code = tmp.resolve("code.bin");
        Files.write(code, java.util.Arrays.copyOfRange(Files.readAllBytes(exe), Arm64LoaderExecutable.CODE_AT,
                Arm64LoaderExecutable.CODE_AT + 40));
        String dis = run(objdump.toString(), "-D", "-b", "binary", "-m", "aarch64", code.toString());
        List<String> insns = dis.lines().filter(l -> l.matches("\\s+[0-9a-f]+:\\s+[0-9a-f]{8}\\s+.*"))
                .map(l -> l.replaceAll("^\\s+[0-9a-f]+:\\s+[0-9a-f]{8}\\s+", "").replaceAll("\\s+", " ")
                        .replaceAll(" //.*", "").strip())
                .toList();
        assertEquals(List.of("ldr x0, 0x28", "ldr x1, 0x30", "ldr x2, 0x38", "ldr x3, 0x40", "mov x8, #0x68",
                "svc #0x0", "neg x0, x0", "mov x8, #0x5d", "svc #0x0", "nop"), insns, dis);
        String headers = run("/usr/bin/aarch64-linux-gnu-readelf", "-h", "-l", exe.toString());
        assertTrue(headers.contains("AArch64") && headers.contains("Entry point address:               0x400078"), headers);
        assertTrue(headers.contains("LOAD") && headers.contains("RWE"), headers);
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
