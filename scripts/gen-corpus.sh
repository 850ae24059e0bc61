#!/bin/sh
# Build skidx-gen by hand (if no CMake build is at hand) and run it.
#   scripts/gen-corpus.sh sample            regenerate corpora/sample/ (the committed sample)
#   scripts/gen-corpus.sh ARGS...           pass ARGS to skidx-gen, e.g.
#   scripts/gen-corpus.sh --postings 300000 --shards 16 --seed 42 -o /tmp/corpus-300k
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
gen=${SKIDX_GEN:-}
if [ -z "$gen" ]; then
    for c in "$root/build/skidx-gen" "$root/build/scripts/skidx-gen"; do
        if [ -x "$c" ]; then gen=$c; break; fi
    done
fi
if [ -z "$gen" ]; then
    gen=${TMPDIR:-/tmp}/skidx-gen.$$
    ${CC:-cc} -std=c11 -O2 -Wall -Wextra -fopenmp "$here/skidx_gen.c" -lzstd -o "$gen"
    trap 'rm -f "$gen"' EXIT
fi
if [ "${1:-}" = sample ]; then
    "$gen" --postings 2400 --shards 4 --seed 42 -o "$root/corpora/sample" \
        --manifest "$root/corpora/sample/MANIFEST.txt"
else
    "$gen" "$@"
fi
