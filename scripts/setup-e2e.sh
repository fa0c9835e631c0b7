#!/usr/bin/env bash
# Prepares the QEMU kdump-cycle test (tests/e2e, setup module's KdumpCycleE2eTest):
#  - installs with apt what the cycle needs on the host: qemu-system-x86 (software emulation),
#    busybox-static (the capture initramfs' shell), cpio (to re-read our archives in tests),
#    e2fsprogs (mkfs.ext4 and debugfs for the dump disk), kmod (modinfo, to check our .modinfo reader);
#    for the arm64 tests: qemu-system-arm (QEMU virt's device tree, the arm64 cycle), device-tree-compiler
#    (dtc reads our device trees), binutils-aarch64-linux-gnu (disassembles our purgatory),
#    qemu-user-static (runs the purgatory and Debian's arm64 makedumpfile);
#  - fetches Debian 12's current 6.1 amd64 kernel (KDUMP4J_E2E_KERNEL="SUITE [SERIES] FLAVOUR" for
#    another) with scripts/fetch-kernel.sh into ~/.cache/kdump4j/kernels/<release>/ (outside the
#    work tree) and points kernels/current at it.
# Idempotent: a second run only checks. Prints the kernel directory on its last line.
set -euo pipefail
cache="${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}/kernels"
sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo

packages=(qemu-system-x86 busybox-static cpio e2fsprogs xz-utils kmod
          qemu-system-arm device-tree-compiler binutils-aarch64-linux-gnu qemu-user-static)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-e2e: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The kernel of the cycle: Debian 12's default series (the host's linux-image-amd64), the newest
# release of it, through scripts/fetch-kernel.sh (the one way kernels are fetched).
dir=$("$(dirname "$0")/fetch-kernel.sh" ${KDUMP4J_E2E_KERNEL:-bookworm 6.1 amd64} | tail -n 1)
release=$(basename "$dir")
ln -sfn "$release" "$cache/current"
echo "$dir"
