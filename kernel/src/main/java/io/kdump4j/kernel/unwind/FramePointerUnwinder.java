package io.kdump4j.kernel.unwind;

import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.KernelMemory;
import io.kdump4j.kernel.symbols.KernelSymbols;
import io.kdump4j.kernel.types.KernelTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * arm64 unwinding by the frame-record chain (the kernel is always built with frame pointers:
 * {@code CONFIG_FRAME_POINTER} is selected by arm64): x29 points at a 16-byte record
 * {@code {previous x29, x30 (return address)}}; the chain ends with a zero record (since Linux
 * 5.13, commit 7d7b720a4b80, the final record lives in the task's {@code pt_regs}). Return
 * addresses may carry pointer-authentication bits, removed with {@code KERNELPACMASK}
 * ({@link io.kdump4j.kernel.arch.Arch#stripPointer}).
 *
 * <p>Exception entries ({@code el1h_64_sync}, {@code el1h_64_irq}, {@code el0t_64_sync}, ...,
 * arch/arm64/kernel/entry.S) save a {@code struct pt_regs} and make its {@code stackframe}
 * member the next record, {@code {x29, ELR}}: so after a frame in an entry stub, the record
 * found is inside pt_regs, whose registers are shown with that frame, and the pc it gives is the
 * interrupted instruction itself rather than a return address. For an entry from user space
 * that record is the final, zero one.
 */
final class FramePointerUnwinder implements Unwinder {
    private static final Pattern ENTRY = Pattern.compile("el[01][ht]_(64|32)_(sync|irq|fiq|error)");
    /** {@code struct user_pt_regs}: x0..x30, sp, pc, pstate at the start of {@code struct pt_regs}. */
    private static final int USER_REGS = 34;

    private final KernelDump dump;
    private final KernelMemory mem;
    private final KernelSymbols symbols;
    private final long stackframeOffset;

    private FramePointerUnwinder(KernelDump dump) throws IOException {
        this.dump = dump;
        this.mem = dump.memory();
        this.symbols = KernelSymbols.of(dump);
        long off = -1;
        try {
            KernelTypes t = KernelTypes.of(dump);
            if (t.has("pt_regs", "stackframe")) {
                off = t.offset("pt_regs", "stackframe");
            }
        } catch (IOException e) {
            off = -1;
        }
        this.stackframeOffset = off;
    }

    static FramePointerUnwinder of(KernelDump k) throws IOException {
        return k.service(FramePointerUnwinder.class, FramePointerUnwinder::new);
    }

    @Override
    public List<Frame> unwind(Registers start, boolean returnAddress) throws IOException {
        List<Frame> frames = new ArrayList<>();
        long pc = dump.arch().stripPointer(start.get("pc"));
        long fp = start.get("x29");
        long sp = start.get("sp");
        frames.add(Frames.frame(symbols, pc, sp, null, null, returnAddress));
        while (frames.size() < MAX_FRAMES) {
            if (fp == 0 || (fp & 0x7) != 0) {
                break;
            }
            Frame last = frames.get(frames.size() - 1);
            boolean exception = stackframeOffset >= 0 && last.function() != null && ENTRY.matcher(last.function()).matches();
            Registers regs = null;
            long next;
            long lr;
            try {
                if (exception) {
                    regs = Registers.decode(mem.read(fp - stackframeOffset, 8 * USER_REGS), 0, Registers.AARCH64);
                    frames.set(frames.size() - 1, new Frame(last.pc(), last.sp(), last.function(), last.offset(),
                            last.size(), last.module(), regs, last.note()));
                }
                next = mem.u64(fp);
                lr = dump.arch().stripPointer(mem.u64(fp + 8));
            } catch (IOException e) {
                frames.add(new Frame(0, fp, null, 0, 0, null, null, "unwinding stopped: " + e.getMessage()));
                break;
            }
            if (lr == 0) {
                break;
            }
            // After an exception entry the record holds ELR: the interrupted pc, exact.
            frames.add(Frames.frame(symbols, lr, fp + 16, null, exception ? "exception" : null, !exception));
            if (next != 0 && Long.compareUnsigned(next, fp) <= 0) {
                break;
            }
            fp = next;
        }
        return frames;
    }
}
