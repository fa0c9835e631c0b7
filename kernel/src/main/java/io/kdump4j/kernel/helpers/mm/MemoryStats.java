package io.kdump4j.kernel.helpers.mm;

/**
 * Memory totals as {@code kmem -i} of crash shows them, in pages.
 *
 * @param totalRam {@code totalram_pages} (RAM managed by the buddy allocator)
 * @param free {@code vm_zone_stat[NR_FREE_PAGES]}
 * @param shared {@code vm_node_stat[NR_SHMEM]} (/proc/meminfo's Shmem; not crash's SHARED, which
 *     counts mem_map pages referenced more than once)
 * @param buffers pages of block-device page caches ({@code nr_blockdev_pages()}), -1 unknown
 * @param cached {@code NR_FILE_PAGES - NR_SWAPCACHE - buffers}
 * @param slab {@code NR_SLAB_RECLAIMABLE_B + NR_SLAB_UNRECLAIMABLE_B}
 * @param totalSwap {@code total_swap_pages}
 * @param freeSwap {@code nr_swap_pages}
 * @param commitLimit {@code totalram * sysctl_overcommit_ratio / 100 + total_swap_pages}
 *     (or {@code sysctl_overcommit_kbytes} when set)
 * @param committed {@code vm_committed_as} (shared count plus per-CPU deltas)
 * @param pageSize bytes per page
 */
public record MemoryStats(long totalRam, long free, long shared, long buffers, long cached, long slab,
        long totalSwap, long freeSwap, long commitLimit, long committed, int pageSize) {

    public long used() {
        return totalRam - free;
    }
}
