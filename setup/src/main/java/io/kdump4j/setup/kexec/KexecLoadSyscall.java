package io.kdump4j.setup.kexec;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * Crosses into the kernel: {@code kexec_load(2)} through libc's variadic {@code syscall()}, for
 * kernels without kexec_file_load (Debian's arm64 6.1 has no CONFIG_KEXEC_FILE) or that refuse
 * it. Unlike kexec_file_load, user space hands over ready-made segments — here the kernel
 * Image, the initramfs, the device tree, the ELF core header and the purgatory, planned by
 * {@code io.kdump4j.setup.load.Arm64CapturePlan}.
 *
 * <pre>
 * long kexec_load(unsigned long entry, unsigned long nr_segments,
 *                 struct kexec_segment *segments, unsigned long flags);
 * </pre>
 * Numbers: 246 on x86_64, 104 on arm64 (asm-generic). Flags: KEXEC_ON_CRASH (1) and the
 * architecture in bits 16-31 (KEXEC_ARCH_AARCH64 = 183 &lt;&lt; 16, KEXEC_ARCH_X86_64 = 62 &lt;&lt; 16; 0 means
 * "this machine"). At most KEXEC_SEGMENT_MAX = 16 segments. Unloading is a call with no
 * segments.
 */
public final class KexecLoadSyscall {
    public static final long KEXEC_ON_CRASH = 0x1;
    public static final int KEXEC_SEGMENT_MAX = 16;

    private final long number;
    private final long archFlag;
    private final MethodHandle syscall;
    private final StructLayout stateLayout = Linker.Option.captureStateLayout();
    private final VarHandle errnoHandle = stateLayout.varHandle(StructLayout.PathElement.groupElement("errno"));

    public KexecLoadSyscall(String arch) throws KexecException {
        switch (arch) {
            case "x86_64" -> {
                number = 246;
                archFlag = 62L << 16;
            }
            case "aarch64" -> {
                number = 104;
                archFlag = 183L << 16;
            }
            default -> throw new KexecException("kexec_load: architecture " + arch + " is not supported");
        }
        Linker linker = Linker.nativeLinker();
        MemorySegment sys = linker.defaultLookup().find("syscall")
                .orElseThrow(() -> new KexecException("libc has no syscall()"));
        syscall = linker.downcallHandle(sys, FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    }

    /** The flags word for a crash (capture) or normal kexec image. */
    public long flags(boolean crash) {
        return archFlag | (crash ? KEXEC_ON_CRASH : 0);
    }

    /** Loads the segments; the crashing kernel will jump to {@code entry} (a physical address). */
    public void load(long entry, List<KexecSegment> segments, boolean crash) throws KexecException {
        if (segments.isEmpty() || segments.size() > KEXEC_SEGMENT_MAX) {
            throw new KexecException("kexec_load: " + segments.size() + " segments; 1 to " + KEXEC_SEGMENT_MAX
                    + " are allowed");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(stateLayout);
            MemorySegment table = arena.allocate(32L * segments.size(), 8);
            for (int i = 0; i < segments.size(); i++) {
                KexecSegment s = segments.get(i);
                MemorySegment buf = arena.allocate(Math.max(1, s.bytes().length), 4096);
                MemorySegment.copy(s.bytes(), 0, buf, ValueLayout.JAVA_BYTE, 0, s.bytes().length);
                long at = 32L * i;
                table.set(ValueLayout.ADDRESS, at, buf);
                table.set(ValueLayout.JAVA_LONG, at + 8, s.bytes().length);
                table.set(ValueLayout.JAVA_LONG, at + 16, s.mem());
                table.set(ValueLayout.JAVA_LONG, at + 24, s.memsz());
            }
            long rc = (long) syscall.invokeExact(state, number, entry, (long) segments.size(), table, flags(crash));
            if (rc != 0) {
                int errno = (int) errnoHandle.get(state, 0L);
                throw KexecException.explained("kexec_load(" + segments.size() + " segments, entry 0x"
                        + Long.toHexString(entry) + ") failed: " + KexecLoadErrno.describe(errno), errno);
            }
        } catch (KexecException e) {
            throw e;
        } catch (Throwable t) {
            throw new KexecException("kexec_load: the native call failed: " + t);
        }
    }

    /** Unloads the capture kernel (crash = true) or the normal kexec kernel. */
    public void unload(boolean crash) throws KexecException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(stateLayout);
            long rc = (long) syscall.invokeExact(state, number, 0L, 0L, MemorySegment.NULL, flags(crash));
            if (rc != 0) {
                int errno = (int) errnoHandle.get(state, 0L);
                throw KexecException.explained("kexec_load(unload) failed: " + KexecLoadErrno.describe(errno), errno);
            }
        } catch (KexecException e) {
            throw e;
        } catch (Throwable t) {
            throw new KexecException("kexec_load: the native call failed: " + t);
        }
    }
}
