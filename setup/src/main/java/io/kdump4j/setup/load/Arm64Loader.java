package io.kdump4j.setup.load;

import io.kdump4j.setup.check.HostFiles;
import io.kdump4j.setup.elfcore.CrashSources;
import io.kdump4j.setup.fdt.DeviceTree;
import io.kdump4j.setup.fdt.FdtReader;
import io.kdump4j.setup.kexec.KexecException;
import io.kdump4j.setup.kexec.KexecLoadSyscall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code kdump4j load} on arm64: kexec_load(2) with our own device tree, ELF core header and
 * purgatory (Debian's arm64 kernels have no CONFIG_KEXEC_FILE). The plan is made from the
 * machine's files under a {@link HostFiles} root, so it can also be made elsewhere from facts
 * copied off the target ({@code --root}).
 */
public final class Arm64Loader {
    private Arm64Loader() {
    }

    /**
     * @param dtb the running device tree to start from; null for the machine's /sys/firmware/fdt
     */
    public static Arm64CapturePlan plan(HostFiles host, Path kernel, Path initrd, String cmdline, Path dtb)
            throws IOException {
        return plan(host, kernel, initrd, cmdline, dtb, false);
    }

    /** @param verify the purgatory checks the segments' byte sums before entering the kernel */
    public static Arm64CapturePlan plan(HostFiles host, Path kernel, Path initrd, String cmdline, Path dtb,
            boolean verify) throws IOException {
        Arm64Image image = Arm64Image.read(kernel);
        byte[] rd = CaptureLoader.readInitrd(initrd);
        Path tree = dtb != null ? dtb : host.path("/sys/firmware/fdt");
        if (!Files.isReadable(tree)) {
            throw new IOException(tree + ": no device tree to start from (give --dtb FILE; ACPI-only machines are "
                    + "not supported yet)");
        }
        DeviceTree running = FdtReader.read(tree);
        CrashSources src = CrashSources.read(host);
        try {
            return Arm64CapturePlan.plan(image, rd, cmdline, running, src, verify);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new IOException("cannot plan the capture kernel load: " + e.getMessage(), e);
        }
    }

    public static void load(Arm64CapturePlan plan) throws KexecException {
        new KexecLoadSyscall("aarch64").load(plan.entry(), plan.segments(), true);
    }

    public static void unload() throws KexecException {
        new KexecLoadSyscall("aarch64").unload(true);
    }
}
