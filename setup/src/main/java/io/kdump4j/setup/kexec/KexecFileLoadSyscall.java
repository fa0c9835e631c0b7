package io.kdump4j.setup.kexec;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Crosses into the kernel: {@code kexec_file_load(2)} through libc's variadic
 * {@code long syscall(long number, ...)}, since glibc has no wrapper for it. Every argument is
 * passed as a 64-bit value (the kernel reads full registers; an int in a variadic slot would
 * leave the upper half unspecified), and errno is captured by the linker right after the call,
 * before the JVM can overwrite it.
 *
 * <pre>
 * long kexec_file_load(int kernel_fd, int initrd_fd, unsigned long cmdline_len,
 *                      const char *cmdline, unsigned long flags);
 * </pre>
 * {@code cmdline_len} counts the trailing NUL (kernel/kexec_file.c copies exactly that many
 * bytes and checks the last is NUL).
 */
public final class KexecFileLoadSyscall {
    /** include/uapi/linux/kexec.h. */
    public static final long KEXEC_FILE_UNLOAD = 0x1;
    public static final long KEXEC_FILE_ON_CRASH = 0x2;
    public static final long KEXEC_FILE_NO_INITRAMFS = 0x4;

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000; // 02000000 octal, same on x86_64 and arm64

    private final long number;
    private final MethodHandle syscall;
    private final MethodHandle open;
    private final MethodHandle close;
    private final StructLayout stateLayout = Linker.Option.captureStateLayout();
    private final VarHandle errnoHandle = stateLayout.varHandle(StructLayout.PathElement.groupElement("errno"));

    /** The system call for {@code arch} ("x86_64": 320; "aarch64": 294, from the asm-generic table). */
    public KexecFileLoadSyscall(String arch) throws KexecException {
        this.number = switch (arch) {
            case "x86_64" -> 320;
            case "aarch64" -> 294;
            default -> throw new KexecException("kexec_file_load: architecture " + arch + " is not supported");
        };
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        MemorySegment sys = libc.find("syscall").orElseThrow(() -> new KexecException("libc has no syscall()"));
        syscall = linker.downcallHandle(sys, FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1), errno);
        open = linker.downcallHandle(libc.find("open").orElseThrow(() -> new KexecException("libc has no open()")),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                Linker.Option.firstVariadicArg(2), errno);
        close = linker.downcallHandle(libc.find("close").orElseThrow(() -> new KexecException("libc has no close()")),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    /**
     * Loads {@code kernel} (and {@code initrd}, may be null) with {@code cmdline} as the capture
     * kernel (crash = true) or the kernel for the next {@code kexec -e} style reboot.
     */
    public void load(Path kernel, Path initrd, String cmdline, boolean crash) throws KexecException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(stateLayout);
            int kfd = openFile(arena, state, kernel);
            int ifd = -1;
            try {
                if (initrd != null) {
                    ifd = openFile(arena, state, initrd);
                }
                byte[] line = cmdline.getBytes(StandardCharsets.US_ASCII);
                MemorySegment c = arena.allocate(line.length + 1L);
                c.copyFrom(MemorySegment.ofArray(line));
                c.set(ValueLayout.JAVA_BYTE, line.length, (byte) 0);
                long flags = (crash ? KEXEC_FILE_ON_CRASH : 0) | (initrd == null ? KEXEC_FILE_NO_INITRAMFS : 0);
                long rc = (long) syscall.invokeExact(state, number, (long) kfd, (long) ifd, line.length + 1L, c, flags);
                if (rc != 0) {
                    throw new KexecException("kexec_file_load(" + kernel + ", " + initrd + ")", errno(state));
                }
            } finally {
                closeQuietly(ifd);
                closeQuietly(kfd);
            }
        } catch (KexecException e) {
            throw e;
        } catch (Throwable t) {
            throw new KexecException("kexec_file_load: the native call failed: " + t);
        }
    }

    /** Unloads the capture kernel (crash = true) or the normal kexec kernel. */
    public void unload(boolean crash) throws KexecException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(stateLayout);
            long flags = KEXEC_FILE_UNLOAD | (crash ? KEXEC_FILE_ON_CRASH : 0);
            long rc = (long) syscall.invokeExact(state, number, -1L, -1L, 0L, MemorySegment.NULL, flags);
            if (rc != 0) {
                throw new KexecException("kexec_file_load(unload)", errno(state));
            }
        } catch (KexecException e) {
            throw e;
        } catch (Throwable t) {
            throw new KexecException("kexec_file_load: the native call failed: " + t);
        }
    }

    private int openFile(Arena arena, MemorySegment state, Path file) throws Throwable {
        MemorySegment name = arena.allocateFrom(file.toString());
        int fd = (int) open.invokeExact(state, name, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            throw new KexecException("open(" + file + ")", errno(state));
        }
        return fd;
    }

    private void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                int ignored = (int) close.invokeExact(fd);
            } catch (Throwable t) {
                // Closing a read-only descriptor cannot lose data; nothing to report.
            }
        }
    }

    private int errno(MemorySegment state) {
        return (int) errnoHandle.get(state, 0L);
    }
}
