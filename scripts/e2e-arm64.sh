#!/usr/bin/env bash
# The arm64 QEMU kdump cycle (tests/e2e/README-arm64.md): Debian's arm64 kernel under
# qemu-system-aarch64 -M virt -cpu cortex-a57 (software emulation), with kdump4j alone. The
# initramfs carries an aarch64 Java 25 runtime jlinked from Debian 13's arm64 jmods
# (scripts/setup-java-arm64.sh); in the guest `kdump4j load` makes the kexec_load call (our device
# tree, ELF core header and purgatory) and `kdump4j check` reports; sysrq-c; the capture kernel
# runs `kdump4j save` onto an ext4 disk; the host opens the dump with kdump4j and Debian's arm64
# makedumpfile (under qemu-aarch64-static) must print the same kernel log.
# NO_JAVA=1: the image has no Java; the guest sends its facts over virtio-9p, the host plans the
# load (`kdump4j load --root --emit-loader`), the guest runs that static loader and the capture
# kernel copies /proc/vmcore with dd (for boards that cannot run Java 25).
# Environment: CRASHKERNEL (default 256M; 128M with NO_JAVA), SMP (1), MEM (1G; 512M with
# NO_JAVA), TIMEOUT (seconds, 900), TAG (work folder name under ~/.cache/kdump4j/e2e-arm64,
# default last), VERIFY=1 (the purgatory checks the segments' byte sums before entering the
# capture kernel), LEVEL (dump level, 31), CODEC (zlib), KERNEL ("SUITE [SERIES] FLAVOUR" for
# scripts/fetch-kernel.sh, e.g. "sid arm64"; default Debian 12's, as setup-e2e-arm64.sh fetches),
# MAKEDUMPFILE=no (the kernel matrix: its yardstick is the first kernel's /proc, recorded by
# tests/e2e/truth.sh into /truth on the disk, not a peer; Debian 12's makedumpfile predates 7.x).
# Exit 0 only when the dump was saved and kdump4j and makedumpfile find the same log with the panic.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kdir=$("$root/scripts/setup-e2e-arm64.sh" | tail -n 1)
[ -z "${KERNEL:-}" ] || kdir=$("$root/scripts/fetch-kernel.sh" $KERNEL | tail -n 1)
release=$(basename "$(readlink -f "$kdir")")
nojava=${NO_JAVA:-}
if [ -n "$nojava" ]; then ck=${CRASHKERNEL:-128M}; mem=${MEM:-512M}; else ck=${CRASHKERNEL:-256M}; mem=${MEM:-1G}; fi
smp=${SMP:-1}; timeout=${TIMEOUT:-900}; level=${LEVEL:-31}; codec=${CODEC:-zlib}
work="${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}/e2e-arm64/${TAG:-last}"
rm -rf "$work"; mkdir -p "$work/share" "$work/stage/kdump4j" "$work/stage/boot"
k4j="$root/bin/kdump4j"
t0=$(date +%s.%N)
stamp() { printf '%7.2f' "$(echo "$(date +%s.%N) - $t0" | bc)"; }
log() { echo "[e2e-arm64 $(stamp)] $*" | tee -a "$work/timeline.txt"; }

if [ -n "$nojava" ]; then
  cat > "$work/kdump4j.conf" <<CONF
target = LABEL=kdump4j
path = /kdump4j
final_action = poweroff
failure_action = poweroff
modules = virtio_mmio virtio_blk ext4 9pnet_virtio 9p
CONF
  log "initramfs for $release without Java"
  "$k4j" initramfs -o "$work/initrd.img" --config "$work/kdump4j.conf" --kernel-release "$release" \
      --modules-dir "$kdir/modules" --busybox "$kdir/busybox" --kernel-config "$kdir/config" \
      --first-boot "$root/tests/e2e/first-boot-arm64-nojava.sh" --no-java --compression gzip > "$work/initramfs.txt"
else
  jdir=$("$root/scripts/setup-java-arm64.sh" | tail -n 1)
  cat "$root/tests/e2e/truth.sh" "$root/tests/e2e/first-boot-arm64.sh" > "$work/first-boot-arm64.sh"
  cat > "$work/kdump4j.conf" <<CONF
target = LABEL=kdump4j
path = /kdump4j
dump_level = $level
codec = $codec
final_action = poweroff
failure_action = poweroff
modules = virtio_mmio virtio_blk ext4
kernel = /mnt/boot/Image
initrd = /mnt/boot/initrd.img
CONF
  log "initramfs for $release with an aarch64 Java runtime from $(basename "$jdir")"
  "$k4j" initramfs -o "$work/initrd.img" --config "$work/kdump4j.conf" --kernel-release "$release" \
      --modules-dir "$kdir/modules" --busybox "$kdir/busybox" --kernel-config "$kdir/config" \
      --target-jmods "$jdir/jdk/jmods" --sysroot "$jdir/sysroot" \
      --first-boot "$work/first-boot-arm64.sh" --compression gzip > "$work/initramfs.txt"
  cp "$kdir/Image" "$work/stage/boot/Image"
  cp "$work/initrd.img" "$work/stage/boot/initrd.img"
fi
log "initramfs $(stat -c %s "$work/initrd.img") bytes"
mkfs.ext4 -q -F -L kdump4j -d "$work/stage" "$work/disk.img" 2G

log "qemu: -smp $smp -m $mem crashkernel=$ck"
qemu-system-aarch64 -M virt -cpu cortex-a57 -smp "$smp" -m "$mem" -nographic -no-reboot -monitor none \
    -serial stdio -kernel "$kdir/Image" -initrd "$work/initrd.img" \
    -append "console=ttyAMA0 crashkernel=$ck panic=5" \
    -drive "file=$work/disk.img,format=raw,if=none,id=d0,cache=unsafe" -device virtio-blk-device,drive=d0 \
    -fsdev "local,id=fs0,path=$work/share,security_model=none" -device virtio-9p-device,fsdev=fs0,mount_tag=host \
    < /dev/null > "$work/console.log" 2>&1 &
qpid=$!
deadline=$(( $(date +%s) + timeout ))
if [ -n "$nojava" ]; then
  while [ ! -f "$work/share/facts.done" ]; do
      kill -0 "$qpid" 2>/dev/null || { log "qemu ended before the facts"; tail -30 "$work/console.log"; exit 1; }
      [ "$(date +%s)" -lt "$deadline" ] || { log "timeout waiting for facts"; kill "$qpid"; exit 1; }
      sleep 0.5
  done
  log "facts received; _text lines in the guest's /proc/kallsyms: $(cat "$work/share/kallsyms-text-count")"
  "$k4j" load --config "$work/kdump4j.conf" --root "$work/share/facts" --kernel "$kdir/Image" \
      --initrd "$work/initrd.img" --emit-loader "$work/share/loader" ${VERIFY:+--verify-segments} | tee "$work/plan.txt"
  touch "$work/share/loader.ready"
  log "loader written"
fi
while kill -0 "$qpid" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || { log "timeout; killing qemu"; kill "$qpid"; break; }
    sleep 1
done
wait "$qpid" || true
log "qemu exited"
grep -E "KDUMP4J|Kernel panic|Starting crashdump|elfcorehdr|Booting Linux|Memory:|Kernel command line|Run /init|Out of memory" \
    "$work/console.log" | cut -c1-200 | tee "$work/events.txt"
debugfs -R "ls -l /kdump4j" "$work/disk.img" 2>/dev/null | tee -a "$work/events.txt"
if [ -z "$nojava" ]; then
  debugfs -R "dump /check.json $work/check.json" "$work/disk.img" >/dev/null 2>&1 || true
  [ -s "$work/check.json" ] && log "guest's kdump4j check: $(grep -c '"id"' "$work/check.json") findings in check.json"
fi
# Each capture saves into a new dated directory /kdump4j/YYYYMMDD-HHMMSS/ (setup/README.md).
dumpdir=$(debugfs -R "ls /kdump4j" "$work/disk.img" 2>/dev/null | tr -s ' \t' '\n' \
  | grep -E '^[0-9]{8}-[0-9]{6}(-[0-9]+)?$' | sort | tail -n 1 || true)
[ -n "$dumpdir" ] || { log "no dump directory saved"; exit 1; }
debugfs -R "ls -l /kdump4j/$dumpdir" "$work/disk.img" 2>/dev/null | tee -a "$work/events.txt"
debugfs -R "dump /kdump4j/$dumpdir/status.json $work/status.json" "$work/disk.img" >/dev/null 2>&1 || true
saved=$(debugfs -R "ls /kdump4j/$dumpdir" "$work/disk.img" 2>/dev/null | tr -s ' \t' '\n' | grep -E '^vmcore(\.elf)?$' | head -n 1 || true)
[ -n "$saved" ] || { log "no dump saved in /kdump4j/$dumpdir"; exit 1; }
debugfs -R "dump /kdump4j/$dumpdir/$saved $work/$saved" "$work/disk.img" >/dev/null 2>&1
log "status: $(tr -d '\n' < "$work/status.json" 2>/dev/null)"
log "saved $saved: $(stat -c %s "$work/$saved") bytes ($(grep -o 'save-done method=[a-z0-9-]*' "$work/console.log" | head -n 1))"
"$k4j" dmesg "$work/$saved" > "$work/dmesg.txt"
grep -q "Kernel panic - not syncing: sysrq triggered crash" "$work/dmesg.txt" || { log "no panic in kdump4j dmesg"; exit 1; }
log "kdump4j dmesg of the saved dump shows the panic: OK"
if [ "${MAKEDUMPFILE:-}" = no ]; then
  log "RESULT OK (makedumpfile comparison not asked: MAKEDUMPFILE=no)"
  exit 0
fi
# The independent reader: Debian's arm64 makedumpfile (under qemu-aarch64-static) on the same
# file must print the same kernel log, byte for byte.
"$root/scripts/arm64-makedumpfile.sh" --dump-dmesg "$work/$saved" "$work/dmesg.makedumpfile.txt" > "$work/mdf.txt" 2>&1
cmp -s "$work/dmesg.txt" "$work/dmesg.makedumpfile.txt" || { log "kdump4j and makedumpfile disagree on dmesg"; exit 1; }
log "makedumpfile (arm64) --dump-dmesg: identical to kdump4j dmesg ($(wc -l < "$work/dmesg.txt") lines)"
log "RESULT OK crashkernel=$ck smp=$smp mem=$mem java=$([ -n "$nojava" ] && echo no || echo yes)"
