#!/usr/bin/env bash
# Smoke test for the committed binaries: runs every MANIFEST.tsv row with runnable=yes
# twice under qemu-aarch64, checks exit status 0 and that the output with the
# nondeterministic lines masked (see README.md, "Masking") is identical between the two
# runs, and reports whether the counter values changed between runs (they must, for
# unpatched binaries). Rows with runnable=no and a runner=... note (arm32, big-endian,
# the BTI-forced build) are run with that runner, when it is installed, and must exit 0.
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
                    echo "SKIP $name: corpus $CORPUS missing (run .ci/fetch-corpus.sh)"
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

# runnable=no rows that name another runner (arm32, big-endian, the BTI-forced build)
run_other() { # name args runner
    local name=$1 args=$2 runner=$3 out rc
    local -a argv=() cmd
    [ "$args" = - ] || read -r -a argv <<< "$(subst "$args")"
    read -r -a cmd <<< "$runner"
    if ! command -v "${cmd[0]}" >/dev/null 2>&1; then echo "SKIP $name: no ${cmd[0]}"; skip=$((skip + 1)); return; fi
    out=$(timeout 120 "${cmd[@]}" "$BIN/$name" "${argv[@]}" 2>/dev/null); rc=$?
    if [ $rc -eq 0 ]; then echo "ok   $name ($runner: $(tail -n 1 <<< "$out"))"; pass=$((pass + 1))
    else echo "FAIL $name ($runner): exit $rc"; fail=$((fail + 1)); fi
}
while IFS=$'\t' read -r name kind compiler flags runnable args notes; do
    [ "$name" = name ] && continue
    [ "$runnable" = no ] || continue
    runner=$(tr ';' '\n' <<< "$notes" | sed -n 's/^ *runner=//p')
    [ -n "$runner" ] && [ "$runner" != "none (host binary)" ] || continue
    run_other "$name" "$args" "$runner"
done < "$BIN/MANIFEST.tsv"

echo "passed $pass, failed $fail, skipped $skip"
[ $fail -eq 0 ]
