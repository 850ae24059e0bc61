#!/usr/bin/env bash
# The index does not depend on how the work was split or which engine or
# SIMD path matched: 1, 2 and 8 threads, small chunks (work split inside a
# shard), the oracle engine and the portable word-mask code must all give
# byte-identical files. The corpus is the committed sample, plus the same
# sample with dirty lines mixed in (identical skip counts too), plus a
# generated corpus of more than 65,536 postings, so that the posting-level
# sections hold several segments (filled in corpus order, encoded by
# whichever thread completed them).
# usage: cli_determinism.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
same() { # name file1 file2
    if cmp -s "$2" "$3"; then echo "ok: $1"; else echo "FAIL: $1: $2 and $3 differ"; fail=1; fi
}
run() { # out args...
    local out=$1; shift
    "$SKIDX" index -q "$@" -o "$out" || { echo "FAIL: index $* exited $?"; fail=1; }
}
S=$SRC/corpora/sample
# SKIDX_TEST_QUICK=1 (sanitizer builds) keeps one run of each kind
QUICK=${SKIDX_TEST_QUICK:-0}
run "$T/t1.skidx" "$S" --threads 1
run "$T/t8c.skidx" "$S" --threads 8 --chunk-bytes 16K
same "1 thread vs 8 threads, 16K chunks" "$T/t1.skidx" "$T/t8c.skidx"
if [ "$QUICK" != 1 ]; then
    run "$T/t2.skidx" "$S" --threads 2
    run "$T/t8.skidx" "$S" --threads 8
    run "$T/t2c.skidx" "$S" --threads 2 --chunk-bytes 64K
    same "1 vs 2 threads" "$T/t1.skidx" "$T/t2.skidx"
    same "1 vs 8 threads" "$T/t1.skidx" "$T/t8.skidx"
    same "1 thread vs 2 threads, 64K chunks" "$T/t1.skidx" "$T/t2c.skidx"
fi

# the whole sample as one big shard, split by chunks only
for f in "$S"/*.jsonl.zst; do zstd -dcq "$f"; done > "$T/one.jsonl"
run "$T/one1.skidx" "$T/one.jsonl" --threads 1
run "$T/one2.skidx" "$T/one.jsonl" --threads 2 --chunk-bytes 32K
same "one shard: 1 vs 2 threads in 32K chunks" "$T/one1.skidx" "$T/one2.skidx"

# portable word mask vs the best SIMD path
SKIDX_SIMD=scalar run "$T/scalar.skidx" "$S" --threads 2
same "scalar word mask vs SIMD" "$T/t1.skidx" "$T/scalar.skidx"

# the oracle engine tries every alias at every word: with the 15,000
# aliases of taxonomy 2026.12 it takes about 0.2 s a posting, so it is
# given the shard's first 120 postings; under the sanitizers, where it
# took most of this test's minute in CI's ASan pass (about 1 s of CPU a
# posting there), the first 20 (test_match's engines_corpus also compares
# the two engines on sample lines there, in process)
first=$(ls "$S"/*.jsonl.zst | head -1)
lines=120
[ "$QUICK" = 1 ] && lines=20
zstd -dcq "$first" | head -"$lines" > "$T/first.jsonl"
first=$T/first.jsonl
run "$T/w.skidx" "$first" --threads 2
run "$T/o.skidx" "$first" --threads 2 --engine oracle
same "words engine vs oracle" "$T/w.skidx" "$T/o.skidx"

# dirty lines mixed in: same index and skip counts whatever the threads
/usr/bin/python3 - "$T/one.jsonl" "$T/dirty.jsonl" <<'PY'
import sys
src, dst = sys.argv[1], sys.argv[2]
bad = [b'not json at all', b'{"title": "unterminated', b'{"title":"x\\q"}',
       b'{"title":"bad \xff\xfe utf8","description":"python"}', b'',
       b'{"company":"no text"}', b'[1,2,3]', b'{"title":"nul \x00 byte"}',
       b'{"title":"Data Scientist","salary_min":"120k","description":"SQL"}']
with open(src, 'rb') as f, open(dst, 'wb') as o:
    for i, line in enumerate(f):
        o.write(line)
        if i % 7 == 3:
            o.write(bad[i % len(bad)] + b'\n')
PY
run "$T/d1.skidx" "$T/dirty.jsonl" --threads 1
run "$T/d2.skidx" "$T/dirty.jsonl" --threads 2 --chunk-bytes 16K
run "$T/d8.skidx" "$T/dirty.jsonl" --threads 8 --chunk-bytes 8K
same "dirty: 1 vs 2 threads" "$T/d1.skidx" "$T/d2.skidx"
same "dirty: 1 vs 8 threads" "$T/d1.skidx" "$T/d8.skidx"
# several posting segments: 1, 2 and 8 threads
GEN=$(dirname "$SKIDX")/skidx-gen
if [ -x "$GEN" ] && [ "$QUICK" = 0 ]; then
    "$GEN" --postings 70000 --shards 3 --seed 11 --dirty 0.01 -o "$T/big" --quiet --threads 1
    run "$T/b1.skidx" -t "$SRC/tests/e2e/taxonomy" "$T/big" --threads 1
    run "$T/b2.skidx" -t "$SRC/tests/e2e/taxonomy" "$T/big" --threads 2 --chunk-bytes 256K
    run "$T/b8.skidx" -t "$SRC/tests/e2e/taxonomy" "$T/big" --threads 8
    same "two segments: 1 vs 2 threads" "$T/b1.skidx" "$T/b2.skidx"
    same "two segments: 1 vs 8 threads" "$T/b1.skidx" "$T/b8.skidx"
    n=$("$SKIDX" info -f json "$T/b1.skidx" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["format_version"], d["postings"] > 65536)')
    if [ "$n" = "4 True" ]; then echo "ok: format 4, more than one segment of postings"; else echo "FAIL: big corpus: $n"; fail=1; fi
else
    echo "skip: several posting segments (no skidx-gen, or quick mode)"
fi
skipped=$("$SKIDX" info -f json "$T/d1.skidx" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["skipped"])')
if [ "${skipped:-0}" -gt 0 ]; then echo "ok: dirty lines were skipped ($skipped)"; else echo "FAIL: no dirty line skipped"; fail=1; fi
exit $fail
