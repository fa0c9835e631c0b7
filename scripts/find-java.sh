#!/usr/bin/env bash
# Sourced by the project's scripts: sets JAVA_HOME to a JDK 25 (Temurin's is installed beside
# Debian's default Java 17), or fails with what to do.
kdump4j_find_java() {
  local c
  for c in "${KDUMP4J_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-* /usr/lib/jvm/java-25-* /usr/lib/jvm/jdk-25*; do
    [ -n "$c" ] && [ -x "$c/bin/javac" ] || continue
    # The JDK's release file names its version without starting a JVM.
    if grep -qE '^JAVA_VERSION="25' "$c/release" 2>/dev/null || "$c/bin/java" -version 2>&1 | grep -qE 'version "25'; then
      export JAVA_HOME="$c"
      return 0
    fi
  done
  echo "kdump4j: no JDK 25 found (looked at \$KDUMP4J_JAVA_HOME, \$JAVA_HOME, /usr/lib/jvm/temurin-25-jdk-*);" \
       "install Temurin 25 or set KDUMP4J_JAVA_HOME" >&2
  return 1
}
