package io.kdump4j.setup.load;

import io.kdump4j.setup.check.HostFiles;
import java.util.Optional;

/**
 * {@code kdump4j status}: is a capture kernel loaded, and how much memory is reserved, from
 * {@code /sys/kernel/kexec_crash_loaded} and {@code /sys/kernel/kexec_crash_size}.
 *
 * @param loaded        true/false, empty when the file is missing (no kexec in this kernel)
 * @param reservedBytes the reservation, -1 when unknown
 */
public record CaptureStatus(Optional<Boolean> loaded, long reservedBytes) {
    public static CaptureStatus read(HostFiles host) {
        Optional<Boolean> loaded = host.readLine("/sys/kernel/kexec_crash_loaded").map(s -> s.equals("1"));
        long size = host.readLine("/sys/kernel/kexec_crash_size").map(s -> {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return -1L;
            }
        }).orElse(-1L);
        return new CaptureStatus(loaded, size);
    }
}
