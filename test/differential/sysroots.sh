#!/usr/bin/env bash
# glibc 2.31 (bullseye), 2.36 (bookworm), 2.41 (trixie) and 2.43 (sid) side by side, as
# ../shared/GLIBC-VERSIONS.md describes: a private apt state (the host's apt is untouched), the
# mirror read from the host's own apt configuration, the newest libc6, libc6-dev and libc6-dbg
# of each suite unpacked with dpkg -x. Idempotent: a suite already unpacked is kept.
# Prints one line per suite: SUITE VERSION DIR
set -euo pipefail
CACHE="${HEAPSTEP_CACHE:-$HOME/.cache/heapstep}/glibc"
mkdir -p "$CACHE/apt/lists/partial" "$CACHE/apt/cache/archives/partial" "$CACHE/debs"
MIRROR=$(apt-get indextargets --format '$(REPO_URI)' 2>/dev/null | grep -m1 -E '/debian/?$' || true)
[ -n "$MIRROR" ] || { echo "sysroots: no Debian mirror in the host's apt configuration" >&2; exit 1; }
SUITES="bullseye bookworm trixie sid"
LIST="$CACHE/apt/sources.list"
: > "$LIST"
for s in $SUITES; do echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $s main" >> "$LIST"; done
APT=(-o Dir::Etc::sourcelist="$LIST" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$CACHE/apt/lists"
     -o Dir::Cache="$CACHE/apt/cache" -o Dir::State::status=/dev/null -o Debug::NoLocking=1)
need_update=0
for s in $SUITES; do [ -f "$CACHE/$s/.done" ] || need_update=1; done
if [ $need_update = 1 ]; then
  apt-get "${APT[@]}" -qq update >&2
fi
for s in $SUITES; do
  DIR="$CACHE/$s"
  if [ ! -f "$DIR/.done" ]; then
    V=$(apt-cache "${APT[@]}" madison libc6 | awk -v s="$s" '$0 ~ ("/" s "/") || $0 ~ (" " s "/") {print $3}' | sort -V | tail -1)
    [ -n "$V" ] || { echo "sysroots: no libc6 in $s" >&2; exit 1; }
    (cd "$CACHE/debs" && apt-get "${APT[@]}" -qq download "libc6=$V" "libc6-dev=$V" "libc6-dbg=$V" >&2)
    rm -rf "$DIR"; mkdir -p "$DIR"
    for d in "$CACHE/debs"/libc6_"${V//:/%3a}"_amd64.deb "$CACHE/debs"/libc6-dev_"${V//:/%3a}"_amd64.deb "$CACHE/debs"/libc6-dbg_"${V//:/%3a}"_amd64.deb; do dpkg -x "$d" "$DIR"; done
    # usr-merged suites: lib -> usr/lib; older ones: make ld.so's absolute link relative
    [ -e "$DIR/lib" ] || ln -s usr/lib "$DIR/lib"
    [ -e "$DIR/lib64" ] || { [ -d "$DIR/usr/lib64" ] && ln -s usr/lib64 "$DIR/lib64"; } || true
    if [ -L "$DIR/lib64/ld-linux-x86-64.so.2" ]; then
      t=$(readlink "$DIR/lib64/ld-linux-x86-64.so.2"); case "$t" in /*) ln -sf "..$t" "$DIR/lib64/ld-linux-x86-64.so.2";; esac
    fi
    echo "$V" > "$DIR/.version"; touch "$DIR/.done"
  fi
  echo "$s $(cat "$DIR/.version") $DIR"
done
