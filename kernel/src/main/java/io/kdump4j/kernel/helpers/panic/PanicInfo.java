package io.kdump4j.kernel.helpers.panic;

import java.util.OptionalLong;

/**
 * Who crashed and how, as far as the dump's memory and log tell.
 *
 * @param cpu the panicking CPU ({@code panic_cpu}, else the log, else -1)
 * @param cpuSource where {@code cpu} came from ("panic_cpu", "log", "only CPU")
 * @param pid the crashing task's PID, -1 when unknown
 * @param comm the crashing task's command, null when unknown
 * @param task the crashing task's task_struct address, 0 when unknown
 * @param message the panic message ("Kernel panic - not syncing: ..."), null when the log has none
 * @param taintMask {@code tainted_mask}, empty when unreadable
 */
public record PanicInfo(int cpu, String cpuSource, int pid, String comm, long task, String message,
        OptionalLong taintMask) {
}
