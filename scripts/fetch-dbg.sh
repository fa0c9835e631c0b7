#!/bin/sh
# Fetches a Debian kernel's -dbg package (the vmlinux with DWARF that crash needs) into
# ~/.cache/kdump4j/dbg/<package>_<version>/ and prints the vmlinux path. Downloads once:
# a second run only prints the path. The packages are large (hundreds of MB), so they
# live in the cache, never in the work tree.
#
# usage: scripts/fetch-dbg.sh [PACKAGE [VERSION]]
#   default: linux-image-6.1.0-56-amd64-dbg 6.1.192-2 (the x86_64 6.1 fixture's kernel)
set -eu
pkg=${1:-linux-image-6.1.0-56-amd64-dbg}
ver=${2:-6.1.192-2}
cache=${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}/dbg
dir=$cache/${pkg}_$ver
release=${pkg#linux-image-}
release=${release%-dbg}
vmlinux=$dir/usr/lib/debug/boot/vmlinux-$release
if [ -f "$dir/.done" ] && [ -f "$vmlinux" ]; then
    echo "$vmlinux"
    exit 0
fi
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && apt-get download "$pkg=$ver" ) >&2
deb=$(ls "$tmp"/*.deb)
rm -rf "$dir"
mkdir -p "$dir"
# Only the vmlinux is needed; the modules' debug files would triple the space.
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" "./usr/lib/debug/boot/vmlinux-$release"
touch "$dir/.done"
echo "$vmlinux"
