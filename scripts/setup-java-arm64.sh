#!/usr/bin/env bash
# Fetches a Java 25 for arm64 capture kernels and guests (issue 5, item 5): Debian 12 packages only
# openjdk-17 for arm64, so this takes Debian 13's openjdk-25-jdk-headless:arm64 (its jmods, which
# the host's JDK 25 jlink links into an aarch64 runtime) and the arm64 libraries that runtime loads
# (libc6, libgcc-s1, libstdc++6, zlib1g) and libdeflate0 (the fast zlib page compressor kdump4j
# opens at run time), all with `apt-get download` from Debian's archive.
# The host's apt sources are left alone: a private apt configuration under the cache names the
# trixie suite for arm64 only, signed by the trixie key Debian 12's debian-archive-keyring ships.
# Unpacked into ~/.cache/kdump4j/java-arm64/<version>/{jdk,sysroot}. Idempotent; prints that
# folder on its last line.
set -euo pipefail
cache="${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}/java-arm64"
suite=${KDUMP4J_JAVA_ARM64_SUITE:-trixie}
apt="$cache/apt"
mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/etc"
cat > "$apt/etc/sources.list" <<EOF
deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main
EOF
opts=(-o "Dir::Etc::SourceList=$apt/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt" -o "Dir::Cache::archives=$apt/archives"
      -o APT::Architectures::=arm64 -o APT::Sandbox::User=root -q)
version() { apt-cache "${opts[@]}" show openjdk-25-jdk-headless:arm64 2>/dev/null | awk '/^Version:/ {print $2; exit}'; }
v=$(version || true)
if [ -z "$v" ] || [ ! -f "$cache/$v/.complete" ]; then
  apt-get "${opts[@]}" update >/dev/null
  v=$(version)
fi
[ -n "$v" ] || { echo "setup-java-arm64: Debian $suite has no openjdk-25-jdk-headless:arm64" >&2; exit 1; }
dir="$cache/$v"
if [ ! -f "$dir/.complete" ]; then
  echo "setup-java-arm64: fetching openjdk-25-jdk-headless:arm64 $v ($suite) and its libraries into $dir" >&2
  rm -rf "$dir"; mkdir -p "$dir/deb" "$dir/root" "$dir/sysroot"
  (cd "$dir/deb" && apt-get "${opts[@]}" download openjdk-25-jdk-headless:arm64 libc6:arm64 libgcc-s1:arm64 \
      libstdc++6:arm64 zlib1g:arm64 >/dev/null)
  dpkg-deb -x "$dir"/deb/openjdk-25-jdk-headless_*.deb "$dir/root"
  mv "$dir/root/usr/lib/jvm/java-25-openjdk-arm64" "$dir/jdk"
  for d in "$dir"/deb/*.deb; do
    case "$d" in *openjdk*) ;; *) dpkg-deb -x "$d" "$dir/sysroot" ;; esac
  done
  # Debian 13 is merged-/usr: /lib is a link to usr/lib made by base-files, not by libc6.
  [ -e "$dir/sysroot/lib" ] || ln -s usr/lib "$dir/sysroot/lib"
  [ -d "$dir/jdk/jmods" ] || { echo "setup-java-arm64: no jmods in openjdk-25-jdk-headless $v" >&2; exit 1; }
  # Only the jmods are used (the host's jlink reads them); the rest is aarch64 tools we cannot run.
  find "$dir/jdk" -mindepth 1 -maxdepth 1 ! -name jmods -exec rm -rf {} +
  rm -rf "$dir/deb" "$dir/root"
  touch "$dir/.complete"
fi
# libdeflate came later than the rest: added to a sysroot fetched before it.
if ! ls "$dir"/sysroot/usr/lib/aarch64-linux-gnu/libdeflate.so.0 >/dev/null 2>&1; then
  mkdir -p "$dir/deb"
  if ! (cd "$dir/deb" && apt-get "${opts[@]}" download libdeflate0:arm64 >/dev/null 2>&1); then
    apt-get "${opts[@]}" update >/dev/null
    (cd "$dir/deb" && apt-get "${opts[@]}" download libdeflate0:arm64 >/dev/null)
  fi
  dpkg-deb -x "$dir"/deb/libdeflate0_*.deb "$dir/sysroot"
  rm -rf "$dir/deb"
fi
ln -sfn "$v" "$cache/current"
echo "$dir"
