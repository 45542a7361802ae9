#!/usr/bin/env bash
# Whole-process timings on one large real AArch64 library (on demand, not part of the tests):
#   scan:  ./a64patch scan FILE   vs   aarch64-linux-gnu-objdump -d FILE | grep -c 'mrs.*cnt'
#   patch: ./a64patch patch -o OUT FILE   vs   cp FILE OUT   (and peak RSS of each)
# The library is Debian's libQt6WebEngineCore (about 146 MB), fetched into
# $A64PATCH_BENCH (default ~/.cache/a64patch-bench); pass another file as $1 to use it instead.
# Needs hyperfine, /usr/bin/time and binutils-aarch64-linux-gnu.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${A64PATCH_BENCH:-$HOME/.cache/a64patch-bench}
file=${1:-}
if [ -z "$file" ]; then
  bash "$top/.ci/fetch-corpus.sh" "$cache" libqt6webenginecore6 >/dev/null
  file=$(find "$cache/root" -name 'libQt6WebEngineCore.so.*' -type f | head -n 1)
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$top/a64patch" --version >/dev/null   # build the jar and its CDS archive first
echo "file: $file ($(du -m "$file" | cut -f1) MB)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
hyperfine -N --warmup 1 --runs 10 --export-markdown "$out/scan.md" \
  "$top/a64patch scan $file" \
  "bash -c 'aarch64-linux-gnu-objdump -d $file | grep -c -E \"mrs.*(cntvct|cntpct|cntfrq|s3_3_c14_c0_[56]|rndr|pmccntr)\" || true'"
cat "$out/scan.md"
hyperfine --warmup 1 --runs 10 --prepare "rm -f $out/p $out/c" --export-markdown "$out/patch.md" \
  "$top/a64patch patch --include-uncertain --out-of-range skip -o $out/p $file" \
  "cp $file $out/c"
cat "$out/patch.md"
rm -f "$out/p"
/usr/bin/time -f "peak RSS scan:  %M KB" "$top/a64patch" scan "$file" >/dev/null
/usr/bin/time -f "peak RSS patch: %M KB" "$top/a64patch" patch --include-uncertain --out-of-range skip -o "$out/p" "$file" >/dev/null
