#!/usr/bin/env bash
# Whole-process timings on one large real AArch64 library (on demand, not part of the tests):
#   scan:  ./a64patch scan FILE   vs   aarch64-linux-gnu-objdump -d FILE | grep -c 'mrs.*cnt'
#   patch: ./a64patch patch -o OUT FILE   vs   cp FILE OUT && sync OUT (a64patch fsyncs too)
#   memory: both again with a 24 MiB Java heap (-Xmx24m): files are mapped, never read into it
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
# --out-of-range zero: in a library this large some reads are beyond a branch's reach.
patch="$top/a64patch patch --include-uncertain --out-of-range zero -o $out/p $file"
hyperfine -N --warmup 1 --runs 10 --prepare "rm -f $out/p $out/c" --export-markdown "$out/patch.md" \
  "$patch" "bash -c 'cp $file $out/c && sync $out/c'"
cat "$out/patch.md"
rm -f "$out/p"
/usr/bin/time -f "peak RSS scan:  %M KB (mapped file pages included)" "$top/a64patch" scan "$file" >/dev/null
/usr/bin/time -f "peak RSS patch: %M KB (mapped file pages included)" $patch >/dev/null
rm -f "$out/p"
A64PATCH_JAVA_OPTS=-Xmx24m "$top/a64patch" scan "$file" >/dev/null && echo "scan with a 24 MiB heap: ok"
A64PATCH_JAVA_OPTS=-Xmx24m $patch >/dev/null && echo "patch with a 24 MiB heap: ok"
