package io.kdump4j.setup.load;

import io.kdump4j.setup.check.HostFiles;
import io.kdump4j.setup.config.CaptureCommandLine;
import io.kdump4j.setup.config.KernelCommandLine;
import io.kdump4j.setup.kexec.KexecException;
import io.kdump4j.setup.kexec.KexecFileLoadSyscall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code kdump4j load}: the capture kernel and initramfs into the crashkernel= reservation with
 * the command line derived from the running one. Checks what it can before the system call so
 * that the common mistakes get a precise message rather than an errno.
 */
public final class CaptureLoader {
    /** What was loaded. */
    public record Loaded(Path kernel, Path initrd, String cmdline, long kernelBytes, long initrdBytes, long reservedBytes) {
    }

    private CaptureLoader() {
    }

    /** The command line the capture kernel gets: derived from /proc/cmdline plus {@code append}. */
    public static String commandLine(HostFiles host, String arch, List<String> append) throws IOException {
        String running = host.read("/proc/cmdline").orElseThrow(() -> new IOException("cannot read /proc/cmdline"));
        return CaptureCommandLine.derive(KernelCommandLine.parse(running), arch, append);
    }

    public static Loaded load(HostFiles host, String arch, Path kernel, Path initrd, String cmdline) throws IOException {
        if (!Files.isReadable(kernel)) {
            throw new IOException(kernel + ": capture kernel not found or not readable (give --kernel)");
        }
        if (initrd != null && !Files.isReadable(initrd)) {
            throw new IOException(initrd + ": initramfs not found or not readable (make it with kdump4j initramfs -o "
                    + initrd + ")");
        }
        CaptureStatus st = CaptureStatus.read(host);
        if (st.reservedBytes() == 0) {
            throw new KexecException("no memory is reserved for a capture kernel (kexec_crash_size is 0): add crashkernel= "
                    + "to the boot command line (kdump4j check says how)");
        }
        long k = Files.size(kernel);
        long i = initrd == null ? 0 : Files.size(initrd);
        if (arch.equals("aarch64")) {
            // Debian's arm64 kernels have no kexec_file_load: kexec_load with our own device
            // tree, ELF core header and purgatory.
            Arm64Loader.load(Arm64Loader.plan(host, kernel, initrd, cmdline, null));
        } else {
            new KexecFileLoadSyscall(arch).load(kernel, initrd, cmdline, true);
        }
        return new Loaded(kernel, initrd, cmdline, k, i, st.reservedBytes());
    }

    public static void unload(String arch) throws KexecException {
        if (arch.equals("aarch64")) {
            Arm64Loader.unload();
            return;
        }
        new KexecFileLoadSyscall(arch).unload(true);
    }
}
