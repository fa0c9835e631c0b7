#!/bin/sh
# The real-system cycle's driver (tests/e2e/README.md, cli's SystemCycleE2eRun): runs inside
# the installed Debian image (scripts/setup-system-image.sh) at every boot, from the test disk
# (label K4JTEST, mounted on /mnt/test by the image's kdump4j-e2e.service), doing what a user
# would type. The step reached is kept in /mnt/test/state across the reboots and crashes:
#
#   install   apt install ./kdump4j_*.deb, kdump4j enable (CRASHKERNEL from /mnt/test/env), reboot
#   crash     kdump4j status must say loaded; kdump4j test --yes (the capture kernel saves into
#             /var/crash/<date>/ on the root file system and reboots the machine)
#   saved     the newest dump: kdump4j analyze, makedumpfile --dump-dmesg, results kept; then the
#             next crash (CRASHES in /mnt/test/env), or the kernel upgrade (apt install of the
#             second kernel's .debs; kdump4j's kernel hook builds its capture initramfs), reboot,
#             and the same on the new kernel; then poweroff.
#
# Results in /mnt/test/results: one folder per dump (N-<release>: status.json, analyze.json,
# dmesg.txt, makedumpfile.log, vmcore), and the logs of each step. Each step prints
# "KDUMP4J sys-<step> ..." on the console, which the host time-stamps.
set -u
T=/mnt/test
R=$T/results
mkdir -p "$R"
CRASHES=1 UPGRADE=yes CRASHKERNEL=
[ -f "$T/env" ] && . "$T/env"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
state=$(cat "$T/state" 2>/dev/null || echo install)
release=$(uname -r)
say() { echo "KDUMP4J sys-$*"; echo "$(date -u +%s) $*" >> "$R/steps"; }
set_state() { echo "$1" > "$T/state"; sync; }
finish() { say "finish $1"; echo "$1" > "$R/outcome"; sync; umount "$T" 2>/dev/null; systemctl --no-block poweroff; exit 0; }
# Runs a command, its output in results/NAME.log and on the console; fails the cycle when it fails.
step() {
  name=$1; shift
  say "$name-start"
  "$@" > "$R/$name.log" 2>&1
  rc=$?
  sed "s/^/[$name] /" "$R/$name.log"
  say "$name-done rc=$rc"
  [ $rc -eq 0 ] || finish "FAIL $name rc=$rc"
}
crash() {
  step "status-$1" kdump4j status
  grep -q '^capture kernel: loaded' "$R/status-$1.log" || finish "FAIL status-$1 does not say loaded"
  cat /proc/cmdline > "$R/cmdline-$1"
  set_state "saved $1"
  say "crash-$1 release=$release"
  kdump4j test --yes > "$R/test-$1.log" 2>&1
  # Only reached when test refused or the machine did not crash.
  cat "$R/test-$1.log"
  finish "FAIL test-$1 returned rc=$?"
}

say "boot state=$state release=$release"
echo "$release" >> "$R/boots"
case "$state" in
  install)
    say "uname $release"
    step install apt-get install -y "$T"/kdump4j_*.deb
    step version kdump4j --version
    step enable env CRASHKERNEL="$CRASHKERNEL" kdump4j enable
    set_state "crash 1"
    say "reboot-after-enable"
    systemctl --no-block reboot
    ;;
  "crash "*)
    crash "${state#crash }"
    ;;
  "saved "*)
    n=${state#saved }
    dir=$(ls -d /var/crash/[0-9]*-[0-9]* 2>/dev/null | sort | tail -n 1)
    [ -n "$dir" ] || finish "FAIL no dump directory under /var/crash after crash $n"
    say "saved-$n dir=$dir"
    out="$R/$n-$release"
    mkdir -p "$out"
    ls -l /var/crash/ > "$out/var-crash.ls"
    ls -l "$dir" > "$out/dir.ls"
    echo "$dir" > "$out/dir"
    cp "$dir"/status.json "$out/" 2>/dev/null
    cp "$dir"/*.log "$out/" 2>/dev/null
    vmcore=$dir/vmcore
    [ -f "$vmcore" ] || vmcore=$(ls "$dir"/vmcore* | head -n 1)
    step "analyze-$n" kdump4j analyze --json "$vmcore"
    cp "$R/analyze-$n.log" "$out/analyze.json"
    say "makedumpfile-$n-start"
    makedumpfile --dump-dmesg "$vmcore" "$out/dmesg.txt" > "$out/makedumpfile.log" 2>&1
    say "makedumpfile-$n-done rc=$?"
    cp "$vmcore" "$out/"
    step "status-after-$n" kdump4j status
    sync
    if [ "$n" -lt "$CRASHES" ] || { [ "$UPGRADE" = yes ] && [ ! -f "$T/upgraded" ] && [ "$n" -eq "$CRASHES" ]; }; then
      if [ "$n" -lt "$CRASHES" ]; then
        crash $((n + 1))
      fi
      # The kernel upgrade: Debian's second kernel, installed as apt would (offline, from the
      # .debs the image holds); the kernel's postinst hooks run update-grub and kdump4j's hook.
      step upgrade apt-get install -y /root/kernel-upgrade/*.deb
      touch "$T/upgraded"
      set_state "crash $((n + 1))"
      say "reboot-after-upgrade"
      systemctl --no-block reboot
    else
      finish PASS
    fi
    ;;
  *) finish "FAIL unknown state $state" ;;
esac
exit 0
