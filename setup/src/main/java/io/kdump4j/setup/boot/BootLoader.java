package io.kdump4j.setup.boot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A boot loader kdump4j can give a kernel parameter to, the way its Debian package expects,
 * so that the parameter survives kernel upgrades (a U-Boot {@code saveenv} does not: u-boot-menu
 * and flash-kernel rewrite the boot script on the next kernel).
 */
public sealed interface BootLoader permits Grub, DefaultsFile, KernelInstall {
    /** The marker that ends every line kdump4j adds to a shared file. */
    String MARK = "# added by kdump4j enable; kdump4j disable removes it";

    /** Its name as its Debian package has it, e.g. {@code grub}, {@code u-boot-menu}. */
    String name();

    /** The file that holds kdump4j's parameter. */
    Path file();

    /** The edit that adds {@code param} (e.g. {@code crashkernel=384M}) for every kernel. */
    FileEdit add(String param) throws IOException;

    /** The edit that removes what {@link #add} added; {@code before} is the file's text before it (null: absent). */
    FileEdit remove(String before) throws IOException;

    /** The commands that regenerate the boot configuration, run after either edit. */
    List<List<String>> update(List<String> releases);
}
