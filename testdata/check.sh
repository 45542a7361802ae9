#!/usr/bin/env bash
# Smoke test for the committed binaries: runs every MANIFEST.tsv row with runnable=yes
# twice under qemu-aarch64, checks exit status 0 and that the output with the
# nondeterministic lines masked (see README.md, "Masking") is identical between the two
# runs, and reports whether the counter values changed between runs (they must, for
# unpatched binaries). Also runs the non-AArch64/big-endian extras when their qemu
# runner exists.
#
# usage: check.sh [BINDIR]        (default: the bin/ next to this script)
# env:   QEMU_AARCH64 (default qemu-aarch64), QEMU_SYSROOT (default /usr/aarch64-linux-gnu),
#        A64PATCH_CORPUS (default ~/.cache/a64patch-corpus; rows with needs=corpus are
#        skipped, with a message, when $A64PATCH_CORPUS/root is missing)
# Needs at run time only: qemu-user, libc6-arm64-cross (+ libstdc++6-arm64-cross for
# absl_loader). Exit status: 0 all passed, 1 something failed.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BIN=$(cd "${1:-$here/bin}" && pwd)
QEMU=${QEMU_AARCH64:-qemu-aarch64}
SYSROOT=${QEMU_SYSROOT:-/usr/aarch64-linux-gnu}
CORPUS_BASE=${A64PATCH_CORPUS:-$HOME/.cache/a64patch-corpus}
CORPUS=$CORPUS_BASE/root
MASK='^(T|D|MS|R|RS) '
fail=0 pass=0 skip=0

subst() { local s=$1; s=${s//'${BIN}'/$BIN}; s=${s//'${CORPUS}'/$CORPUS}; printf '%s' "$s"; }

run_row() { # name args notes
    local name=$1 args=$2 notes=$3 item
    local -a argv=() qenv=()
    [ "$args" = - ] || read -r -a argv <<< "$(subst "$args")"
    IFS=';' read -r -a items <<< "$notes"
    for item in "${items[@]}"; do
        item=${item# }
        case $item in
            needs=corpus)
                if [ ! -d "$CORPUS" ]; then
                    echo "SKIP $name: corpus $CORPUS missing (run /work/shared/corpus/fetch-arm64-debs.sh)"
                    skip=$((skip + 1)); return
                fi ;;
            env=*) qenv+=(-E "$(subst "${item#env=}")") ;;
        esac
    done
    local o1 o2 rc1 rc2
    o1=$(timeout 120 "$QEMU" -L "$SYSROOT" "${qenv[@]}" "$BIN/$name" "${argv[@]}" 2>/dev/null); rc1=$?
    o2=$(timeout 120 "$QEMU" -L "$SYSROOT" "${qenv[@]}" "$BIN/$name" "${argv[@]}" 2>/dev/null); rc2=$?
    if [ $rc1 -ne 0 ] || [ $rc2 -ne 0 ]; then
        echo "FAIL $name: exit $rc1/$rc2"; fail=$((fail + 1)); return
    fi
    if [ "$(grep -Ev "$MASK" <<< "$o1")" != "$(grep -Ev "$MASK" <<< "$o2")" ]; then
        echo "FAIL $name: masked output differs between runs"; fail=$((fail + 1)); return
    fi
    local last; last=$(tail -n 1 <<< "$o1")
    case $last in ok|done|MS\ *) ;; *) echo "FAIL $name: last line '$last'"; fail=$((fail + 1)); return ;; esac
    local varies=no
    [ "$(grep -E '^T ' <<< "$o1")" != "$(grep -E '^T ' <<< "$o2")" ] && varies=yes
    echo "ok   $name ($(grep -c '^T ' <<< "$o1") T lines, values vary between runs: $varies)"
    pass=$((pass + 1))
}

while IFS=$'\t' read -r name kind compiler flags runnable args notes; do
    [ "$name" = name ] && continue
    [ "$runnable" = yes ] || continue
    run_row "$name" "$args" "$notes"
done < "$BIN/MANIFEST.tsv"

extra() { # runner expected-last-line file...
    local runner=$1 want=$2; shift 2
    if ! command -v "${runner%% *}" >/dev/null 2>&1; then echo "SKIP $*: no ${runner%% *}"; skip=$((skip + 1)); return; fi
    local out rc; out=$($runner "$@" 2>/dev/null); rc=$?
    out=$(tail -n 1 <<< "$out")
    if [ $rc -eq 0 ] && [ "$out" = "$want" ]; then echo "ok   $(basename "$1") ($runner)"; pass=$((pass + 1))
    else echo "FAIL $(basename "$1") ($runner): '$out'"; fail=$((fail + 1)); fi
}
extra qemu-aarch64_be "be ok" "$BIN/be-counter"
extra qemu-arm "hello from arm32" "$BIN/hello-arm32"
# BTI-marked with non-BTI start files: runs only on a cpu without BTI
extra "$QEMU -cpu neoverse-n1 -L $SYSROOT" ok "$BIN/counters-gcc-bti-forced"

echo "passed $pass, failed $fail, skipped $skip"
[ $fail -eq 0 ]
