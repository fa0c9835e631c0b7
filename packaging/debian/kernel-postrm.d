#!/bin/sh
# /etc/kernel/postrm.d/kdump4j: a kernel package was removed (argument: the release); remove the
# capture initramfs kdump4j built for it.
set -e
release="$1"
[ -n "$release" ] || exit 0
rm -f "/var/lib/kdump4j/initrd.img-$release"
exit 0
