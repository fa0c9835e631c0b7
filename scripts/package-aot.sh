#!/usr/bin/env bash
# scripts/package-aot.sh ARCH STAGE OUT: trains the package's AOT cache (JDK 25, JEP 483/514/515).
# The cache records the module path, so the training must see the runtime and jars at their
# installed paths, /usr/lib/kdump4j: in a private mount namespace (unshare, root), STAGE's usr/lib
# is laid over the host's /usr/lib by a read-only overlay; nothing on the host changes. The workload
# is bin/kdump4j's: a save of the demo dump at level 31 with zlib (else --help). amd64 only: an
# aarch64 JVM cannot run here except under qemu-user, whose paths the cache would record.
set -euo pipefail
arch=$1 stage=$2 out=$3
root=$(cd "$(dirname "$0")/.." && pwd)
if [ "$arch" != "$(dpkg --print-architecture)" ]; then
  echo "package-aot: no AOT cache for $arch on a $(dpkg --print-architecture) host" >&2; exit 1
fi
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null; then
  echo "package-aot: the training needs root for a private mount namespace (unshare -m)" >&2; exit 1
fi
demo="$root/../shared/fixtures/x86_64-6.1.0-56-amd64/sysrq-flat/vmcore.flat"
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
train=(--help); [ -f "$demo" ] && train=(save -d 31 -c zlib "$(readlink -f "$demo")" "$scratch/train.kdump")
unshare -m --propagation private sh -c '
  mount -t overlay kdump4j-package -o "lowerdir=$1/usr/lib:/usr/lib" /usr/lib || exit 1
  shift 2
  exec /usr/lib/kdump4j/runtime/bin/java -XX:AOTCacheOutput="$0" @/usr/lib/kdump4j/jvm.args \
    -m io.kdump4j.cli/io.kdump4j.cli.Main "$@"' "$scratch/kdump4j.aot" "$stage" x "${train[@]}" >"$scratch/log" 2>&1 \
  || { tail -5 "$scratch/log" >&2; exit 1; }
[ -s "$scratch/kdump4j.aot" ] || { echo "package-aot: the training wrote no cache" >&2; exit 1; }
install -m 0644 "$scratch/kdump4j.aot" "$out"
# The cache holds code (the archived adapters) made for this build machine's CPU: on a CPU without
# one of its features (a QEMU TCG guest, an older server) the JVM dies with SIGILL in an
# AdapterBlob. /usr/bin/kdump4j uses the cache only on a CPU with every flag listed here.
grep -m 1 '^flags' /proc/cpuinfo | sed 's/^flags[[:space:]]*:[[:space:]]*//' > "$out.cpu"
chmod 0644 "$out.cpu"
echo "package-aot: $(du -h "$out" | cut -f1) AOT cache trained with: kdump4j ${train[*]}" >&2
