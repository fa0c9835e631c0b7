package io.kdump4j.kernel.helpers.printk;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.io.DumpFormatException;
import org.junit.jupiter.api.Test;

class LogBudgetTest {
    @Test
    void aPassedDeadlineOrAStopEndsTheWalkWithTheRecordCount() {
        assertDoesNotThrow(() -> LogBudget.UNLIMITED.check("d", 5));
        assertDoesNotThrow(() -> LogBudget.nanos(60_000_000_000L).check("d", 5));
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> LogBudget.nanos(-1).check("d", 7));
        assertTrue(e.getMessage().contains("after 7 records"), e.getMessage());
        LogBudget b = LogBudget.nanos(60_000_000_000L);
        b.stop();
        assertThrows(DumpFormatException.class, () -> b.check("d", 0));
    }
}
