#!/usr/bin/env bash
# `bin/kdump4j demo`: the whole kdump cycle in QEMU with kdump4j alone, then what the dump says.
# Installs what it needs (scripts/setup.sh), boots the current Debian kernel with crashkernel=
# and an initramfs made by `kdump4j initramfs`; in the guest `kdump4j load` and `kdump4j check`,
# then sysrq-c; the capture kernel saves the dump to a virtio disk; the host opens it with
# kdump4j. Exits 0 only when the cycle worked. Takes a few minutes under software emulation.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
. "$root/scripts/find-java.sh"
kdump4j_find_java
cache="${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}"
log=$(mktemp); trap 'rm -f "$log"' EXIT
echo "demo: running the kdump cycle in QEMU (software emulation; about 2 minutes)..." >&2
if ! "$root/scripts/e2e.sh" >"$log" 2>&1; then
  grep -E '^e2e:|FAIL|expected' "$log" | tail -40 >&2 || tail -40 "$log" >&2
  echo "demo: the kdump cycle FAILED (full log above)" >&2
  exit 1
fi
grep -E '^e2e: (initramfs|panic-to-saved|kdump4j reads)' "$log" || true
dump=$(ls -t "$cache"/e2e/last/vmcore* 2>/dev/null | grep -vE '\.(txt|tmp)$' | head -n 1)
[ -n "$dump" ] || { echo "demo: the cycle reported success but left no dump" >&2; exit 1; }
echo
"$root/bin/kdump4j" info "$dump"
echo
# Why it crashed, from the dump alone: no vmlinux, no debug info.
"$root/bin/kdump4j" analyze "$dump"
echo
echo "demo: the kdump cycle worked: crash in QEMU, capture kernel saved $(basename "$dump"), kdump4j read it."
