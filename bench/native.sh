#!/usr/bin/env bash
# Start-up and throughput against native references (docs/performance.md, "Against native
# references"), whole processes, warm page cache, with hyperfine. On demand, not a test.
#   1. a64patch --version            vs  java -version             (the JVM's own floor)
#   2. scan of a small library       vs  bench/floor.c on it       target: at most 0.15 s
#   3. scan of a library over 150 MB vs  bench/floor.c on it       target: at most 5x
#   4. patch -o of that library      vs  cp FILE OUT && sync OUT   target: at most 2x
#      and restore -o of the result  vs  cp && sync of the result  (no target)
#   5. scan of a 1 GiB image (all cores)                           target: 2 GB/s or more
#   6. scan and patch with a 64 MiB Java heap                      target: they succeed
# usage: bench/native.sh [SMALL.so [BIG.so]]
#   defaults: libabsl_base from the corpus (.ci/fetch-corpus.sh) and Debian's
#   libQt6WebEngineCore (fetched into $A64PATCH_BENCH, default ~/.cache/a64patch-bench).
# env: RUNS (default 10); BEFORE=DIR, another checkout of a64patch (e.g. a git worktree at an
#   older commit, its jar built): its launcher is timed in the same hyperfine runs, so that before
#   and after are measured side by side under the same load. Needs hyperfine, cc, python3.
set -euo pipefail
top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
corpus=${A64PATCH_CORPUS:-$HOME/.cache/a64patch-corpus}
cache=${A64PATCH_BENCH:-$HOME/.cache/a64patch-bench}
runs=${RUNS:-10}
small=${1:-$(ls "$corpus"/root/usr/lib/aarch64-linux-gnu/libabsl_base.so.*.*.* 2>/dev/null | head -n 1)}
big=${2:-}
if [ -z "$big" ]; then
  bash "$top/.ci/fetch-corpus.sh" "$cache" libqt6webenginecore6 >/dev/null
  big=$(find "$cache/root" -name 'libQt6WebEngineCore.so.*' -type f | head -n 1)
fi
for f in "$small" "$big"; do
  [ -f "$f" ] || { echo "native.sh: no file '$f' (fetch the corpus with .ci/fetch-corpus.sh)" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/floor" "$top/bench/floor.c"
python3 "$top/bench/make-image.py" "$big" 1024 "$work/image" >/dev/null
# The jar and its start-up archive built from freshly compiled classes: an incremental build keeps
# classes compiled with older compiler arguments (docs/performance.md, "Fourth round"). Only the
# classes go, not 'mvn clean': target/ also holds the fuzzing corpora (bench/fuzz.sh).
build() {
  (cd "$1" && rm -rf {picocli,elf,core,cli}/target/classes \
    && mvn -q -B -DskipTests -pl cli -am package >/dev/null) || exit 1
}
build "$top"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -n 1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "small: $small ($(du -k "$small" | cut -f1) KiB); big: $big ($(du -m "$big" | cut -f1) MiB); image: 1024 MiB"
a=$top/a64patch
b=${BEFORE:+$BEFORE/a64patch}
[ -z "$b" ] || build "$BEFORE"
# h NAME [hyperfine options] COMMAND...: medians (wall) and mean CPU (user + system) of each
# command, and each median's ratio to the last command's (the reference) from the same run.
h() {
  hyperfine -N --warmup 2 --runs "$runs" --style basic --export-json "$work/$1.json" "${@:2}" >/dev/null
  python3 - "$work/$1.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ref = r[-1]["median"]
print("| command | median wall | CPU (user + sys) | median / reference |")
print("|---|---:|---:|---:|")
for x in r:
    print(f"| `{x['command']}` | {x['median']:.3f} s | {x['user'] + x['system']:.3f} s | {x['median'] / ref:.1f}x |")
print()
PY
}
p="patch --include-uncertain --out-of-range zero -o $work/p $big"
h start "$a --version" ${b:+"$b --version"} "java -version"
h small "$a scan $small" ${b:+"$b scan $small"} "$work/floor $small"
h big "$a scan $big" ${b:+"$b scan $big"} "$work/floor $big"
h patch --prepare "rm -f $work/p $work/c" "$a $p" ${b:+"$b $p"} \
  "bash -c 'cp $big $work/c && sync $work/c'"
"$a" $p >/dev/null # the patch step's prepare removed its output before the reference's runs
r="restore -o $work/r $work/p"
h restore --prepare "rm -f $work/r $work/c" "$a $r" ${b:+"$b $r"} \
  "bash -c 'cp $work/p $work/c && sync $work/c'"
h image "$a scan $work/image" ${b:+"$b scan $work/image"} "$work/floor $work/image"
rm -f "$work/p" "$work/r" "$work/c"
A64PATCH_JAVA_OPTS=-Xmx64m "$a" scan "$work/image" >/dev/null && echo "scan of the 1 GiB image with a 64 MiB heap: ok"
A64PATCH_JAVA_OPTS=-Xmx64m "$a" patch --include-uncertain --out-of-range zero -o "$work/p" "$big" >/dev/null \
  && echo "patch of $(basename "$big") with a 64 MiB heap: ok"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
