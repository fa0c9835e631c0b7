package io.kdump4j.capture.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.capture.Compression;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.mem.PhysicalMemory;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.KernelMemory;
import io.kdump4j.kernel.Vmcoreinfo;
import io.kdump4j.testkit.Fixtures;
import io.kdump4j.testkit.Makedumpfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Linux 6.12, where page types moved to the top byte of {@code _mapcount} and slab became a page
 * type: slab pages stay at level 8 (makedumpfile 1.7.2 drops them), and the free pages we
 * exclude at level 16 are the kernel's own count of free pages.
 */
class Kernel612Test {
    private static final String C = ClassifyFixtures.X86_612;

    /**
     * Every task_struct on {@code init_task.tasks} is in a slab page; those pages must be in our
     * level 8 and 31 dumps. The list is found in the dump itself: {@code init_task} from the
     * kernel's System.map (this dump has KERNELOFFSET=0), {@code comm} where init_task holds
     * "swapper/0", and {@code tasks} as the list_head in init_task whose ring of entries, read at
     * the same offsets, names "init" and "kthreadd".
     */
    @Test
    void taskStructsAreKeptAtLevel8And31() throws Exception {
        List<Long> tasks;
        TreeSet<Long> pfns = new TreeSet<>();
        try (KernelDump k = KernelDump.open(Dumps.open(Fixtures.elfCore(C)))) {
            long initTask = systemMapSymbol(C, "init_task");
            tasks = taskList(k.memory(), initTask);
            int page = k.pageSize();
            for (long t : tasks) {
                // The task_struct's first and last bytes we used, and its comm.
                pfns.add(k.memory().virtToPhys(t) / page);
                pfns.add(k.memory().virtToPhys(t + 4096) / page);
            }
        }
        assertTrue(tasks.size() >= 50, "tasks found on init_task.tasks: " + tasks.size());
        for (int level : new int[] {8, 31}) {
            BitSet ours = ClassifyFixtures.dumped(ClassifyFixtures.ours(C, level, Compression.LZO));
            List<Long> missing = new ArrayList<>();
            for (long pfn : pfns) {
                if (!ours.get(Math.toIntExact(pfn))) {
                    missing.add(pfn);
                }
            }
            BitSet mdf = ClassifyFixtures.dumped(Makedumpfile.variant(C, "classify-l-d" + level + ".kdump", "-l", "-d",
                    Integer.toString(level)));
            long mdfMissing = pfns.stream().filter(p -> !mdf.get(Math.toIntExact(p))).count();
            System.out.printf("6.12 -d %d: %d task_structs on %d pages; missing from our dump %d, from makedumpfile"
                    + " 1.7.2's %d%n", level, tasks.size(), pfns.size(), missing.size(), mdfMissing);
            assertEquals(List.of(), missing, "task_struct pages left out of our level " + level + " dump");
        }
    }

    /**
     * The frames our level 16 dump leaves out are the buddy allocator's free pages: within 1% of
     * the sum of {@code zone.vm_stat[NR_FREE_PAGES]} over every zone of every node, read through
     * VMCOREINFO ({@code SYMBOL(node_data)}, {@code OFFSET(zone.vm_stat)}, {@code NUMBER(NR_FREE_PAGES)}).
     */
    @Test
    void freePagesMatchTheKernelsCounter() throws Exception {
        long counter;
        long present = 0;
        try (KernelDump k = KernelDump.open(Dumps.open(Fixtures.elfCore(C)))) {
            counter = nrFreePages(k);
            PhysicalMemory m = k.dump().memory();
            for (long pfn = 0; pfn < m.maxPfn(); pfn++) {
                if (m.state(pfn) == PhysicalMemory.PageState.PRESENT) {
                    present++;
                }
            }
        }
        long excluded = present - ClassifyFixtures.dumped(ClassifyFixtures.ours(C, 16, Compression.LZO)).cardinality();
        long mdfExcluded = present - ClassifyFixtures.dumped(Makedumpfile.variant(C, "classify-l-d16.kdump", "-l", "-d",
                "16")).cardinality();
        System.out.printf("6.12 -d 16: kernel NR_FREE_PAGES %d; we exclude %d (%.2f%%), makedumpfile 1.7.2 %d%n",
                counter, excluded, 100.0 * (excluded - counter) / counter, mdfExcluded);
        assertTrue(counter > 10_000, "NR_FREE_PAGES " + counter + " looks unread");
        assertTrue(Math.abs(excluded - counter) <= counter / 100,
                "excluded " + excluded + " free frames, the kernel counts " + counter);
    }

    /** Sums {@code zone.vm_stat[NR_FREE_PAGES]} over the populated zones of every node in {@code node_data}. */
    static long nrFreePages(KernelDump k) throws IOException {
        Vmcoreinfo vi = k.vmcoreinfo();
        KernelMemory mem = k.memory();
        long nodeData = vi.symbol("node_data").orElseThrow();
        long nodes = vi.length("node_data").orElseThrow();
        long nrZonesOff = vi.offset("pglist_data", "nr_zones").orElseThrow();
        long zonesOff = vi.offset("pglist_data", "node_zones").orElseThrow();
        long zoneSize = vi.size("zone").orElseThrow();
        long vmStat = vi.offset("zone", "vm_stat").orElseThrow();
        long index = vi.number("NR_FREE_PAGES").orElseThrow();
        long sum = 0;
        for (long n = 0; n < nodes; n++) {
            long pgdat = mem.pointer(nodeData + 8 * n);
            if (pgdat == 0) {
                continue;
            }
            int zones = (int) mem.u32(pgdat + nrZonesOff);
            for (int z = 0; z < zones; z++) {
                sum += mem.u64(pgdat + zonesOff + z * zoneSize + vmStat + 8 * index);
            }
        }
        return sum;
    }

    /** A symbol's address from the fixture kernel's System.map. */
    static long systemMapSymbol(String c, String name) throws IOException {
        Path map = Fixtures.dir(c).getParent().resolve("kernel/System.map.xz");
        String line = Fixtures.run(List.of("sh", "-c", "xz -dc \"$1\" | grep \" $2\\$\"", "sh", map.toString(), name))
                .strip();
        return Long.parseUnsignedLong(line.substring(0, line.indexOf(' ')), 16);
    }

    /** The task_struct addresses on {@code init_task.tasks}, found as the class comment says. */
    static List<Long> taskList(KernelMemory mem, long initTask) throws IOException {
        byte[] init = mem.read(initTask, 16 << 10);
        String text = new String(init, StandardCharsets.ISO_8859_1);
        int comm = text.indexOf("swapper/0\0");
        assertTrue(comm > 0, "no \"swapper/0\" in init_task");
        for (int o = 0; o + 16 <= comm; o += 8) {
            long head = initTask + o;
            List<Long> tasks = new ArrayList<>();
            List<String> names = new ArrayList<>();
            try {
                long node = mem.pointer(head);
                while (node != head && node < 0 && tasks.size() < 4096 && mem.pointer(node + 8) != 0) {
                    String name = mem.cString(node - o + comm, 16);
                    if (name.isEmpty() || !name.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)) {
                        break;
                    }
                    tasks.add(node - o);
                    names.add(name);
                    node = mem.pointer(node);
                }
                if (node == head && names.contains("init") && names.contains("kthreadd")) {
                    return tasks;
                }
            } catch (IOException e) {
                // not the tasks list: a pointer into nowhere
            }
        }
        throw new AssertionError("init_task.tasks not found");
    }
}
