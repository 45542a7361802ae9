#!/usr/bin/env bash
# Rebuilds every test binary in testdata/bin/ from testdata/src/ with Debian's cross
# toolchains, then writes
#   bin/MANIFEST.tsv   one row per binary: name kind compiler flags runnable args notes
#   bin/READS.tsv      every counter-register read that `objdump -d` shows (the oracle
#                      for section-based scanning)
#   bin/RAW-WORDS.tsv  every 4-byte word in a PF_X PT_LOAD segment matching a counter
#                      register encoding (the oracle for segment-only scanning; includes
#                      data that merely looks like a read)
# See README.md for what each program does and the runtime contracts.
#
# Needs (build time only): gcc-aarch64-linux-gnu g++-aarch64-linux-gnu binutils-aarch64-linux-gnu
#   libc6-dev-arm64-cross clang lld gcc (host) binutils-arm-linux-gnueabihf
# Usage: ./build.sh            (from any directory)
# Output is deterministic for a given toolchain: no build IDs, -g0, relative source
# paths, LC_ALL=C. Rebuilding with the same Debian packages gives identical bytes.
set -euo pipefail
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=0

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$here/src
BIN=$here/bin
OUT=$here/bin.new
TMP=$(mktemp -d)
trap 'rm -rf "$TMP" "$OUT"' EXIT

need() {
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || { echo "build.sh: missing tool $t (see README.md)" >&2; exit 1; }
    done
}
need aarch64-linux-gnu-gcc aarch64-linux-gnu-g++ aarch64-linux-gnu-as aarch64-linux-gnu-ld aarch64-linux-gnu-objdump \
     aarch64-linux-gnu-readelf aarch64-linux-gnu-strip clang ld.lld gcc od
have_arm32=1
command -v arm-linux-gnueabihf-as >/dev/null 2>&1 && command -v arm-linux-gnueabihf-ld >/dev/null 2>&1 || have_arm32=0

OBJDUMP=aarch64-linux-gnu-objdump
READELF=aarch64-linux-gnu-readelf

# Flags every AArch64 C build gets (recorded in MANIFEST's flags column too).
CFLAGS_COMMON="-O2 -g0 -Wall -Wextra -Werror"
LDFLAGS_COMMON="-Wl,--build-id=none"

rm -rf "$OUT"
mkdir -p "$OUT"
cd "$SRC"   # relative source paths: nothing from the build machine ends up in the files

printf 'name\tkind\tcompiler\tflags\trunnable\targs\tnotes\n' > "$OUT/MANIFEST.tsv"

row() { # name kind compiler flags runnable args notes
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" >> "$OUT/MANIFEST.tsv"
}

# cc NAME KIND COMPILER RUNNABLE ARGS NOTES "FLAGS" "SOURCES"
#   COMPILER: gcc | clang (the linker is chosen by -fuse-ld in FLAGS)
cc() {
    local name=$1 kind=$2 comp=$3 runnable=$4 args=$5 notes=$6 flags=$7 srcs=$8
    local -a cmd
    case $comp in
        gcc)   cmd=(aarch64-linux-gnu-gcc) ;;
        clang) cmd=(clang --target=aarch64-linux-gnu) ;;
        *) echo "unknown compiler $comp" >&2; exit 1 ;;
    esac
    local all
    all=$(echo $CFLAGS_COMMON $flags $LDFLAGS_COMMON)   # one space between flags
    # shellcheck disable=SC2086
    "${cmd[@]}" $all $srcs -o "$OUT/$name" 2> "$TMP/cc.err" || { cat "$TMP/cc.err" >&2; exit 1; }
    # -z force-bti warns once per input without a BTI note; that is the point of that variant
    grep -v -e 'BTI turned on by -z force-bti' -e 'force-bti: .* does not have BTI property' "$TMP/cc.err" >&2 || true
    local ln="GNU ld"
    case " $flags " in *" -fuse-ld=lld "*) ln=lld ;; esac
    [ -n "$notes" ] && notes="linker=$ln; $notes" || notes="linker=$ln"
    row "$name" "$kind" "$comp" "$all" "$runnable" "$args" "$notes"
    echo "built $name"
}

# derived NAME KIND COMPILER FLAGS RUNNABLE ARGS NOTES   (file already written to $OUT/NAME)
derived() { row "$@"; echo "built $1"; }

# ---- counters ------------------------------------------------------------------------
C_SRCS="counters.c counters_asm.S"
BTI_SRCS="start_bti.S counters.c counters_asm.S"
LLD=-fuse-ld=lld
BFD=-fuse-ld=bfd
BTI_NOTE="BTI+PAC; own _start (start_bti.S; -nostartfiles) so it runs with BTI enforced (qemu cpu max enforces BTI)"

for comp in gcc clang; do
    if [ $comp = gcc ]; then L=""; LN="GNU ld"; else L="$LLD"; LN="lld"; fi   # LN: for notes
    cc counters-$comp-pie        pie        $comp yes - ""                        "-fPIE -pie $L"                           "$C_SRCS"
    cc counters-$comp-nopie      exec       $comp yes - ""                        "-fno-PIE -no-pie $L"                     "$C_SRCS"
    cc counters-$comp-static     static     $comp yes - "glibc static (libc.a itself has no counter reads)" "-fno-PIE -static $L" "$C_SRCS"
    cc counters-$comp-static-pie static-pie $comp yes - "glibc static (libc.a itself has no counter reads)" "-fPIE -static-pie $L" "$C_SRCS"
    cc counters-$comp-bti        pie        $comp yes - "$BTI_NOTE"             "-fPIE -pie -mbranch-protection=standard -nostartfiles $L" "$BTI_SRCS"
    cc counters-$comp-page4k     pie        $comp yes - ""                        "-fPIE -pie -Wl,-z,max-page-size=4096 $L" "$C_SRCS"
    if [ $comp = gcc ]; then P64_NOTE="byte-identical to counters-gcc-pie: 64K is already GNU ld's aarch64 default"
    else P64_NOTE="64K is lld's aarch64 default max-page-size; common-page-size=64K pads PT_GNU_RELRO to 64K"; fi
    cc counters-$comp-page64k    pie        $comp yes - "$P64_NOTE" \
                                                        "-fPIE -pie -Wl,-z,max-page-size=65536 -Wl,-z,common-page-size=65536 $L" "$C_SRCS"
    if [ $comp = gcc ]; then
        SEP_NOTE=".rodata moves out of the R+X segment; code padded to its own pages"
        NOSEP_NOTE="byte-identical to counters-gcc-pie (GNU ld's aarch64 default): .rodata (rodata_lookalike) in the R+X segment"
    else
        SEP_NOTE="code padded to its own pages (lld keeps .rodata in an R segment either way)"
        NOSEP_NOTE="byte-identical to counters-clang-pie (lld default): .rodata in its own R segment, not R+X"
    fi
    cc counters-$comp-sepcode    pie        $comp yes - "$SEP_NOTE" "-fPIE -pie -Wl,-z,separate-code $L" "$C_SRCS"
    cc counters-$comp-nosepcode  pie        $comp yes - "$NOSEP_NOTE" \
                                                        "-fPIE -pie -Wl,-z,noseparate-code $L"    "$C_SRCS"
done
cc counters-gcc-nopie-sepcode exec gcc yes - "" "-fno-PIE -no-pie -Wl,-z,separate-code" "$C_SRCS"
cc counters-clang-bfd-pie     pie clang yes - "clang compiling, GNU ld linking" "-fPIE -pie $BFD" "$C_SRCS"
cc counters-gcc-bti-forced    pie gcc no  - \
   "runner=qemu-aarch64 -cpu neoverse-n1 -L /usr/aarch64-linux-gnu; BTI-marked via -z force-bti with Debian's non-BTI crt files: SIGILL at _start on a BTI-enforcing cpu (qemu's default cpu max); runs on a cpu without BTI" \
   "-fPIE -pie -mbranch-protection=standard -Wl,-z,force-bti" "$C_SRCS"

# stripped: no .symtab (no function symbols, no $d/$x mapping symbols), section headers kept
aarch64-linux-gnu-strip --strip-all -o "$OUT/counters-gcc-stripped" "$OUT/counters-gcc-pie"
derived counters-gcc-stripped pie gcc "copy of counters-gcc-pie; aarch64-linux-gnu-strip --strip-all" yes - \
        "linker=GNU ld; no .symtab; .dynsym only; section headers present"

# noshdr: stripped, then the section header table removed entirely: e_shoff, e_shentsize,
# e_shnum, e_shstrndx set to 0 and the file cut after the last byte any program header
# covers (this drops .shstrtab/.comment and the section header table).
noshdr() { # in out
    local in=$1 out=$2 end=0 o s e size
    size=$(stat -c %s "$in")
    while read -r o s; do
        e=$(( o + s )); [ $e -gt $end ] && end=$e
    done < <($READELF -lW "$in" | awk '$1 ~ /^[A-Z_]+$/ && $2 ~ /^0x/ { print $2, $5 }')
    [ $end -gt 0 ] && [ $end -le "$size" ] || { echo "noshdr: bad extent $end for $in" >&2; exit 1; }
    head -c "$end" "$in" > "$out"
    printf '\0\0\0\0\0\0\0\0' | dd of="$out" bs=1 seek=40 conv=notrunc status=none   # e_shoff
    printf '\0\0\0\0\0\0'     | dd of="$out" bs=1 seek=58 conv=notrunc status=none   # e_shentsize e_shnum e_shstrndx
    chmod 755 "$out"
}
noshdr "$OUT/counters-gcc-stripped" "$OUT/counters-gcc-noshdr"
derived counters-gcc-noshdr pie gcc "counters-gcc-stripped; e_shoff=e_shentsize=e_shnum=e_shstrndx=0; truncated after the last segment byte" yes - \
        "linker=GNU ld; no section headers: segment-only scan; R+X segment also holds .rodata (rodata_lookalike words) and the \$d word of counters_dic"
aarch64-linux-gnu-strip --strip-all -o "$TMP/clang-stripped" "$OUT/counters-clang-pie"
noshdr "$TMP/clang-stripped" "$OUT/counters-clang-noshdr"
derived counters-clang-noshdr pie clang "counters-clang-pie; strip --strip-all; e_shoff=e_shentsize=e_shnum=e_shstrndx=0; truncated after the last segment byte" yes - \
        "linker=lld; no section headers: segment-only scan; .rodata in a separate R segment"

# relocatable objects (ET_REL)
aarch64-linux-gnu-gcc $CFLAGS_COMMON -c counters_asm.S -o "$OUT/counters_asm.o"
derived counters_asm.o object-only gcc "$CFLAGS_COMMON -c" no - "linker=none; ET_REL from counters_asm.S; has \$d/\$x mapping symbols"
aarch64-linux-gnu-gcc $CFLAGS_COMMON -fPIE -c counters.c -o "$OUT/counters.o"
derived counters.o object-only gcc "$CFLAGS_COMMON -fPIE -c" no - "linker=none; ET_REL from counters.c"

# ---- reach: reads only evidence finds; data words in .text that look like reads ----------
# Hand-written assembly without CFI (reach.S, reach_main.S): readers reached only by bl, by a
# tail b, through a function-pointer table in .data (R_AARCH64_RELATIVE) and through adr, and
# literal pools / constant tables holding every counter register's encoding, loaded by the code.
R_SRCS="reach_main.S reach.S"
R_NOTE="no CFI; readers have no function symbol; prints T bl/tail/table/adr <v> and 'data ok'"
cc reach-pie        pie        gcc yes - "$R_NOTE" "-fPIE -pie"  "$R_SRCS"
cc reach-static-pie static-pie gcc yes - "$R_NOTE" "-static-pie" "$R_SRCS"
cc libreach.so      shared     gcc no  - "$R_NOTE; load with reach-main" "-fPIC -shared -Wl,-soname,libreach.so" "reach.S"
cc reach-main       pie        gcc no  - "runner=copy next to libreach.so (DT_NEEDED libreach.so, DT_RUNPATH \$ORIGIN)" \
                                        "-fPIE -pie -Wl,-rpath,\$ORIGIN" "reach_main.S ../bin.new/libreach.so"
for r in reach-pie reach-static-pie libreach.so; do
    s=${r%.so}-stripped; [ "$r" = libreach.so ] && s=libreach-stripped.so
    aarch64-linux-gnu-strip --strip-all -o "$OUT/$s" "$OUT/$r"
    case $r in libreach.so) run=no ;; *) run=yes ;; esac
    derived "$s" "$(awk -F'\t' -v n="$r" '$1 == n { print $2 }' "$OUT/MANIFEST.tsv")" gcc \
            "copy of $r; aarch64-linux-gnu-strip --strip-all" $run - "linker=GNU ld; $R_NOTE; no .symtab: no \$d mapping symbols"
done

# ---- spin, sleep100, rndr ------------------------------------------------------------
cc spin              pie    gcc   yes 100000 "exit 0 + done; 'spin N CAP' caps the loop" "-fPIE -pie"                "spin.c"
cc spin-gcc-static   static gcc   yes 100000 "exit 0 + done"                             "-fno-PIE -static"          "spin.c"
cc spin-clang-nopie  exec   clang yes 100000 "exit 0 + done"                 "-fno-PIE -no-pie $LLD"     "spin.c"
cc sleep100          pie    gcc   yes -      "MS about 100"                              "-fPIE -pie"                "sleep100.c"
cc sleep100-clang-nopie exec clang yes -     "MS about 100"                  "-fno-PIE -no-pie $LLD"     "sleep100.c"
cc rndr              pie    gcc   yes -      "needs FEAT_RNG: qemu default cpu (max) has it; -cpu cortex-a57 etc. do not (prints 'rndr unsupported', exit 3)" \
                                                                                         "-fPIE -pie"                "rndr.c"

# ---- shared library + loaders --------------------------------------------------------
cc libcounters.so     shared gcc   no - "load with dlopen_counters" "-fPIC -shared -Wl,-soname,libcounters.so" "libcounters.c"
cc libcounters-clang.so shared clang no - "load with dlopen_counters" "-fPIC -shared -Wl,-soname,libcounters-clang.so $LLD" "libcounters.c"
cc libcounters-bti.so shared gcc   no - "BTI+PAC marked (-nostartfiles: no crti/crtn, no _init/_fini); glibc maps it PROT_BTI even in a non-BTI process; load with dlopen_counters" \
                                        "-fPIC -shared -Wl,-soname,libcounters-bti.so -mbranch-protection=standard -nostartfiles" "libcounters.c"
cc dlopen_counters pie gcc yes '${BIN}/libcounters.so' "also valid: \${BIN}/libcounters-clang.so, \${BIN}/libcounters-bti.so; add --pct to call the CNTPCT readers (SIGILL unpatched)" \
                                        "-fPIE -pie" "dlopen_counters.c"
cc absl_loader pie gcc yes '${CORPUS}/usr/lib/aarch64-linux-gnu/libabsl_base.so.20220623 _ZN4absl7debian313base_internal18UnscaledCycleClock3NowEv 5' \
   'needs=corpus; needs=libstdc++6-arm64-cross; env=LD_LIBRARY_PATH=${CORPUS}/usr/lib/aarch64-linux-gnu; symbol from .dynsym of the Debian 12 build (inline namespace debian3)' \
                                        "-fPIE -pie" "absl_loader.c"

# ---- closure fixtures (a64patch prepare) -------------------------------------------------
# A small installed tree, laid out under bin/closure/ as it sits in a root directory (the
# tests copy it into a test root next to the AArch64 sysroot). Not in MANIFEST.tsv: the
# programs only run with the libraries at these places. See README.md "Closure fixtures".
CL=$OUT/closure
mkdir -p "$CL"/opt/app/bin "$CL"/opt/app/lib "$CL"/opt/app/plugins "$CL"/opt/rp/bin "$CL"/opt/rp/lib \
         "$CL"/opt/rn/bin "$CL"/opt/rn/lib "$CL"/opt/lp/bin "$CL"/opt/extra/lib
gcc_a64() { # OUTFILE ARGS...: one AArch64 gcc link with the common flags (4K pages: small files)
    local out=$1; shift
    # shellcheck disable=SC2086
    aarch64-linux-gnu-gcc $CFLAGS_COMMON "$@" $LDFLAGS_COMMON -Wl,-z,max-page-size=4096 -o "$out"
}
clso() { # DIR NAME SOURCE LINKFLAGS...: shared library DIR/NAME with soname NAME
    local dir=$1 name=$2 src=$3; shift 3
    gcc_a64 "$CL/$dir/$name" -fPIC -shared "-Wl,-soname,$name" "closure/$src" "$@"
    echo "built closure/$dir/$name"
}
clexe() { # PATH DEFINES LINKFLAGS...: test program built from closure/prog.c
    local path=$1 defs=$2; shift 2
    # shellcheck disable=SC2086
    gcc_a64 "$CL/$path" -fPIE -pie $defs closure/prog.c "$@"
    echo "built closure/$path"
}
APP=$CL/opt/app/lib
clso opt/app/lib libtick.so  tick.c
clso opt/app/lib libmid.so   mid.c  '-Wl,-rpath,$ORIGIN' "-L$APP" -ltick
clso opt/app/lib libtop.so   top.c  '-Wl,-rpath,$ORIGIN' "-L$APP" -lmid "-Wl,-rpath-link,$APP"
clso opt/app/lib libplain.so plain.c
clso opt/app/plugins libplugin.so plugin.c '-Wl,-rpath,$ORIGIN/../lib' "-L$APP" -ltick
# DT_RUNPATH with $ORIGIN and a chain of three DT_NEEDED levels
clexe opt/app/bin/chain "-DUSE_TOP" '-Wl,-rpath,$ORIGIN/../lib' "-L$APP" -ltop "-Wl,-rpath-link,$APP"
# reads the counter itself; needs libtick (reads) and libplain (no reads) through $ORIGIN
clexe opt/app/bin/selfread "-DSELF_READ -DUSE_TICK -DUSE_PLAIN" '-Wl,-rpath,$ORIGIN/../lib' "-L$APP" -ltick -lplain
# dlopen("libplugin.so") by name, found through its DT_RUNPATH
clexe opt/app/bin/plugin-host "-DDLOPEN" '-Wl,-rpath,$ORIGIN/../plugins'
# DT_RPATH ($ORIGIN, old dtags): libmid has no search path of its own, so its libtick is found
# through the executable's inherited DT_RPATH, ahead of LD_LIBRARY_PATH
clso opt/rp/lib libtick.so tick.c
clso opt/rp/lib libmid.so  mid.c "-L$CL/opt/rp/lib" -ltick
clexe opt/rp/bin/rpath-prog "-DUSE_MID" -Wl,--disable-new-dtags '-Wl,-rpath,$ORIGIN/../lib' "-L$CL/opt/rp/lib" -lmid \
      "-Wl,-rpath-link,$CL/opt/rp/lib"
# DT_RUNPATH with an absolute directory (inside the root)
clso opt/rn/lib libtick.so tick.c
clexe opt/rn/bin/runpath-prog "-DUSE_TICK" -Wl,-rpath,/opt/rn/lib "-L$CL/opt/rn/lib" -ltick
# found only through --library-path /opt/extra/lib (no search path names it)
clso opt/extra/lib libextra.so extra.c
clexe opt/lp/bin/lp-prog "-DUSE_EXTRA" "-L$CL/opt/extra/lib" -lextra
# DT_NEEDED libnothere.so, which is nowhere
gcc_a64 "$TMP/libnothere.so" -fPIC -shared -Wl,-soname,libnothere.so closure/nothere.c
gcc_a64 "$CL/opt/app/bin/missing-prog" -fPIE -pie closure/missing.c "-L$TMP" -lnothere
echo "built closure/opt/app/bin/missing-prog"

# ---- one clock per process: executable + linked library + dlopened library -----------
cc libclockshare_a.so shared gcc no - "linked by clockshare (DT_NEEDED, found through \$ORIGIN)" "-fPIC -shared -Wl,-soname,libclockshare_a.so" "libclockshare_a.c"
cc libclockshare_b.so shared gcc no - "dlopened RTLD_LOCAL by clockshare" "-fPIC -shared -Wl,-soname,libclockshare_b.so" "libclockshare_b.c"
cc clockshare pie gcc yes '${BIN}/libclockshare_b.so' "8 threads pass timestamps across the executable and both libraries; prints order/unique/sum (see source)" \
                                        "-fPIE -pie -Wl,-rpath,\$ORIGIN" "clockshare.c $OUT/libclockshare_a.so"

# ---- unwinding through trampolines (CfiRunTest) ----------------
# sampling takes SIGPROF every 2 ms while sampling_loop.c reads the counter and unwinds from
# the handler; PAC variants sign return addresses (-mbranch-protection=standard; the crt
# files are not BTI-marked, so BTI stays off while PAC is on).
SAMPLING_NOTE="runner=CfiRunTest; args 'backtrace|unwind|none [SAMPLES]'"
for bp in "" "-pac"; do
    if [ -n "$bp" ]; then BPF="-mbranch-protection=standard"; else BPF=""; fi
    cc sampling$bp-pie    pie    gcc no none "$SAMPLING_NOTE" "-fPIE -pie $BPF"        "sampling.c sampling_loop.c"
    cc sampling$bp-static static gcc no none "$SAMPLING_NOTE; glibc static" "-fno-PIE -static $BPF" "sampling.c sampling_loop.c"
    cc libsampling$bp.so  shared gcc no -    "the loop of sampling$bp-shared" "-fPIC -shared -Wl,-soname,libsampling$bp.so $BPF" "sampling_loop.c"
    cc sampling$bp-shared pie    gcc no none "$SAMPLING_NOTE; loop in libsampling$bp.so (DT_RUNPATH \$ORIGIN)" \
                                             "-fPIE -pie $BPF -Wl,-rpath,\$ORIGIN" "sampling.c -L../bin.new -lsampling$bp"
done
aarch64-linux-gnu-g++ $CFLAGS_COMMON -fPIE -pie exceptions.cc $LDFLAGS_COMMON -o "$OUT/exceptions"
derived exceptions pie g++ "$CFLAGS_COMMON -fPIE -pie $LDFLAGS_COMMON" no - \
        "linker=GNU ld; runner=CfiRunTest; C++ throw through a function that reads the counter; prints 'caught 3', exit 0; needs=libstdc++6-arm64-cross"

# ---- inputs that are not (little-endian) AArch64 ---------------------------------------
gcc -O2 -g0 -Wl,--build-id=none hello_x86_64.c -o "$OUT/hello-x86_64"
derived hello-x86_64 pie gcc-x86_64 "-O2 -g0 -Wl,--build-id=none" no - "runner=none (host binary); EM_X86_64: not AArch64; reject"

if [ $have_arm32 = 1 ]; then
    arm-linux-gnueabihf-as hello_arm32.s -o "$TMP/hello_arm32.o"
    arm-linux-gnueabihf-ld --build-id=none -o "$OUT/hello-arm32" "$TMP/hello_arm32.o"
elif [ -f "$BIN/hello-arm32" ]; then
    echo "build.sh: arm-linux-gnueabihf-as not installed; keeping the committed hello-arm32" >&2
    cp "$BIN/hello-arm32" "$OUT/hello-arm32"
else
    echo "build.sh: need binutils-arm-linux-gnueabihf for hello-arm32" >&2; exit 1
fi
derived hello-arm32 static arm-linux-gnueabihf-as "as + ld --build-id=none" no - \
        "runner=qemu-arm; ELFCLASS32 EM_ARM: reject; prints 'hello from arm32', exit 0; .rodata holds the word 0xd53be040"

aarch64-linux-gnu-as -EB be_counter.s -o "$TMP/be_counter.o"
aarch64-linux-gnu-ld -EB --build-id=none -static -o "$OUT/be-counter" "$TMP/be_counter.o"
derived be-counter static aarch64-linux-gnu-as "as -EB + ld -EB --build-id=none -static" no - \
        "runner=qemu-aarch64_be; big-endian AArch64 (ELFDATA2MSB), no libc; 2 CNTVCT reads (instructions little-endian); prints 'be ok', exit 0"

# ---- oracles ---------------------------------------------------------------------------
# register name for an instruction word (hex, 8 digits), or empty
regname() {
    case $(( 16#$1 & 0xFFFFFFE0 )) in
        $((0xD53BE040))) echo CNTVCT_EL0 ;;
        $((0xD53BE0C0))) echo CNTVCTSS_EL0 ;;
        $((0xD53BE020))) echo CNTPCT_EL0 ;;
        $((0xD53BE0A0))) echo CNTPCTSS_EL0 ;;
        $((0xD53BE000))) echo CNTFRQ_EL0 ;;
        $((0xD53B2400))) echo RNDR ;;
        $((0xD53B2420))) echo RNDRRS ;;
        $((0xD53B9D00))) echo PMCCNTR_EL0 ;;
        *) echo "" ;;
    esac
}
is_a64() { $READELF -h "$1" 2>/dev/null | grep -q 'Machine:.*AArch64'; }

printf 'name\tsection\tvaddr\tword\tregister\trt\tfunction\n' > "$OUT/READS.tsv"
printf 'name\toffset\tvaddr\tword\tregister\trt\n' > "$OUT/RAW-WORDS.tsv"
for f in "$OUT"/*; do
    name=$(basename "$f")
    case $name in *.tsv) continue ;; esac
    is_a64 "$f" || continue
    # objdump -d: executable sections only; `$d` ranges print as .word and are skipped
    if $READELF -SW "$f" 2>/dev/null | grep -q '\] \.'; then
        $OBJDUMP -d -w "$f" | awk -F'\t' '
            /^Disassembly of section /     { sec = $0; sub(/^Disassembly of section /, "", sec); sub(/:$/, "", sec) }
            /^[0-9a-f]+ <.*>:$/            { fn = $0; sub(/^[0-9a-f]+ </, "", fn); sub(/>:$/, "", fn) }
            $1 ~ /^ *[0-9a-f]+:$/          { a = $1; gsub(/[ :]/, "", a); w = $2; gsub(/ /, "", w);
                                             if (w ~ /^d53b/ && length(w) == 8 && $3 ~ /^mrs/) print sec "\t" a "\t" w "\t" fn }' |
        while IFS=$'\t' read -r sec a w fn; do
            r=$(regname "$w"); [ -n "$r" ] || continue
            case $fn in ''|.*) fn=- ;; esac     # no symbol: objdump labels by section name
            printf '%s\t%s\t0x%x\t0x%s\t%s\t%d\t%s\n' "$name" "$sec" $((16#$a)) "$w" "$r" $((16#$w & 31)) "$fn" >> "$OUT/READS.tsv"
        done
    fi
    # raw words of PF_X PT_LOAD segments (file-backed part), little-endian words
    $READELF -lW "$f" 2>/dev/null | awk '$1 == "LOAD" { x = 0; for (i = 7; i < NF; i++) if ($i ~ /E/) x = 1; if (x) print $2, $3, $5 }' |
    while read -r off va fsz; do
        off=$((off)); va=$((va)); fsz=$((fsz))
        skip=$(( (4 - off % 4) % 4 )); off=$((off + skip)); va=$((va + skip)); fsz=$((fsz - skip))
        od -An -v -tx4 -w4 -j "$off" -N "$fsz" "$f" | awk '$1 ~ /^d53b/ { print NR - 1, $1 }' |
        while read -r i w; do
            r=$(regname "$w"); [ -n "$r" ] || continue
            printf '%s\t0x%x\t0x%x\t0x%s\t%s\t%d\n' "$name" $((off + 4 * i)) $((va + 4 * i)) "$w" "$r" $((16#$w & 31)) >> "$OUT/RAW-WORDS.tsv"
        done
    done
done

# swap in the new bin/
rm -rf "$BIN"
mv "$OUT" "$BIN"
trap 'rm -rf "$TMP"' EXIT
echo "bin/: $(($(wc -l < "$BIN/MANIFEST.tsv") - 1)) binaries, $(du -sh "$BIN" | cut -f1)"
