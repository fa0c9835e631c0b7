package io.kdump4j.kernel.unwind;

import io.kdump4j.format.Note;
import io.kdump4j.format.io.Bytes;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.KernelMemory;
import io.kdump4j.kernel.arch.Aarch64;
import io.kdump4j.kernel.symbols.KernelSymbols;
import io.kdump4j.kernel.symbols.Symbol;
import io.kdump4j.kernel.types.KObject;
import io.kdump4j.kernel.types.KernelTypes;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kernel stacks of a dump: where to start (the CPUs' NT_PRSTATUS registers, a sleeping task's
 * saved context) and the architecture's unwinder (ORC on x86_64, frame records on arm64).
 */
public final class Stacks {
    /** {@code offsetof(struct elf_prstatus, pr_reg)} on both 64-bit architectures. */
    private static final int PR_REG = 112;
    /** {@code offsetof(struct elf_prstatus, pr_pid)}. */
    private static final int PR_PID = 32;
    /** How far below the saved stack pointer the panicking CPU's last call is searched for. */
    private static final int KEXEC_SCAN = 512;

    private final KernelDump dump;

    private Stacks(KernelDump dump) {
        this.dump = dump;
    }

    public static Stacks of(KernelDump k) throws IOException {
        return k.service(Stacks.class, Stacks::new);
    }

    /** One CPU's NT_PRSTATUS: the PID it ran and its registers when it stopped. */
    public record CpuState(int cpu, int pid, Registers regs) {
    }

    /**
     * The NT_PRSTATUS notes in order. The capture kernel's {@code /proc/vmcore} and makedumpfile
     * keep one note per online CPU in CPU order ({@code crash_notes} is per-CPU and read for
     * each online CPU), so the index is taken as the CPU number.
     */
    public List<CpuState> cpuStates() {
        List<CpuState> out = new ArrayList<>();
        boolean x86 = !(dump.arch() instanceof Aarch64);
        List<String> names = x86 ? Registers.X86_64 : Registers.AARCH64;
        for (Note n : dump.dump().notes()) {
            if (!n.is("CORE", Note.NT_PRSTATUS) || n.desc().length < PR_REG + 8 * names.size()) {
                continue;
            }
            int pid = Bytes.s32(n.desc(), PR_PID, ByteOrder.LITTLE_ENDIAN);
            out.add(new CpuState(out.size(), pid, Registers.decode(n.desc(), PR_REG, names)));
        }
        return out;
    }

    /** The architecture's unwinder. */
    public Unwinder unwinder() throws IOException {
        return dump.arch() instanceof Aarch64 ? FramePointerUnwinder.of(dump) : OrcUnwinder.of(dump);
    }

    /** The stack of a CPU from its NT_PRSTATUS registers. */
    public List<Frame> cpuStack(CpuState cpu, boolean panicking) throws IOException {
        List<Frame> frames = new ArrayList<>();
        if (panicking) {
            kexecFrame(cpu.regs()).ifPresent(frames::add);
        }
        frames.addAll(unwinder().unwind(cpu.regs()));
        return frames;
    }

    /**
     * The frame of {@code machine_kexec} that the panicking CPU went on to run after
     * {@code crash_setup_regs()} saved its registers in {@code __crash_kexec}: its return address
     * into {@code machine_kexec} is still on the stack just below the saved stack pointer (crash
     * shows this frame as #0 too). Empty when not found.
     */
    private Optional<Frame> kexecFrame(Registers regs) throws IOException {
        KernelSymbols syms = KernelSymbols.of(dump);
        Optional<Symbol> mk = syms.lookup("machine_kexec");
        if (mk.isEmpty() || mk.get().size() == 0) {
            return Optional.empty();
        }
        long sp = regs.get("sp");
        byte[] below;
        try {
            below = dump.memory().read(sp - KEXEC_SCAN, KEXEC_SCAN);
        } catch (IOException e) {
            return Optional.empty();
        }
        long lo = mk.get().address();
        long hi = lo + mk.get().size();
        for (int off = KEXEC_SCAN - 8; off >= 0; off -= 8) {
            long v = dump.arch().stripPointer(Bytes.s64(below, off, ByteOrder.LITTLE_ENDIAN));
            if (v > lo && v < hi) {
                return Optional.of(Frames.frame(syms, v, sp - KEXEC_SCAN + off, null, "found on the stack", true));
            }
        }
        return Optional.empty();
    }

    /**
     * The registers a sleeping task resumes with. x86_64: {@code thread.sp} points at the
     * {@code struct inactive_task_frame} that {@code __switch_to_asm} pushed (callee-saved
     * registers, {@code bp}, then the return address into {@code __schedule}); the caller's sp
     * is just above it. arm64: {@code thread.cpu_context} holds x19..x28, fp, sp, pc.
     */
    public Registers savedRegisters(long task) throws IOException {
        KernelTypes types = KernelTypes.of(dump);
        KernelMemory m = dump.memory();
        KObject t = KObject.of(types, "task_struct", task);
        Map<String, Long> r = new LinkedHashMap<>();
        if (dump.arch() instanceof Aarch64) {
            KObject ctx = t.member("thread.cpu_context");
            r.put("x29", ctx.member("fp").value());
            r.put("sp", ctx.member("sp").value());
            r.put("pc", ctx.member("pc").value());
            return new Registers(r);
        }
        long sp = t.member("thread.sp").value();
        long frameSize = types.struct("inactive_task_frame").isPresent() ? types.sizeOf("inactive_task_frame") : 7 * 8;
        long bpOff = types.struct("inactive_task_frame").isPresent() ? types.offset("inactive_task_frame", "bp") : 5 * 8;
        long retOff = types.struct("inactive_task_frame").isPresent() ? types.offset("inactive_task_frame", "ret_addr") : 6 * 8;
        r.put("ip", m.u64(sp + retOff));
        r.put("sp", sp + frameSize);
        r.put("bp", m.u64(sp + bpOff));
        return new Registers(r);
    }

    /** The stack of a task that was not running: unwound from its saved context. */
    public List<Frame> taskStack(long task) throws IOException {
        // The saved pc is a return address (into __schedule / after cpu_switch_to), not an exact pc.
        return unwinder().unwind(savedRegisters(task), true);
    }
}
