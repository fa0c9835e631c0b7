#!/usr/bin/env bash
# Benchmark (not a test): whole-process wall time of `kdump4j dmesg` and `kdump4j info`
# against `makedumpfile --dump-dmesg`, on the same dumps, in the same run, several runs each;
# prints medians and ratios (makedumpfile time / kdump4j time: above 1 means kdump4j is faster).
# Usage: bench/dmesg-info.sh [RUNS]      (default 7 runs)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-7}
fx="$root/../shared/fixtures"
cache="${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}/fixtures"
command -v makedumpfile >/dev/null || { echo "bench: makedumpfile missing (scripts/setup.sh)"; exit 2; }
"$root/bin/kdump4j" --version >/dev/null   # build once, outside the timings

elf61="$cache/x86_64-6.1.0-56-amd64/sysrq-elf/vmcore.elf"
if [ ! -f "$elf61" ]; then
  mkdir -p "$(dirname "$elf61")"
  zstd -q -d -f -o "$elf61" "$fx/x86_64-6.1.0-56-amd64/sysrq-elf/vmcore.elf.zst"
fi
dumps=("$elf61" "$fx/x86_64-6.1.0-56-amd64/sysrq-flat/vmcore.flat")

# median of wall seconds of a command over $runs runs (output discarded)
median() {
  local times=() i t0 t1
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; return 1; }
    t1=$(date +%s.%N)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b-a}')")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# makedumpfile refuses to overwrite its output file
# makedumpfile cannot read a flattened stream in place: a user must reassemble it first (-R),
# so for a flattened dump its time includes that step.
mdf_dmesg() {
  rm -f "$tmp/out.txt" "$tmp/re.kdump"
  if [ "$(head -c 12 "$1")" = makedumpfile ]; then
    makedumpfile -R "$tmp/re.kdump" < "$1" && makedumpfile --dump-dmesg "$tmp/re.kdump" "$tmp/out.txt"
  else
    makedumpfile --dump-dmesg "$1" "$tmp/out.txt"
  fi
}
printf '%-44s %12s %12s %12s %9s %9s\n' dump "mdf dmesg s" "k4j dmesg s" "k4j info s" "dmesg x" "info x"
for d in "${dumps[@]}"; do
  m=$(median mdf_dmesg "$d")
  k=$(median "$root/bin/kdump4j" dmesg "$d")
  i=$(median "$root/bin/kdump4j" info "$d")
  printf '%-44s %12.3f %12.3f %12.3f %9.2f %9.2f\n' "$(basename "$(dirname "$d")")/$(basename "$d")" "$m" "$k" "$i" \
    "$(awk -v a="$m" -v b="$k" 'BEGIN{print a/b}')" "$(awk -v a="$m" -v b="$i" 'BEGIN{print a/b}')"
done
echo "runs=$runs; ratio = makedumpfile time / kdump4j time (whole process, median)"
