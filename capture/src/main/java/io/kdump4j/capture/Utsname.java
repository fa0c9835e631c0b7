package io.kdump4j.capture;

import java.util.List;

/**
 * The six strings of the dumped kernel's {@code struct new_utsname}, as the kdump header stores
 * them (65 bytes each, NUL padded).
 */
public record Utsname(String sysname, String nodename, String release, String version, String machine,
        String domainname) {

    /** The fields in header order. */
    public List<String> fields() {
        return List.of(sysname, nodename, release, version, machine, domainname);
    }
}
