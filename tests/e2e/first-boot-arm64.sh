# Sourced by /init on the first (normal) boot of the arm64 QEMU test (scripts/e2e-arm64.sh,
# tests/e2e/README-arm64.md). The image carries an aarch64 Java 25 runtime, so the guest runs
# kdump4j itself: `kdump4j check` (its JSON goes to the test disk for the host to read), then
# `kdump4j load` (kexec_load through FFM with our device tree, ELF core header and purgatory:
# Debian's arm64 kernel has no kexec_file_load), then crashes.
say "e2e-arm64 first-boot"
if ! find_target; then
    say "e2e-failed reason=no-disk"; poweroff -f
fi
mount "$dev" /mnt || { say "e2e-failed reason=mount"; poweroff -f; }
say "kexec-load-begin"
# kernel and initrd come from /etc/kdump4j.conf (the test points them at /mnt/boot/...). The
# launcher's 64 MiB heap is sized for save in a capture kernel; the load holds the 32 MiB Image and
# the initramfs as its segments.
KDUMP4J_HEAP=192m kdump4j load
say "kexec-load-done rc=$? crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
kdump4j check --json > /mnt/check.json
say "check-done rc=$?"
grep -E '"id"|"severity"' /mnt/check.json | tr -d ' \n' | sed 's/"id"/\n  "id"/g'
echo
# tests/e2e/truth.sh (put in front of this hook by the harness): /proc's word, /mnt read-only.
if command -v record_truth >/dev/null 2>&1; then record_truth; else umount /mnt; fi
sync
say "panic-trigger"
echo c > /proc/sysrq-trigger
say "e2e-failed reason=still-alive"
poweroff -f
