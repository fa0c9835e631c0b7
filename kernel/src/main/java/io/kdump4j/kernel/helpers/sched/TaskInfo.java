package io.kdump4j.kernel.helpers.sched;

/**
 * One task ({@code struct task_struct}) as {@code ps} shows it.
 *
 * @param address the task_struct address
 * @param pid {@code pid} (the thread id)
 * @param tgid {@code tgid} (the process id)
 * @param ppid the {@code tgid} of {@code real_parent}
 * @param comm {@code comm}
 * @param state the one-letter state the kernel reports in /proc ({@code R S D T t X Z P I})
 * @param cpu the CPU the task last ran on
 * @param onCpu whether it is the current task of its CPU's runqueue at the crash
 * @param kernelThread whether it has no {@code mm} (a kernel thread)
 * @param rssPages resident pages (file + anon + shmem counters of its mm), -1 when unknown
 * @param vszPages the virtual size of its mm ({@code total_vm}), 0 for kernel threads
 */
public record TaskInfo(long address, int pid, int tgid, int ppid, String comm, char state, int cpu,
        boolean onCpu, boolean kernelThread, long rssPages, long vszPages) {
}
