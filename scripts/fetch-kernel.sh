#!/usr/bin/env bash
# Fetches the NEWEST Debian kernel of a suite and flavour, chosen at run time (issue 11, items 3
# and 6), with `apt-get download` through a private apt configuration under the cache: the host's
# apt sources are never read or changed; Debian 12's debian-archive-keyring verifies every suite.
#
#   scripts/fetch-kernel.sh SUITE [SERIES] FLAVOUR
#     SUITE    bookworm (with bookworm-backports), trixie, sid, experimental, bullseye
#     SERIES   optional upstream series the release must start with, e.g. 6.12 or 6.1
#     FLAVOUR  Debian's flavour: amd64, arm64, cloud-amd64, rt-amd64, rt-arm64, cloud-arm64, ...
#   e.g. `sid amd64`, `sid rt-amd64`, `experimental amd64`, `bookworm 6.12 amd64`, `bullseye amd64`.
#
# Debian's layouts differ and are detected from the unpacked files, not from version numbers:
# bookworm and bullseye put vmlinuz-<r> and config-<r> in /boot and modules in /lib/modules/<r>;
# trixie is merged-/usr (usr/lib/modules/<r>); sid and experimental split the kernel: the
# linux-image-<r> package is a meta that depends on linux-binary-<r>, linux-modules-<r>, ... with
# vmlinuz and config under /usr/lib/modules/<r>/. Every linux-* package the image depends on with
# the same <r> is fetched and unpacked. For arm64 also busybox-static:arm64 of the same suite (the
# foreign capture initramfs' shell) and Image (the uncompressed kernel QEMU's -kernel wants).
#
# Unpacked into ~/.cache/kdump4j/kernels/<r>/: vmlinuz, config, System.map (when the package
# ships a real one), modules -> root/[usr/]lib/modules/<r>, root/, PACKAGE (package and version),
# SUITE, .complete. Idempotent: an existing complete folder is reused. Without the network the
# last downloaded lists are used. Prints the folder on its last line.
set -euo pipefail
usage() { echo "usage: $0 SUITE [SERIES] FLAVOUR   (e.g. sid amd64, bookworm 6.12 amd64, sid rt-amd64)" >&2; exit 2; }
[ $# -ge 2 ] && [ $# -le 3 ] || usage
suite=$1
if [ $# -eq 3 ]; then series=$2; flavour=$3; else series=; flavour=$2; fi
arch=${flavour##*-}
case "$arch" in amd64|arm64) ;; *) echo "fetch-kernel: unknown architecture in flavour $flavour" >&2; exit 2 ;; esac
base="${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}"
cache="$base/kernels"
mirror=${KDUMP4J_DEBIAN_MIRROR:-http://deb.debian.org/debian}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || { echo "fetch-kernel: $keyring missing (apt-get install debian-archive-keyring)" >&2; exit 1; }
security=${KDUMP4J_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
# A stable suite's newest kernel is usually in its -security suite (bookworm's 6.1.0-57 today).
case "$suite" in
  bookworm) suites=(bookworm bookworm-updates bookworm-backports); sec=bookworm-security ;;
  trixie) suites=(trixie trixie-updates); sec=trixie-security ;;
  bullseye) suites=(bullseye); sec=bullseye-security ;;
  sid|experimental) suites=("$suite"); sec= ;;
  *) echo "fetch-kernel: unknown suite $suite" >&2; exit 2 ;;
esac

apt="$base/apt/$suite"
mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/etc"
# One fetcher per suite at a time (the matrix fetches several flavours of a suite in parallel).
exec 9>"$apt/lock"
flock 9
: > "$apt/etc/sources.list.new"
for s in "${suites[@]}"; do
  echo "deb [arch=amd64,arm64 signed-by=$keyring] $mirror $s main" >> "$apt/etc/sources.list.new"
done
[ -z "$sec" ] || echo "deb [arch=amd64,arm64 signed-by=$keyring] $security $sec main" >> "$apt/etc/sources.list.new"
cmp -s "$apt/etc/sources.list.new" "$apt/etc/sources.list" || rm -f "$apt"/lists/*_Packages*
mv "$apt/etc/sources.list.new" "$apt/etc/sources.list"
opts=(-o "Dir::Etc::SourceList=$apt/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt" -o "Dir::Cache::archives=$apt/archives"
      -o "Dir::State::status=/dev/null" -o APT::Architectures::=amd64 -o APT::Architectures::=arm64
      -o APT::Sandbox::User=root -o Acquire::Languages=none -q)
# Lists newer than an hour are reused (a matrix fetches several flavours of one suite in a row).
fresh=$(find "$apt/lists" -maxdepth 1 -name '*_Packages*' -mmin -60 2>/dev/null | head -n 1)
if [ -z "$fresh" ]; then
  if ! apt-get "${opts[@]}" update >"$apt/update.log" 2>&1; then
    ls "$apt"/lists/*_Packages* >/dev/null 2>&1 || { cat "$apt/update.log" >&2; echo "fetch-kernel: apt-get update failed for $suite" >&2; exit 1; }
    echo "fetch-kernel: apt-get update failed; using the lists of $(stat -c %y "$(ls "$apt"/lists/*_Packages* | head -n 1)")" >&2
  fi
fi

# Every linux-image-<r> of this architecture whose <r> ends in -FLAVOUR (not -dbg, -unsigned),
# with its Version; the newest by Debian's version order wins.
# The release ends in a digit before the flavour (6.1.0-57-amd64, 7.2.13+deb14-amd64), which keeps
# linux-image-cloud-amd64 (a meta) and 6.1.0-57-rt-amd64 out of flavour amd64.
pattern="^linux-image-[0-9][0-9.~+a-z-]*[0-9]-${flavour}\$"
[ -n "$series" ] && pattern="^linux-image-${series//./\\.}([.~+-][0-9.~+a-z-]*[0-9])?-${flavour}\$"
best=; bestv=
while read -r name version; do
  [[ "$name" =~ $pattern ]] || continue
  if [ -z "$bestv" ] || dpkg --compare-versions "$version" gt "$bestv"; then best=$name; bestv=$version; fi
done < <(apt-cache "${opts[@]}" dumpavail 2>/dev/null | awk -v a="$arch" '
    /^Package: / {p=$2} /^Version: / {v=$2} /^Architecture: / {ar=$2}
    /^$/ { if (p ~ /^linux-image-/ && ar == a) print p, v; p=v=ar="" }')
[ -n "$best" ] || { echo "fetch-kernel: no linux-image-${series:+$series*}*-$flavour for $arch in ${suites[*]}" >&2; exit 1; }
# A series meta (bookworm-security's linux-image-6.12-amd64) depends on the image of the newest
# release of the series: follow it. sid's split image depends on linux-binary-<r> etc., not on
# another linux-image.
for _ in 1 2 3; do
  next=$(apt-cache "${opts[@]}" depends "$best:$arch" 2>/dev/null \
      | awk '/^ *Depends: linux-image-/ { d=$2; sub(/:.*/, "", d); print d; exit }')
  [ -n "$next" ] && [[ "$next" =~ $pattern ]] || break
  best=$next
done
release=${best#linux-image-}
dir="$cache/$release"
if [ -f "$dir/.complete" ]; then echo "$dir"; exit 0; fi

echo "fetch-kernel: fetching $best $bestv ($suite) into $dir" >&2
rm -rf "$dir"; mkdir -p "$dir/deb" "$dir/root"
# The image and the linux-* packages of the same release it depends on (the split packages of
# sid and experimental; none for bookworm's one-package image).
pkgs=("$best:$arch")
while read -r dep; do pkgs+=("$dep:$arch"); done < <(apt-cache "${opts[@]}" depends "$best:$arch" 2>/dev/null \
    | awk -v r="$release" '/^ *(Pre)?Depends: linux-/ { d=$2; sub(/:.*/, "", d); if (index(d, r) && d !~ /-dbg$/) print d }' | sort -u)
[ "$arch" = amd64 ] || pkgs+=("busybox-static:$arch")
(cd "$dir/deb" && apt-get "${opts[@]}" download "${pkgs[@]}" >/dev/null)
for d in "$dir"/deb/linux-*.deb; do dpkg-deb -x "$d" "$dir/root"; done
mod=
for m in "$dir/root/usr/lib/modules/$release" "$dir/root/lib/modules/$release"; do
  [ -d "$m" ] && [ ! -L "$m" ] && { mod=${m#"$dir/"}; break; }
done
[ -n "$mod" ] || { echo "fetch-kernel: $best has no lib/modules/$release" >&2; exit 1; }
pick() { for f in "$@"; do [ -f "$f" ] && { echo "$f"; return; }; done; return 1; }
vmlinuz=$(pick "$dir/root/boot/vmlinuz-$release" "$dir/$mod/vmlinuz") \
  || { echo "fetch-kernel: no vmlinuz in ${pkgs[*]}" >&2; exit 1; }
config=$(pick "$dir/root/boot/config-$release" "$dir/$mod/config") \
  || { echo "fetch-kernel: no config in ${pkgs[*]}" >&2; exit 1; }
cp "$vmlinuz" "$dir/vmlinuz"
cp "$config" "$dir/config"
ln -sfn "$mod" "$dir/modules"
# Debian's packaged System.map is a one-line stub ("ffffffffffffffff B The real System.map is in
# the linux-image-<version>-dbg package"); should a package ship a real one, it is kept.
if map=$(pick "$dir/root/boot/System.map-$release" "$dir/$mod/System.map") && [ "$(wc -l < "$map")" -gt 1000 ]; then
  cp "$map" "$dir/System.map"
fi
if [ "$arch" = arm64 ]; then
  dpkg-deb -x "$dir"/deb/busybox-static_*.deb "$dir/bb"
  # merged-/usr suites (trixie on) ship usr/bin/busybox
  cp "$(pick "$dir/bb/bin/busybox" "$dir/bb/usr/bin/busybox")" "$dir/busybox"
  # Debian's arm64 vmlinuz is a gzip-compressed Image; QEMU's -kernel wants the Image.
  if gzip -t "$dir/vmlinuz" 2>/dev/null; then gzip -dc "$dir/vmlinuz" > "$dir/Image"; else cp "$dir/vmlinuz" "$dir/Image"; fi
  rm -rf "$dir/bb"
fi
for d in "$dir"/deb/linux-*.deb; do dpkg-deb -f "$d" Package Version; done > "$dir/PACKAGE"
echo "$suite" > "$dir/SUITE"
rm -rf "$dir/deb"
touch "$dir/.complete"
echo "$dir"
