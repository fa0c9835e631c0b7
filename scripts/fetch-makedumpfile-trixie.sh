#!/usr/bin/env bash
# Fetches Debian 13 (trixie)'s makedumpfile 1.7.6 for the tests that compare `kdump4j dmesg
# --caller-ids` with it (makedumpfile 1.7.5 and later print a caller-id column; Debian 12's 1.7.2
# does not). `apt-get download` through a private apt configuration under the cache (the host's
# sources are left alone); Debian 12's keyring verifies trixie. The binary needs glibc 2.34 and
# the libraries Debian 12's makedumpfile package already installs. Idempotent.
# Prints the path of the binary: ~/.cache/kdump4j/makedumpfile-trixie/usr/bin/makedumpfile.
set -euo pipefail
dir="${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}/makedumpfile-trixie"
bin="$dir/usr/bin/makedumpfile"
if [ ! -f "$dir/.complete" ]; then
  apt="$dir/apt"
  rm -rf "$dir"; mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/etc" "$dir/deb"
  echo "deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
    >"$apt/etc/sources.list"
  opts=(-o "Dir::Etc::SourceList=$apt/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt" -o "Dir::Cache::archives=$apt/archives"
        -o APT::Architectures::=amd64 -o APT::Sandbox::User=root)
  apt-get "${opts[@]}" -qq update >/dev/null
  (cd "$dir/deb" && apt-get "${opts[@]}" -qq download makedumpfile >/dev/null)
  for d in "$dir"/deb/*.deb; do dpkg-deb -x "$d" "$dir"; done
  rm -rf "$dir/deb" "$apt"
  "$bin" -v 2>&1 | grep -q "version 1\.7\." || { echo "fetch-makedumpfile-trixie: $bin does not run" >&2; exit 1; }
  touch "$dir/.complete"
fi
echo "$bin"
