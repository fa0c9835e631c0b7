#!/usr/bin/env bash
# Builds kdump4j and runs every test: unit tests, synthetic edge cases, property-based fuzzing,
# the real-dump tests against ../shared/fixtures and the peers (makedumpfile, crash,
# libkdumpfile), and the QEMU kdump cycle (-Pe2e; needs scripts/setup.sh first); then the Debian
# package (scripts/test-package.sh, from the jars just built: about 2-4 minutes on 2 cores).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/find-java.sh"
kdump4j_find_java
cd "$root"
mvn -B -ntp -Pe2e verify "$@"
KDUMP4J_PACKAGE_REUSE=1 "$root/scripts/test-package.sh"
