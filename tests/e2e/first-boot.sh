# Sourced by the initramfs' /init on the QEMU test's first (normal) boot; see tests/e2e/README.md.
# Loads the capture kernel from the test disk with kdump4j, checks readiness, then crashes.
say "e2e first-boot"
if ! find_target; then
    say "e2e-failed reason=no-disk"; poweroff -f
fi
mount "$dev" /mnt || { say "e2e-failed reason=mount"; poweroff -f; }
say "kexec-load-begin"
# kernel and initrd come from /etc/kdump4j.conf (the test points them at /mnt/boot/...); check
# then also verifies that the reservation holds that initramfs.
kdump4j load
say "kexec-load-done rc=$? crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
kdump4j check
say "check-done rc=$?"
# tests/e2e/truth.sh (put in front of this hook by the harness) writes /proc's word for the
# matrix; then the disk is only remounted read-only, not unmounted: an unmount would end its
# jbd2 and ext4-rsv-conversion threads and drop its page cache after the recording.
if command -v record_truth >/dev/null 2>&1; then
    record_truth
    sync
    mount -o remount,ro /mnt
else
    umount /mnt
fi
sync
say "panic-trigger"
echo c > /proc/sysrq-trigger
say "e2e-failed reason=still-alive"
poweroff -f
