package io.kdump4j.format.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.Note;
import io.kdump4j.format.io.ArrayByteSource;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.testkit.ElfCoreWriter;
import io.kdump4j.testkit.KdumpWriter;
import org.junit.jupiter.api.Test;

/** The ELF core reader on cores from the testkit's writer. */
class ElfSyntheticTest {

    @Test
    void loadsNotesAndTheZeroTailPastFilesz() throws Exception {
        byte[] a = KdumpWriter.patternPage(1, 8192);
        byte[] b = KdumpWriter.patternPage(2, 4096);
        byte[] core = new ElfCoreWriter().vmcoreinfo("OSRELEASE=6.1.0-test\nPAGESIZE=4096\n").prstatus(new byte[336])
                .prstatus(new byte[336]).load(0x100000, a, 8192).load(0x200000, b, 3 * 4096).build();
        try (DumpFile d = Dumps.open(new ArrayByteSource("synthetic.elf", core))) {
            assertEquals(2, d.notes().stream().filter(n -> n.is("CORE", Note.NT_PRSTATUS)).count());
            assertEquals("OSRELEASE=6.1.0-test\nPAGESIZE=4096\n", d.vmcoreinfo().orElseThrow());
            byte[] got = new byte[8192];
            d.memory().read(0x100000, got, 0, 8192);
            assertArrayEquals(a, got);
            byte[] tail = new byte[100];
            d.memory().read(0x200000 + 4096 - 50, tail, 0, 100);
            assertArrayEquals(java.util.Arrays.copyOfRange(b, 4046, 4096), java.util.Arrays.copyOf(tail, 50));
            assertTrue(java.util.Arrays.equals(new byte[50], java.util.Arrays.copyOfRange(tail, 50, 100)),
                    "bytes past p_filesz read as zeros");
            MemoryFault f = assertThrows(MemoryFault.class, () -> d.memory().read(0x300000, new byte[1], 0, 1));
            assertEquals(MemoryFault.Reason.NOT_IN_DUMP, f.reason());
        }
    }
}
