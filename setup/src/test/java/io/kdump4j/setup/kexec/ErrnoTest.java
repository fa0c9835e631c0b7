package io.kdump4j.setup.kexec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** errno numbers against the system's own headers, and advice; the real system call where safe. */
class ErrnoTest {
    /** Every number we map agrees with the kernel's uapi headers (linux-libc-dev). */
    @Test
    void numbersMatchLinuxHeaders() throws IOException {
        Path base = Path.of("/usr/include/asm-generic/errno-base.h");
        Path more = Path.of("/usr/include/asm-generic/errno.h");
        Assumptions.assumeTrue(Files.exists(base) && Files.exists(more), "linux-libc-dev headers are not installed");
        String text = Files.readString(base) + Files.readString(more);
        for (Errno e : Errno.values()) {
            String def = text.lines().filter(l -> l.matches("#define\\s+" + e.name() + "\\s+\\d+.*")).findFirst()
                    .orElseThrow(() -> new AssertionError(e + " not in the headers"));
            assertEquals(Integer.parseInt(def.split("\\s+")[2]), e.value(), e.name());
        }
    }

    @Test
    void advice() {
        assertTrue(Errno.describe(12).contains("crashkernel="));
        assertTrue(Errno.describe(129).startsWith("EKEYREJECTED (129)"));
        assertTrue(Errno.describe(38).contains("CONFIG_KEXEC_FILE"));
        assertTrue(Errno.describe(1).contains("root"));
        assertEquals("errno 4242", Errno.describe(4242));
        assertEquals(Errno.EBUSY, Errno.of(16));
        // What the guest's kexec_file_load answered at crashkernel=64M (tests/e2e/README.md).
        assertTrue(Errno.describe(99).startsWith("EADDRNOTAVAIL (99)") && Errno.describe(99).contains("crashkernel="));
    }

    /**
     * The real system call on this machine with a file that is not a kernel: the kernel answers
     * with an errno (EPERM when not root or lockdown, ENOSYS without KEXEC_FILE, ENOEXEC or
     * EINVAL otherwise) and we report it; nothing is loaded either way.
     */
    @Test
    void realSyscallRefusesANonKernel(@TempDir Path tmp) throws IOException {
        Path notKernel = tmp.resolve("not-a-kernel");
        Files.write(notKernel, new byte[4096]);
        KexecFileLoadSyscall k = new KexecFileLoadSyscall("x86_64");
        KexecException e = assertThrows(KexecException.class, () -> k.load(notKernel, null, "console=ttyS0", true));
        Assumptions.assumeTrue(System.getProperty("os.arch").equals("amd64"), "the system call number used is x86_64's");
        assertTrue(List.of(Errno.EPERM, Errno.ENOEXEC, Errno.EINVAL, Errno.ENOSYS).contains(Errno.of(e.errno())), e.getMessage());
        assertTrue(e.getMessage().contains("kexec_file_load(" + notKernel), e.getMessage());
        KexecException missing = assertThrows(KexecException.class, () -> k.load(tmp.resolve("none"), null, "", true));
        assertEquals(2, missing.errno(), missing.getMessage());
    }
}
