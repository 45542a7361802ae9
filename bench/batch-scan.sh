#!/usr/bin/env bash
# Batch-scan benchmark (docs/performance.md, section "Batch scan"): times the whole process
# './a64patch scan DIR' against 'aarch64-linux-gnu-objdump -d | grep' run over the same
# regular files, with hyperfine. Run on demand; it is not part of the test suite.
#
# usage: bench/batch-scan.sh [DIR...]
#   DIR defaults to the public corpus ($A64PATCH_CORPUS or ~/.cache/a64patch-corpus, /root);
#   .ci/fetch-corpus.sh downloads it. Needs hyperfine and binutils-aarch64-linux-gnu.
# env: RUNS (default 10), WARMUP (default 2), EXPORT (a path prefix: hyperfine's JSON and
#      Markdown results are written next to it).
set -euo pipefail
top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
corpus=${A64PATCH_CORPUS:-$HOME/.cache/a64patch-corpus}
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=("$corpus/root")
runs=${RUNS:-10}
warmup=${WARMUP:-2}
for tool in hyperfine aarch64-linux-gnu-objdump; do
  command -v "$tool" >/dev/null || { echo "batch-scan.sh: $tool is not installed" >&2; exit 1; }
done
for d in "${dirs[@]}"; do
  [ -d "$d" ] || { echo "batch-scan.sh: $d is not a directory (fetch the corpus with .ci/fetch-corpus.sh)" >&2; exit 1; }
done

"$top/a64patch" --version >/dev/null # builds the jar first, so no run below pays for it

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The same files a64patch opens: every regular file (links to them are not followed twice).
find "${dirs[@]}" -type f -print0 | sort -z > "$work/files"
# objdump prints the newer registers generically (s3_3_c14_c0_6 is CNTVCTSS_EL0, ...).
cat > "$work/objdump-grep.sh" <<'SH'
#!/usr/bin/env bash
# usage: objdump-grep.sh JOBS FILELIST   prints the number of counter-register reads objdump shows
re='mrs[[:space:]]+(x[0-9]+|xzr),[[:space:]]*(cnt[vp]ct(ss)?_el0|cntfrq_el0|rndr(rs)?|pmccntr_el0|s3_3_c14_c0_[56]|s3_3_c2_c4_[01])'
# sh -c gets the pattern as $0 and, from xargs, the file as $1.
xargs -0 -P "$1" -n 1 sh -c 'aarch64-linux-gnu-objdump -d "$1" 2>/dev/null | grep -cE "$0" || true' "$re" < "$2" \
  | awk '{ n += $1 } END { print n + 0 }'
SH
chmod +x "$work/objdump-grep.sh"

echo "== machine"
echo "nproc: $(nproc)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
echo "java: $(java -version 2>&1 | head -n 1)"
echo "objdump: $(aarch64-linux-gnu-objdump --version | head -n 1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# How much a second busy process gets done next to the first: 2.0 on two free cores; less
# when the cores are shared (SMT siblings, other tenants or builds on the same machine).
spin='python3 -c "n=0
for i in range(12000000): n+=i"'
t1=$( { TIMEFORMAT=%R; time sh -c "$spin"; } 2>&1 )
t2=$( { TIMEFORMAT=%R; time sh -c "$spin & $spin & wait"; } 2>&1 )
echo "cpu scaling, 2 busy processes: $(python3 -c "print(f'{2 * $t1 / $t2:.2f}x')") (1 alone: ${t1}s, 2 together: ${t2}s)"
echo
echo "== input"
echo "dirs: ${dirs[*]}"
echo "regular files: $(tr -cd '\0' < "$work/files" | wc -c), $(du -shcL "${dirs[@]}" | tail -n 1 | cut -f1) on disk"
ours=$("$top/a64patch" scan --format json "${dirs[@]}" | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print(s["findings"], s["elf"], s["aarch64"])' || true)
echo "a64patch: reads, ELF files, AArch64 files: $ours"
echo "objdump -d | grep: reads: $("$work/objdump-grep.sh" 1 "$work/files")"
echo

export_args=()
if [ -n "${EXPORT:-}" ]; then
  export_args=(--export-json "$EXPORT.json" --export-markdown "$EXPORT.md")
fi
jar=$(ls "$top"/cli/target/a64patch-cli-*-all.jar | head -n 1)
# The same JVM flags as the launcher, without its bash start-up and source staleness check.
java_cmd="java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=3 -Xss4m -jar $jar"
hyperfine --warmup "$warmup" --runs "$runs" -N "${export_args[@]}" \
  -n "./a64patch scan (whole process, $(nproc) jobs)" "$top/a64patch scan ${dirs[*]}" \
  -n "./a64patch scan --jobs 1" "$top/a64patch scan --jobs 1 ${dirs[*]}" \
  -n "java -jar (no launcher), $(nproc) jobs" "$java_cmd scan ${dirs[*]}" \
  -n "objdump -d | grep, one file at a time" "$work/objdump-grep.sh 1 $work/files" \
  -n "objdump -d | grep, xargs -P $(nproc)" "$work/objdump-grep.sh $(nproc) $work/files"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
