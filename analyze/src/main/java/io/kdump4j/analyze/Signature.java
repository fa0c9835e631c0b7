package io.kdump4j.analyze;

import io.kdump4j.kernel.unwind.Frame;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * A crash signature for de-duplication: the panic class and the top meaningful frames (function
 * names only: no addresses, offsets or KASLR), hashed. Frames of the crash machinery (kexec,
 * panic, stack dumping, exception entry and fault handling) are skipped so that the same bug
 * reached through a NULL dereference or a BUG() on two kernels of one build gives one signature;
 * compiler suffixes ({@code .cold}, {@code .isra.0}, {@code .constprop.0}, {@code .part.0}) are
 * removed because they change between builds.
 */
public final class Signature {
    /** How many meaningful frames make the signature. */
    public static final int FRAMES = 4;

    private static final Set<String> MACHINERY = Set.of("machine_kexec", "__crash_kexec", "crash_kexec", "panic",
            "vpanic", "nmi_panic", "dump_stack", "dump_stack_lvl", "show_stack", "dump_backtrace", "__warn",
            "warn_slowpath_fmt", "report_bug", "handle_bug", "exc_invalid_op", "asm_exc_invalid_op", "die", "__die",
            "__die_body", "die_addr", "oops_end", "do_trap", "do_error_trap", "page_fault_oops",
            "kernelmode_fixup_or_oops", "__bad_area_nosemaphore", "bad_area_nosemaphore", "do_user_addr_fault",
            "exc_page_fault", "asm_exc_page_fault", "exc_general_protection", "asm_exc_general_protection",
            "die_kernel_fault", "__do_kernel_fault", "do_page_fault", "do_translation_fault", "do_mem_abort",
            "el1_abort", "el1h_64_sync_handler", "el1h_64_sync", "bug_handler", "brk_handler", "do_debug_exception",
            "el1_dbg", "arm64_notify_die", "crash_setup_regs", "crash_save_cpu", "__crash_shutdown_handler",
            "nmi_handle", "default_do_nmi", "exc_nmi", "end_repeat_nmi", "crash_nmi_callback",
            // Busy-wait helpers: where a spinning CPU happens to be, never why it spins.
            "delay_tsc", "delay_loop", "__delay", "__const_udelay", "__udelay", "__ndelay", "udelay", "mdelay",
            "cpu_relax");

    /** The scheduler's own frames on top of every sleeping task's stack. */
    private static final Set<String> SCHEDULER = Set.of("__schedule", "schedule", "schedule_timeout",
            "schedule_preempt_disabled", "io_schedule", "io_schedule_timeout", "schedule_hrtimeout_range_clock",
            "schedule_hrtimeout_range", "__switch_to", "__switch_to_asm", "preempt_schedule_common",
            "preempt_schedule", "cpu_switch_to");

    private Signature() {
    }

    /** A sleeping task's frames without the scheduler's frames on top. */
    public static List<Frame> afterScheduler(List<Frame> frames) {
        int i = 0;
        while (i < frames.size() && (frames.get(i).function() == null
                || SCHEDULER.contains(normalize(frames.get(i).function())))) {
            i++;
        }
        return frames.subList(i, frames.size());
    }

    /** A function name without the compiler's clone suffixes. */
    public static String normalize(String function) {
        String f = function;
        int dot = f.indexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }

    /** Whether a frame belongs to the crash machinery rather than to the code that crashed. */
    public static boolean machinery(String function) {
        return function == null || MACHINERY.contains(normalize(function));
    }

    /**
     * The index of the first frame that can be meaningful: everything up to the innermost
     * {@code panic()} (or {@code vpanic}/{@code nmi_panic}) is what panic itself ran (kexec,
     * the delay loop a QEMU dump may catch it in, interrupt entry), so frames start after it.
     */
    public static int start(List<String> functions) {
        for (int i = 0; i < functions.size(); i++) {
            String f = functions.get(i) == null ? "" : normalize(functions.get(i));
            if (f.equals("panic") || f.equals("vpanic") || f.equals("nmi_panic")) {
                return i + 1;
            }
        }
        return 0;
    }

    /**
     * Where the frames that explain a crash begin: after panic(), and if an exception or
     * interrupt frame follows (an Oops' faulting instruction, a watchdog interrupt over a
     * spinning CPU), at the interrupted context, because what ran between (the fault handler,
     * the timer interrupt) is the same for every crash of the kind.
     */
    public static int meaningfulStart(List<Frame> frames) {
        List<String> names = new ArrayList<>(frames.size());
        for (Frame f : frames) {
            names.add(f.function());
        }
        int from = start(names);
        for (int i = from; i < frames.size(); i++) {
            if ("exception".equals(frames.get(i).note())) {
                return i;
            }
        }
        return from;
    }

    /** The normalized meaningful frames (at most {@link #FRAMES}). */
    public static List<String> frames(List<String> functions) {
        List<String> out = new ArrayList<>();
        for (String f : functions.subList(start(functions), functions.size())) {
            if (machinery(f)) {
                continue;
            }
            out.add(normalize(f));
            if (out.size() == FRAMES) {
                break;
            }
        }
        return out;
    }

    /** 16 hex digits of SHA-256 over "class|f1|f2|...". */
    public static String of(PanicClass cls, List<String> functions) {
        StringBuilder sb = new StringBuilder(cls.id());
        for (String f : frames(functions)) {
            sb.append('|').append(f);
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
