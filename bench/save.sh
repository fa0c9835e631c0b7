#!/usr/bin/env bash
# Benchmark (not a test): `kdump4j save` against `makedumpfile` on the same source, same dump
# level and codec (zlib -c, lzo -l; levels 1 and 31), with 1 and 2 threads (makedumpfile
# --num-threads 2 for the latter). Whole process, several runs each: median wall time, median
# peak RSS (/usr/bin/time -f "%e %M") and output size; prints the ratios.
#   speed x = makedumpfile time / kdump4j time   (above 1: kdump4j is faster)
#   size  x = kdump4j bytes / makedumpfile bytes (1.00: same size)
#   rss   x = kdump4j peak RSS / makedumpfile peak RSS
# kdump4j also writes TARGET.dmesg.txt (makedumpfile does not); that is in its time.
# Usage: bench/save.sh [RUNS] [SOURCE]   (default 5 runs, the x86_64 6.1 ELF fixture)
# Output goes to $BENCH_DIR (default /dev/shm, so that the disk does not dominate).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
cache="${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}/fixtures"
src=${2:-$cache/x86_64-6.1.0-56-amd64/sysrq-elf/vmcore.elf}
if [ ! -f "$src" ]; then
  mkdir -p "$(dirname "$src")"
  zstd -q -d -f -o "$src" "$root/../shared/fixtures/x86_64-6.1.0-56-amd64/sysrq-elf/vmcore.elf.zst"
fi
command -v makedumpfile >/dev/null || { echo "bench: makedumpfile missing (scripts/setup.sh)"; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (apt-get install time)"; exit 2; }
"$root/bin/kdump4j" --version >/dev/null   # build (and train the AOT cache) outside the timings

tmp=$(mktemp -d "${BENCH_DIR:-/dev/shm}/kdump4j-bench.XXXXXX"); trap 'rm -rf "$tmp"' EXIT

# run NAME CMD...: $runs runs of CMD writing $tmp/out; prints "median-seconds median-kib bytes"
run() {
  local ts=() rs=() i
  for ((i = 0; i < runs; i++)); do
    rm -f "$tmp"/out "$tmp"/out.*
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" \
      || { echo "bench: failed: $*" >&2; cat "$tmp/err" >&2; return 1; }
    read -r t r < "$tmp/time"
    ts+=("$t"); rs+=("$r")
  done
  local tm rm
  tm=$(printf '%s\n' "${ts[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  rm=$(printf '%s\n' "${rs[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$tm $rm $(stat -c %s "$tmp/out")"
}

printf '%-12s %3s %8s %8s %9s %9s %11s %11s %7s %6s %6s\n' codec lvl threads "mdf s" "k4j s" "mdf MiB" \
  "mdf bytes" "k4j bytes" "speed x" "size x" "rss x"
for codec in zlib lzo; do
  flag=-c; [ "$codec" = lzo ] && flag=-l
  for level in 1 31; do
    for threads in 1 2; do
      mt=(); [ "$threads" -gt 1 ] && mt=(--num-threads "$threads")
      read -r mtime mrss msize < <(run makedumpfile "$flag" -d "$level" "${mt[@]}" "$src" "$tmp/out")
      read -r ktime krss ksize < <(run "$root/bin/kdump4j" save -d "$level" -c "$codec" --threads "$threads" \
        "$src" "$tmp/out")
      printf '%-12s %3d %8d %8.2f %9.2f %9.1f %11d %11d %7.2f %6.3f %6.2f\n' "$codec" "$level" "$threads" \
        "$mtime" "$ktime" "$(awk -v r="$mrss" 'BEGIN{print r/1024}')" "$msize" "$ksize" \
        "$(awk -v a="$mtime" -v b="$ktime" 'BEGIN{print a/b}')" \
        "$(awk -v a="$ksize" -v b="$msize" 'BEGIN{print a/b}')" \
        "$(awk -v a="$krss" -v b="$mrss" 'BEGIN{print a/b}')"
      echo "  peak RSS: makedumpfile $((mrss / 1024)) MiB, kdump4j $((krss / 1024)) MiB" >&2
    done
  done
done
echo "source: $src ($(stat -c %s "$src") bytes); runs=$runs, medians; nproc=$(nproc)"
