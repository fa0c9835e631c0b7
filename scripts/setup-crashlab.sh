#!/usr/bin/env bash
# Prepares the crash lab (lab/crashlab, issue 11 item 4) on a fresh Debian 12 machine, idempotently:
#  - installs with apt what the lab needs on the host: gcc and libc6-dev (the static /init),
#    python3 (QMP), e2fsprogs (the hung mode's ext4 image), xz-utils and zstd (Debian's compressed
#    modules), mmdebstrap (the build roots below), and QEMU (scripts/setup-e2e.sh);
#  - fetches its kernels: the host's default Debian kernel (scripts/setup-e2e.sh) and the newest
#    kernel of each suite in $KDUMP4J_CRASHLAB_SUITES (default "sid"; scripts/fetch-kernel.sh);
#  - for each kernel, a build root for the lab's test module: a minimal Debian chroot of the
#    kernel's own suite made with mmdebstrap, holding make and linux-headers-<r>, which pulls the
#    very compiler (gcc-16-for-host for sid's 7.2) and kbuild (fixdep, modpost) the kernel was
#    built with. Debian 12 can neither run sid's kbuild binaries (newer glibc) nor has its compiler,
#    so the module is built inside that chroot (crashlab.sh). Cached outside the tree in
#    ~/.cache/kdump4j/crashlab/root/<r>/ (about 250 MB each); needs root (CI runs as root).
# The apt traffic for the chroots goes through mmdebstrap's own sources (the host's apt sources are
# neither read nor changed); Debian 12's debian-archive-keyring verifies every suite.
# Writes ~/.cache/kdump4j/crashlab/kernels (one release a line, the lab's kernels); prints it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
base="${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}"
lab="$base/crashlab"
mirror=${KDUMP4J_DEBIAN_MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" -eq 0 ] || { echo "setup-crashlab: the module build roots need root (mmdebstrap, chroot)" >&2; exit 1; }

packages=(gcc libc6-dev python3 e2fsprogs xz-utils zstd mmdebstrap)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-crashlab: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The kernels: the host's default (its suite is the host's) and the newest of each listed suite.
kernels=("$("$root/scripts/setup-e2e.sh" | tail -n 1)")
for s in ${KDUMP4J_CRASHLAB_SUITES-sid}; do
  kernels+=("$("$root/scripts/fetch-kernel.sh" "$s" amd64 | tail -n 1)")
done

# One chroot per kernel: its suite's packages (stable suites with their updates and security
# archives, where a point-release kernel such as bookworm's 6.1.0-57 lives).
host_suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
mkdir -p "$lab"; : > "$lab/kernels.new"
for k in "${kernels[@]}"; do
  release=$(basename "$k")
  suite=$(cat "$k/SUITE" 2>/dev/null || echo "$host_suite")
  dir="$lab/root/$release"
  if [ ! -f "$dir/.complete" ]; then
    case "$suite" in
      sid) sources=("deb $mirror sid main") ;;
      experimental) sources=("deb $mirror sid main" "deb $mirror experimental main") ;;
      *) sources=("deb $mirror $suite main" "deb $mirror $suite-updates main"
                  "deb ${mirror%/debian}/debian-security $suite-security main")
         [ "$suite" = bookworm ] && sources+=("deb $mirror bookworm-backports main") ;;
    esac
    echo "setup-crashlab: making the $suite build root for linux-headers-$release in $dir" >&2
    rm -rf "$dir"; mkdir -p "$dir"
    t0=$SECONDS
    # Check-Valid-Until off: the mirror's Release files may be older than this machine's clock.
    mmdebstrap --quiet --variant=essential --include="make,linux-headers-$release" \
      --aptopt='Acquire::Languages "none"' --aptopt='Acquire::Check-Valid-Until "false"' \
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
      --dpkgopt='path-exclude=/usr/share/locale/*' \
      "$suite" "$dir/root" "${sources[@]}" >"$lab/root/$release.log" 2>&1 \
      || { tail -n 20 "$lab/root/$release.log" >&2; echo "setup-crashlab: mmdebstrap failed for $release" >&2; exit 1; }
    [ -f "$dir/root/usr/src/linux-headers-$release/Makefile" ] \
      || { echo "setup-crashlab: no linux-headers-$release in the $suite build root" >&2; exit 1; }
    echo "setup-crashlab: build root for $release ready in $((SECONDS - t0)) s" >&2
    touch "$dir/.complete"
  fi
  echo "$release" >> "$lab/kernels.new"
done
mv "$lab/kernels.new" "$lab/kernels"
cat "$lab/kernels"
