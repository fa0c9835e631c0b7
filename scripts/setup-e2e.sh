#!/usr/bin/env bash
# Prepares the QEMU kdump-cycle test (tests/e2e, setup module's KdumpCycleE2eTest):
#  - installs with apt what the cycle needs on the host: qemu-system-x86 (software emulation),
#    busybox-static (the capture initramfs' shell), cpio (to re-read our archives in tests),
#    e2fsprogs (mkfs.ext4 and debugfs for the dump disk), kmod (modinfo, to check our .modinfo reader);
#    for the arm64 tests: qemu-system-arm (QEMU virt's device tree, the arm64 cycle), device-tree-compiler
#    (dtc reads our device trees), binutils-aarch64-linux-gnu (disassembles our purgatory),
#    qemu-user-static (runs the purgatory and Debian's arm64 makedumpfile);
#  - downloads the current Debian amd64 kernel package with `apt-get download` and unpacks
#    vmlinuz, config and modules into ~/.cache/kdump4j/kernels/<release>/ (outside the work tree).
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
updated=
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-e2e: installing ${missing[*]}" >&2
  $sudo apt-get update -qq; updated=yes
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The kernel the meta-package points at today, e.g. linux-image-6.1.0-56-amd64.
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [ -z "$pkg" ] && [ -z "$updated" ]; then
  $sudo apt-get update -qq
  pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
fi
[ -n "$pkg" ] || { echo "setup-e2e: apt knows no linux-image-amd64 (is deb.debian.org in sources.list?)" >&2; exit 1; }
release=${pkg#linux-image-}
dir="$cache/$release"
if [ ! -f "$dir/.complete" ]; then
  echo "setup-e2e: fetching $pkg into $dir" >&2
  rm -rf "$dir"; mkdir -p "$dir/deb"
  (cd "$dir/deb" && apt-get download -q "$pkg" >/dev/null)
  dpkg-deb -x "$dir"/deb/*.deb "$dir/root"
  cp "$dir/root/boot/vmlinuz-$release" "$dir/vmlinuz"
  cp "$dir/root/boot/config-$release" "$dir/config"
  ln -sfn "root/lib/modules/$release" "$dir/modules"
  dpkg-deb -f "$dir"/deb/*.deb Package Version > "$dir/PACKAGE"
  rm -rf "$dir/deb"
  touch "$dir/.complete"
fi
ln -sfn "$release" "$cache/current"
echo "$dir"
