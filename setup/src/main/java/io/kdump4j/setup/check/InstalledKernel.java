package io.kdump4j.setup.check;

import java.nio.file.Path;
import java.util.List;

/**
 * Where an installed kernel keeps its files, found on the file system rather than assumed from
 * the distribution: Debian up to 13 installs {@code /boot/vmlinuz-<release>} and
 * {@code /boot/config-<release>}; Debian 14 (sid, experimental: the split linux-binary-/
 * linux-modules- packages) ships them as {@code /usr/lib/modules/<release>/vmlinuz} and
 * {@code .../config} and leaves /boot to the boot loader hooks, which may not copy them. The
 * modules are under {@code /lib/modules/<release>}, which merged-/usr systems (Debian 13 on)
 * reach through the {@code /lib -> usr/lib} link; without the link only the /usr path exists.
 *
 * @param host     the machine's files (the real root, or a test tree)
 * @param release  the kernel release, as {@code uname -r} prints it
 */
public record InstalledKernel(HostFiles host, String release) {
    public static InstalledKernel of(String release) {
        return new InstalledKernel(HostFiles.live(), release);
    }

    /** The bootable kernel image: {@code /boot/vmlinuz-<release>}, else the modules folder's vmlinuz. */
    public Path vmlinuz() {
        return first("/boot/vmlinuz-" + release, "/usr/lib/modules/" + release + "/vmlinuz",
                "/lib/modules/" + release + "/vmlinuz");
    }

    /** The build configuration: {@code /boot/config-<release>}, else the modules folder's config. */
    public Path config() {
        return first("/boot/config-" + release, "/usr/lib/modules/" + release + "/config",
                "/lib/modules/" + release + "/config");
    }

    /** The module tree: {@code /lib/modules/<release>}, else {@code /usr/lib/modules/<release>}. */
    public Path modules() {
        return first("/lib/modules/" + release, "/usr/lib/modules/" + release);
    }

    /** The machine path of the candidates' first existing file; the first candidate when none exists. */
    private Path first(String... candidates) {
        for (String c : candidates) {
            if (host.exists(c)) {
                return host.path(c);
            }
        }
        return host.path(List.of(candidates).getFirst());
    }
}
