#!/usr/bin/env bash
# Runs every mode of the crash lab on every kernel scripts/setup-crashlab.sh prepared
# (~/.cache/kdump4j/crashlab/kernels), two QEMU guests at a time, each run's dump and console
# log in ~/.cache/kdump4j/crashlab/RELEASE/MODE/ (CrashlabTest checks them). A run that does not
# panic keeps its console log and no dump: CrashlabTest fails on it by name. Prints one line a
# run (release, mode, seconds, result) and exits 1 if any run failed.
# Usage: lab/crashlab/run.sh [MODE...]   (default: every mode); $KDUMP4J_CRASHLAB_JOBS (default 2);
# $KDUMP4J_CRASHLAB_KERNELS (releases, space-separated) instead of the list.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}
list=$cache/crashlab/kernels
kernels=(${KDUMP4J_CRASHLAB_KERNELS:-$(cat "$list" 2>/dev/null)})
[ ${#kernels[@]} -gt 0 ] || { echo "crashlab: no kernels in $list (run scripts/setup-crashlab.sh)" >&2; exit 1; }
modes=("$@"); [ ${#modes[@]} -gt 0 ] || modes=(null bug warn gpf softlockup oom hung)
export here cache
one() {
  local release=$1 mode=$2 t0=$SECONDS out=$cache/crashlab/$1/$2
  mkdir -p "$out"
  if KRELEASE=$release "$here/crashlab.sh" "$mode" "$out" >"$out/run.log" 2>&1; then
    echo "crashlab: $release $mode $((SECONDS - t0)) s ok"
  else
    echo "crashlab: $release $mode $((SECONDS - t0)) s FAILED (see $out/run.log, $out/console.log)"; return 1
  fi
}
export -f one
t0=$SECONDS
rc=0
for release in "${kernels[@]}"; do
  for m in "${modes[@]}"; do echo "$release $m"; done
done | xargs -P "${KDUMP4J_CRASHLAB_JOBS:-2}" -L 1 bash -c 'one "$@"' _ || rc=1
echo "crashlab: ${#kernels[@]} kernels x ${#modes[@]} modes in $((SECONDS - t0)) s" >&2
exit $rc
