#!/bin/sh
# /etc/kernel/postinst.d/kdump4j: a kernel package was installed or upgraded (arguments: the
# release, the image). When kdump4j is enabled (`kdump4j enable` enabled kdump4j-load.service),
# build that kernel's capture initramfs now, so that the next boot into it loads a capture kernel.
set -e
release="$1"
[ -n "$release" ] || exit 0
[ -x /usr/bin/kdump4j ] || exit 0
systemctl is-enabled --quiet kdump4j-load.service 2>/dev/null || exit 0
echo "kdump4j: building the capture initramfs for $release" >&2
# A failure must not fail the kernel's installation: `kdump4j check` and the unit report it.
/usr/bin/kdump4j initramfs --kernel-release "$release" >&2 \
  || echo "kdump4j: could not build the capture initramfs for $release (run kdump4j check)" >&2
exit 0
