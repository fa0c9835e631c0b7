#!/usr/bin/env bash
# The Debian package as a user gets it (scripts/test.sh runs this after the Maven tests):
# builds dist/kdump4j_<version>_amd64.deb (scripts/package.sh), runs lintian on it (errors and
# warnings fail, overrides are in packaging/debian/lintian-overrides), checks its contents and
# conffiles, unpacks it (dpkg-deb -x) and runs the unpacked /usr/bin/kdump4j at its installed path
# with no JDK: in a private mount namespace the package's /usr is laid over the host's by a
# read-only overlay and /usr/lib/jvm is hidden (empty tmpfs), PATH has no Java. There it runs
# `kdump4j --version`, `kdump4j info` on a real dump of Debian's 6.1.0-56-amd64, and
# `kdump4j initramfs` (what the kernel hook runs) for the cached Debian kernel, from the bundled runtime.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "test-package: FAIL: $*" >&2; exit 1; }
t0=$(date +%s)
deb=${KDUMP4J_PACKAGE_DEB:-}   # a .deb already built (to rerun the checks alone)
[ -n "$deb" ] || deb=$("$root/scripts/package.sh" amd64 | tail -n 1)
t1=$(date +%s)
echo "test-package: built $(basename "$deb") in $((t1 - t0)) s" >&2

scratch=$(mktemp -d /tmp/kdump4j-test-package.XXXXXX); trap 'rm -rf "$scratch"' EXIT
lintian --fail-on error,warning "$deb" >"$scratch/lintian" 2>&1 || { cat "$scratch/lintian" >&2; fail "lintian (above)"; }
t2=$(date +%s)
echo "test-package: lintian clean in $((t2 - t1)) s" >&2

list=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/kdump4j ./usr/lib/kdump4j/runtime/bin/java ./usr/lib/kdump4j/jvm.args ./usr/lib/kdump4j/kdump4j.aot \
         ./usr/lib/kdump4j/lib/picocli-4.7.7.jar ./etc/kdump4j.conf ./lib/systemd/system/kdump4j-load.service \
         ./etc/kernel/postinst.d/kdump4j ./etc/kernel/postrm.d/kdump4j ./usr/share/man/man1/kdump4j.1.gz \
         ./usr/share/man/man1/kdump4j-save.1.gz ./usr/share/bash-completion/completions/kdump4j \
         ./usr/share/doc/kdump4j/copyright; do
  grep -qxF "$f" <<<"$list" || fail "$f is not in the package"
done
ls "$root"/cli/target/lib/*.jar >/dev/null
for j in "$root"/cli/target/lib/*.jar; do
  grep -qxF "./usr/lib/kdump4j/lib/$(basename "$j")" <<<"$list" || fail "$(basename "$j") is not bundled"
  name=$(basename "$j" | sed 's/-[0-9].*//')
  case "$name" in kdump4j-*) ;; *) grep -q "usr/lib/kdump4j/lib/$name-" <(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/doc/kdump4j/copyright) \
      || fail "copyright does not list the bundled $name" ;; esac
done
conffiles=$(dpkg-deb -I "$deb" conffiles)
[ "$conffiles" = $'/etc/kdump4j.conf\n/etc/kernel/postinst.d/kdump4j\n/etc/kernel/postrm.d/kdump4j' ] \
  || fail "conffiles: $conffiles"
dpkg-deb -I "$deb" control | grep -q '^Architecture: amd64$' || fail "control Architecture"

dpkg-deb -x "$deb" "$scratch/root"
fixture=$(readlink -f "$root/../shared/fixtures/x86_64-6.1.0-56-amd64/sysrq-flat/vmcore.flat")
[ -f "$fixture" ] || fail "no fixture $fixture (../shared/fixtures)"
# A Debian kernel's modules and config (scripts/setup-e2e.sh caches the current one).
kernel=$(readlink -f "${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}/kernels/current")
[ -d "$kernel/modules" ] || fail "no cached kernel at $kernel (scripts/setup-e2e.sh)"
# The namespace: the package's usr over the host's; no JDK anywhere (Debian's Java 17 included).
unshare -m --propagation private env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$scratch" sh -c '
  mount -t overlay kdump4j-test -o "lowerdir=$1/usr:/usr" /usr || exit 9
  mount -t tmpfs none /usr/lib/jvm || exit 9
  if command -v java >/dev/null 2>&1 && java -version >/dev/null 2>&1; then echo "a java is on PATH" >&2; exit 9; fi
  /usr/bin/kdump4j --version > "$2/version" 2>&1 || exit 1
  KDUMP4J_JAVA_OPTS=-Xlog:aot=info /usr/bin/kdump4j --version > "$2/aot" 2>&1 || exit 1
  /usr/bin/kdump4j info "$3" > "$2/info" 2>&1 || exit 2
  # What the kernel hook runs: a capture initramfs bundling the installed runtime as it is.
  /usr/bin/kdump4j initramfs --kernel-release "$(basename "$(readlink -f "$4")")" --modules-dir "$4/modules" \
    --kernel-config "$4/config" --config "$1/etc/kdump4j.conf" -o "$2/initrd.img" > "$2/initramfs" 2>&1 || exit 3
  ' x "$scratch/root" "$scratch" "$fixture" "$kernel" \
  || { rc=$?; cat "$scratch"/version "$scratch"/info "$scratch"/initramfs 2>/dev/null >&2; fail "the installed kdump4j (step $rc)"; }
version=$(dpkg-deb -f "$deb" Version)
commit=${version##*.}   # the commit the package was built from (its version names it)
cat "$scratch/version" >&2
grep -q "^kdump4j $version (commit $commit" "$scratch/version" || fail "--version does not name $version and $commit"
grep -q "^Java runtime: .* 25[.+].* at /usr/lib/kdump4j/runtime$" "$scratch/version" || fail "--version does not name the bundled runtime"
grep -q "Opened AOT cache /usr/lib/kdump4j/kdump4j.aot" "$scratch/aot" || fail "the AOT cache was not opened"
! grep -qi "mismatch\|Unable to map" "$scratch/aot" || fail "the AOT cache does not match the installed runtime: $(grep -i mismatch "$scratch/aot")"
# The release the first kernel reported about itself (fixture README: uname -r in the guest).
grep -q "6.1.0-56-amd64" "$scratch/info" || { cat "$scratch/info" >&2; fail "info does not name the dump's kernel release"; }
cat "$scratch/initramfs" >&2
grep -q "modules: .*virtio_blk.*ext4" "$scratch/initramfs" || fail "the capture initramfs lacks the config's modules"
zcat "$scratch/initrd.img" | cpio -it --quiet 2>/dev/null > "$scratch/initrd.list"
for f in init opt/kdump4j/java/bin/java opt/kdump4j/java/lib/modules; do
  grep -qxF "$f" "$scratch/initrd.list" || fail "the capture initramfs has no $f"
done
! grep -q "kdump4j.aot" "$scratch/initrd.list" || fail "the AOT cache went into the initramfs"
echo "test-package: the unpacked /usr/bin/kdump4j ran --version, info and initramfs with no JDK; total $(( $(date +%s) - t0 )) s" >&2
