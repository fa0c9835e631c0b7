package io.kdump4j.setup.check;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code /proc/iomem}: the physical memory map, one {@code start-end : name} per line, nested
 * by indentation. The crash kernel's reservation shows as "Crash kernel" (one range, or two
 * with {@code crashkernel=..,high} + {@code ,low}). Unprivileged readers see all addresses as
 * zero since Linux v4.15 (commit 51d7b120418e, "/proc/iomem: only expose physical resource
 * addresses to privileged users"), which {@link #addressesHidden()} reports.
 */
public record Iomem(List<Resource> resources) {
    /** One line: inclusive start and end, the name and the nesting depth (indent / 2). */
    public record Resource(long start, long end, String name, int depth) {
        public long size() {
            return end - start + 1;
        }
    }

    public Iomem {
        resources = List.copyOf(resources);
    }

    /** Parses the text; lines that are not {@code hex-hex : name} are skipped. */
    public static Iomem parse(String text) {
        List<Resource> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            int indent = 0;
            while (indent < line.length() && line.charAt(indent) == ' ') {
                indent++;
            }
            String l = line.substring(indent);
            int colon = l.indexOf(" : ");
            int dash = l.indexOf('-');
            if (colon < 0 || dash < 0 || dash > colon) {
                continue;
            }
            try {
                long start = Long.parseUnsignedLong(l.substring(0, dash).strip(), 16);
                long end = Long.parseUnsignedLong(l.substring(dash + 1, colon).strip(), 16);
                out.add(new Resource(start, end, l.substring(colon + 3).strip(), indent / 2));
            } catch (NumberFormatException e) {
                // Not a resource line.
            }
        }
        return new Iomem(out);
    }

    public List<Resource> named(String name) {
        return resources.stream().filter(r -> r.name().equals(name)).toList();
    }

    /** The crash kernel reservations ("Crash kernel"; some arm64 kernels also list "Crash kernel (low)"). */
    public List<Resource> crashKernel() {
        return resources.stream().filter(r -> r.name().startsWith("Crash kernel")).toList();
    }

    /** Total bytes of top-level "System RAM". */
    public long systemRam() {
        return resources.stream().filter(r -> r.depth() == 0 && r.name().equals("System RAM"))
                .mapToLong(Resource::size).sum();
    }

    /** True when every range reads 0-0: the reader was not privileged. */
    public boolean addressesHidden() {
        return !resources.isEmpty() && resources.stream().allMatch(r -> r.start() == 0 && r.end() == 0);
    }
}
