/**
 * The capture initramfs: our own cpio newc writer, gzip/zstd framing, busybox with its applet
 * links, kernel modules with dependencies resolved from their own {@code .modinfo}, a jlink'd
 * Java runtime with kdump4j, and the {@code /init} script that saves the dump.
 */
package io.kdump4j.setup.initramfs;
