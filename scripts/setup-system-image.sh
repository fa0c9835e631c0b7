#!/usr/bin/env bash
# The installed Debian system of the real-system cycle (issue 13 item 5, issue 14 item 6;
# cli's SystemCycleE2eRun, `bin/kdump4j demo --system`): a Debian 12 (bookworm) amd64 disk image
# made with mmdebstrap from Debian's archive, booted by its own GRUB under QEMU's SeaBIOS.
#
#   scripts/setup-system-image.sh      prints the image's folder on its last line
#
# Into ~/.cache/kdump4j/system/bookworm-amd64/ (outside the work tree): disk.img (raw, 8 GiB sparse,
# one MBR partition at 1 MiB holding ext4), RELEASE (the installed kernel), UPGRADE (the second
# kernel's release), .complete. Idempotent: a complete image is reused; KDUMP4J_SYSTEM_REBUILD=1
# makes it again. Needs root (mmdebstrap's root mode, chroot).
#
# What the image holds: systemd, Debian 12's linux-image-amd64 (6.1) with initramfs-tools, grub-pc,
# makedumpfile, and kdump4j's Depends (libc6, zlib1g, busybox-static, libdeflate0) so that
# `apt install ./kdump4j_*.deb` works offline; in /root/kernel-upgrade the .debs of a second Debian
# kernel (bookworm-security's linux-image-6.12-amd64 meta and its image), fetched at build time for
# the kernel-upgrade step; a unit kdump4j-e2e.service that, when a disk labelled K4JTEST is
# attached, mounts it on /mnt/test and runs its driver.sh (the test's script, so the cycle can
# change without rebuilding the image).
#
# No loop device is used (containers often have none): the root file system is written into the
# image file by `mkfs.ext4 -d` at the partition's offset, and GRUB is installed by hand the way
# grub-install does on a BIOS disk: boot.img's first 440 bytes in the MBR (the partition table
# after them is kept) and core.img from sector 1 on. boot.img's kernel sector (offset 0x5c) is 1 by
# default and core.img's first sector (diskboot.img) lists sector 2 on as the rest of core.img, with
# the length grub-mkimage wrote, so the default values are what this layout needs. core.img embeds
# biosdisk, part_msdos and ext2 with the prefix (hd0,msdos1)/boot/grub, where the i386-pc modules
# are copied. The first grub.cfg is written here (the chroot has no device for grub-mkconfig to
# probe); inside the guest update-grub (kdump4j enable, the kernel upgrade) regenerates it from
# /etc/default/grub, which sets the serial console.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "setup-system-image: needs root (mmdebstrap, chroot)" >&2; exit 1; }
base="${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}/system"
dir="$base/bookworm-amd64"
if [ -f "$dir/.complete" ] && [ -z "${KDUMP4J_SYSTEM_REBUILD:-}" ]; then echo "$dir"; exit 0; fi

packages=(mmdebstrap e2fsprogs fdisk qemu-utils debian-archive-keyring)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-system-image: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mirror=${KDUMP4J_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${KDUMP4J_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
mkdir -p "$base"
exec 9>"$base/lock"
flock 9
[ -f "$dir/.complete" ] && [ -z "${KDUMP4J_SYSTEM_REBUILD:-}" ] && { echo "$dir"; exit 0; }
rm -rf "$dir"; mkdir -p "$dir"
work=$(mktemp -d "$base/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
uuid=$(cat /proc/sys/kernel/random/uuid)
echo "$uuid" > "$work/uuid"
cp "$(dirname "$0")/../tests/e2e/system-image-hook.sh" "$work/hook.sh"

t0=$SECONDS
echo "setup-system-image: mmdebstrap bookworm into $dir (a few minutes)" >&2
# Check-Valid-Until off: the mirror's Release files may be older than this machine's clock.
include=systemd,systemd-sysv,udev,dbus,kmod,procps,e2fsprogs,linux-image-amd64,initramfs-tools,grub-pc
include+=,makedumpfile,libc6,zlib1g,busybox-static,libdeflate0
DEBIAN_FRONTEND=noninteractive mmdebstrap --quiet --variant=apt --include="$include" \
  --aptopt='Acquire::Languages "none"' --aptopt='Acquire::Check-Valid-Until "false"' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook="sh $work/hook.sh \"\$1\" $uuid" \
  bookworm "$work/root" \
  "deb $mirror bookworm main" "deb $mirror bookworm-updates main" "deb $security bookworm-security main" \
  >"$dir/mmdebstrap.log" 2>&1 \
  || { tail -n 30 "$dir/mmdebstrap.log" >&2; echo "setup-system-image: mmdebstrap failed (log: $dir/mmdebstrap.log)" >&2; exit 1; }
echo "setup-system-image: root made in $((SECONDS - t0)) s" >&2

# The disk: MBR, partition 1 from 1 MiB to the end, bootable, type Linux.
img="$work/disk.img"
truncate -s 8G "$img"
echo 'label: dos
start=2048, type=83, bootable' | sfdisk -q "$img"
# GRUB 2.06 reads neither metadata_csum_seed nor orphan_file: keep them off whatever mke2fs.conf says.
mkfs.ext4 -q -F -L debian -U "$uuid" -O ^metadata_csum_seed,^orphan_file -E offset=1048576 \
  -d "$work/root" "$img" $(( 8 * 1024 * 1024 - 1024 ))k
dd if="$work/root/boot/grub/boot.img" of="$img" bs=440 count=1 conv=notrunc status=none
size=$(stat -c %s "$work/root/boot/grub/core.img")
[ "$size" -le $(( 2047 * 512 )) ] || { echo "setup-system-image: core.img ($size bytes) does not fit before the partition" >&2; exit 1; }
dd if="$work/root/boot/grub/core.img" of="$img" bs=512 seek=1 conv=notrunc status=none
cp "$work/root/etc/kdump4j-e2e/RELEASE" "$work/root/etc/kdump4j-e2e/UPGRADE" "$dir/"
mv "$img" "$dir/disk.img"
echo "$uuid" > "$dir/UUID"
touch "$dir/.complete"
echo "setup-system-image: $dir/disk.img ready in $((SECONDS - t0)) s (kernel $(cat "$dir/RELEASE"), upgrade $(cat "$dir/UPGRADE"))" >&2
echo "$dir"
