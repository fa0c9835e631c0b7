package io.kdump4j.setup.fdt;

import java.util.List;

/**
 * A whole flattened device tree: the memory reservation block, the boot CPU and the node tree.
 *
 * @param reservations {@code struct fdt_reserve_entry} {address, size} pairs, without the
 *                     terminating zero entry
 * @param bootCpuId    {@code boot_cpuid_phys} of the header
 * @param root         the root node (name "")
 */
public record DeviceTree(List<Reservation> reservations, long bootCpuId, FdtNode root) {
    /** {@code struct fdt_reserve_entry { fdt64_t address; fdt64_t size; }}. */
    public record Reservation(long address, long size) {
    }

    public DeviceTree {
        reservations = List.copyOf(reservations);
    }

    /** The root's {@code #address-cells}; 2 when absent (the specification's default). */
    public int addressCells() {
        return (int) (long) root.u32("#address-cells").orElse(2L);
    }

    /** The root's {@code #size-cells}; 1 when absent (the specification's default). */
    public int sizeCells() {
        return (int) (long) root.u32("#size-cells").orElse(1L);
    }
}
