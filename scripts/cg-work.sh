#!/usr/bin/env bash
# cg-work.sh - the instructions one build spends indexing a corpus, start-up
# taken off: valgrind callgrind of `skidx index --threads 1` on CORPUS minus
# the same run on its first posting alone. Instruction counts do not change
# from run to run, so two builds compare on a loaded machine where wall
# times cannot (valgrind runs the AVX2 paths, never AVX-512).
#
# usage: scripts/cg-work.sh SKIDX CORPUS [INDEX_OPTIONS...]
#   CORPUS: default or dense (4,000 postings of `skidx-gen --seed 7 --plain`,
#           generated once under $SKIDX_CG_DIR), or a directory of shards
#   env: SKIDX_CG_DIR (default /tmp/skidx-cg), SKIDX_GEN (skidx-gen to use),
#        CG_OPTS (more valgrind options, e.g. --cache-sim=yes)
# Prints "CORPUS: total T startup S work W" and leaves the profile of the
# whole run in ./cg.NAME.PID.out for callgrind_annotate.
#
# The compiled-taxonomy cache is private to the binary (another build's
# runs cannot evict it) and warmed under valgrind first, since the CPU
# features valgrind reports are part of the cache key: neither counted run
# compiles the taxonomy.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; }
command -v valgrind >/dev/null || { echo "cg-work.sh: valgrind is not installed" >&2; exit 2; }
B=$(readlink -f "$1") C=${2%/}; shift 2
D=${SKIDX_CG_DIR:-/tmp/skidx-cg}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$D"
case "$C" in
default|dense) C=$("$root/scripts/cg-corpus.sh" "$C" "${SKIDX_GEN:-$(dirname "$B")/skidx-gen}") ;;
esac
[ -d "$C" ] || { echo "cg-work.sh: '$C' is not a directory" >&2; exit 2; }
one_dir=$D/one.$(echo "$C" | md5sum | cut -c1-12)
if [ ! -s "$one_dir/part-00000.jsonl" ]; then
    mkdir -p "$one_dir"
    f=$(ls "$C" | head -1)
    case "$f" in
    *.zst) zstd -dc "$C/$f" | head -1 > "$one_dir/part-00000.jsonl" ;;
    *.gz) gzip -dc "$C/$f" | head -1 > "$one_dir/part-00000.jsonl" ;;
    *) head -1 "$C/$f" > "$one_dir/part-00000.jsonl" ;;
    esac
fi
export SKIDX_CACHE_DIR=$D/cache/$(echo "$B" | md5sum | cut -c1-12)
mkdir -p "$SKIDX_CACHE_DIR"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
read -r -a extra <<< "${CG_OPTS:-}"
one() { # PROFILE_OUT DIR OPTIONS... -> instructions collected
    local out=$1 dir=$2; shift 2
    valgrind --tool=callgrind "${extra[@]}" --callgrind-out-file="$out" "$B" \
        index --threads 1 --quiet -o "$W/x.skidx" "$dir" "$@" 2>"$W/err" >/dev/null ||
        { echo "cg-work.sh: the run on $dir failed:" >&2; tail -3 "$W/err" >&2; exit 1; }
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$W/err"
}
valgrind --tool=none "$B" index --threads 1 --quiet -o "$W/w.skidx" "$one_dir" "$@" \
    >/dev/null 2>&1 || true # warm the cache
name=$(basename "$C")
prof=cg.$name.$$.out
tot=$(one "$prof" "$C" "$@")
st=$(one "$W/one.out" "$one_dir" "$@")
echo "$name: total $tot startup $st work $((tot - st)) ($(awk -v w=$((tot - st)) 'BEGIN{printf "%.1f M", w / 1e6}'))  profile: $prof"
