#!/usr/bin/env bash
# Benchmark (not a test): `kdump4j save` against `makedumpfile` on the same source, same dump
# level and codec (zlib -c, lzo -l; levels 1 and 31), with 1 and 2 threads (makedumpfile
# --num-threads 2 for the latter). Whole process, several runs each: median wall time, median
# peak RSS (/usr/bin/time -f "%e %M") and output size; prints the ratios.
#   speed x = makedumpfile time / kdump4j time   (above 1: kdump4j is faster)
#   size  x = kdump4j bytes / makedumpfile bytes (1.00: same size)
#   rss   x = kdump4j peak RSS / makedumpfile peak RSS
#   anon  x = the same for anonymous memory only (peak RssAnon, sampled every 50 ms): kdump4j maps
#             the source file, so its RSS counts the page-cache pages of the dump it has read
#             (file-backed, shared, reclaimable; /proc/vmcore in a capture kernel maps old memory
#             and uses none), while makedumpfile read()s into small buffers.
#   other s = CPU seconds the rest of the machine used during the run (median; all CPUs busy time
#             from /proc/stat minus the run's own user+sys): other sessions share this machine,
#             and a row measured while they ran is not a clean one.
# KDUMP4J_JAVA_OPTS passes JVM options (e.g. the small-heap capture-kernel flags of README.md).
# kdump4j also writes TARGET.dmesg.txt (makedumpfile does not); that is in its time.
# Usage: bench/save.sh [RUNS] [SOURCE|16g]   (default 5 runs, the x86_64 6.1 ELF fixture)
#   16g: the 16 GiB core that testkit's LargeElfCore builds from that fixture (real pages and
#        their struct pages; generated once into ~/.cache/kdump4j/bench, about 2.5 GB on disk).
# CODECS, LEVELS and THREADS (space-separated) narrow the rows; defaults "zlib lzo", "1 31", "1 2".
# MDF_MAX_THREADS=1 runs makedumpfile single-threaded in the 2-thread rows too: its --num-threads
# mode is much slower than its single thread here (zlib -d 1 on the fixture: 36 s against 1.9 s),
# and on the 16 GiB core it would take many minutes per run; kdump4j's 2-thread rows are then
# compared with makedumpfile's faster mode.
# ONE_CPU=1 runs both tools under `taskset -c 0`: one CPU for everything each process does (for
# kdump4j also the JVM's JIT compiler and garbage collector threads), as in a capture kernel booted
# with nr_cpus=1; without it a 1-thread row still lets those JVM threads use the other CPU.
# KDUMP4J_SAVE_OPTS adds save options (e.g. --makedumpfile-bytes for zlib's own deflate).
# Output goes to $BENCH_DIR (default /dev/shm, so that the disk does not dominate).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
cache="${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}"
fixture=$cache/fixtures/x86_64-6.1.0-56-amd64/sysrq-elf/vmcore.elf
src=${2:-$fixture}
if [ ! -f "$fixture" ]; then
  mkdir -p "$(dirname "$fixture")"
  zstd -q -d -f -o "$fixture" "$root/../shared/fixtures/x86_64-6.1.0-56-amd64/sysrq-elf/vmcore.elf.zst"
fi
command -v makedumpfile >/dev/null || { echo "bench: makedumpfile missing (scripts/setup.sh)"; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (apt-get install time)"; exit 2; }
"$root/bin/kdump4j" --version >/dev/null   # build (and train the AOT cache) outside the timings
if [ "$src" = 16g ]; then
  . "$root/scripts/find-java.sh"
  kdump4j_find_java
  src=$("$JAVA_HOME/bin/java" -cp "$root/testkit/target/classes" io.kdump4j.testkit.LargeElfCore "$fixture" \
    "$cache/bench/x86_64-6.1.0-56-amd64-16g.elf" 16)
fi

tmp=$(mktemp -d "${BENCH_DIR:-/dev/shm}/kdump4j-bench.XXXXXX"); trap 'rm -rf "$tmp"' EXIT

# Busy CPU ticks of the whole machine so far (user nice system irq softirq steal).
busy() {
  awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat
}

# run CMD...: $runs runs of CMD writing $tmp/out; prints
# "median-seconds median-kib median-anon-kib bytes median-other-cpu-seconds"
run() {
  local ts=() rs=() as=() os=() i pid child anon a b0 b1 t r u s hz
  hz=$(getconf CLK_TCK)
  for ((i = 0; i < runs; i++)); do
    rm -f "$tmp"/out "$tmp"/out.*
    b0=$(busy)
    /usr/bin/time -f "%e %M %U %S" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" &
    pid=$!
    anon=0
    while kill -0 "$pid" 2>/dev/null; do
      for child in $(pgrep -P "$pid"); do
        a=$(awk '/^RssAnon/ {print $2}' "/proc/$child/status" 2>/dev/null || true)
        [ -n "$a" ] && [ "$a" -gt "$anon" ] && anon=$a
      done
      sleep 0.05
    done
    wait "$pid" || { echo "bench: failed: $*" >&2; cat "$tmp/err" >&2; return 1; }
    b1=$(busy)
    read -r t r u s < "$tmp/time"
    ts+=("$t"); rs+=("$r"); as+=("$anon")
    os+=("$(awk -v b="$((b1 - b0))" -v hz="$hz" -v u="$u" -v s="$s" 'BEGIN{o = b / hz - u - s; printf "%.1f", o < 0 ? 0 : o}')")
  done
  echo "$(median "${ts[@]}") $(median "${rs[@]}") $(median "${as[@]}") $(stat -c %s "$tmp/out") $(median "${os[@]}")"
}

median() {
  printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

pin=(); [ -n "${ONE_CPU:-}" ] && pin=(taskset -c 0)
echo "source: $src ($(stat -c %s "$src") bytes); runs=$runs, medians; nproc=$(nproc);" \
  "makedumpfile threads at most ${MDF_MAX_THREADS:-2}; ${ONE_CPU:+both pinned to CPU 0; }" \
  "kdump4j options: ${KDUMP4J_SAVE_OPTS:-none}; load at start: $(cut -d" " -f1-3 /proc/loadavg)"
printf '%-6s %3s %7s %7s %7s %11s %11s %7s %6s %6s %6s %7s %7s\n' codec lvl threads "mdf s" "k4j s" "mdf bytes" \
  "k4j bytes" "speed x" "size x" "rss x" "anon x" "other m" "other k"
for codec in ${CODECS:-zlib lzo}; do
  flag=-c; [ "$codec" = lzo ] && flag=-l
  for level in ${LEVELS:-1 31}; do
    for threads in ${THREADS:-1 2}; do
      mt=(); [ "$threads" -gt 1 ] && [ "${MDF_MAX_THREADS:-$threads}" -gt 1 ] && mt=(--num-threads "$threads")
      read -r mtime mrss manon msize mother < <(run "${pin[@]}" makedumpfile "$flag" -d "$level" "${mt[@]}" "$src" "$tmp/out")
      read -r ktime krss kanon ksize kother < <(run "${pin[@]}" "$root/bin/kdump4j" save ${KDUMP4J_SAVE_OPTS:-} -d "$level" -c "$codec" --threads "$threads" \
        "$src" "$tmp/out")
      printf '%-6s %3d %7d %7.2f %7.2f %11d %11d %7.2f %6.3f %6.2f %6.2f %7.1f %7.1f\n' "$codec" "$level" "$threads" \
        "$mtime" "$ktime" "$msize" "$ksize" \
        "$(awk -v a="$mtime" -v b="$ktime" 'BEGIN{print a/b}')" \
        "$(awk -v a="$ksize" -v b="$msize" 'BEGIN{print a/b}')" \
        "$(awk -v a="$krss" -v b="$mrss" 'BEGIN{print a/b}')" \
        "$(awk -v a="$kanon" -v b="$manon" 'BEGIN{print (b > 0 ? a/b : 0)}')" "$mother" "$kother"
      echo "  peak RSS / RssAnon KiB: makedumpfile $mrss / $manon, kdump4j $krss / $kanon" >&2
    done
  done
done
echo "load at end: $(cut -d" " -f1-3 /proc/loadavg)"
