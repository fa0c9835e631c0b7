package io.kdump4j.setup.load;

import io.kdump4j.setup.check.HostFiles;
import io.kdump4j.setup.elfcore.CrashSources;
import io.kdump4j.setup.elfcore.KcoreVmcoreinfo;
import io.kdump4j.setup.kexec.KexecException;
import io.kdump4j.setup.kexec.KexecLoadSyscall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code kdump4j load} on x86_64 through kexec_load(2): reads what the plan needs from the
 * running system ({@link X86CapturePlan}) and makes the call. Used when kexec_file_load is
 * missing (a kernel without CONFIG_KEXEC_FILE) or refused (an unsigned kernel under
 * CONFIG_KEXEC_SIG_FORCE without lockdown), or when asked for ({@code --syscall kexec_load}).
 */
public final class X86Loader {
    private X86Loader() {
    }

    public static X86CapturePlan plan(HostFiles host, Path kernel, Path initrd, String cmdline) throws IOException {
        X86BzImage image = X86BzImage.read(kernel);
        byte[] rd = CaptureLoader.readInitrd(initrd);
        CrashSources src = CrashSources.read(host);
        Path kcore = host.path("/proc/kcore");
        OptionalLong directMap = Files.isReadable(kcore) ? KcoreVmcoreinfo.directMapOffset(kcore) : OptionalLong.empty();
        if (directMap.isEmpty()) {
            throw new IOException(kcore + ": no RAM program header to learn the direct map's address from (run as root; "
                    + "the kernel needs CONFIG_PROC_KCORE), which the ELF core header's RAM segments need");
        }
        Path bpFile = host.path("/sys/kernel/boot_params/data");
        byte[] bootParams = Files.isReadable(bpFile) && Files.size(bpFile) == 4096 ? Files.readAllBytes(bpFile) : null;
        try {
            return X86CapturePlan.plan(image, rd, cmdline, src, directMap.getAsLong(), bootParams,
                    acpiRsdp(host).orElse(0L));
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new IOException("cannot plan the capture kernel load: " + e.getMessage(), e);
        }
    }

    public static void load(X86CapturePlan plan) throws KexecException {
        new KexecLoadSyscall("x86_64").load(plan.entry(), plan.segments(), true);
    }

    /**
     * The ACPI RSDP of an EFI-booted machine, from /sys/firmware/efi/systab ("ACPI20=0x..." or
     * "ACPI=0x..."): the capture kernel gets no EFI system table and would not find it otherwise.
     * Empty on a BIOS machine, whose capture kernel scans the BIOS area as the first one did.
     */
    static Optional<Long> acpiRsdp(HostFiles host) throws IOException {
        Optional<String> systab = host.read("/sys/firmware/efi/systab");
        if (systab.isEmpty()) {
            return Optional.empty();
        }
        for (String key : new String[] {"ACPI20=", "ACPI="}) {
            for (String line : systab.get().split("\n")) {
                if (line.startsWith(key)) {
                    String v = line.substring(key.length()).strip();
                    try {
                        return Optional.of(Long.parseUnsignedLong(v.startsWith("0x") ? v.substring(2) : v, 16));
                    } catch (NumberFormatException e) {
                        throw new IOException(host.path("/sys/firmware/efi/systab") + ": \"" + line + "\" is not an address");
                    }
                }
            }
        }
        return Optional.empty();
    }
}
