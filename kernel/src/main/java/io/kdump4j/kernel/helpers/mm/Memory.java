package io.kdump4j.kernel.helpers.mm;

import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.KernelMemory;
import io.kdump4j.kernel.helpers.percpu.PerCpu;
import io.kdump4j.kernel.symbols.KernelSymbols;
import io.kdump4j.kernel.types.KObject;
import io.kdump4j.kernel.types.KernelTypes;
import io.kdump4j.kernel.types.Lists;
import java.io.IOException;
import java.util.OptionalLong;

/**
 * System-wide memory counters: {@code _totalram_pages}, the global {@code vm_zone_stat[]} and
 * {@code vm_node_stat[]} arrays (indexes from BTF's {@code enum zone_stat_item} and
 * {@code enum node_stat_item}, which change between kernels), swap and overcommit counters.
 */
public final class Memory {
    private Memory() {
    }

    public static MemoryStats stats(KernelDump k) throws IOException {
        KernelSymbols s = KernelSymbols.of(k);
        KernelTypes t = KernelTypes.of(k);
        KernelMemory m = k.memory();
        // Since Linux 5.0 (commit ca79b0c211af "mm: convert totalram_pages and totalhigh_pages
        // variables to atomic") the variable is _totalram_pages; totalram_pages before.
        long total = m.u64(s.has("_totalram_pages") ? s.address("_totalram_pages") : s.address("totalram_pages"));
        long free = zone(k, "NR_FREE_PAGES");
        long shmem = node(k, "NR_SHMEM");
        long file = node(k, "NR_FILE_PAGES");
        long swapcache = t.enumConstant("NR_SWAPCACHE").isPresent() ? node(k, "NR_SWAPCACHE") : 0;
        long slab = node(k, "NR_SLAB_RECLAIMABLE_B") + node(k, "NR_SLAB_UNRECLAIMABLE_B");
        long buffers = blockdevPages(k);
        long cached = file - swapcache - Math.max(0, buffers);
        long totalSwap = s.has("total_swap_pages") ? m.u64(s.address("total_swap_pages")) : 0;
        long freeSwap = s.has("nr_swap_pages") ? m.u64(s.address("nr_swap_pages")) : 0;
        long limit;
        long kbytes = s.has("sysctl_overcommit_kbytes") ? m.u64(s.address("sysctl_overcommit_kbytes")) : 0;
        if (kbytes != 0) {
            limit = kbytes / (k.pageSize() / 1024) + totalSwap;
        } else {
            long ratio = s.has("sysctl_overcommit_ratio") ? m.u32(s.address("sysctl_overcommit_ratio")) : 50;
            limit = total * ratio / 100 + totalSwap;
        }
        long committed = committed(k);
        return new MemoryStats(total, free, shmem, buffers, cached, slab, totalSwap, freeSwap, limit, committed,
                k.pageSize());
    }

    private static long zone(KernelDump k, String item) throws IOException {
        return counter(k, "vm_zone_stat", item);
    }

    private static long node(KernelDump k, String item) throws IOException {
        return counter(k, "vm_node_stat", item);
    }

    private static long counter(KernelDump k, String array, String item) throws IOException {
        OptionalLong idx = KernelTypes.of(k).enumConstant(item);
        if (idx.isEmpty()) {
            return 0;
        }
        long v = k.memory().u64(KernelSymbols.of(k).address(array) + 8 * idx.getAsLong());
        return Math.max(0, v);
    }

    /**
     * {@code nr_blockdev_pages()}: the page-cache pages of every block device inode, the inodes
     * of {@code blockdev_superblock} linked by {@code i_sb_list} on {@code s_inodes}; -1 when the
     * superblock cannot be read.
     */
    private static long blockdevPages(KernelDump k) {
        try {
            KernelTypes t = KernelTypes.of(k);
            KernelMemory m = k.memory();
            long sb = m.pointer(KernelSymbols.of(k).address("blockdev_superblock"));
            if (sb == 0) {
                return -1;
            }
            long head = sb + t.offset("super_block", "s_inodes");
            long total = 0;
            for (long inode : Lists.entries(m, head, t.offset("inode", "i_sb_list"))) {
                total += KObject.of(t, "inode", inode).member("i_data.nrpages").value();
            }
            return total;
        } catch (IOException e) {
            return -1;
        }
    }

    /** {@code vm_committed_as}: a percpu_counter, its shared count plus every CPU's delta. */
    private static long committed(KernelDump k) {
        try {
            KernelTypes t = KernelTypes.of(k);
            KObject c = KObject.of(t, "percpu_counter", KernelSymbols.of(k).address("vm_committed_as"));
            long sum = c.member("count").value();
            long counters = c.member("counters").value();
            PerCpu pc = PerCpu.of(k);
            for (int cpu = 0; cpu < pc.cpus(); cpu++) {
                sum += (int) k.memory().u32(counters + pc.offset(cpu));
            }
            return Math.max(0, sum);
        } catch (IOException e) {
            return -1;
        }
    }
}
