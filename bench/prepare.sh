#!/usr/bin/env bash
# How long a second `a64patch prepare` takes when nothing changed (on demand, not a test):
# Debian's gav1_decode with every library of the corpus added by --also (about 90 objects,
# two of which read the counter), in a root made of the AArch64 sysroot and the corpus.
# The first prepare writes the copies; hyperfine then times repeated prepares, which must
# write nothing (the script checks the output directory's listing did not change).
# Needs hyperfine, qemu-user's sysroot (libc6-arm64-cross) and the corpus (.ci/run fetches it).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${A64PATCH_CORPUS:-$HOME/.cache/a64patch-corpus}
bash "$top/.ci/fetch-corpus.sh" "$corpus" libgav1-bin libgav1-1 >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root"
ln -s /usr/aarch64-linux-gnu/lib "$work/root/lib"
ln -s "$corpus/root/usr" "$work/root/usr"
"$top/a64patch" --version >/dev/null   # build the jar first
cmd="$top/a64patch prepare --root $work/root -o $work/out --also $work/root/usr/lib/aarch64-linux-gnu $work/root/usr/bin/gav1_decode"
$cmd > "$work/first.txt"
echo "objects in the closure: $(grep -c -E '^/|^lib' "$work/first.txt")"
ls -lA --time-style=full-iso "$work/out" > "$work/before"
hyperfine -N --warmup 2 --runs 20 --export-markdown "$work/prepare.md" "$cmd"
ls -lA --time-style=full-iso "$work/out" > "$work/after"
diff "$work/before" "$work/after" && echo "second prepare wrote nothing"
cat "$work/prepare.md"
