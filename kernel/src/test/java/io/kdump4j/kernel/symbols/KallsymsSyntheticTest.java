package io.kdump4j.kernel.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.Dumps;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.testing.PhysicalImage;
import io.kdump4j.kernel.testing.SyntheticX86Kernel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kallsyms tables written here in the kernel's layout (scripts/kallsyms.c): both offset schemes,
 * one- and two-byte name lengths, and hostile counts.
 */
class KallsymsSyntheticTest {
    private static final long TOKENS = 0x8000;
    private static final long INDEX = 0x9000;
    private static final long OFFSETS = 0xa000;
    private static final long BASE = 0xb000;
    private static final long NUM = 0xb008;
    private static final long NAMES = 0xc000;
    private static final long RELATIVE_BASE = 0xffff_ffff_8100_0000L;

    @TempDir
    Path tmp;

    /** A symbol: type+name and its table offset. */
    record Sym(String text, int offset) {
    }

    /** Token i is the character i (token 0 is empty), so a name is encoded one token per character. */
    private Path dump(List<Sym> syms, long claimedCount) throws IOException {
        return dump(syms, claimedCount, false, false);
    }

    /**
     * With {@code placeRelative}, the Linux 7.0 layout: each offset is a PC32 reference to
     * RELATIVE_BASE + {@link Sym#offset()}, and VMCOREINFO names no {@code kallsyms_relative_base};
     * with {@code noNuls}, every token is 15 non-NUL bytes and none ends (a corrupt token table);
     * {@code extra} lines are added to VMCOREINFO.
     */
    private Path dump(List<Sym> syms, long claimedCount, boolean placeRelative, boolean noNuls, String... extra)
            throws IOException {
        SyntheticX86Kernel k = new SyntheticX86Kernel();
        for (String line : extra) {
            k.line(line);
        }
        PhysicalImage m = k.memory();
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        for (int i = 0; i < 256; i++) {
            m.u16(INDEX + 2L * i, table.size());
            if (noNuls) {
                table.writeBytes("abcdefghijklmno".getBytes(StandardCharsets.ISO_8859_1));
                continue;
            }
            if (i > 0) {
                table.write(i);
            }
            table.write(0);
        }
        m.bytes(TOKENS, table.toByteArray());
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        for (int i = 0; i < syms.size(); i++) {
            byte[] t = syms.get(i).text().getBytes(StandardCharsets.ISO_8859_1);
            if (t.length < 128) {
                names.write(t.length);
            } else {
                names.write(0x80 | (t.length & 0x7f));
                names.write(t.length >> 7);
            }
            names.writeBytes(t);
            long entry = placeRelative
                    ? RELATIVE_BASE + syms.get(i).offset() - SyntheticX86Kernel.va(OFFSETS + 4L * i)
                    : syms.get(i).offset();
            m.u32(OFFSETS + 4L * i, entry & 0xffff_ffffL);
        }
        m.bytes(NAMES, names.toByteArray());
        m.u64(BASE, RELATIVE_BASE).u32(NUM, claimedCount);
        k.symbol("kallsyms_token_table", TOKENS).symbol("kallsyms_token_index", INDEX).symbol("kallsyms_offsets", OFFSETS)
                .symbol("kallsyms_num_syms", NUM).symbol("kallsyms_names", NAMES);
        if (!placeRelative) {
            k.symbol("kallsyms_relative_base", BASE);
        }
        return Files.write(tmp.resolve("kallsyms.elf"), k.elf());
    }

    @Test
    void absolutePercpuSchemeAndBigSymbols() throws IOException {
        String big = "T" + "x".repeat(200);
        List<Sym> syms = List.of(new Sym("Drunqueues", 0x1c40), new Sym("T_text", -1), new Sym("tlocal_fn", -0x11),
                new Sym(big, -0x21));
        try (KernelDump k = KernelDump.open(Dumps.open(dump(syms, syms.size())))) {
            SymbolTable t = Kallsyms.read(k);
            assertEquals(0x1c40, t.lookup("runqueues").orElseThrow().address(), "non-negative: absolute per-CPU offset");
            assertEquals(RELATIVE_BASE, t.lookup("_text").orElseThrow().address(), "negative: base - 1 - offset");
            assertEquals(RELATIVE_BASE + 0x10, t.lookup("local_fn").orElseThrow().address());
            Symbol b = t.lookup(big.substring(1)).orElseThrow();
            assertEquals(RELATIVE_BASE + 0x20, b.address(), "a 200-character name uses the two-byte length");
            assertEquals('t', t.lookup("local_fn").orElseThrow().type());
            assertEquals("local_fn+0x4/0x10", t.lookup(RELATIVE_BASE + 0x14).orElseThrow().format());
        }
    }

    @Test
    void baseRelativeScheme() throws IOException {
        List<Sym> syms = List.of(new Sym("T_text", 0), new Sym("Tpanic", 0x100), new Sym("Dinit_task", 0x200000));
        try (KernelDump k = KernelDump.open(Dumps.open(dump(syms, syms.size())))) {
            SymbolTable t = Kallsyms.read(k);
            assertEquals(RELATIVE_BASE + 0x200000, t.lookup("init_task").orElseThrow().address());
            assertEquals(RELATIVE_BASE + 0x100, t.lookup("panic").orElseThrow().address());
        }
    }

    @Test
    void placeRelativeSchemeOfLinux7() throws IOException {
        List<Sym> syms = List.of(new Sym("T_text", 0), new Sym("T_stext", 0), new Sym("Tpanic", 0x100),
                new Sym("Dinit_task", 0x200000));
        Path d = dump(syms, syms.size(), true, false, "SYMBOL(_stext)=" + Long.toHexString(RELATIVE_BASE));
        try (KernelDump k = KernelDump.open(Dumps.open(d))) {
            assertTrue(Kallsyms.available(k), "no kallsyms_relative_base is needed");
            SymbolTable t = Kallsyms.read(k);
            assertEquals(RELATIVE_BASE, t.lookup("_stext").orElseThrow().address());
            assertEquals(RELATIVE_BASE + 0x100, t.lookup("panic").orElseThrow().address());
            assertEquals(RELATIVE_BASE + 0x200000, t.lookup("init_task").orElseThrow().address());
        }
    }

    @Test
    void aTableThatDisagreesWithVmcoreinfoIsRefused() throws IOException {
        List<Sym> syms = List.of(new Sym("T_stext", 0), new Sym("Tpanic", 0x100));
        Path d = dump(syms, syms.size(), true, false, "SYMBOL(_stext)=" + Long.toHexString(RELATIVE_BASE + 0x1000));
        try (KernelDump k = KernelDump.open(Dumps.open(d))) {
            DumpFormatException e = assertThrows(DumpFormatException.class, () -> Kallsyms.read(k));
            assertTrue(e.getMessage().contains("place-relative") && e.getMessage().contains("_stext"), e.getMessage());
            // The commands then get the reason, not garbage addresses.
            SymbolLookupException s = assertThrows(SymbolLookupException.class, () -> KernelSymbols.of(k).address("panic"));
            assertTrue(s.getMessage().contains("VMCOREINFO says") && s.getMessage().contains("--system-map"), s.getMessage());
        }
        List<Sym> unsorted = List.of(new Sym("Tpanic", 0x100), new Sym("T_stext", 0));
        try (KernelDump k = KernelDump.open(Dumps.open(dump(unsorted, 2, true, false)))) {
            DumpFormatException e = assertThrows(DumpFormatException.class, () -> Kallsyms.read(k));
            assertTrue(e.getMessage().contains("address order"), e.getMessage());
        }
    }

    @Test
    void noTablesSaysWhyNotAVersion() throws IOException {
        try (KernelDump k = KernelDump.open(Dumps.open(Files.write(tmp.resolve("none.elf"), new SyntheticX86Kernel().elf())))) {
            SymbolLookupException s = assertThrows(SymbolLookupException.class, () -> KernelSymbols.of(k).address("panic"));
            assertTrue(s.getMessage().contains("VMCOREINFO names no kallsyms tables"), s.getMessage());
        }
    }

    @Test
    void hostileCountsAreFormatErrors() throws IOException {
        List<Sym> syms = List.of(new Sym("T_text", -1));
        try (KernelDump k = KernelDump.open(Dumps.open(dump(syms, 0xffff_ffffL)))) {
            DumpFormatException e = assertThrows(DumpFormatException.class, () -> Kallsyms.read(k));
            assertTrue(e.getMessage().contains("kallsyms_num_syms"), e.getMessage());
        }
        try (KernelDump k = KernelDump.open(Dumps.open(dump(syms, 0)))) {
            assertThrows(DumpFormatException.class, () -> Kallsyms.read(k));
        }
        // More symbols than the names hold: the walk runs into zero bytes (length 0) and stops.
        try (KernelDump k = KernelDump.open(Dumps.open(dump(syms, 50)))) {
            assertThrows(DumpFormatException.class, () -> Kallsyms.read(k));
        }
    }

    /** A token table without NULs made names of thousands of characters (unbounded: OutOfMemoryError). */
    @Test
    void tokensWithoutNulsAreAFormatErrorNotHugeNames() throws IOException {
        List<Sym> syms = List.of(new Sym("T_text", -1), new Sym("Tpanic", 0x100));
        try (KernelDump k = KernelDump.open(Dumps.open(dump(syms, syms.size(), false, true)))) {
            DumpFormatException e = assertThrows(DumpFormatException.class, () -> Kallsyms.read(k));
            assertTrue(e.getMessage().contains("no NUL within 512 bytes"), e.getMessage());
        }
    }
}
