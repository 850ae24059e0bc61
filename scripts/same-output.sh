#!/usr/bin/env bash
# same-output.sh - does a new build give the same results as a reference
# build? For a speed change, which must change nothing: the index bytes of
# the sample corpus and of the two generated corpora of cg-work.sh at 1 and
# 2 threads, and `skidx match` output on every slice of the labelled real
# set, 1,500 dense postings and the real CSV corpora, the new build under
# each SIMD choice (SKIDX_SIMD=scalar, avx2, and the best this CPU has).
#
# usage: scripts/same-output.sh REF_SKIDX NEW_SKIDX [TAXONOMY_DIR]
#   TAXONOMY_DIR: one both builds read (default: the repository's)
#   env: SKIDX_CG_DIR (where cg-work.sh keeps its corpora; default
#        /tmp/skidx-cg)
# Prints SAME, or each difference; exit 1 on a difference.
set -uo pipefail
[ $# -ge 2 ] || { sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; }
R=$1 N=$2
root=$(cd "$(dirname "$0")/.." && pwd)
T=${3:-$root/taxonomy}
D=${SKIDX_CG_DIR:-/tmp/skidx-cg}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
gen=$(dirname "$(readlink -f "$N")")/skidx-gen
for p in default dense; do # the corpora of cg-work.sh
    "$root/scripts/cg-corpus.sh" $p "$gen" >/dev/null || exit 2
done
bad=0
for c in "$root/corpora/sample" "$D/default" "$D/dense"; do
    for th in 1 2; do
        "$R" index "$c" --taxonomy "$T" --threads $th --quiet -o "$W/r.skidx" >/dev/null 2>"$W/err" ||
            { echo "the reference failed on $c: $(head -3 "$W/err")"; bad=1; }
        "$N" index "$c" --taxonomy "$T" --threads $th --quiet -o "$W/n.skidx" >/dev/null 2>"$W/err" ||
            { echo "the new build failed on $c: $(head -3 "$W/err")"; bad=1; }
        cmp -s "$W/r.skidx" "$W/n.skidx" || { echo "DIFF index of $c at $th threads"; bad=1; }
    done
done
head -1500 "$D/dense/part-00000.jsonl" > "$W/dense.jsonl"
for f in "$root"/tests/real/*/postings.jsonl "$W/dense.jsonl" "$root"/tests/corpora_real/*.csv.gz; do
    [ -f "$f" ] || continue
    "$R" match --taxonomy "$T" "$f" > "$W/r.out" 2>/dev/null
    for simd in scalar avx2 best; do
        SKIDX_SIMD=$simd "$N" match --taxonomy "$T" "$f" > "$W/n.out" 2>/dev/null
        cmp -s "$W/r.out" "$W/n.out" || {
            echo "DIFF match $f SKIDX_SIMD=$simd:"
            diff "$W/r.out" "$W/n.out" | head -4 | cut -c1-300
            bad=1
        }
    done
done
[ $bad = 0 ] && echo SAME
exit $bad
