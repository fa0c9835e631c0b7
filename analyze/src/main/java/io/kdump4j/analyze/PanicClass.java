package io.kdump4j.analyze;

/** Why a kernel went down, as the report classifies it. */
public enum PanicClass {
    SYSRQ("sysrq", "crash triggered on purpose by sysrq-c (echo c > /proc/sysrq-trigger)"),
    NULL_POINTER_DEREFERENCE("null-pointer-dereference", "kernel code dereferenced a NULL (or near-NULL) pointer"),
    PAGE_FAULT("page-fault", "kernel code touched an unmapped or protected address (Oops)"),
    GENERAL_PROTECTION_FAULT("general-protection-fault", "general protection fault (non-canonical or forbidden access)"),
    BUG("bug", "a BUG()/BUG_ON() assertion failed"),
    OOPS("oops", "a kernel Oops (fatal exception in kernel code)"),
    SOFT_LOCKUP("soft-lockup", "a CPU ran kernel code without scheduling for too long (softlockup_panic)"),
    HARD_LOCKUP("hard-lockup", "a CPU stopped taking interrupts (NMI watchdog hard lockup)"),
    HUNG_TASK("hung-task", "a task stayed in uninterruptible sleep too long (hung_task_panic)"),
    OOM("oom", "out of memory with panic_on_oom or nothing left to kill"),
    WARNING("warning", "a WARN() fired with panic_on_warn set"),
    WATCHDOG("watchdog", "a watchdog fired"),
    MACHINE_CHECK("machine-check", "the hardware reported a machine check"),
    INIT_KILLED("init-killed", "PID 1 (init) exited or was killed"),
    NO_ROOT_FS("no-root-fs", "the root file system could not be mounted"),
    PANIC("panic", "panic() was called"),
    UNKNOWN("unknown", "the log names no panic (a dump of a running or hung system?)");

    private final String id;
    private final String description;

    PanicClass(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /** The stable JSON value ("null-pointer-dereference"). */
    public String id() {
        return id;
    }

    public String description() {
        return description;
    }
}
