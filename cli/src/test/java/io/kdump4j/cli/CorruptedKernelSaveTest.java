package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.Vmcoreinfo;
import io.kdump4j.kernel.symbols.KernelSymbols;
import io.kdump4j.kernel.types.KernelTypes;
import io.kdump4j.testkit.CorruptCore;
import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A crashed kernel's data is often corrupt: {@code kdump4j save} on the real x86_64 6.1 core
 * with its kernel data damaged in place (a copy of the fixture, bytes changed at the physical
 * address of the structure) still writes a complete dump, and promptly.
 * <ul>
 *   <li>the printk ringbuffer's {@code head_id} with one flipped bit (bit 62, a state bit no id
 *   has): no descriptor id ever matches it; before the bounded walk, save looped forever before
 *   writing anything;</li>
 *   <li>a circular task list ({@code init_task.tasks.next} of the first task pointing to itself);</li>
 *   <li>garbage kallsyms (the token table and names overwritten with 0xff).</li>
 * </ul>
 * The analysis commands on the damaged core end with a clear error instead of looping.
 */
class CorruptedKernelSaveTest {
    static final String C61 = "x86_64-6.1.0-56-amd64/sysrq-elf";
    /** Far more than a save of this 1 GiB core takes (about 10 s on a loaded 2-core machine). */
    static final Duration LIMIT = Duration.ofSeconds(120);
    private static Path dir;
    private static Path ringAndTasks;
    private static Path kallsyms;
    private static long present;

    @BeforeAll
    static void damage() throws IOException {
        dir = Files.createTempDirectory("kdump4j-corrupt");
        Path core = Fixtures.elfCore(C61);
        long headId;
        long firstTask;
        long tokens;
        long names;
        try (KernelDump k = KernelDump.open(Dumps.open(core))) {
            Vmcoreinfo vi = k.vmcoreinfo();
            long prb = k.memory().pointer(vi.symbol("prb").orElseThrow());
            headId = k.memory().virtToPhys(prb + vi.offset("printk_ringbuffer", "desc_ring").orElseThrow()
                    + vi.offset("prb_desc_ring", "head_id").orElseThrow());
            KernelTypes t = KernelTypes.of(k);
            long init = KernelSymbols.of(k).address("init_task");
            long tasksOff = t.offset("task_struct", "tasks");
            long first = k.memory().pointer(init + tasksOff);
            firstTask = k.memory().virtToPhys(first);
            // The first task's tasks.next points to itself: a cycle that never returns to init_task.
            ringAndTasksValue = first;
            tokens = k.memory().virtToPhys(vi.symbol("kallsyms_token_table").orElseThrow());
            names = k.memory().virtToPhys(vi.symbol("kallsyms_names").orElseThrow());
            present = k.dump().memory().pagesPresent();
        }
        ringAndTasks = dir.resolve("ring-tasks.elf");
        try (CorruptCore c = CorruptCore.copy(core, ringAndTasks)) {
            c.flipPhysical(headId + 7, 0x40);
            c.writeLong(firstTask, ringAndTasksValue);
        }
        kallsyms = dir.resolve("kallsyms.elf");
        byte[] ff = new byte[4096];
        Arrays.fill(ff, (byte) 0xff);
        try (CorruptCore c = CorruptCore.copy(core, kallsyms)) {
            c.writePhysical(tokens, ff);
            c.writePhysical(names, ff);
        }
    }

    private static long ringAndTasksValue;

    static String golden() throws IOException {
        return Files.readString(Fixtures.dir(C61).resolve("dmesg.makedumpfile.txt"), StandardCharsets.ISO_8859_1);
    }

    @AfterAll
    static void clean() throws IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** Saves {@code core} at level 31 and checks the dump is complete and holds every kept page. */
    static CliRun save(Path core, String name) throws IOException {
        Path out = dir.resolve(name);
        CliRun r = assertTimeoutPreemptively(LIMIT, () -> CliRun.of("save", "-d", "31", core.toString(),
                out.toString()), "save must not hang on corrupt kernel data");
        System.out.print(r.stderr());
        assertEquals(ExitCodes.OK, r.exitCode(), r.stderr());
        assertTrue(Files.exists(out), "the dump " + out + " is written");
        assertTrue(r.stderr().contains("complete, dump level 31"), r.stderr());
        try (DumpFile d = Dumps.open(out)) {
            assertTrue(d.memory().pagesPresent() > 0, "the dump holds pages");
            assertTrue(d.memory().pagesPresent() < present, "level 31 filtered pages");
        }
        return r;
    }

    @Test
    void aRingbufferWhoseIdsNeverMatchStillGivesADump() throws IOException {
        CliRun r = save(ringAndTasks, "ring.kdump");
        // Only the id's state bits were hit: masking them (as the kernel's DESC_ID() does) gives
        // back the whole log, saved beside the dump and readable from it.
        assertTrue(r.stderr().contains("kernel log ("), r.stderr());
        assertEquals(golden(), Files.readString(dir.resolve("ring.kdump.dmesg.txt"), StandardCharsets.ISO_8859_1));
        CliRun dmesg = CliRun.of("dmesg", dir.resolve("ring.kdump").toString());
        assertEquals(golden(), new String(dmesg.stdout(), StandardCharsets.ISO_8859_1), dmesg.stderr());
    }

    @Test
    void aCircularTaskListIsAClearErrorForPs() {
        CliRun r = assertTimeoutPreemptively(LIMIT, () -> CliRun.of("ps", ringAndTasks.toString()));
        assertNotEquals(ExitCodes.OK, r.exitCode(), r.out());
        assertTrue(r.stderr().contains("cycle"), r.stderr());
    }

    @Test
    void garbageKallsymsStillGivesADumpAndAClearErrorForPs() throws IOException {
        save(kallsyms, "kallsyms.kdump");
        assertEquals(golden(), Files.readString(dir.resolve("kallsyms.kdump.dmesg.txt"), StandardCharsets.ISO_8859_1));
        CliRun r = assertTimeoutPreemptively(LIMIT, () -> CliRun.of("ps", kallsyms.toString()));
        assertNotEquals(ExitCodes.OK, r.exitCode(), r.out());
        assertTrue(r.stderr().contains("kallsyms"), r.stderr());
    }
}
