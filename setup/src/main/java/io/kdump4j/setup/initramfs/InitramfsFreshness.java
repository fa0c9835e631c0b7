package io.kdump4j.setup.initramfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;

/**
 * Whether a capture initramfs is older than what it was made from (kdumpctl's "rebuild when the
 * config is newer"): kdump4j's config, kdump4j itself (its jars) and the kernel's modules
 * ({@code modules.dep}, rewritten by depmod whenever modules change).
 */
public final class InitramfsFreshness {
    private InitramfsFreshness() {
    }

    /** Why {@code initrd} must be rebuilt, or empty when it is newer than every input that exists. */
    public static Optional<String> staleBecause(Path initrd, List<Path> inputs) throws IOException {
        if (!Files.isRegularFile(initrd)) {
            return Optional.of(initrd + " does not exist");
        }
        FileTime built = Files.getLastModifiedTime(initrd);
        for (Path p : inputs) {
            if (Files.exists(p) && Files.getLastModifiedTime(p).compareTo(built) > 0) {
                return Optional.of(p + " is newer than " + initrd);
            }
        }
        return Optional.empty();
    }

    /** The inputs of the initramfs for {@code release}: config, kdump4j's jars, the release's modules.dep. */
    public static List<Path> inputs(Path config, List<Path> jars, Path modulesDir) {
        List<Path> in = new java.util.ArrayList<>(List.of(config, modulesDir.resolve("modules.dep")));
        in.addAll(jars);
        return in;
    }
}
