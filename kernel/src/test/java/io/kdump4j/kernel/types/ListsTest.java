package io.kdump4j.kernel.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.Dumps;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.testing.PhysicalImage;
import io.kdump4j.kernel.testing.SyntheticX86Kernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * List walks in kernel memory written here: a long list comes back whole and in order, a cycle
 * that does not pass through the head (a rho) is found without a visited set.
 */
class ListsTest {
    private static final long HEAD = 0x8000;
    private static final long NODES = 0x9000;

    @TempDir
    Path tmp;

    /** {@code n} list_heads at NODES, 16 bytes apart; the last points to {@code lastNext} (an index, or -1 for the head). */
    private KernelDump dump(int n, int lastNext) throws IOException {
        SyntheticX86Kernel k = new SyntheticX86Kernel();
        PhysicalImage m = k.memory();
        m.u64(HEAD, SyntheticX86Kernel.va(NODES));
        for (int i = 0; i < n; i++) {
            long next = i + 1 < n ? NODES + 16L * (i + 1) : lastNext < 0 ? HEAD : NODES + 16L * lastNext;
            m.u64(NODES + 16L * i, SyntheticX86Kernel.va(next));
        }
        return KernelDump.open(Dumps.open(Files.write(tmp.resolve("lists.elf"), k.elf())));
    }

    @Test
    void aLongListComesBackInOrder() throws IOException {
        try (KernelDump k = dump(40_000, -1)) {
            List<Long> nodes = Lists.listHead(k.memory(), SyntheticX86Kernel.va(HEAD));
            assertEquals(40_000, nodes.size());
            for (int i = 0; i < nodes.size(); i += 997) {
                assertEquals(SyntheticX86Kernel.va(NODES + 16L * i), nodes.get(i));
            }
            List<Long> entries = Lists.entries(k.memory(), SyntheticX86Kernel.va(HEAD), 8);
            assertEquals(SyntheticX86Kernel.va(NODES) - 8, entries.get(0));
        }
    }

    @Test
    void aCycleThatMissesTheHeadIsFound() throws IOException {
        for (int back : new int[] {0, 1, 777, 4_999}) {
            try (KernelDump k = dump(5_000, back)) {
                DumpFormatException e = assertThrows(DumpFormatException.class,
                        () -> Lists.listHead(k.memory(), SyntheticX86Kernel.va(HEAD)));
                assertTrue(e.getMessage().contains("cycle"), e.getMessage());
            }
        }
    }
}
