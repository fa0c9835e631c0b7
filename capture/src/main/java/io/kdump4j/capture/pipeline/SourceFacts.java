package io.kdump4j.capture.pipeline;

import io.kdump4j.capture.SaveOptions;
import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Note;
import io.kdump4j.format.note.VmcoreinfoText;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.Utsname;
import io.kdump4j.kernel.arch.X86_64;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * What the writers need to know about the source beyond its pages: the ELF note blob to copy,
 * where VMCOREINFO lies inside it, CPUs, {@code phys_base}, timestamp and utsname.
 *
 * @param notes the notes serialised as one PT_NOTE payload ({@code Elf64_Nhdr}, name, descriptor,
 *     each padded to 4 bytes), in source order
 * @param vmcoreinfoOffset offset of the VMCOREINFO descriptor inside {@code notes}, or -1
 * @param vmcoreinfoSize its length
 */
public record SourceFacts(ByteOrder order, int pageSize, long maxPfn, byte[] notes, long vmcoreinfoOffset,
        long vmcoreinfoSize, int nrCpus, long physBase, Instant timestamp, Utsname utsname, String machine) {

    /**
     * At most this many cycles per save: the kdump writer keeps one planned count (8 bytes) per
     * cycle, so 32 MiB; 2^38 frames (1 PiB of 4 KiB pages) at the default cycle.
     */
    public static final int MAX_CYCLES = 1 << 22;

    /**
     * The facts of {@code source}; {@code kernel} is the caller's view over it (for the utsname
     * of {@code init_uts_ns}), or null when the kernel cannot be read.
     */
    public static SourceFacts of(DumpFile source, KernelDump kernel, SaveOptions options) throws IOException {
        ByteOrder order = source.byteOrder();
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        long vmOff = -1;
        long vmSize = 0;
        int cpus = 0;
        for (Note n : source.notes()) {
            if (n.name().equals("VMCOREINFO") && vmOff < 0) {
                vmOff = blob.size() + n.descStart();
                vmSize = n.desc().length;
            }
            if (n.is("CORE", Note.NT_PRSTATUS)) {
                cpus++;
            }
            blob.writeBytes(n.encode(order));
        }
        long maxPfn = source.memory().maxPfn();
        if (maxPfn < 0 || maxPfn / options.cyclePfns() >= MAX_CYCLES) {
            throw new IOException(source.name() + ": the source claims " + maxPfn + " page frames; at "
                    + options.cyclePfns() + " frames per cycle that is more than the " + MAX_CYCLES
                    + " cycles a save plans for (a larger cycle raises the limit)");
        }
        VmcoreinfoText vmcoreinfo = source.vmcoreinfoText();
        String machine = source.details().machine();
        if ("i386".equals(machine) || "arm".equals(machine)) {
            throw new IOException(source.name() + ": saving 32-bit (" + machine + ") dumps is not supported: "
                    + "only the 64-bit kdump header layout is written");
        }
        Instant ts = options.timestamp();
        if (ts == null) {
            OptionalLong crash = vmcoreinfo.number("CRASHTIME");
            ts = crash.isEmpty() ? Instant.now() : Instant.ofEpochSecond(crash.getAsLong());
        }
        Utsname uts = options.utsname();
        if (uts == null && kernel != null) {
            // init_uts_ns through the kernel view's address translation, as makedumpfile fills
            // the header.
            try {
                uts = kernel.utsname().orElse(null);
            } catch (RuntimeException e) {
                uts = null;
            }
        }
        if (uts == null) {
            uts = fallbackUtsname(source, vmcoreinfo, machine);
        }
        return new SourceFacts(order, source.memory().pageSize(), source.memory().maxPfn(), blob.toByteArray(), vmOff,
                vmSize, cpus, physBase(kernel, vmcoreinfo), ts, uts, machine);
    }

    /**
     * The utsname when the kernel cannot be read: the source's own kdump header utsname when it
     * has one, else sysname "Linux", OSRELEASE and the container's machine (never empty fields
     * where something is known: drgn and libkdumpfile take the architecture of our output from
     * the machine field).
     */
    static Utsname fallbackUtsname(DumpFile source, VmcoreinfoText vmcoreinfo, String machine) {
        List<String> h = source.details().utsname();
        String release = vmcoreinfo.text("OSRELEASE").orElse(null);
        String m = machine == null || machine.isEmpty() ? "" : machine;
        if (h.size() == 6 && !h.get(4).isEmpty()) {
            return new Utsname(h.get(0), h.get(1), h.get(2).isEmpty() && release != null ? release : h.get(2), h.get(3),
                    h.get(4), h.get(5));
        }
        return new Utsname("Linux", "", release == null ? "" : release, "", m, "");
    }

    /**
     * {@code phys_base} as makedumpfile records it in the sub-header: x86_64 exports
     * {@code NUMBER(phys_base)}, arm64 {@code NUMBER(PHYS_OFFSET)} (makedumpfile's arm64
     * {@code get_phys_base()} takes it from there); for x86_64 kernels before 4.10, which do not
     * export it, the value the caller's kernel view derived from the source dump (its
     * kernel-text PT_LOAD, or a kdump sub-header), as makedumpfile computes it; 0 otherwise.
     */
    static long physBase(KernelDump kernel, VmcoreinfoText vmcoreinfo) {
        OptionalLong v = vmcoreinfo.number("NUMBER(phys_base)");
        if (v.isEmpty()) {
            v = vmcoreinfo.number("NUMBER(PHYS_OFFSET)");
        }
        if (v.isPresent()) {
            return v.getAsLong();
        }
        return kernel != null && !vmcoreinfo.isEmpty() && kernel.arch() instanceof X86_64 x ? x.physBase() : 0;
    }

    public List<String> utsFields() {
        return List.of(utsname.sysname(), utsname.nodename(), utsname.release(), utsname.version(),
                utsname.machine(), utsname.domainname());
    }
}
