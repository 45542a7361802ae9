#!/usr/bin/env bash
# JMH benchmark of the scan hot loop (core's ScanLoopBenchmark). On demand only.
# usage: bench/jmh.sh [JMH options...]   e.g. bench/jmh.sh -p mib=64
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mvn -q -B -DskipTests -pl core -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/classpath.txt >/dev/null
java -cp "core/target/test-classes:core/target/classes:$(cat core/target/classpath.txt)" \
    org.openjdk.jmh.Main ScanLoopBenchmark "$@"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), java $(java -version 2>&1 | head -1)"
