package io.kdump4j.setup.kexec;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The FFM call itself, on this machine's kernel, with a plan the kernel must refuse (a segment
 * and entry at physical 0, outside any crashkernel= reservation): the call must come back as a
 * KexecException carrying the errno and its advice, never a crash or an unchecked exception.
 */
class KexecLoadSyscallTest {
    @Test
    void refusedLoadIsAnExplainedException() throws Exception {
        String arch = System.getProperty("os.arch").equals("aarch64") ? "aarch64" : "x86_64";
        KexecLoadSyscall k = new KexecLoadSyscall(arch);
        var e = assertThrows(KexecException.class,
                () -> k.load(0, List.of(new KexecSegment("probe", new byte[16], 0, 4096)), true));
        // EPERM without CAP_SYS_BOOT (containers, non-root), EADDRNOTAVAIL/EINVAL as root,
        // ENOSYS without CONFIG_KEXEC.
        assertTrue(Set.of(1, 22, 38, 99).contains(e.errno()), e.getMessage());
        assertTrue(e.getMessage().startsWith("kexec_load(1 segments, entry 0x0) failed: "), e.getMessage());
        assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
    }

    @Test
    void segmentCountIsCheckedBeforeTheCall() throws Exception {
        KexecLoadSyscall k = new KexecLoadSyscall("x86_64");
        assertThrows(KexecException.class, () -> k.load(0, List.of(), true));
        assertTrue(k.flags(true) == (1 | 62L << 16));
        assertTrue(new KexecLoadSyscall("aarch64").flags(true) == 0xb70001L);
    }
}
