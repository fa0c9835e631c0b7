#!/usr/bin/env bash
# Installs what kdump4j needs on a Debian 12 machine (idempotent; run as root or with sudo):
# Maven to build, the real peers the tests compare against (makedumpfile, crash, libkdumpfile),
# zstd and xz for the compressed fixtures, libdeflate (kdump4j's fast zlib page compressor), and what the QEMU kdump cycle needs
# (scripts/setup-e2e.sh). JDK 25 (Temurin) is expected beside Debian's Java 17.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
packages=(maven makedumpfile crash zstd xz-utils python3-libkdumpfile libdeflate0 lintian asciidoctor)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian 13's makedumpfile 1.7.6 (caller-id column in --dump-dmesg), beside Debian 12's 1.7.2.
"$root/scripts/fetch-makedumpfile-trixie.sh" >/dev/null
# The QEMU kdump cycle: qemu, busybox-static, cpio, e2fsprogs, kmod and the current Debian
# kernel package (apt-get download, into ~/.cache/kdump4j/kernels, never installed).
"$root/scripts/setup-e2e.sh" >/dev/null
# The arm64 cycle: qemu-system-arm, dtc, binutils for aarch64, Debian's arm64 kernel and busybox.
"$root/scripts/setup-e2e-arm64.sh" >/dev/null
# The crash lab (lab/crashlab): its kernels (the default and sid's newest) and, per kernel, a
# chroot of its suite to build the lab's module in (mmdebstrap; needs root, as CI has).
if [ "$(id -u)" -eq 0 ]; then
  "$root/scripts/setup-crashlab.sh" >/dev/null
else
  echo "setup: the crash lab needs root (scripts/setup-crashlab.sh); CrashlabTest will skip" >&2
fi
. "$root/scripts/find-java.sh"
kdump4j_find_java
echo "setup: ready (JAVA_HOME=$JAVA_HOME)" >&2
