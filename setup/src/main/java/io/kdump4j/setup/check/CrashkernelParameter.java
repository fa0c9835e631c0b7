package io.kdump4j.setup.check;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The {@code crashkernel=} boot parameter (Documentation/admin-guide/kdump/kdump.rst): a size
 * with an optional {@code @offset} ({@code 256M}, {@code 256M@16M}), a size for the high
 * memory region ({@code 512M,high}, paired with {@code crashkernel=..,low}), or a list of
 * RAM ranges ({@code 512M-2G:64M,2G-:128M}) where range ends are exclusive and the first range
 * holding the machine's RAM size wins. {@code auto} was a RHEL/Fedora extension, removed
 * upstream.
 *
 * @param text      the value after {@code crashkernel=}
 * @param fixedSize the size when not given by ranges, -1 otherwise
 * @param ranges    the ranges form, empty otherwise
 * @param offset    the {@code @offset}, -1 when none
 * @param suffix    "high", "low" or empty
 */
public record CrashkernelParameter(String text, long fixedSize, List<Range> ranges, long offset, String suffix) {
    /** One {@code start-[end]:size} item; end is -1 for open ranges. */
    public record Range(long start, long end, long size) {
        boolean holds(long ram) {
            return ram >= start && (end < 0 || ram < end);
        }
    }

    public CrashkernelParameter {
        ranges = List.copyOf(ranges);
    }

    /** Parses the value; throws IllegalArgumentException naming what is wrong. */
    public static CrashkernelParameter parse(String text) {
        String t = text.strip();
        String suffix = "";
        int comma = t.lastIndexOf(',');
        if (comma >= 0 && (t.endsWith(",high") || t.endsWith(",low"))) {
            suffix = t.substring(comma + 1);
            t = t.substring(0, comma);
        }
        long offset = -1;
        int at = t.lastIndexOf('@');
        if (at >= 0) {
            offset = Sizes.parse(t.substring(at + 1));
            t = t.substring(0, at);
        }
        if (!t.contains(":")) {
            return new CrashkernelParameter(text, Sizes.parse(t), List.of(), offset, suffix);
        }
        List<Range> ranges = new ArrayList<>();
        for (String item : t.split(",")) {
            int colon = item.indexOf(':');
            int dash = item.indexOf('-');
            if (colon < 0 || dash < 0 || dash > colon) {
                throw new IllegalArgumentException("crashkernel range \"" + item + "\" is not start-[end]:size");
            }
            long start = Sizes.parse(item.substring(0, dash));
            String endText = item.substring(dash + 1, colon);
            long end = endText.isBlank() ? -1 : Sizes.parse(endText);
            if (end >= 0 && end <= start) {
                throw new IllegalArgumentException("crashkernel range \"" + item + "\" ends before it starts");
            }
            ranges.add(new Range(start, end, Sizes.parse(item.substring(colon + 1))));
        }
        return new CrashkernelParameter(text, -1, ranges, offset, suffix);
    }

    /**
     * The size the kernel reserves on a machine with this much RAM; empty when no range holds it
     * (then the kernel reserves nothing). The kernel compares against the total of System RAM.
     */
    public OptionalLong sizeFor(long systemRam) {
        if (fixedSize >= 0) {
            return OptionalLong.of(fixedSize);
        }
        for (Range r : ranges) {
            if (r.holds(systemRam)) {
                return OptionalLong.of(r.size());
            }
        }
        return OptionalLong.empty();
    }
}
