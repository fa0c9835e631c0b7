package io.kdump4j.setup.elfcore;

import io.kdump4j.format.note.VmcoreinfoText;
import io.kdump4j.setup.check.HostFiles;
import io.kdump4j.setup.check.Iomem;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * What the running kernel tells user space for building an ELF core header, read under a
 * {@link HostFiles} root (so tests use fake trees):
 * <ul>
 * <li>{@code /sys/devices/system/cpu/possible} and, per possible CPU,
 * {@code cpuN/crash_notes} (hex physical address of its {@code note_buf_t}, where the panicking
 * kernel writes NT_PRSTATUS; drivers/base/cpu.c) and {@code cpuN/crash_notes_size} (decimal);</li>
 * <li>{@code /sys/kernel/vmcoreinfo}: "{@code %pa %x}", address and size of the VMCOREINFO note
 * (kernel/ksysfs.c);</li>
 * <li>{@code /proc/iomem}: System RAM, "Kernel code"/"Kernel data" and the "Crash kernel"
 * reservation;</li>
 * <li>VMCOREINFO itself from {@code /proc/kcore} ({@link KcoreVmcoreinfo}), and {@code _stext} and
 * {@code _end} from {@code /proc/kallsyms} ({@code _stext} a cross-check only, see
 * {@link KernelText}; {@code _end}, listed only with CONFIG_KALLSYMS_ALL, where x86_64's kernel
 * image segment ends, {@link X86CoreHeader}).</li>
 * </ul>
 */
public record CrashSources(List<CpuNote> cpuNotes, long vmcoreinfoAddress, long vmcoreinfoSize, Iomem iomem,
        VmcoreinfoText vmcoreinfo, long stext, long end) {
    /** One possible CPU's crash note buffer. */
    public record CpuNote(int cpu, long address, long size) {
    }

    /** More CPUs than any arm64 or x86_64 kernel supports (NR_CPUS is at most 8192). */
    static final int MAX_CPUS = 8192;

    public CrashSources {
        cpuNotes = List.copyOf(cpuNotes);
    }

    /** Without {@code _end} (kallsyms hides it or has no KALLSYMS_ALL). */
    public CrashSources(List<CpuNote> cpuNotes, long vmcoreinfoAddress, long vmcoreinfoSize, Iomem iomem,
            VmcoreinfoText vmcoreinfo, long stext) {
        this(cpuNotes, vmcoreinfoAddress, vmcoreinfoSize, iomem, vmcoreinfo, stext, 0);
    }

    public static CrashSources read(HostFiles host) throws IOException {
        String possible = host.readLine("/sys/devices/system/cpu/possible")
                .orElseThrow(() -> new IOException(host.path("/sys/devices/system/cpu/possible") + ": cannot read the "
                        + "possible CPUs"));
        List<CpuNote> notes = new ArrayList<>();
        for (int cpu : cpuList(possible)) {
            String dir = "/sys/devices/system/cpu/cpu" + cpu;
            if (!host.exists(dir)) {
                // Possible but not present (a hot-plug slot): sysfs has no directory, so its
                // crash_notes address cannot be known from user space. kexec-tools skips these
                // too; the kernel's own kexec_file_load path would include them.
                continue;
            }
            String addr = host.readLine(dir + "/crash_notes").orElseThrow(() -> new IOException(host.path(dir
                    + "/crash_notes") + ": missing or unreadable (run as root; the kernel needs CONFIG_CRASH_DUMP)"));
            long size = host.readLine(dir + "/crash_notes_size").map(Long::parseLong).orElseThrow(() ->
                    new IOException(host.path(dir + "/crash_notes_size") + ": missing or unreadable"));
            notes.add(new CpuNote(cpu, hex(addr, host.path(dir + "/crash_notes").toString()), size));
        }
        if (notes.isEmpty()) {
            throw new IOException(host.path("/sys/devices/system/cpu") + ": no CPU of \"" + possible
                    + "\" has a cpuN directory");
        }
        String vi = host.readLine("/sys/kernel/vmcoreinfo").orElseThrow(() -> new IOException(
                host.path("/sys/kernel/vmcoreinfo") + ": missing or unreadable (needs CONFIG_CRASH_CORE)"));
        String[] parts = vi.split("\\s+");
        if (parts.length != 2) {
            throw new IOException(host.path("/sys/kernel/vmcoreinfo") + ": expected \"address size\", got \"" + vi + "\"");
        }
        String where = host.path("/sys/kernel/vmcoreinfo").toString();
        Iomem iomem = Iomem.parse(host.read("/proc/iomem").orElseThrow(() -> new IOException(
                host.path("/proc/iomem") + ": cannot read")));
        VmcoreinfoText info = Files.isReadable(host.path("/proc/kcore"))
                ? KcoreVmcoreinfo.read(host.path("/proc/kcore")) : VmcoreinfoText.empty();
        long[] syms = symbols(host);
        return new CrashSources(notes, hex(parts[0], where), hex(parts[1], where), iomem, info, syms[0], syms[1]);
    }

    /** "0-3", "0,2-5", "0" into CPU numbers. */
    static List<Integer> cpuList(String text) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (String part : text.strip().split(",")) {
            try {
                int dash = part.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
                if (from < 0 || to < from || to >= MAX_CPUS) {
                    throw new NumberFormatException("range " + part);
                }
                for (int c = from; c <= to; c++) {
                    out.add(c);
                }
            } catch (NumberFormatException e) {
                throw new IOException("possible CPUs \"" + text + "\": not a CPU list (" + e.getMessage() + ")");
            }
        }
        return out;
    }

    private static long hex(String s, String where) throws IOException {
        String t = s.strip();
        if (t.startsWith("0x") || t.startsWith("0X")) {
            t = t.substring(2);
        }
        try {
            return Long.parseUnsignedLong(t, 16);
        } catch (NumberFormatException e) {
            throw new IOException(where + ": \"" + s + "\" is not a hex number");
        }
    }

    /** {@code _stext} and {@code _end} from /proc/kallsyms, 0 when absent or hidden (kptr_restrict). */
    private static long[] symbols(HostFiles host) {
        long[] out = new long[2];
        try (BufferedReader r = Files.newBufferedReader(host.path("/proc/kallsyms"), StandardCharsets.US_ASCII)) {
            String line;
            while ((line = r.readLine()) != null && (out[0] == 0 || out[1] == 0)) {
                int slot = line.endsWith(" _stext") ? 0 : line.endsWith(" _end") ? 1 : -1;
                if (slot >= 0) {
                    out[slot] = Long.parseUnsignedLong(line.substring(0, line.indexOf(' ')), 16);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Only a cross-check and a size: without them the header relies on VMCOREINFO and iomem.
            return new long[2];
        }
        return out;
    }
}
