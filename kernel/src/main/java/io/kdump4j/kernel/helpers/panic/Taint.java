package io.kdump4j.kernel.helpers.panic;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's taint flags ({@code tainted_mask}, {@code taint_flags[]} in kernel/panic.c): bit
 * number, letter when set (the letter when clear is a space, except bit 0 which shows 'G'), and
 * meaning. Bit 18 'N' (TAINT_TEST) is from Linux 6.0 (commit c272612cb4a2), bit 19 'J'
 * (TAINT_FWCTL) from 6.15.
 */
public final class Taint {
    private static final String LETTERS = "PFSRMBUDAWCIOELKXTNJ";
    private static final String[] MEANINGS = {
        "proprietary module was loaded", "module was force loaded", "SMP with CPUs not designed for SMP",
        "module was force unloaded", "machine check", "bad page referenced or unexpected page flags",
        "taint requested by userspace", "kernel died recently (OOPS or BUG)", "ACPI table overridden",
        "kernel issued warning", "staging driver was loaded", "workaround for a platform firmware bug",
        "externally-built (out-of-tree) module was loaded", "unsigned module was loaded", "soft lockup occurred",
        "kernel has been live patched", "auxiliary taint", "kernel built with the struct randomization plugin",
        "an in-kernel test has been run", "fwctl driver was used"};

    private Taint() {
    }

    /** The string the kernel prints after "Tainted: " ({@code print_tainted()}), e.g. "G        W". */
    public static String kernelString(long mask) {
        if (mask == 0) {
            return "Not tainted";
        }
        StringBuilder sb = new StringBuilder("Tainted: ");
        int last = 63 - Long.numberOfLeadingZeros(mask);
        for (int bit = 0; bit < Math.max(LETTERS.length(), last + 1); bit++) {
            boolean set = (mask & (1L << bit)) != 0;
            if (bit == 0) {
                sb.append(set ? 'P' : 'G');
            } else if (bit < LETTERS.length()) {
                sb.append(set ? LETTERS.charAt(bit) : ' ');
            }
        }
        return sb.toString().stripTrailing();
    }

    /** The letters of the set flags, in bit order ("GW" style without spaces; "" when untainted). */
    public static String letters(long mask) {
        StringBuilder sb = new StringBuilder();
        for (int bit = 0; bit < LETTERS.length(); bit++) {
            if ((mask & (1L << bit)) != 0) {
                sb.append(LETTERS.charAt(bit));
            }
        }
        return sb.toString();
    }

    /** One line per set flag: "W: kernel issued warning". */
    public static List<String> explain(long mask) {
        List<String> out = new ArrayList<>();
        for (int bit = 0; bit < 64; bit++) {
            if ((mask & (1L << bit)) != 0) {
                out.add(bit < LETTERS.length() ? LETTERS.charAt(bit) + ": " + MEANINGS[bit] : "bit " + bit + ": unknown");
            }
        }
        return out;
    }
}
