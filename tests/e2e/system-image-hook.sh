#!/bin/sh
# mmdebstrap's customize hook of scripts/setup-system-image.sh (runs on the host; $1 = the new
# root, $2 = its file system's UUID): the second kernel's .debs, GRUB's images and first grub.cfg,
# fstab, and the test-driver unit.
set -eu
root=$1 uuid=$2
inroot() { chroot "$root" "$@"; }

# The kernel upgrade: bookworm-security's 6.12 series meta and whatever it needs that is not
# installed yet, downloaded (not installed) into /root/kernel-upgrade.
mkdir -p "$root/root/kernel-upgrade/partial"
inroot apt-get -q -o APT::Sandbox::User=root -o Dir::Cache::archives=/root/kernel-upgrade \
  install --download-only -y linux-image-6.12-amd64 >/dev/null
rm -rf "$root/root/kernel-upgrade/partial" "$root/root/kernel-upgrade/lock"
upgrade=$(cd "$root/root/kernel-upgrade" && ls linux-image-6.12.*-amd64_*.deb | sed 's/^linux-image-//; s/_.*//' | head -n 1)
[ -n "$upgrade" ] || { echo "hook: no linux-image-6.12.*-amd64 downloaded" >&2; exit 1; }
release=$(ls "$root/boot" | sed -n 's/^vmlinuz-//p' | head -n 1)
[ -f "$root/boot/initrd.img-$release" ] || { echo "hook: no initrd.img-$release (initramfs-tools)" >&2; exit 1; }
mkdir -p "$root/etc/kdump4j-e2e"
echo "$release" > "$root/etc/kdump4j-e2e/RELEASE"
echo "$upgrade" > "$root/etc/kdump4j-e2e/UPGRADE"

# GRUB for a BIOS disk (scripts/setup-system-image.sh puts boot.img and core.img on the disk).
mkdir -p "$root/boot/grub"
cp -r "$root/usr/lib/grub/i386-pc" "$root/boot/grub/"
cp "$root/usr/lib/grub/i386-pc/boot.img" "$root/boot/grub/boot.img"
inroot grub-mkimage -O i386-pc -o /boot/grub/core.img -p '(hd0,msdos1)/boot/grub' biosdisk part_msdos ext2
cat > "$root/etc/default/grub" <<EOG
# The real-system cycle's image (scripts/setup-system-image.sh): serial console, no menu wait.
GRUB_DEFAULT=0
GRUB_TIMEOUT=0
GRUB_DISTRIBUTOR=Debian
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX="console=ttyS0,115200"
GRUB_TERMINAL=serial
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
GRUB_DISABLE_OS_PROBER=true
GRUB_DISABLE_RECOVERY=true
EOG
cat > "$root/boot/grub/grub.cfg" <<EOG
# Written by scripts/setup-system-image.sh; the guest's update-grub replaces it.
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
insmod part_msdos
insmod ext2
search --no-floppy --fs-uuid --set=root $uuid
menuentry 'Debian GNU/Linux' {
  linux /boot/vmlinuz-$release root=UUID=$uuid ro console=ttyS0,115200
  initrd /boot/initrd.img-$release
}
EOG

echo "UUID=$uuid / ext4 errors=remount-ro 0 1" > "$root/etc/fstab"
echo kdump4j-system > "$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tkdump4j-system\n' > "$root/etc/hosts"
inroot passwd -d root >/dev/null

# The test driver: a disk labelled K4JTEST holds driver.sh (the test's), run at each boot.
mkdir -p "$root/usr/local/sbin"
cat > "$root/usr/local/sbin/kdump4j-e2e" <<'EOD'
#!/bin/sh
# Runs the attached test disk's driver.sh (scripts/setup-system-image.sh); no disk, nothing.
dev=$(blkid -L K4JTEST) || exit 0
mkdir -p /mnt/test
mountpoint -q /mnt/test || mount "$dev" /mnt/test
exec sh /mnt/test/driver.sh
EOD
chmod 755 "$root/usr/local/sbin/kdump4j-e2e"
cat > "$root/etc/systemd/system/kdump4j-e2e.service" <<'EOD'
[Unit]
Description=kdump4j real-system cycle test driver
After=local-fs.target kdump4j-load.service systemd-udev-settle.service
Wants=systemd-udev-settle.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/kdump4j-e2e
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
EOD
inroot systemctl enable kdump4j-e2e.service >/dev/null 2>&1
