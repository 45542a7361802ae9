#!/usr/bin/env bash
# Fetch Debian arm64 (AArch64) binary packages and unpack them, for tests that need
# real third-party AArch64 ELF files. Nothing here is committed to the project:
# the files land in a cache folder outside the repository.
#
# usage: .ci/fetch-corpus.sh [DEST] [PACKAGE...]
#   DEST     defaults to $A64PATCH_CORPUS or ~/.cache/a64patch-corpus
#   PACKAGE  defaults to the public corpus below
# After it ran: DEST/root/ holds the unpacked files (usr/lib/aarch64-linux-gnu/...),
#               DEST/debs/ the .deb files, DEST/MANIFEST the sha256 of every unpacked ELF.
# Needs apt-get and dpkg (Debian/Ubuntu); works as root or with sudo-less apt download.
set -euo pipefail
dest=${1:-${A64PATCH_CORPUS:-$HOME/.cache/a64patch-corpus}}
shift || true
pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
  # libabsl_base: abseil CycleClock (the clock Google's tcmalloc uses)
  # librte_eal:   DPDK rte_rdtsc(), dozens of counter reads
  # libtcmalloc:  gperftools tcmalloc, no counter reads (a clean negative)
  # libjemalloc:  no counter reads (negative)
  pkgs=(libabsl20220623 librte-eal23 libgoogle-perftools4 libtcmalloc-minimal4 libjemalloc2)
fi
mkdir -p "$dest/debs" "$dest/root" "$dest/lists/partial"
opts=(-oAPT::Architecture=arm64 -oAPT::Architectures=arm64 "-oDir::State::Lists=$dest/lists"
      -oDebug::NoLocking=1 -qq)
if [ ! -s "$dest/lists/.updated" ]; then
  apt-get "${opts[@]}" update
  date -u +%F > "$dest/lists/.updated"
fi
cd "$dest/debs"
for p in "${pkgs[@]}"; do
  if ! ls "${p}"_*_arm64.deb >/dev/null 2>&1; then
    apt-get "${opts[@]}" download "$p" 2>&1 | grep -v -i 'unsandboxed' || true
  fi
  for d in "${p}"_*_arm64.deb; do dpkg -x "$d" "$dest/root"; done
done
cd "$dest/root"
find . -type f -print0 | while IFS= read -r -d '' f; do
  if head -c 20 "$f" 2>/dev/null | od -An -tx1 | tr -d ' \n' | grep -q '^7f454c460201.\{24\}b700'; then
    sha256sum "$f"
  fi
done | sort -k2 > "$dest/MANIFEST"
echo "$(wc -l < "$dest/MANIFEST") AArch64 ELF files under $dest/root (list: $dest/MANIFEST)"
