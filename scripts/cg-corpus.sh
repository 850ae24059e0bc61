#!/usr/bin/env bash
# cg-corpus.sh - the fixed corpora that cg-work.sh and same-output.sh
# measure on: 4,000 postings of `skidx-gen --postings 4000 --shards 1
# --seed 7 --plain --profile NAME` (NAME: default or dense), made once
# under $SKIDX_CG_DIR (default /tmp/skidx-cg). Prints the directory.
#
# usage: scripts/cg-corpus.sh NAME [SKIDX_GEN]
#   SKIDX_GEN: the skidx-gen to use (default: scripts/gen-corpus.sh,
#              which uses the build's or compiles one)
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; }
case "$1" in default|dense) ;; *) echo "cg-corpus.sh: '$1' is not default or dense" >&2; exit 2 ;; esac
D=${SKIDX_CG_DIR:-/tmp/skidx-cg}
if [ ! -s "$D/$1/part-00000.jsonl" ]; then
    gen=${2:-}
    [ -n "$gen" ] && [ -x "$gen" ] || gen="$(dirname "$0")/gen-corpus.sh"
    mkdir -p "$D"
    rm -rf "$D/$1.tmp"
    "$gen" --postings 4000 --shards 1 --seed 7 --plain --profile "$1" \
        --quiet -o "$D/$1.tmp" >/dev/null
    rm -rf "$D/$1" && mv "$D/$1.tmp" "$D/$1"
fi
echo "$D/$1"
