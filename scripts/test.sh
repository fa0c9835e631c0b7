#!/usr/bin/env bash
# Builds kdump4j and runs every test: unit tests, synthetic edge cases, property-based fuzzing,
# the real-dump tests against ../shared/fixtures and the peers (makedumpfile, crash,
# libkdumpfile), and the QEMU kdump cycle (-Pe2e; needs scripts/setup.sh first).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/find-java.sh"
kdump4j_find_java
cd "$root"
exec mvn -B -ntp -Pe2e verify "$@"
