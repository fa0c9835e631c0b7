package io.kdump4j.setup.check;

import io.kdump4j.setup.config.BootLoaderAdvice;
import io.kdump4j.setup.config.CaptureCommandLine;
import io.kdump4j.setup.config.KernelCommandLine;
import io.kdump4j.format.note.VmcoreinfoText;
import io.kdump4j.setup.elfcore.KcoreVmcoreinfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code kdump4j check}: is this machine ready to save a dump when it crashes? Reads only files
 * (through {@link HostFiles}, so tests point it at fake trees), never changes anything.
 */
public final class Preflight {
    /** What to reserve when the user has nothing: the lab's working value for a 1 GiB guest. */
    public static final String DEFAULT_CRASHKERNEL = "crashkernel=256M";

    private final HostFiles host;
    private final CheckOptions options;
    private final List<Finding> out = new ArrayList<>();

    private Preflight(HostFiles host, CheckOptions options) {
        this.host = host;
        this.options = options;
    }

    public static CheckReport run(HostFiles host, CheckOptions options) {
        Preflight p = new Preflight(host, options);
        p.all();
        return new CheckReport(p.out);
    }

    private void all() {
        Optional<KernelConfig> config = kernelConfig();
        config.ifPresent(this::configOptions);
        Optional<KernelCommandLine> cmdline = host.read("/proc/cmdline").map(KernelCommandLine::parse);
        if (cmdline.isEmpty()) {
            add("cmdline.read", Severity.UNKNOWN, "cannot read /proc/cmdline", "the boot parameters cannot be checked", "");
        }
        Iomem iomem = host.read("/proc/iomem").map(Iomem::parse).orElse(null);
        cmdline.ifPresent(c -> crashkernel(c, iomem));
        reservation(iomem);
        if (options.initrd() != null) {
            fits();
        }
        loaded();
        cmdline.ifPresent(c -> cma(c, config.orElse(null)));
        secureBoot();
        lockdown();
        kallsyms(config.orElse(null));
        dumpSymbols();
        if (options.target() != null) {
            targetSpace(iomem);
        }
    }

    private Optional<KernelConfig> kernelConfig() {
        if (options.kernelConfig() != null) {
            try {
                return Optional.of(KernelConfig.load(options.kernelConfig()));
            } catch (IOException e) {
                add("config.read", Severity.UNKNOWN, "cannot read " + options.kernelConfig() + ": " + e.getMessage(),
                        "the kernel's build options cannot be checked", "give a readable config with --kernel-config");
                return Optional.empty();
            }
        }
        String release = host.readLine("/proc/sys/kernel/osrelease").orElse("");
        Optional<KernelConfig> c = KernelConfig.ofRunningKernel(host, release);
        if (c.isEmpty()) {
            add("config.read", Severity.UNKNOWN, "no /proc/config.gz and no readable /boot/config-" + release,
                    "the kernel's build options cannot be checked",
                    "give the config with --kernel-config FILE (or load the configs module: modprobe configs)");
        }
        return c;
    }

    private void configOptions(KernelConfig c) {
        String src = " (" + c.source() + ")";
        if (c.builtIn("KEXEC_FILE")) {
            add(Finding.ok("config.kexec", "CONFIG_KEXEC_FILE=y" + src));
        } else if (c.builtIn("KEXEC") && options.arch().equals("aarch64")) {
            add(Finding.ok("config.kexec", "CONFIG_KEXEC=y, no CONFIG_KEXEC_FILE" + src
                    + ": kdump4j load uses kexec_load(2) with its own device tree, ELF core header and purgatory"));
        } else if (c.builtIn("KEXEC")) {
            // x86_64 has a kexec_load loader too (X86Loader: our ELF core header, boot
            // parameters and purgatory); CaptureLoader falls back to it on ENOSYS.
            add(Finding.ok("config.kexec", "CONFIG_KEXEC=y, no CONFIG_KEXEC_FILE" + src
                    + ": kdump4j load uses kexec_load(2) with its own ELF core header, boot parameters and purgatory"));
        } else {
            add("config.kexec", Severity.FAIL, "neither CONFIG_KEXEC nor CONFIG_KEXEC_FILE" + src,
                    "this kernel cannot load a capture kernel at all", "use a kernel built with CONFIG_KEXEC_FILE=y");
        }
        required(c, "CRASH_DUMP", "the kernel cannot boot as a capture kernel nor hand over to one");
        required(c, "PROC_VMCORE", "the capture kernel has no /proc/vmcore to read the dead kernel's memory from");
        required(c, "SYSFS", "no /sys/kernel/kexec_crash_loaded or kexec_crash_size to check and size the reservation");
        required(c, "RELOCATABLE", "the same kernel cannot run from the crashkernel= reservation; a separate, "
                + "specially linked capture kernel would be needed");
        if (c.builtIn("KALLSYMS")) {
            add(Finding.ok("config.kallsyms", "CONFIG_KALLSYMS=y" + src));
        } else {
            add("config.kallsyms", Severity.WARNING, "CONFIG_KALLSYMS is not set" + src,
                    "dumps can only be analysed with the exact vmlinux; kdump4j cannot find symbols in the dump",
                    "use a kernel with CONFIG_KALLSYMS=y");
        }
        if (c.builtIn("KALLSYMS_ALL")) {
            add(Finding.ok("config.kallsyms-all", "CONFIG_KALLSYMS_ALL=y" + src));
        } else {
            // Debian's arm64 6.1 kernel is built this way: /proc/kallsyms then lacks _text on
            // arm64, which kexec-tools' kexec_load path reads to describe the kernel image.
            add("config.kallsyms-all", options.arch().equals("aarch64") ? Severity.WARNING : Severity.INFO,
                    "CONFIG_KALLSYMS_ALL is not set" + src,
                    "kallsyms has only text symbols: data symbols (and on arm64 _text itself) are missing, which "
                            + "breaks kexec_load-based loaders and symbol lookups of data without a vmlinux",
                    "use a kernel with CONFIG_KALLSYMS_ALL=y, or keep the kernel's System.map/vmlinux for analysis");
        }
        if (c.builtIn("DEBUG_INFO_BTF")) {
            add(Finding.ok("config.btf", "CONFIG_DEBUG_INFO_BTF=y" + src));
        } else {
            add("config.btf", Severity.INFO, "CONFIG_DEBUG_INFO_BTF is not set" + src,
                    "the dump carries no type information: analysis needs the kernel's -dbg vmlinux",
                    "install the matching debug symbols package (linux-image-<release>-dbg)");
        }
    }

    private void required(KernelConfig c, String option, String meaning) {
        String id = "config." + option.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (c.builtIn(option)) {
            add(Finding.ok(id, "CONFIG_" + option + "=y (" + c.source() + ")"));
        } else {
            add(id, Severity.FAIL, "CONFIG_" + option + "=" + c.value(option) + " (" + c.source() + ")", meaning,
                    "use a kernel built with CONFIG_" + option + "=y");
        }
    }

    private void crashkernel(KernelCommandLine c, Iomem iomem) {
        List<String> values = c.all("crashkernel");
        if (values.isEmpty()) {
            add("cmdline.crashkernel", Severity.FAIL, "no crashkernel= on the kernel command line",
                    "no memory is reserved for a capture kernel, so nothing can run after a crash",
                    BootLoaderAdvice.add(DEFAULT_CRASHKERNEL) + " (kdump4j estimate tells the size this machine needs)");
            return;
        }
        long ram = iomem != null && !iomem.addressesHidden() ? iomem.systemRam() : memTotal().orElse(-1);
        for (String v : values) {
            try {
                CrashkernelParameter p = CrashkernelParameter.parse(v);
                OptionalLong size = ram > 0 ? p.sizeFor(ram) : OptionalLong.empty();
                if (ram > 0 && size.isEmpty()) {
                    add("cmdline.crashkernel", Severity.FAIL, "crashkernel=" + v + " has no range for "
                                    + Sizes.human(ram) + " of RAM",
                            "the kernel reserves nothing on this machine", BootLoaderAdvice.add(DEFAULT_CRASHKERNEL));
                    return;
                }
                add(Finding.ok("cmdline.crashkernel", "crashkernel=" + v
                        + (size.isPresent() ? " (" + Sizes.human(size.getAsLong()) + " for " + Sizes.human(ram) + " RAM)" : "")));
            } catch (IllegalArgumentException e) {
                add("cmdline.crashkernel", Severity.FAIL, "crashkernel=" + v + " cannot be parsed: " + e.getMessage(),
                        "the kernel ignores it and reserves nothing", BootLoaderAdvice.add(DEFAULT_CRASHKERNEL));
                return;
            }
        }
    }

    private void reservation(Iomem iomem) {
        Optional<String> size = host.readLine("/sys/kernel/kexec_crash_size");
        if (size.isEmpty()) {
            add("reserved.size", Severity.UNKNOWN, "no /sys/kernel/kexec_crash_size",
                    "the kernel has no kexec support, or /sys is not mounted", "");
        } else {
            long bytes;
            try {
                bytes = Long.parseLong(size.get());
            } catch (NumberFormatException e) {
                bytes = -1;
            }
            if (bytes > 0) {
                add(Finding.ok("reserved.size", "kexec_crash_size " + Sizes.human(bytes)));
            } else {
                add("reserved.size", Severity.FAIL, "kexec_crash_size is " + size.get(),
                        "nothing is reserved for the capture kernel: crashkernel= is missing, has no range for this "
                                + "RAM size, or the kernel found no free block that large (see dmesg | grep crashkernel)",
                        BootLoaderAdvice.add(DEFAULT_CRASHKERNEL) + "; if it is there, try a smaller size or crashkernel=X,high");
            }
        }
        if (iomem == null) {
            add("reserved.iomem", Severity.UNKNOWN, "cannot read /proc/iomem", "", "");
        } else if (iomem.addressesHidden()) {
            add("reserved.iomem", Severity.INFO, "/proc/iomem shows no addresses (not root)",
                    "the reservation's place cannot be checked", "run kdump4j check as root");
        } else if (iomem.crashKernel().isEmpty()) {
            add("reserved.iomem", Severity.FAIL, "no \"Crash kernel\" range in /proc/iomem",
                    "no memory is reserved for the capture kernel", BootLoaderAdvice.add(DEFAULT_CRASHKERNEL));
        } else {
            StringBuilder sb = new StringBuilder();
            for (Iomem.Resource r : iomem.crashKernel()) {
                sb.append(sb.isEmpty() ? "" : ", ").append(String.format("%x-%x (%s)", r.start(), r.end(), Sizes.human(r.size())));
            }
            add(Finding.ok("reserved.iomem", "Crash kernel at " + sb));
        }
    }

    /** The reservation against what the capture initramfs needs ({@link CrashkernelEstimate}). */
    private void fits() {
        Optional<String> size = host.readLine("/sys/kernel/kexec_crash_size");
        long reserved;
        try {
            reserved = size.map(Long::parseLong).orElse(-1L);
        } catch (NumberFormatException e) {
            reserved = -1;
        }
        if (reserved <= 0) {
            return;
        }
        try {
            CrashkernelEstimate e = CrashkernelEstimate.of(options.initrd());
            String found = "reserved " + Sizes.human(reserved) + "; " + options.initrd() + " needs about "
                    + Sizes.human(e.requiredBytes()) + " (" + e.parameter() + ")";
            if (reserved < e.requiredBytes()) {
                add("reserved.fits", Severity.FAIL, found,
                        "the capture kernel will run out of memory unpacking the initramfs or saving (measured: "
                                + "tests/e2e), or kdump4j load fails with EADDRNOTAVAIL",
                        BootLoaderAdvice.add(e.parameter()) + "; or a smaller image: kdump4j initramfs --no-java");
            } else {
                add(Finding.ok("reserved.fits", found));
            }
        } catch (IOException e) {
            add("reserved.fits", Severity.UNKNOWN, options.initrd() + ": " + e.getMessage(),
                    "cannot tell whether the reservation holds the capture initramfs", "make it with kdump4j initramfs");
        }
    }

    private void loaded() {
        Optional<String> v = host.readLine("/sys/kernel/kexec_crash_loaded");
        if (v.isEmpty()) {
            add("loaded", Severity.UNKNOWN, "no /sys/kernel/kexec_crash_loaded", "the kernel has no kexec support, or /sys is not mounted", "");
        } else if (v.get().equals("1")) {
            add(Finding.ok("loaded", "a capture kernel is loaded"));
        } else {
            add("loaded", Severity.FAIL, "no capture kernel is loaded (kexec_crash_loaded=" + v.get() + ")",
                    "a crash now would reboot or hang without saving anything",
                    "run kdump4j load (and enable kdump4j-load.service to do it at every boot)");
        }
    }

    private void cma(KernelCommandLine running, KernelConfig config) {
        String capture = options.captureCmdline() != null ? options.captureCmdline()
                : CaptureCommandLine.derive(running, options.arch(), List.of());
        Optional<String> cma = KernelCommandLine.parse(capture).last("cma");
        boolean configCma = config != null && config.builtIn("CMA")
                && (!config.value("CMA_SIZE_MBYTES").equals("0") || config.has("CMA_SIZE_PERCENTAGE"));
        if (cma.isPresent() && !cma.get().equals("0")) {
            add("capture.cma", Severity.FAIL, "the capture command line has cma=" + cma.get(),
                    "the capture kernel would set aside that much contiguous memory out of its small reservation",
                    "use cma=0 in the capture command line (kdump4j load adds it unless --append overrides it)");
        } else if (cma.isEmpty() && configCma) {
            add("capture.cma", Severity.FAIL, "the kernel reserves a CMA area by default (CONFIG_CMA_SIZE_MBYTES="
                            + config.value("CMA_SIZE_MBYTES") + ") and the capture command line has no cma=0",
                    "the capture kernel may run out of memory before it can save the dump",
                    "add cma=0 to the capture command line");
        } else {
            add(Finding.ok("capture.cma", "no CMA area in the capture kernel"
                    + (cma.isPresent() ? " (cma=0)" : "")));
        }
    }

    /** EFI variable SecureBoot (EFI_GLOBAL_VARIABLE GUID): 4 bytes of attributes, then 1 = enabled. */
    static final String SECURE_BOOT = "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c";

    private void secureBoot() {
        Optional<byte[]> v = host.readBytes(SECURE_BOOT, 8);
        if (v.isEmpty() || v.get().length < 5) {
            add(Finding.ok("secure-boot", host.exists("/sys/firmware/efi") ? "Secure Boot state not readable (efivarfs not mounted)"
                    : "no EFI: no Secure Boot"));
        } else if (v.get()[4] == 1) {
            add("secure-boot", Severity.INFO, "Secure Boot is enabled",
                    "Debian and most distributions then turn lockdown on: only signed kernels load through "
                            + "kexec_file_load (kdump4j load uses it; kexec -c / kexec_load is refused)",
                    "load the distribution's signed kernel");
        } else {
            add(Finding.ok("secure-boot", "Secure Boot is disabled"));
        }
    }

    private void lockdown() {
        Optional<String> l = host.readLine("/sys/kernel/security/lockdown");
        if (l.isEmpty()) {
            add(Finding.ok("lockdown", "no lockdown LSM"));
            return;
        }
        String mode = l.get();
        int a = mode.indexOf('[');
        int b = mode.indexOf(']');
        String active = a >= 0 && b > a ? mode.substring(a + 1, b) : mode;
        if (active.equals("none")) {
            add(Finding.ok("lockdown", "lockdown: none"));
        } else {
            add("lockdown", Severity.WARNING, "kernel lockdown is " + active + " (Secure Boot)",
                    "only kexec_file_load(2) of a kernel signed with a key the kernel trusts works (kexec_load is "
                            + "refused); an unsigned or self-built capture kernel fails with EKEYREJECTED or EPERM",
                    "load the distribution's signed kernel (kdump4j load does by default), or sign yours and enrol "
                            + "the key with mokutil --import");
        }
    }

    private void kallsyms(KernelConfig config) {
        Path p = host.path("/proc/kallsyms");
        if (!Files.isReadable(p)) {
            add("kallsyms.text", Severity.INFO, "no readable /proc/kallsyms", "", "");
            return;
        }
        boolean text = false;
        boolean zero = true;
        try (BufferedReader r = Files.newBufferedReader(p)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (zero && !line.startsWith("0000000000000000")) {
                    zero = false;
                }
                if (line.endsWith(" _text")) {
                    text = true;
                    break;
                }
            }
        } catch (IOException e) {
            add("kallsyms.text", Severity.INFO, "cannot read /proc/kallsyms: " + e.getMessage(), "", "");
            return;
        }
        if (text && !zero) {
            add(Finding.ok("kallsyms.text", "_text is in /proc/kallsyms"));
        } else if (text) {
            add("kallsyms.text", Severity.INFO, "/proc/kallsyms addresses are hidden (kptr_restrict)",
                    "the kernel's load address cannot be checked", "run kdump4j check as root");
        } else if (options.arch().equals("aarch64")) {
            // The trap of issue 5: kexec-tools' arm64 kexec_load path reads _text and, without it,
            // silently writes a wrong kernel segment into the ELF core header. Our loader takes
            // the image address from VMCOREINFO's kimage_voffset in /proc/kcore instead.
            boolean kcore = host.exists("/proc/kcore");
            add("kallsyms.text", kcore ? Severity.INFO : Severity.FAIL, "_text is missing from /proc/kallsyms"
                            + (config != null && !config.builtIn("KALLSYMS_ALL") ? " (CONFIG_KALLSYMS_ALL is not set)" : ""),
                    "kexec-tools (kexec -p) would build a broken ELF core header on this kernel and the capture kernel "
                            + "would fail reading /proc/vmcore; kdump4j load takes the kernel image address from "
                            + "VMCOREINFO in /proc/kcore" + (kcore ? ", which is there" : ", which is missing here"),
                    kcore ? "load with kdump4j load, not kexec -p"
                            : "use a kernel with CONFIG_PROC_KCORE=y (or CONFIG_KALLSYMS_ALL=y for kexec-tools)");
        } else {
            add("kallsyms.text", Severity.WARNING, "_text is missing from /proc/kallsyms"
                            + (config != null && !config.builtIn("KALLSYMS_ALL") ? " (CONFIG_KALLSYMS_ALL is not set)" : ""),
                    "kexec_load-based loaders (kexec -c) cannot place the kernel text segment in the core header; "
                            + "kexec_file_load, which kdump4j uses, does not need it",
                    "use kexec_file_load (kdump4j load), or a kernel with CONFIG_KALLSYMS_ALL=y");
        }
    }

    /**
     * The kallsyms tables that analysis reads from a dump by the addresses VMCOREINFO gives
     * (kernel module: Kallsyms; in VMCOREINFO since Linux 6.0, commit 5fd8fea935a1).
     */
    private static final List<String> KALLSYMS_TABLES = List.of("kallsyms_names", "kallsyms_num_syms",
            "kallsyms_token_table", "kallsyms_token_index", "kallsyms_offsets");

    /**
     * Whether this kernel's dumps can be analysed without a System.map: the running kernel's
     * VMCOREINFO (the note in /proc/kcore, the same text its dumps will carry) must name the
     * kallsyms tables.
     */
    private void dumpSymbols() {
        VmcoreinfoText vi;
        try {
            vi = host.exists("/proc/kcore") ? KcoreVmcoreinfo.read(host.path("/proc/kcore")) : VmcoreinfoText.empty();
        } catch (IOException e) {
            vi = VmcoreinfoText.empty();
        }
        if (vi.isEmpty()) {
            add("analysis.symbols", Severity.INFO, "no VMCOREINFO readable in /proc/kcore",
                    "whether this kernel's dumps will need a System.map for analysis cannot be checked",
                    "run kdump4j check as root on a kernel with CONFIG_PROC_KCORE=y");
            return;
        }
        List<String> missing = new ArrayList<>();
        for (String t : KALLSYMS_TABLES) {
            if (!vi.has("SYMBOL(" + t + ")")) {
                missing.add(t);
            }
        }
        if (missing.isEmpty()) {
            add(Finding.ok("analysis.symbols", "VMCOREINFO names the kallsyms tables: dumps are analysed without a System.map"));
            return;
        }
        String release = host.readLine("/proc/sys/kernel/osrelease").orElse("RELEASE");
        // A kernel before 6.0: analysis finds the tables by their shape (kernel KallsymsScan, proven
        // on bullseye's 5.10 in the kernel matrix); a System.map is the way out if that fails.
        add("analysis.symbols", Severity.INFO, "VMCOREINFO does not name the kallsyms tables (missing "
                        + String.join(", ", missing) + ")",
                "kdump4j finds them by their shape in the dump and checks them against VMCOREINFO's own symbols; "
                        + "should that fail on a dump, ps, mod, kmem, bt and analyze need the kernel's symbols from "
                        + "a System.map or vmlinux (Debian's /boot/System.map-" + release + " is only a stub)",
                "to be safe, keep this kernel's symbols beside the dumps: install linux-image-" + release + "-dbg and run "
                        + "nm /usr/lib/debug/boot/vmlinux-" + release + " > System.map-" + release
                        + ", then analyse with --system-map System.map-" + release + " (or --vmlinux)");
    }

    private void targetSpace(Iomem iomem) {
        Path t = options.target();
        long ram = iomem != null && !iomem.addressesHidden() ? iomem.systemRam() : memTotal().orElse(-1);
        long expected = expectedDumpSize(ram);
        if (!Files.isDirectory(t)) {
            // Issue 13: a target folder that is not there got "OK n GiB free" (its parent's file system).
            add("target.dir", Severity.FAIL, t + (Files.exists(t) ? ": not a directory" : ": does not exist"),
                    "the dump has nowhere to go (the free space of another file system says nothing)",
                    "create it (mkdir -p " + t + ") or give the directory dumps are saved to");
            return;
        }
        try {
            long free = Files.getFileStore(t).getUsableSpace();
            String found = t + ": " + Sizes.human(free) + " free, a dump at level " + options.dumpLevel()
                    + " may take up to " + Sizes.human(expected);
            if (expected < 0) {
                add("target.space", Severity.UNKNOWN, t + ": " + Sizes.human(free) + " free; RAM size unknown", "", "");
            } else if (free < expected) {
                add("target.space", Severity.FAIL, found, "the dump may not fit: a partial dump is often useless",
                        "free space on the target, point the config's target elsewhere, or raise the dump level");
            } else {
                add(Finding.ok("target.space", found));
            }
        } catch (IOException e) {
            add("target.space", Severity.UNKNOWN, t + ": " + e.getMessage(), "the free space cannot be checked",
                    "create the target directory");
        }
    }

    /**
     * The largest dump to expect: all of RAM at level 0; at levels that drop free pages (bit 16),
     * what is in use now (MemTotal - MemFree), doubled as a margin for a busier machine at crash time.
     */
    long expectedDumpSize(long ram) {
        if (ram < 0) {
            return -1;
        }
        if ((options.dumpLevel() & 16) == 0) {
            return ram;
        }
        OptionalLong total = memTotal();
        OptionalLong free = meminfo("MemFree");
        if (total.isEmpty() || free.isEmpty()) {
            return ram;
        }
        return Math.min(ram, 2 * (total.getAsLong() - free.getAsLong()));
    }

    private OptionalLong memTotal() {
        return meminfo("MemTotal");
    }

    private OptionalLong meminfo(String key) {
        Optional<String> m = host.read("/proc/meminfo");
        if (m.isEmpty()) {
            return OptionalLong.empty();
        }
        for (String line : m.get().split("\n")) {
            if (line.startsWith(key + ":")) {
                String[] w = line.substring(key.length() + 1).strip().split("\\s+");
                try {
                    return OptionalLong.of(Long.parseLong(w[0]) * 1024);
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    private void add(String id, Severity s, String found, String meaning, String fix) {
        out.add(new Finding(id, s, found, meaning, fix));
    }

    private void add(Finding f) {
        out.add(f);
    }
}
