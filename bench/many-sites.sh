#!/usr/bin/env bash
# patch -o of libraries with many reads (docs/performance.md, "Ninth round"): the cost of a patch
# must grow with its sites no faster than linearly, and each site must be cheap beside the work
# every patch does. Whole processes, warm page cache, with hyperfine. On demand, not a test.
#   Builds, with the AArch64 cross compiler, a shared library of N functions that each read
#   CNTVCT_EL0 once, for N = 1000, 2000, 4000 and 8000 (about 0.16 to 1 MB), and times
#     a64patch patch -o OUT LIB   against   cp LIB C && sync C   (a durable copy, as native.sh)
#                                 and       objdump -d LIB       (a tool that reads every
#                                                                 instruction of the file once)
#   then prints the cost per 1,000 sites between consecutive sizes: about the same for each pair
#   when the growth is linear. The references are there for scale: they do not depend on the
#   number of sites, and a patch does much more than either (docs/performance.md).
#   With HEAP=1, also the smallest Java heap (-Xmx, bisected to 4 MiB) under which patch -o of
#   each library succeeds: the heap a patch needs per site.
# usage: bench/many-sites.sh [N...]
# env: RUNS (default 5); HEAP=1 (see above); BEFORE=DIR, another checkout of a64patch (a git
#   worktree at an older commit): its launcher is timed in the same hyperfine runs (and, with
#   HEAP=1, its heap bisected too). Needs hyperfine, python3,
#   aarch64-linux-gnu-gcc and aarch64-linux-gnu-objdump (Debian's gcc-aarch64-linux-gnu and
#   binutils-aarch64-linux-gnu).
set -euo pipefail
top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
runs=${RUNS:-5}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 2000 4000 8000)
for tool in hyperfine python3 aarch64-linux-gnu-gcc aarch64-linux-gnu-objdump; do
  command -v "$tool" >/dev/null || { echo "many-sites.sh: $tool is not installed" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
a=$top/a64patch
b=${BEFORE:+$BEFORE/a64patch}
"$a" --version >/dev/null # builds the jar first when the sources are newer
[ -z "$b" ] || "$b" --version >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -n 1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| sites | library | patch -o | ${b:+before | }cp && sync | objdump -d |"
echo "|---:|---:|---:|${b:+---:|}---:|---:|"
declare -A took
for n in "${sizes[@]}"; do
  python3 - "$n" >"$work/s$n.c" <<'PY'
import sys
print("#include <stdint.h>")
for i in range(int(sys.argv[1])):
    print(f"uint64_t f{i}(uint64_t x) {{ uint64_t v;"
          f' __asm__ volatile("mrs %0, cntvct_el0" : "=r"(v)); return v * {i + 3} + x; }}')
PY
  lib=$work/lib$n.so
  aarch64-linux-gnu-gcc -O2 -shared -fPIC -o "$lib" "$work/s$n.c"
  p="patch -o $work/out $lib"
  if ! hyperfine -N --warmup 1 --runs "$runs" --prepare "rm -f $work/out $work/c" --style basic \
    --export-json "$work/$n.json" "$a $p" ${b:+"$b $p"} "bash -c 'cp $lib $work/c && sync $work/c'" \
    "bash -c 'aarch64-linux-gnu-objdump -d $lib >/dev/null'" >"$work/hyperfine.log" 2>&1; then
    cat "$work/hyperfine.log" >&2
    exit 1
  fi
  row=$(python3 - "$work/$n.json" "$n" "$lib" <<'PY'
import json, os, sys
r = [x["median"] for x in json.load(open(sys.argv[1]))["results"]]
cells = [f"{t:.3f} s" for t in r]
print(f"| {sys.argv[2]} | {os.path.getsize(sys.argv[3]) // 1024} KiB | " + " | ".join(cells)
      + f" | {r[0]:.6f}")
PY
)
  echo "${row% | *} |"
  took[$n]=${row##* | }
done
echo
echo "cost per 1,000 sites between consecutive sizes (patch -o):"
prev=
for n in "${sizes[@]}"; do
  if [ -n "$prev" ]; then
    python3 -c "import sys; a,b,x,y=map(float,sys.argv[1:]); print(f'  {int(a)} -> {int(b)}: {(y-x)/(b-a)*1000:.3f} s')" \
      "$prev" "$n" "${took[$prev]}" "${took[$n]}"
  fi
  prev=$n
done
# min_heap LAUNCHER LIB: the smallest -Xmx in MiB (within 4) under which patch -o succeeds; a
# run below it must end with exit 9 (out of memory), any other failure is printed instead.
min_heap() {
  local lo=8 hi=1024 mid rc
  while [ $((hi - lo)) -gt 4 ]; do
    mid=$(((lo + hi) / 2))
    rm -f "$work/out"
    rc=0
    A64PATCH_JAVA_OPTS=-Xmx${mid}m "$1" patch -o "$work/out" "$2" >/dev/null 2>&1 || rc=$?
    case $rc in
      0) hi=$mid ;;
      9) lo=$mid ;;
      *) echo "patch failed with exit $rc under -Xmx${mid}m"; return ;;
    esac
  done
  echo "$hi MiB"
}
if [ "${HEAP:-}" = 1 ]; then
  echo
  echo "| sites | smallest -Xmx for patch -o |${b:+ before |}"
  echo "|---:|---:|${b:+---:|}"
  for n in "${sizes[@]}"; do
    echo "| $n | $(min_heap "$a" "$work/lib$n.so") |${b:+ $(min_heap "$b" "$work/lib$n.so") |}"
  done
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
