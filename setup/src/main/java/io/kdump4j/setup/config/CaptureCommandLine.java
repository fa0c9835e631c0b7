package io.kdump4j.setup.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The capture kernel's command line, derived from the running one. The capture kernel runs in
 * the {@code crashkernel=} reservation (often 128-256 MiB), on hardware the dead kernel left
 * mid-flight, so the policy is: keep what identifies the machine (console, root, module
 * options), drop what reserves or wastes memory or belongs to the first boot, and add what
 * makes a small, single-CPU, quiet-device boot. The lists follow kdump-utils'
 * gen-kdump-sysconfig.sh (Fedora/RHEL) and Documentation/admin-guide/kdump/kdump.rst.
 */
public final class CaptureCommandLine {
    /**
     * Dropped: reservations (crashkernel, hugepages, hugetlb_cma, cma: the capture kernel would
     * try to carve them out of its small reservation — CMA is the classic trap, 64 MiB on
     * Debian arm64 by CONFIG_CMA_SIZE_MBYTES), first-boot things (initrd, BOOT_IMAGE, rdinit,
     * resume, quiet, splash), and what we set ourselves (nr_cpus, maxcpus, panic, log_buf_len).
     */
    static final Set<String> DROPPED = Set.of(
            "crashkernel", "hugepages", "hugepagesz", "default_hugepagesz", "hugetlb_cma", "cma",
            "log_buf_len", "slub_debug", "swiotlb", "quiet", "splash", "initrd", "BOOT_IMAGE",
            "rdinit", "init", "resume", "resume_offset", "nr_cpus", "maxcpus", "possible_cpus",
            "panic", "kfence.sample_interval", "memmap", "mem", "elfcorehdr", "kdump4j.mode", "rootfstype");

    /** Added on every architecture. */
    static final List<String> COMMON = List.of(
            "reset_devices",            // drivers reset devices the dead kernel left running
            "nr_cpus=1",                // one CPU: less memory for per-CPU data, no SMP bring-up
            "irqpoll",                  // interrupts the dead kernel left pending do not hang us
            "cma=0",                    // no CMA area out of the reservation
            "hugetlb_cma=0",
            "kfence.sample_interval=0", // KFENCE's pool is 2 MiB we cannot spare
            "panic=10",                 // a capture kernel that panics reboots instead of hanging
            // The initramfs unpacks into rootfs, a tmpfs capped at half of RAM when the kernel has
            // CONFIG_TMPFS and no root= (init/do_mounts.c rootfs_init_fs_context): in a 192M
            // reservation the Java image (56 MB unpacked) overflowed it and the jars unpacked last
            // were cut short. ramfs has no cap; the reservation itself is the limit.
            "rootfstype=ramfs");

    /** Added on x86_64 (kdump-utils' x86_64 list, minus what only matters to dracut or systemd). */
    static final List<String> X86_64 = List.of(
            "acpi_no_memhotplug",       // no hotplug memory scan in a kernel that cannot use it
            "cgroup_disable=memory",    // memory cgroup bookkeeping costs about 1% of RAM
            "mce=off",                  // a machine check in the capture kernel cannot be handled
            "numa=off",
            "transparent_hugepage=never");

    private CaptureCommandLine() {
    }

    /**
     * The capture command line for {@code running} on {@code arch} ("x86_64", "aarch64"), with
     * {@code extra} parameters appended last (they win over ours, as the kernel takes the last).
     */
    public static String derive(KernelCommandLine running, String arch, List<String> extra) {
        Set<String> out = new LinkedHashSet<>();
        for (String p : running.kernel()) {
            if (!DROPPED.contains(KernelCommandLine.name(p)) && !p.equals("--")) {
                out.add(p);
            }
        }
        List<String> add = new ArrayList<>(COMMON);
        if (arch.equals("x86_64")) {
            add.addAll(X86_64);
        }
        out.addAll(add);
        out.addAll(extra);
        return String.join(" ", out);
    }
}
