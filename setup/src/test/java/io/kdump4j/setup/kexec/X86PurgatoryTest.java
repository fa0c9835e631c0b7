package io.kdump4j.setup.kexec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The x86_64 purgatory as binutils reads it (the host's objdump, part of Debian's binutils, which
 * gcc pulls in), and the data it jumps with: the GDT descriptor points at the GDT in the same
 * page, the code and data descriptors are flat 64-bit code and 4 GiB data, and the literals
 * are the boot_params and the entry given.
 */
class X86PurgatoryTest {
    static final long AT = 0x3f7fe000L;
    static final long BOOT_PARAMS = 0x33400000L;
    static final long ENTRY = 0x31000200L;

    @Test
    void literalsAndGdt() {
        ByteBuffer b = ByteBuffer.wrap(X86Purgatory.build(AT, BOOT_PARAMS, ENTRY)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4096, b.capacity());
        assertEquals(BOOT_PARAMS, b.getLong(0x48));
        assertEquals(ENTRY, b.getLong(0x50));
        assertEquals(0x1f, b.getShort(0x78));
        long gdt = b.getLong(0x7a);
        assertEquals(AT + 0x58, gdt, "the descriptor gives the GDT's physical (identity-mapped) address");
        long code = b.getLong((int) (gdt - AT) + 0x10);
        long data = b.getLong((int) (gdt - AT) + 0x18);
        // Selector 0x10: present, DPL 0, code execute/read, L=1 (64-bit); 0x18: data read/write, G, D/B, 4 GiB.
        assertEquals(0x9a, (code >>> 40) & 0xff);
        assertEquals(1, (code >>> 53) & 1, "L bit");
        assertEquals(0x92, (data >>> 40) & 0xff);
        assertEquals(0xfffffL, (data & 0xffff) | ((data >>> 32) & 0xf0000), "limit");
    }

    @Test
    void binutilsDisassembly(@TempDir Path tmp) throws Exception {
        Path objdump = Path.of("/usr/bin/objdump");
        assumeTrue(Files.isExecutable(objdump), "binutils is not installed");
        Path bin = tmp.resolve("purgatory.bin");
        Files.write(bin, java.util.Arrays.copyOf(X86Purgatory.build(AT, BOOT_PARAMS, ENTRY), 0x43));
        Process p = new ProcessBuilder(List.of(objdump.toString(), "-D", "-b", "binary", "-m", "i386:x86-64", bin.toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        List<String> insns = out.lines().filter(l -> l.matches("\\s+[0-9a-f]+:\\t([0-9a-f]{2} )+\\s*\\t.*"))
                .map(l -> l.substring(l.lastIndexOf('\t') + 1).replaceAll("\\s+#.*", "").replaceAll("\\s+", " ").strip())
                .toList();
        assertEquals(List.of("lgdt 0x71(%rip)", "mov $0x18,%eax", "mov %eax,%ds", "mov %eax,%es", "mov %eax,%ss",
                "mov %eax,%fs", "mov %eax,%gs", "lea 0xfe3(%rip),%rsp", "push $0x10", "lea 0x3(%rip),%rax", "push %rax",
                "lretq", "mov 0x18(%rip),%rsi", "mov 0x19(%rip),%rax", "xor %ebx,%ebx", "xor %ecx,%ecx", "xor %edx,%edx",
                "xor %edi,%edi", "xor %ebp,%ebp", "jmp *%rax"), insns, out);
    }
}
