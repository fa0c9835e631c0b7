package io.kdump4j.kernel.unwind;

import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.KernelMemory;
import io.kdump4j.kernel.symbols.KernelSymbols;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * arm64 unwinding by the frame-record chain (the kernel is always built with frame pointers:
 * {@code CONFIG_FRAME_POINTER} is selected by arm64): x29 points at a 16-byte record
 * {@code {previous x29, x30 (return address)}}; the chain ends with a zero record (since Linux
 * 5.13, commit 7d7b720a4b80, the final record lives in the task's {@code pt_regs}). Return
 * addresses may carry pointer-authentication bits, removed with {@code KERNELPACMASK}
 * ({@link io.kdump4j.kernel.arch.Arch#stripPointer}).
 */
final class FramePointerUnwinder implements Unwinder {
    private final KernelDump dump;
    private final KernelMemory mem;
    private final KernelSymbols symbols;

    private FramePointerUnwinder(KernelDump dump) throws IOException {
        this.dump = dump;
        this.mem = dump.memory();
        this.symbols = KernelSymbols.of(dump);
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
            if (fp == 0 || (fp & 0xf) != 0 && (fp & 0x7) != 0) {
                break;
            }
            long next;
            long lr;
            try {
                next = mem.u64(fp);
                lr = dump.arch().stripPointer(mem.u64(fp + 8));
            } catch (IOException e) {
                frames.add(new Frame(0, fp, null, 0, 0, null, null, "unwinding stopped: " + e.getMessage()));
                break;
            }
            if (lr == 0) {
                break;
            }
            frames.add(Frames.frame(symbols, lr, fp + 16, null, null, true));
            if (next != 0 && Long.compareUnsigned(next, fp) <= 0) {
                break;
            }
            fp = next;
        }
        return frames;
    }
}
