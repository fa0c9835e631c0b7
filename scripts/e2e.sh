#!/usr/bin/env bash
# The QEMU kdump cycle (tests/e2e/README.md): installs what it needs, fetches the current Debian
# kernel into ~/.cache/kdump4j/kernels, then runs KdumpCycleE2eTest. Exit 0 only when the cycle worked.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup-e2e.sh" >/dev/null
. "$root/scripts/find-java.sh"
kdump4j_find_java
cd "$root"
exec mvn -B -ntp -Pe2e -pl cli -am test -Dtest=KdumpCycleE2eTest -Dsurefire.failIfNoSpecifiedTests=false "$@"
