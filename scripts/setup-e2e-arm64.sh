#!/usr/bin/env bash
# Prepares the arm64 QEMU kdump cycle (scripts/e2e-arm64.sh, tests/e2e/README-arm64.md):
#  - installs qemu-system-arm (qemu-system-aarch64, software emulation), device-tree-compiler
#    (dtc: the independent reader of our device trees), binutils-aarch64-linux-gnu (objdump:
#    disassembles our purgatory in a test), e2fsprogs;
#  - enables the arm64 architecture in dpkg and fetches with `apt-get download` Debian's current
#    arm64 kernel and busybox-static:arm64, unpacked into ~/.cache/kdump4j/kernels/<release>/
#    (vmlinuz, Image, config, modules, busybox).
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
pkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [ -z "$pkg" ] && [ -z "$updated" ]; then
  $sudo apt-get update -qq
  pkg=$(apt-cache depends linux-image-arm64:arm64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
fi
[ -n "$pkg" ] || { echo "setup-e2e-arm64: apt knows no linux-image-arm64:arm64" >&2; exit 1; }
pkg=${pkg%:arm64}
release=${pkg#linux-image-}
dir="$cache/$release"
if [ ! -f "$dir/.complete" ]; then
  echo "setup-e2e-arm64: fetching $pkg and busybox-static:arm64 into $dir" >&2
  rm -rf "$dir"; mkdir -p "$dir/deb"
  (cd "$dir/deb" && apt-get download -q "$pkg:arm64" "busybox-static:arm64" >/dev/null)
  dpkg-deb -x "$dir"/deb/linux-image-*.deb "$dir/root"
  dpkg-deb -x "$dir"/deb/busybox-static_*.deb "$dir/bb"
  cp "$dir/root/boot/vmlinuz-$release" "$dir/vmlinuz"
  # Debian's arm64 vmlinuz is a gzip-compressed Image; QEMU's -kernel wants the Image.
  if gzip -t "$dir/vmlinuz" 2>/dev/null; then gzip -dc "$dir/vmlinuz" > "$dir/Image"; else cp "$dir/vmlinuz" "$dir/Image"; fi
  cp "$dir/root/boot/config-$release" "$dir/config"
  cp "$dir/bb/bin/busybox" "$dir/busybox"
  ln -sfn "root/lib/modules/$release" "$dir/modules"
  dpkg-deb -f "$dir"/deb/linux-image-*.deb Package Version > "$dir/PACKAGE"
  rm -rf "$dir/deb" "$dir/bb"
  touch "$dir/.complete"
fi
ln -sfn "$release" "$cache/current-arm64"
"$(dirname "$0")/setup-java-arm64.sh" >/dev/null
echo "$dir"
