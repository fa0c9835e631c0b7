package io.kdump4j.cli;

import io.kdump4j.format.DumpDetails;
import io.kdump4j.format.DumpFile;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.Vmcoreinfo;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code kdump4j info} reports: the container's own facts and, when the dump carries
 * VMCOREINFO, the kernel's. Each kernel fact is null only when it cannot be had (when the
 * kernel view fails, release, build id and crash time still come from VMCOREINFO or the kdump
 * header); {@link #warnings()} says why. Borrows the dump: never closes it.
 */
public record DumpInfo(
        String file,
        long fileSize,
        DumpDetails container,
        String arch,
        String release,
        String version,
        String buildId,
        Long crashTime,
        int pageSize,
        int cpus,
        Long memoryBytes,
        long pagesPresent,
        long pagesExcluded,
        List<String> warnings) {

    static DumpInfo of(DumpFile dump, long fileSize) {
        DumpDetails d = dump.details();
        List<String> warnings = new ArrayList<>();
        String arch = d.machine();
        String release = null;
        String version = null;
        String buildId = null;
        Long crashTime = null;
        Long memory = null;
        int pageSize = dump.memory().pageSize();
        int cpus = d.nrCpus();
        try {
            // A view: the caller owns the dump and closes it.
            KernelDump k = KernelDump.of(dump);
            arch = k.arch().name();
            release = k.release();
            version = k.version();
            buildId = k.buildId().orElse(null);
            crashTime = k.crashTime().isPresent() ? k.crashTime().getAsLong() : null;
            pageSize = k.pageSize();
            cpus = k.cpus();
            memory = k.memoryBytes();
        } catch (IOException | RuntimeException e) {
            warnings.add("kernel facts unavailable: " + e.getMessage());
            // Not all-or-nothing: what VMCOREINFO and the kdump header say needs no kernel view.
            Vmcoreinfo vi = Vmcoreinfo.of(dump.vmcoreinfoText());
            release = vi.osrelease().orElseGet(() -> KernelDump.headerUtsname(dump, 2));
            version = KernelDump.headerUtsname(dump, 3);
            buildId = vi.buildId().orElse(null);
            crashTime = vi.crashTime().isPresent() ? vi.crashTime().getAsLong() : null;
        }
        return new DumpInfo(dump.name(), fileSize, d, arch, release, version, buildId, crashTime, pageSize, cpus,
                memory, dump.memory().pagesPresent(), dump.memory().pagesExcluded(), List.copyOf(warnings));
    }

    /** The JSON object; key names are a stable interface (README "info --json"). */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file);
        m.put("file_size", fileSize);
        m.put("format", container.format().id());
        m.put("flattened", container.flattened());
        m.put("header_version", container.headerVersion() == 0 ? null : container.headerVersion());
        m.put("compression", container.compression().isEmpty() ? "none" : String.join(",", container.compression()));
        m.put("dump_level", container.dumpLevel().isPresent() ? container.dumpLevel().getAsInt() : null);
        m.put("incomplete", container.incomplete());
        m.put("split", container.split());
        m.put("arch", arch);
        m.put("release", release);
        m.put("version", version);
        m.put("build_id", buildId);
        m.put("crash_time", crashTime);
        m.put("crash_time_utc", crashTime == null ? null : Instant.ofEpochSecond(crashTime).toString());
        m.put("page_size", pageSize);
        m.put("cpus", cpus);
        m.put("memory_bytes", memoryBytes);
        m.put("pages_present", pagesPresent);
        m.put("pages_excluded", pagesExcluded);
        m.put("container_notes", container.notes());
        m.put("warnings", warnings);
        return m;
    }

    /** The text form: aligned "key: value" lines, like crash's {@code sys}. */
    String toText() {
        StringBuilder sb = new StringBuilder();
        row(sb, "file", file + " (" + fileSize + " bytes)");
        String fmt = container.format().id() + (container.flattened() ? " (flattened)" : "");
        if (container.headerVersion() != 0) {
            fmt += ", header version " + container.headerVersion();
        }
        row(sb, "format", fmt);
        row(sb, "compression", container.compression().isEmpty() ? "none" : String.join(", ", container.compression()));
        row(sb, "dump level", container.dumpLevel().isPresent() ? Integer.toString(container.dumpLevel().getAsInt()) : "not recorded");
        row(sb, "incomplete", container.incomplete() ? "YES: the saver did not finish; some pages are lost" : "no");
        if (container.split()) {
            row(sb, "split", "yes (part of a split dump set)");
        }
        row(sb, "arch", arch == null ? "unknown" : arch);
        row(sb, "release", release == null ? "unknown" : release);
        if (version != null) {
            row(sb, "version", version);
        }
        row(sb, "build id", buildId == null ? "unknown" : buildId);
        row(sb, "crash time", crashTime == null ? "unknown" : Instant.ofEpochSecond(crashTime) + " (" + crashTime + ")");
        row(sb, "page size", Integer.toString(pageSize));
        row(sb, "cpus", Integer.toString(cpus));
        row(sb, "memory", memoryBytes == null ? "unknown" : memoryBytes + " bytes (" + (memoryBytes >> 20) + " MiB)");
        row(sb, "pages", pagesPresent + " present, " + pagesExcluded + " excluded");
        for (String n : container.notes()) {
            row(sb, "note", n);
        }
        for (String w : warnings) {
            row(sb, "warning", w);
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append(String.format("%12s: %s%n", k, v));
    }
}
