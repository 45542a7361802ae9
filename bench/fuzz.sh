#!/usr/bin/env bash
# Fuzzes the @FuzzTest harnesses with Jazzer (libFuzzer), one after another, niced, and prints
# executions and coverage per harness. docs/reliability.md records the figures and what they found.
#
# usage: bench/fuzz.sh [SECONDS | --runs N] [HARNESS...]
#   SECONDS   fuzzing time per harness (default 60)
#   --runs N  stop each harness after N executions instead (no time limit)
#   HARNESS   elf scan patch manifest archive (default: all)
#
# Each harness keeps its corpus in target/fuzz/NAME/corpus (so runs build on each other until
# `mvn clean`) and its log in target/fuzz/NAME/log; inputs that break a promise are written to
# target/fuzz/NAME/findings/. Fuzzing goes on after a finding (up to 20 distinct ones). To keep a
# finding as a regression case that `mvn verify` replays, fix the bug and copy the file, named
# after the bug, into the harness's inputs directory (the path is printed below the table).
# Environment: FUZZ_HEAP (JVM -Xmx, default 1g), FUZZ_NICE (default 19).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

seconds=60
runs=
if [[ ${1:-} == --runs ]]; then
  runs=${2:?--runs needs a number}
  shift 2
elif [[ ${1:-} =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi

# name -> module, test class, method
declare -A module=([elf]=elf [scan]=core [patch]=core [manifest]=core [archive]=core)
declare -A class=(
  [elf]=dev.a64patch.elf.ElfFuzzTest
  [scan]=dev.a64patch.core.scan.ScanFuzzTest
  [patch]=dev.a64patch.core.patch.PatchFuzzTest
  [manifest]=dev.a64patch.core.patch.ManifestFuzzTest
  [archive]=dev.a64patch.core.batch.ArchiveFuzzTest)
declare -A method=(
  [elf]=readEveryAccessor [scan]=scan [patch]=patchVerifyRestore [manifest]=manifest
  [archive]=walkArchive)
# Coverage feedback comes from a64patch's classes; the manifest is parsed by Jackson, so its
# branches guide the fuzzer there too.
declare -A include=([manifest]='dev.a64patch.**:com.fasterxml.jackson.**')

harnesses=("$@")
if [[ ${#harnesses[@]} -eq 0 ]]; then
  harnesses=(elf scan patch manifest archive)
fi
for h in "${harnesses[@]}"; do
  [[ -n ${class[$h]:-} ]] || { echo "fuzz.sh: unknown harness '$h' (elf scan patch manifest archive)" >&2; exit 2; }
done

mkdir -p target/fuzz
if ! mvn -o -q -B -DskipTests -pl core -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/fuzz.classpath -Dstyle.color=never \
  >target/fuzz/build.log 2>&1; then
  cat target/fuzz/build.log >&2
  exit 1
fi
cp="$top/elf/target/test-classes:$top/core/target/test-classes:$top/core/target/classes"
cp="$cp:$(cat core/target/fuzz.classpath)"

if [[ -n $runs ]]; then
  limit=(--max_executions="$runs" --max_duration=24h)
else
  limit=(--max_duration="${seconds}s")
fi

printf '%-9s %12s %8s %8s %7s %7s %8s %9s\n' harness executions seconds exec/s cov ft corpus findings
for h in "${harnesses[@]}"; do
  dir="$top/target/fuzz/$h"
  mkdir -p "$dir/corpus" "$dir/findings"
  pkg=${class[$h]%.*}
  simple=${class[$h]##*.}
  kept="$top/${module[$h]}/src/test/resources/${pkg//.//}/${simple}Inputs/${method[$h]}"
  # Kept regression inputs seed the corpus too (the @MethodSource seeds are added by Jazzer).
  if [[ -d $kept ]]; then
    cp -n "$kept"/* "$dir/corpus/" 2>/dev/null || true
  fi
  start=$(date +%s)
  # Crash files go to the working directory (libFuzzer's artifact prefix is Jazzer's base dir).
  (cd "$dir/findings" &&
    JAZZER_FUZZ=1 nice -n "${FUZZ_NICE:-19}" java -Xmx"${FUZZ_HEAP:-1g}" -cp "$cp" \
      -Da64patch.testdata="$top/testdata" \
      com.code_intelligence.jazzer.Jazzer \
      --target_class="${class[$h]}" --target_method="${method[$h]}" \
      ${include[$h]:+--instrumentation_includes="${include[$h]}"} \
      "${limit[@]}" --keep_going=20 -timeout=60 -print_final_stats=1 \
      "$dir/corpus" >"$dir/log" 2>&1) || true
  end=$(date +%s)
  done_line=$(grep -a -E '^Done [0-9]+ runs' "$dir/log" | tail -1 || true)
  stats=$(grep -a -E '^#[0-9]+.*cov: ' "$dir/log" | tail -1 || true)
  execs=$(sed -E 's/^Done ([0-9]+) runs.*/\1/' <<<"$done_line")
  [[ -n $execs ]] || execs=$(grep -a -E '^stat::number_of_executed_units' "$dir/log" | awk '{print $2}' | tail -1)
  secs=$((end - start))
  cov=$(grep -oE 'cov: [0-9]+' <<<"$stats" | awk '{print $2}')
  ft=$(grep -oE 'ft: [0-9]+' <<<"$stats" | awk '{print $2}')
  corpus=$(find "$dir/corpus" -type f | wc -l)
  findings=$(find "$dir/findings" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \) | wc -l)
  rate=$((${execs:-0} / (secs > 0 ? secs : 1)))
  printf '%-9s %12s %8s %8s %7s %7s %8s %9s\n' "$h" "${execs:-?}" "$secs" "$rate" "${cov:-?}" "${ft:-?}" "$corpus" "$findings"
done
echo
echo "logs and findings: target/fuzz/HARNESS/{log,findings/}; kept inputs: MODULE/src/test/resources/PACKAGE/CLASSInputs/METHOD/"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
