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
# tests/e2e/truth.sh (put in front of this hook by the harness): /proc's word, /mnt read-only.
if command -v record_truth >/dev/null 2>&1; then record_truth; else umount /mnt; fi
sync
say "panic-trigger"
echo c > /proc/sysrq-trigger
say "e2e-failed reason=still-alive"
poweroff -f
