#!/usr/bin/env bash
# The real installed-system cycle on x86_64 (tests/e2e/README.md; `bin/kdump4j demo --system`):
# makes (once, cached) the Debian 12 image of scripts/setup-system-image.sh, builds the .deb
# (scripts/package.sh amd64, reusing cli/target's jars when they are there), then runs
# SystemCycleE2eRun: apt install, kdump4j enable, reboot, kdump4j test --yes, the capture into
# /var/crash/<date>/, analyze; CRASHES times (default 2); then the kernel upgrade and the same on
# the new kernel (UPGRADE=no skips it). CRASHKERNEL=SIZE is the reservation `kdump4j enable`
# writes (default: kdump4j's estimate). KDUMP4J_SYSTEM_DEB=FILE uses a .deb already built.
# Exit 0 only when the cycle worked; the results are in ~/.cache/kdump4j/system/last/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/find-java.sh"
kdump4j_find_java
"$root/scripts/setup-system-image.sh" >/dev/null
deb=${KDUMP4J_SYSTEM_DEB:-}
if [ -z "$deb" ]; then
  reuse=; ls "$root"/cli/target/kdump4j-cli-*.jar >/dev/null 2>&1 && reuse=1
  deb=$(KDUMP4J_PACKAGE_REUSE=$reuse "$root/scripts/package.sh" amd64 | tail -n 1)
fi
cd "$root"
exec mvn -B -ntp -Pe2e -pl cli -am test -Dtest=SystemCycleE2eRun -Dsurefire.failIfNoSpecifiedTests=false \
  -Dkdump4j.system=true -Dkdump4j.system.deb="$deb" -Dkdump4j.system.crashkernel="${CRASHKERNEL:-}" \
  -Dkdump4j.system.crashes="${CRASHES:-1}" -Dkdump4j.system.upgrade="$([ "${UPGRADE:-no}" = yes ] && echo true || echo false)" "$@"
