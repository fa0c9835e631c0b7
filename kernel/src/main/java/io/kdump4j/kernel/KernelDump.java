package io.kdump4j.kernel;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Note;
import io.kdump4j.format.note.VmcoreinfoText;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.mem.PhysicalMemory;
import io.kdump4j.kernel.arch.Arch;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The kernel program over one dump: the container, its VMCOREINFO, the architecture and kernel
 * memory. Opened by {@link #open} it owns the {@link DumpFile} and closes it; made by
 * {@link #of} it is a view over a dump its caller owns, and its {@link #close()} does nothing
 * (one owner opens and closes each dump).
 */
public final class KernelDump implements Closeable {
    /** How far into {@code struct uts_namespace} the utsname is searched for when VMCOREINFO has no offset. */
    private static final int UTS_SEARCH_LIMIT = 64;
    /** Xen's crash-info note type (xen/include/public/elfnote.h: XEN_ELFNOTE_CRASH_INFO 0x1000001). */
    static final int XEN_ELFNOTE_CRASH_INFO = 0x1000001;

    private final DumpFile dump;
    private final Vmcoreinfo vmcoreinfo;
    private final Arch arch;
    private final KernelMemory memory;
    private Optional<Utsname> utsname;
    private final java.util.Map<Class<?>, Object> services = new java.util.HashMap<>();
    private final boolean owner;

    private KernelDump(DumpFile dump, Vmcoreinfo vmcoreinfo, Arch arch, boolean owner) {
        this.owner = owner;
        this.dump = dump;
        this.vmcoreinfo = vmcoreinfo;
        this.arch = arch;
        this.memory = new KernelMemory(dump.memory(), arch);
    }

    /**
     * Opens the kernel program over {@code dump}, taking ownership (the dump is closed on failure
     * too). A dump without a VMCOREINFO note cannot be translated and is refused.
     */
    public static KernelDump open(DumpFile dump) throws IOException {
        try {
            return make(dump, true);
        } catch (IOException | RuntimeException e) {
            try {
                dump.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * A view of the kernel program over {@code dump} without taking ownership: nothing is closed
     * on failure, and closing the view does not close the dump. For code that holds the dump
     * itself (the CLI commands, the saver).
     */
    public static KernelDump of(DumpFile dump) throws IOException {
        return make(dump, false);
    }

    private static KernelDump make(DumpFile dump, boolean owner) throws IOException {
        Note note = null;
        for (Note n : dump.notes()) {
            if (n.name().equals(VmcoreinfoText.NOTE_NAME)) {
                note = n;
                break;
            }
        }
        if (note == null) {
            throw new MissingKernelDataException(dump.name(), "no VMCOREINFO note: the kernel's symbols and "
                    + "layout are unknown " + (dump.problems().isEmpty()
                            ? "(a QEMU dump of a guest without -device vmcoreinfo?)"
                            : "(" + String.join("; ", dump.problems()) + ")"));
        }
        for (Note n : dump.notes()) {
            if (n.name().equals("VMCOREINFO_XEN") || (n.name().equals("Xen") && n.type() == XEN_ELFNOTE_CRASH_INFO)) {
                throw new MissingKernelDataException(dump.name(), "a Xen dom0 dump (" + n.name() + " note): its "
                        + "memory is addressed by machine frames, and reading them as physical would give other "
                        + "frames' bytes; the P2M translation this needs is not supported (crash and libkdumpfile "
                        + "do it)");
            }
        }
        Vmcoreinfo vi = Vmcoreinfo.parse(dump.name(), note);
        Arch arch = Arch.detect(dump, vi);
        long pageSize = vi.pageSize().orElse(dump.memory().pageSize());
        if (pageSize != arch.pageSize()) {
            throw new DumpFormatException(dump.name(), note.descOffset(), "VMCOREINFO PAGESIZE=" + pageSize
                    + " does not match " + arch.name() + " with " + arch.pageSize() + "-byte pages");
        }
        return new KernelDump(dump, vi, arch, owner);
    }

    public DumpFile dump() {
        return dump;
    }

    public Vmcoreinfo vmcoreinfo() {
        return vmcoreinfo;
    }

    public Arch arch() {
        return arch;
    }

    public KernelMemory memory() {
        return memory;
    }

    /**
     * OSRELEASE from VMCOREINFO, else the utsname release read from memory, else the kdump
     * header's utsname release, else null.
     */
    public String release() {
        Optional<String> r = vmcoreinfo.osrelease();
        if (r.isPresent()) {
            return r.get();
        }
        return utsname().map(Utsname::release).orElseGet(() -> headerUtsname(dump, 2));
    }

    /**
     * The utsname version string ({@code uname -v}) read from {@code init_uts_ns}, else the
     * kdump header's; null if neither holds it.
     */
    public String version() {
        return utsname().map(Utsname::version).orElseGet(() -> headerUtsname(dump, 3));
    }

    /**
     * Field {@code i} (0 sysname, 1 nodename, 2 release, 3 version, 4 machine, 5 domainname) of
     * the utsname a kdump header carries; null for ELF or an empty field. Needs no kernel view:
     * callers use it when the kernel cannot be opened.
     */
    public static String headerUtsname(DumpFile dump, int i) {
        List<String> u = dump.details().utsname();
        return i < u.size() && !u.get(i).isEmpty() ? u.get(i) : null;
    }

    public Optional<String> buildId() {
        return vmcoreinfo.buildId();
    }

    /** CRASHTIME from VMCOREINFO: unix seconds of the panic. */
    public OptionalLong crashTime() {
        return vmcoreinfo.crashTime();
    }

    public int pageSize() {
        return arch.pageSize();
    }

    /** The number of NT_PRSTATUS notes (one per CPU online at the crash), else the header's nr_cpus. */
    public int cpus() {
        int n = 0;
        for (Note note : dump.notes()) {
            if (note.is("CORE", Note.NT_PRSTATUS)) {
                n++;
            }
        }
        return n > 0 ? n : dump.details().nrCpus();
    }

    /**
     * The RAM the dump describes, in bytes: every page frame that is RAM according to the
     * container, whether its contents were saved or filtered out
     * ({@code (pagesPresent + pagesExcluded) * pageSize}). For an ELF core that is the sum of
     * the PT_LOAD sizes (the x86_64 kernel-text segment overlaps System RAM and is not counted
     * twice); for a kdump-compressed file, the pages set in the first bitmap. Firmware holes are
     * not RAM, and /proc/vmcore leaves out the crashkernel reservation (the capture kernel's own
     * memory), so this is less than the machine's nominal RAM: the 1 GiB x86_64 fixtures with
     * crashkernel=256M describe 767 MiB.
     */
    public long memoryBytes() {
        PhysicalMemory m = dump.memory();
        return (m.pagesPresent() + m.pagesExcluded()) * (long) m.pageSize();
    }

    /**
     * The utsname of {@code init_uts_ns}. {@code struct uts_namespace} began with a
     * {@code struct kref} before the utsname until Linux 5.11 ("uts: Use generic
     * ns_common::count" moved the count into {@code ns_common}, after the utsname), and
     * {@code OFFSET(uts_namespace.name)} is exported only by some kernels (the 6.12 fixture has
     * it, the 6.1 ones do not). Rule: use the offset when exported; otherwise try every 4-byte
     * aligned offset in 0..64 and take the first where the sysname is "Linux" and the release
     * equals OSRELEASE (or is non-empty when OSRELEASE is absent).
     */
    public synchronized Optional<Utsname> utsname() {
        if (utsname == null) {
            utsname = findUtsname();
        }
        return utsname;
    }

    private Optional<Utsname> findUtsname() {
        OptionalLong sym = vmcoreinfo.symbol("init_uts_ns");
        if (sym.isEmpty()) {
            return Optional.empty();
        }
        OptionalLong off = vmcoreinfo.offset("uts_namespace", "name");
        List<Integer> candidates = new ArrayList<>();
        if (off.isPresent() && off.getAsLong() >= 0 && off.getAsLong() < 4096) {
            candidates.add((int) off.getAsLong());
        }
        for (int o = 0; o <= UTS_SEARCH_LIMIT; o += 4) {
            candidates.add(o);
        }
        byte[] b;
        try {
            b = memory.read(sym.getAsLong(), UTS_SEARCH_LIMIT + Utsname.SIZE);
        } catch (IOException e) {
            return Optional.empty();
        }
        String expected = vmcoreinfo.osrelease().orElse(null);
        for (int o : candidates) {
            if (o + Utsname.SIZE > b.length) {
                continue;
            }
            Utsname u = Utsname.decode(b, o);
            boolean releaseFits = expected == null ? !u.release().isEmpty() : u.release().equals(expected);
            if (u.sysname().equals("Linux") && releaseFits) {
                return Optional.of(u);
            }
        }
        return Optional.empty();
    }

    /** Builds a per-dump service (symbols, types, ...) on first use. */
    @FunctionalInterface
    public interface ServiceFactory<T> {
        T create(KernelDump dump) throws IOException;
    }

    /**
     * The per-dump instance of {@code type}, built by {@code factory} on first use and cached in
     * this program (never in a static), so that two dumps open in one JVM do not share state.
     * A factory that fails is retried on the next call.
     */
    public <T> T service(Class<T> type, ServiceFactory<T> factory) throws IOException {
        synchronized (services) {
            Object existing = services.get(type);
            if (existing != null) {
                return type.cast(existing);
            }
        }
        T made = factory.create(this);
        synchronized (services) {
            Object raced = services.putIfAbsent(type, made);
            return raced == null ? made : type.cast(raced);
        }
    }

    /** Closes the dump when this program owns it ({@link #open}); a view's close does nothing. */
    @Override
    public void close() throws IOException {
        if (owner) {
            dump.close();
        }
    }

    @Override
    public String toString() {
        return "KernelDump[" + dump.name() + ", " + arch + ", " + release() + "]";
    }
}
