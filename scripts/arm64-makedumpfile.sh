#!/usr/bin/env bash
# Runs Debian's arm64 makedumpfile under qemu-aarch64-static (user-mode emulation), as the lab did:
# the x86_64 build refuses arm64 dumps. Its packages and libraries are fetched with
# `apt-get download` into ~/.cache/kdump4j/arm64-sysroot (needs dpkg's arm64 architecture:
# scripts/setup-e2e-arm64.sh adds it).
# Usage: scripts/arm64-makedumpfile.sh ARGS...   (e.g. --dump-dmesg vmcore.elf dmesg.txt)
set -euo pipefail
sysroot="${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}/arm64-sysroot"
sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
if ! command -v qemu-aarch64-static >/dev/null; then
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null
fi
if [ ! -f "$sysroot/.complete" ]; then
  rm -rf "$sysroot"; mkdir -p "$sysroot/deb"
  (cd "$sysroot/deb" && apt-get download -q makedumpfile:arm64 libc6:arm64 libdw1:arm64 libelf1:arm64 \
      liblzo2-2:arm64 zlib1g:arm64 libbz2-1.0:arm64 liblzma5:arm64 libzstd1:arm64 >/dev/null)
  for d in "$sysroot"/deb/*.deb; do dpkg-deb -x "$d" "$sysroot"; done
  rm -rf "$sysroot/deb"
  touch "$sysroot/.complete"
fi
exec qemu-aarch64-static -L "$sysroot" "$sysroot/usr/bin/makedumpfile" "$@"
