package io.kdump4j.kernel;

/**
 * The kernel's {@code struct new_utsname} (six {@code char[65]} fields), as {@code uname} shows it.
 *
 * @param sysname "Linux"
 * @param nodename the host name
 * @param release {@code uname -r}, equal to VMCOREINFO's OSRELEASE
 * @param version {@code uname -v}: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)"
 * @param machine {@code uname -m}
 * @param domainname the NIS domain name, usually "(none)"
 */
public record Utsname(String sysname, String nodename, String release, String version, String machine,
        String domainname) {
    /** {@code __NEW_UTS_LEN + 1}: the size of each field. */
    public static final int FIELD_SIZE = 65;
    /** {@code sizeof(struct new_utsname)}. */
    public static final int SIZE = 6 * FIELD_SIZE;

    static Utsname decode(byte[] b, int off) {
        return new Utsname(KernelMemory.cString(b, off, FIELD_SIZE),
                KernelMemory.cString(b, off + FIELD_SIZE, FIELD_SIZE),
                KernelMemory.cString(b, off + 2 * FIELD_SIZE, FIELD_SIZE),
                KernelMemory.cString(b, off + 3 * FIELD_SIZE, FIELD_SIZE),
                KernelMemory.cString(b, off + 4 * FIELD_SIZE, FIELD_SIZE),
                KernelMemory.cString(b, off + 5 * FIELD_SIZE, FIELD_SIZE));
    }
}
