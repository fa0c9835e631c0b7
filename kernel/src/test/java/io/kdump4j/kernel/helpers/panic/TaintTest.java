package io.kdump4j.kernel.helpers.panic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdump4j.kernel.helpers.sched.LoadAverage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Taint strings as print_tainted() makes them, and load averages as /proc/loadavg prints them. */
class TaintTest {
    @Test
    void taintStrings() {
        assertEquals("Not tainted", Taint.kernelString(0));
        assertEquals("Tainted: G        W", Taint.kernelString(1L << 9));
        assertEquals("Tainted: P           O", Taint.kernelString(1L | 1L << 12));
        assertEquals("Tainted: G           OE", Taint.kernelString(1L << 12 | 1L << 13));
        assertEquals("OE", Taint.letters(1L << 12 | 1L << 13));
        assertEquals(List.of("D: kernel died recently (OOPS or BUG)"), Taint.explain(1L << 7));
    }

    @Test
    void loadAverages() {
        // 0.08, 0.02, 0.01 is what crash prints for the arm64 fixture; these raw values round to it.
        assertEquals("0.08, 0.02, 0.01", LoadAverage.format(new long[] {164, 41, 20}));
        assertEquals("0.00, 0.00, 0.00", LoadAverage.format(new long[] {0, 0, 0}));
        assertEquals("1.00, 2.50, 10.00", LoadAverage.format(new long[] {2048, 5120, 20480}));
    }
}
