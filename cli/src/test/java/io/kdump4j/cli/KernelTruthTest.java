package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel matrix's reading of a console's Call Trace, on the fixtures' real consoles. */
class KernelTruthTest {
    @Test
    void x86ConsoleTraceFromPanicOnWithoutGuessesOrUserOutput() throws IOException {
        // The lab's console: its "KDUMPLAB panic-trigger" echo sits inside the trace, and the
        // "? " frames are the unwinder's guesses.
        List<String> console = Files.readAllLines(Fixtures.dir("x86_64-6.12.117+deb12-amd64/sysrq-elf/console.log"));
        assertEquals(List.of("panic", "sysrq_handle_crash", "__handle_sysrq", "write_sysrq_trigger", "proc_reg_write",
                "vfs_write", "ksys_write", "do_syscall_64", "entry_SYSCALL_64_after_hwframe"),
                KernelTruth.panicTrace(console, false).orElseThrow());
    }

    @Test
    void arm64ConsoleTraceDropsThePrintingFrames() throws IOException {
        List<String> trace = KernelTruth.panicTrace(
                Files.readAllLines(Fixtures.dir("arm64-6.1.0-56-arm64/sysrq/console.log")), false).orElseThrow();
        assertEquals(List.of("panic", "sysrq_reset_seq_param_set", "__handle_sysrq", "write_sysrq_trigger"), trace.subList(0, 4));
    }

    @Test
    void noTraceNoTruth() {
        assertEquals(java.util.Optional.empty(), KernelTruth.panicTrace(List.of("[    1.0] Kernel panic - not syncing: sysrq triggered crash",
                "[    1.1] Kernel Offset: disabled"), false));
    }
}
