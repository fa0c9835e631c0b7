/**
 * Reserving crash kernel memory through the boot loader a machine really uses (GRUB,
 * u-boot-menu, flash-kernel, systemd-boot/kernel-install), all under an injectable root: the
 * edit that adds {@code crashkernel=} and the one that takes exactly it away again.
 */
package io.kdump4j.setup.boot;
