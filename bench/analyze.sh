#!/usr/bin/env bash
# Benchmark (not a test): wall time and peak memory (max RSS) of `kdump4j analyze` to the first
# full report, per fixture dump, median of several runs. With VMLINUX=/path/to/-dbg/vmlinux
# (matching the dump's kernel) the same is measured for crash 8.0.2 (`sys; bt; quit`) and the
# ratios are printed; without it, the elapsed time the lab recorded for crash in crash.txt is
# shown for reference (another machine and more commands, so no ratio is computed from it).
# Usage: bench/analyze.sh [RUNS [DUMP...]]      (default 5 runs, every fixture dump)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
fx="$root/../shared/fixtures"
cache="${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}/fixtures"
"$root/bin/kdump4j" --version >/dev/null   # build once, outside the timings

dumps=()
for z in "$fx"/*/*/vmcore.elf.zst; do
  rel=${z#"$fx/"}; rel=${rel%/vmcore.elf.zst}
  elf="$cache/$rel/vmcore.elf"
  if [ ! -f "$elf" ]; then mkdir -p "$(dirname "$elf")"; zstd -q -d -f -o "$elf" "$z"; fi
  dumps+=("$elf")
done
for f in "$fx"/*/*/*.kdump "$fx"/*/*/*.flat; do dumps+=("$f"); done
if [ $# -gt 1 ]; then dumps=("${@:2}"); fi

# prints "median_seconds max_rss_kib" of a command over $runs runs
measure() {
  local i out secs=() rss=() tf
  tf=$(mktemp)
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -o "$tf" -f '%e %M' "$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; rm -f "$tf"; return 1; }
    out=$(tail -n 1 "$tf")
    secs+=("${out% *}"); rss+=("${out#* }")
  done
  rm -f "$tf"
  printf '%s %s\n' "$(printf '%s\n' "${secs[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" \
    "$(printf '%s\n' "${rss[@]}" | sort -n | tail -n 1)"
}

printf '%-62s %10s %12s %14s\n' dump "k4j s" "k4j MiB" "crash s / MiB"
for d in "${dumps[@]}"; do
  read -r ks km <<<"$(measure "$root/bin/kdump4j" analyze "$d")"
  name=${d#"$cache/"}; name=${name#"$fx/"}
  if [ -n "${VMLINUX:-}" ] && command -v crash >/dev/null; then
    cmds=$(mktemp); printf 'sys\nbt\nquit\n' >"$cmds"
    read -r cs cm <<<"$(measure crash -s -i "$cmds" "$VMLINUX" "$d")"
    rm -f "$cmds"
    printf '%-62s %10.2f %12.1f %8.2f / %-6.1f  time x%.1f, memory x%.1f\n' "$name" "$ks" "$(awk -v k="$km" 'BEGIN{print k/1024}')" \
      "$cs" "$(awk -v k="$cm" 'BEGIN{print k/1024}')" "$(awk -v a="$cs" -v b="$ks" 'BEGIN{print a/b}')" "$(awk -v a="$cm" -v b="$km" 'BEGIN{print a/b}')"
  else
    rec=$(grep -ho 'elapsed=[0-9.]*s' "$(dirname "${d/$cache/$fx}")"/crash*.txt 2>/dev/null | head -n 1 || true)
    printf '%-62s %10.2f %12.1f %14s\n' "$name" "$ks" "$(awk -v k="$km" 'BEGIN{print k/1024}')" "${rec:-n/a}"
  fi
done
echo "runs=$runs; k4j = bin/kdump4j analyze (whole process, JVM start included); MiB = peak RSS"
