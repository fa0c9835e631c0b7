package io.kdump4j.setup.check;

import io.kdump4j.setup.initramfs.InitramfsFreshness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a capture depends on besides the running kernel (issue 13): the capture kernel image and
 * initramfs there and current, and kdump4j-load.service enabled so that a boot loads them.
 */
public final class CapturePath {
    private CapturePath() {
    }

    /**
     * The findings for the config's {@code kernel} and {@code initrd} of this release.
     *
     * @param inputs what the initramfs is made from ({@link InitramfsFreshness#inputs}), to tell it stale
     */
    public static List<Finding> check(HostFiles host, Path kernel, Path initrd, List<Path> inputs) throws IOException {
        List<Finding> out = new ArrayList<>();
        Path k = host.path(kernel.toString());
        out.add(Files.isRegularFile(k) ? Finding.ok("capture.kernel", kernel.toString())
                : new Finding("capture.kernel", Severity.FAIL, kernel + ": does not exist",
                        "kdump4j load has no capture kernel to load", "install the kernel package, or set kernel = in the config"));
        Path i = host.path(initrd.toString());
        Optional<String> stale = InitramfsFreshness.staleBecause(i, inputs);
        if (!Files.isRegularFile(i)) {
            out.add(new Finding("capture.initrd", Severity.FAIL, initrd + ": does not exist",
                    "kdump4j load has no capture initramfs", "kdump4j enable (or kdump4j initramfs)"));
        } else if (stale.isPresent()) {
            out.add(new Finding("capture.initrd", Severity.WARNING, stale.get(),
                    "the loaded initramfs may not follow the config or the kernel's modules",
                    "kdump4j load rebuilds it (the unit does at boot); by hand: kdump4j initramfs"));
        } else {
            out.add(Finding.ok("capture.initrd", initrd + ": newer than the config, kdump4j and the modules"));
        }
        boolean enabled = host.exists("/etc/systemd/system/multi-user.target.wants/kdump4j-load.service");
        out.add(enabled ? Finding.ok("unit.enabled", "kdump4j-load.service is enabled")
                : new Finding("unit.enabled", Severity.WARNING, "kdump4j-load.service is not enabled",
                        "after the next boot no capture kernel is loaded until someone runs kdump4j load",
                        "kdump4j enable (or systemctl enable kdump4j-load.service)"));
        return out;
    }
}
