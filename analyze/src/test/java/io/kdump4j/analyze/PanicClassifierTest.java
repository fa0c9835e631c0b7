package io.kdump4j.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The classifier on log excerpts in the kernel's own message formats (the headlines of
 * arch/x86/mm/fault.c, arch/arm64/mm/fault.c, traps.c, watchdog.c, hung_task.c, oom_kill.c,
 * panic.c), with the noise lines a real Oops prints between them. The sysrq case is also checked
 * on the real fixtures by AnalyzerFixtureTest.
 */
class PanicClassifierTest {

    private static List<String> log(String text) {
        return Arrays.asList(text.split("\n"));
    }

    @Test
    void nullPointerDereferenceInAModule() {
        Classification c = PanicClassifier.classify(log("""
                random: crng init done
                BUG: kernel NULL pointer dereference, address: 0000000000000000
                #PF: supervisor write access in kernel mode
                #PF: error_code(0x0002) - not-present page
                PGD 0 P4D 0\s
                Oops: 0002 [#1] PREEMPT SMP NOPTI
                CPU: 1 PID: 312 Comm: insmod Tainted: G           OE      6.1.0-56-amd64 #1  Debian 6.1.192-2
                Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.2-debian-1.16.2-1 04/01/2014
                RIP: 0010:crashme_init+0x15/0x1000 [crashme]
                Code: Unable to access opcode bytes at 0xffffffffc0a2afeb.
                RSP: 0018:ffffb1c5c03e7c98 EFLAGS: 00010246
                Call Trace:
                 <TASK>
                 do_one_initcall+0x41/0x200
                 </TASK>
                Kernel panic - not syncing: Fatal exception"""));
        assertEquals(PanicClass.NULL_POINTER_DEREFERENCE, c.panicClass());
        assertEquals("Kernel panic - not syncing: Fatal exception", c.panicMessage());
        assertEquals("BUG: kernel NULL pointer dereference, address: 0000000000000000", c.evidence());
        assertEquals(new Classification.LogLocation("crashme_init", 0x15, 0x1000, "crashme"), c.location());
    }

    @Test
    void arm64NullDereference() {
        Classification c = PanicClassifier.classify(log("""
                Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000
                Mem abort info:
                  ESR = 0x0000000096000045
                Internal error: Oops: 0000000096000045 [#1] SMP
                pc : crashme_init+0x14/0x1000 [crashme]
                lr : do_one_initcall+0x58/0x1e0
                Kernel panic - not syncing: Oops: Fatal exception"""));
        assertEquals(PanicClass.NULL_POINTER_DEREFERENCE, c.panicClass());
        assertEquals("crashme_init", c.location().function());
        assertEquals("crashme", c.location().module());
    }

    @Test
    void pageFaultGeneralProtectionAndBug() {
        assertEquals(PanicClass.PAGE_FAULT, PanicClassifier.classify(log("""
                BUG: unable to handle page fault for address: ffffffffc0a2c000
                #PF: supervisor write access in kernel mode
                Oops: 0003 [#1] PREEMPT SMP NOPTI
                RIP: 0010:memset_orig+0x33/0xb0
                Kernel panic - not syncing: Fatal exception""")).panicClass());
        Classification gpf = PanicClassifier.classify(log("""
                general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] PREEMPT SMP NOPTI
                CPU: 0 PID: 77 Comm: kworker/0:2 Not tainted 6.12.117+deb12-amd64 #1
                RIP: 0010:list_del+0x1a/0x40
                Kernel panic - not syncing: Fatal exception in interrupt"""));
        assertEquals(PanicClass.GENERAL_PROTECTION_FAULT, gpf.panicClass());
        assertEquals("list_del", gpf.location().function());
        Classification bug = PanicClassifier.classify(log("""
                ------------[ cut here ]------------
                kernel BUG at mm/slub.c:435!
                invalid opcode: 0000 [#1] PREEMPT SMP NOPTI
                RIP: 0010:__slab_free+0x2f5/0x310
                Kernel panic - not syncing: Fatal exception"""));
        assertEquals(PanicClass.BUG, bug.panicClass());
        assertEquals("kernel BUG at mm/slub.c:435!", bug.evidence());
        assertEquals("__slab_free", bug.location().function());
    }

    /** Since Linux 6.9 x86's die() lines start with "Oops: " before the trap's name. */
    @Test
    void oopsPrefixedDieLines() {
        Classification gpf = PanicClassifier.classify(log("""
                Oops: general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] PREEMPT SMP NOPTI
                CPU: 0 UID: 0 PID: 1 Comm: init Tainted: G           OE      6.12.117+deb12-amd64 #1  Debian 6.12.117-1~deb12u1
                RIP: 0010:crashlab_gpf+0x1b/0x30 [crashlab_mod]
                Kernel panic - not syncing: Fatal exception"""));
        assertEquals(PanicClass.GENERAL_PROTECTION_FAULT, gpf.panicClass());
        Classification bug = PanicClassifier.classify(log("""
                kernel BUG at mm/slub.c:435!
                Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI
                RIP: 0010:__slab_free+0x2f5/0x310
                Kernel panic - not syncing: Fatal exception"""));
        assertEquals(PanicClass.BUG, bug.panicClass());
        assertEquals("kernel BUG at mm/slub.c:435!", bug.evidence());
        Classification nul = PanicClassifier.classify(log("""
                BUG: kernel NULL pointer dereference, address: 0000000000000000
                Oops: Oops: 0002 [#1] PREEMPT SMP NOPTI
                RIP: 0010:crashlab_null_deref+0x15/0x30 [crashlab_mod]
                Kernel panic - not syncing: Fatal exception"""));
        assertEquals(PanicClass.NULL_POINTER_DEREFERENCE, nul.panicClass());
    }

    @Test
    void lockupsHungTaskOomWarning() {
        assertEquals(PanicClass.SOFT_LOCKUP, PanicClassifier.classify(log("""
                watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [spin:210]
                RIP: 0010:spin_thread+0x5/0x10 [spin]
                Kernel panic - not syncing: softlockup: hung tasks""")).panicClass());
        assertEquals(PanicClass.HARD_LOCKUP, PanicClassifier.classify(log("""
                NMI watchdog: Watchdog detected hard LOCKUP on cpu 1
                RIP: 0010:spin_irq+0x5/0x10 [spin]
                Kernel panic - not syncing: Hard LOCKUP""")).panicClass());
        Classification hung = PanicClassifier.classify(log("""
                INFO: task sleep:200 blocked for more than 120 seconds.
                      Not tainted 6.1.0-56-amd64 #1 Debian 6.1.192-2
                "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
                Kernel panic - not syncing: hung_task: blocked tasks"""));
        assertEquals(PanicClass.HUNG_TASK, hung.panicClass());
        assertEquals("INFO: task sleep:200 blocked for more than 120 seconds.", hung.evidence());
        assertNull(hung.location());
        assertEquals(PanicClass.OOM, PanicClassifier.classify(log("""
                stress invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0
                Mem-Info:
                Kernel panic - not syncing: Out of memory: compulsory panic_on_oom is enabled""")).panicClass());
        Classification warn = PanicClassifier.classify(log("""
                ------------[ cut here ]------------
                WARNING: CPU: 0 PID: 1 at drivers/misc/lkdtm/bugs.c:92 lkdtm_WARNING+0x1a/0x30 [lkdtm]
                Modules linked in: lkdtm
                Kernel panic - not syncing: kernel: panic_on_warn set ..."""));
        assertEquals(PanicClass.WARNING, warn.panicClass());
        assertEquals(new Classification.LogLocation("lkdtm_WARNING", 0x1a, 0x30, "lkdtm"), warn.location());
        // Since Linux 6.19 the banner names the file first and the task last (sid's 7.2.13, the crash lab).
        Classification warn7 = PanicClassifier.classify(log("""
                ------------[ cut here ]------------
                crashlab: a warning on purpose
                WARNING: crashlab_mod.c:29 at crashlab_warn+0xc/0x20 [crashlab_mod], CPU#1: init/1
                Modules linked in: crashlab_mod(OE+) qemu_fw_cfg
                RIP: 0010:crashlab_warn+0xc/0x20 [crashlab_mod]
                Kernel panic - not syncing: kernel: panic_on_warn set ..."""));
        assertEquals(PanicClass.WARNING, warn7.panicClass());
        assertEquals("WARNING: crashlab_mod.c:29 at crashlab_warn+0xc/0x20 [crashlab_mod], CPU#1: init/1", warn7.evidence());
        assertEquals(new Classification.LogLocation("crashlab_warn", 0xc, 0x20, "crashlab_mod"), warn7.location());
    }

    @Test
    void sysrqGenericAndNone() {
        Classification s = PanicClassifier.classify(log("""
                sysrq: Trigger a crash
                Kernel panic - not syncing: sysrq triggered crash
                CPU: 0 PID: 1 Comm: init Kdump: loaded Not tainted 6.1.0-56-amd64 #1  Debian 6.1.192-2"""));
        assertEquals(PanicClass.SYSRQ, s.panicClass());
        assertEquals("sysrq: Trigger a crash", s.evidence());
        assertEquals(PanicClass.INIT_KILLED, PanicClassifier.classify(log(
                "Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100")).panicClass());
        assertEquals(PanicClass.PANIC, PanicClassifier.classify(log("Kernel panic - not syncing: something odd")).panicClass());
        Classification none = PanicClassifier.classify(log("systemd[1]: Started Journal Service."));
        assertEquals(PanicClass.UNKNOWN, none.panicClass());
        assertNull(none.panicMessage());
    }

    @Test
    void signatureIgnoresMachineryAndCompilerSuffixes() {
        List<String> a = List.of("machine_kexec", "__crash_kexec", "panic", "sysrq_handle_crash", "__handle_sysrq.cold",
                "write_sysrq_trigger", "proc_reg_write", "vfs_write");
        List<String> b = List.of("__crash_kexec", "panic", "sysrq_handle_crash", "__handle_sysrq", "write_sysrq_trigger",
                "proc_reg_write.isra.0", "vfs_write");
        assertEquals(List.of("sysrq_handle_crash", "__handle_sysrq", "write_sysrq_trigger", "proc_reg_write"), Signature.frames(a));
        assertEquals(Signature.of(PanicClass.SYSRQ, a), Signature.of(PanicClass.SYSRQ, b));
        assertEquals(16, Signature.of(PanicClass.SYSRQ, a).length());
        org.junit.jupiter.api.Assertions.assertNotEquals(Signature.of(PanicClass.SYSRQ, a), Signature.of(PanicClass.BUG, a));
    }
}
