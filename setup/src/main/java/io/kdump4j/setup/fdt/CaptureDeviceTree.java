package io.kdump4j.setup.fdt;

/**
 * The capture kernel's device tree: the running machine's tree (from /sys/firmware/fdt or a
 * {@code --dtb}) with {@code /chosen} rewritten the way the arm64 kernel reads it at boot
 * (drivers/of/fdt.c early_init_dt_scan_chosen() and early_init_dt_check_for_elfcorehdr(),
 * arch/arm64/mm/init.c):
 * <ul>
 * <li>{@code bootargs}: the capture command line;</li>
 * <li>{@code linux,initrd-start} / {@code linux,initrd-end}: the initramfs segment (the kernel
 * reads either one or two cells, by the property length; we write two, as kexec-tools does);</li>
 * <li>{@code linux,elfcorehdr}: {@code <address size>} of the ELF core header, in the root's
 * {@code #address-cells} / {@code #size-cells} — this is what makes the kernel a capture kernel
 * and creates /proc/vmcore;</li>
 * <li>{@code linux,usable-memory-range}: the crash reservation(s), same encoding; the capture kernel
 * uses no memory outside it, so the crashed kernel's memory stays intact for /proc/vmcore.</li>
 * </ul>
 * The properties left by the first boot (the firmware's initrd, an old elfcorehdr) are replaced;
 * without an initramfs the initrd properties are removed, otherwise the capture kernel would free
 * and unpack whatever lies at the old addresses.
 */
public final class CaptureDeviceTree {
    /**
     * What the capture kernel needs to find; addresses are physical.
     *
     * @param usable {start, size} pairs: every crash reservation (two with crashkernel=X,high and
     *               its low part, which the arm64 kernel reads as two ranges since it gained
     *               crashkernel=,high)
     */
    public record Params(String bootargs, long initrdStart, long initrdSize, long elfcorehdr, long elfcorehdrSize,
            long... usable) {
    }

    private CaptureDeviceTree() {
    }

    /** Rewrites {@code tree}'s /chosen in place (adding /chosen when missing) and returns the tree. */
    public static DeviceTree apply(DeviceTree tree, Params p) {
        int ac = tree.addressCells();
        int sc = tree.sizeCells();
        FdtNode chosen = tree.root().childOrAdd("chosen");
        chosen.setString("bootargs", p.bootargs());
        if (p.initrdSize() > 0) {
            chosen.set("linux,initrd-start", FdtValues.u64(p.initrdStart()));
            chosen.set("linux,initrd-end", FdtValues.u64(p.initrdStart() + p.initrdSize()));
        } else {
            chosen.remove("linux,initrd-start");
            chosen.remove("linux,initrd-end");
        }
        chosen.set("linux,elfcorehdr", FdtValues.addressSizePairs(ac, sc, p.elfcorehdr(), p.elfcorehdrSize()));
        chosen.set("linux,usable-memory-range", FdtValues.addressSizePairs(ac, sc, p.usable()));
        return tree;
    }
}
