#!/usr/bin/env bash
# Prepares the arm64 QEMU kdump cycle (scripts/e2e-arm64.sh, tests/e2e/README-arm64.md):
#  - installs qemu-system-arm (qemu-system-aarch64, software emulation), device-tree-compiler
#    (dtc: the independent reader of our device trees), binutils-aarch64-linux-gnu (objdump:
#    disassembles our purgatory in a test), e2fsprogs;
#  - enables the arm64 architecture in dpkg (qemu-user-static runs Debian's arm64 makedumpfile)
#    and fetches Debian 12's current arm64 kernel and busybox-static:arm64 with
#    scripts/fetch-kernel.sh into ~/.cache/kdump4j/kernels/<release>/ (vmlinuz, Image, config,
#    modules, busybox); KDUMP4J_E2E_ARM64_KERNEL="SUITE [SERIES] FLAVOUR" for another.
#  - fetches Debian 13's openjdk-25 arm64 jmods and libraries (scripts/setup-java-arm64.sh): Debian
#    12 packages only openjdk-17 for arm64, and the guests run kdump4j on Java 25.
# Idempotent. Prints the kernel directory on its last line.
set -euo pipefail
cache="${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}/kernels"
sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo

packages=(qemu-system-arm device-tree-compiler binutils-aarch64-linux-gnu e2fsprogs cpio)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
updated=
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $sudo dpkg --add-architecture arm64
  $sudo apt-get update -qq; updated=yes
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-e2e-arm64: installing ${missing[*]}" >&2
  [ -n "$updated" ] || { $sudo apt-get update -qq; updated=yes; }
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian 12's current 6.1 arm64 kernel and busybox-static:arm64, through scripts/fetch-kernel.sh.
dir=$("$(dirname "$0")/fetch-kernel.sh" ${KDUMP4J_E2E_ARM64_KERNEL:-bookworm 6.1 arm64} | tail -n 1)
release=$(basename "$dir")
ln -sfn "$release" "$cache/current-arm64"
"$(dirname "$0")/setup-java-arm64.sh" >/dev/null
echo "$dir"
