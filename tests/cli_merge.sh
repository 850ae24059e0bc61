#!/usr/bin/env bash
# `skidx merge`: with one taxonomy, merging the indexes of two halves of a
# corpus gives the bytes of indexing the whole in one run, provided no
# duplicate group spans both halves (reposts are found within one run:
# dedup is per run, so a repost whose original sits in the other half is
# counted in both halves). The test builds halves for which that holds,
# checks that it does, and checks that different taxonomies are refused.
# usage: cli_merge.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
check() { # name expected actual
    if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; fail=1; else echo "ok: $1"; fi
}
TAX=$SRC/tests/report/sample_taxonomy
S=$SRC/corpora/sample
info() { "$SKIDX" info -f json "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)['$2'])"; }

# Split every sample shard into an A part and a B part by a key coarser
# than skidx's duplicate key (title, company, description, lower-cased,
# with all whitespace removed), so that every duplicate group lands in one
# half. The whole corpus is the A parts then the B parts: each half keeps
# its own order inside the whole.
mkdir -p "$T/A" "$T/B" "$T/W"
for f in "$S"/*.jsonl.zst; do
    b=$(basename "$f" .jsonl.zst)
    zstd -dc "$f" >"$T/$b.jsonl" || { echo "FAIL: zstd -d $f"; exit 1; }
    python3 - "$T/$b.jsonl" "$T/A/a-$b.jsonl" "$T/B/b-$b.jsonl" <<'PY'
import hashlib, json, re, sys
src, a, b = sys.argv[1:]
with open(src, "rb") as f, open(a, "wb") as fa, open(b, "wb") as fb:
    for line in f:
        try:
            o = json.loads(line)
            key = "\x1f".join(str(o.get(k) or "") for k in ("title", "company", "description"))
        except Exception:
            key = line.decode("utf-8", "replace")
        key = re.sub(r"\s+", "", key.lower())
        h = hashlib.sha256(key.encode()).digest()[0]
        (fa if h % 2 == 0 else fb).write(line)
PY
done
cp "$T"/A/*.jsonl "$T"/B/*.jsonl "$T/W/"
"$SKIDX" index -q -t "$TAX" "$T/A" -o "$T/a.skidx" &&
"$SKIDX" index -q -t "$TAX" "$T/B" -o "$T/b.skidx" &&
"$SKIDX" index -q -t "$TAX" "$T/W" -o "$T/w.skidx"
check "index halves and whole" 0 $?
da=$(info "$T/a.skidx" duplicates) db=$(info "$T/b.skidx" duplicates) dw=$(info "$T/w.skidx" duplicates)
check "no duplicate group spans the halves (dups A + B = dups whole)" "$dw" "$((da + db))"
[ "$dw" -gt 0 ] && echo "ok: the corpus has reposts ($dw)" || { echo "FAIL: expected reposts in the sample"; fail=1; }
"$SKIDX" merge "$T/a.skidx" "$T/b.skidx" -o "$T/m.skidx"
check "merge exit code" 0 $?
cmp -s "$T/m.skidx" "$T/w.skidx" && echo "ok: merge(A, B) is byte-identical to index(A + B)" ||
    { echo "FAIL: merge(A, B) differs from index(A + B)"; fail=1; }
"$SKIDX" merge "$T/b.skidx" "$T/a.skidx" -o "$T/m2.skidx"
cmp -s "$T/m2.skidx" "$T/w.skidx" && echo "ok: merge order does not matter" ||
    { echo "FAIL: merge(B, A) differs"; fail=1; }
"$SKIDX" verify "$T/m.skidx" >/dev/null
check "merged index verifies" 0 $?

# The documented limit: split by shard, the halves share duplicate groups
# when a repost and its original sit in different shards; then the merge
# counts those reposts twice and cannot equal the single run.
"$SKIDX" index -q -t "$TAX" "$S/part-00000.jsonl.zst" "$S/part-00001.jsonl.zst" -o "$T/s1.skidx"
"$SKIDX" index -q -t "$TAX" "$S/part-00002.jsonl.zst" "$S/part-00003.jsonl.zst" -o "$T/s2.skidx"
"$SKIDX" index -q -t "$TAX" "$S" -o "$T/s.skidx"
"$SKIDX" merge "$T/s1.skidx" "$T/s2.skidx" -o "$T/sm.skidx"
cross=$(( $(info "$T/s.skidx" duplicates) - $(info "$T/s1.skidx" duplicates) - $(info "$T/s2.skidx" duplicates) ))
if [ "$cross" -gt 0 ]; then
    check "by shard: reposts across halves are counted once more each" \
        "$(( $(info "$T/s.skidx" postings) + cross ))" "$(info "$T/sm.skidx" postings)"
else
    cmp -s "$T/sm.skidx" "$T/s.skidx" && echo "ok: by shard, no cross-half reposts: identical" ||
        { echo "FAIL: by shard merge differs without cross-half reposts"; fail=1; }
fi

# Different taxonomies: a clear refusal, exit 1, no output written
"$SKIDX" index -q -t "$SRC/tests/report/taxonomy" "$T/A" -o "$T/other.skidx"
"$SKIDX" merge "$T/a.skidx" "$T/other.skidx" -o "$T/bad.skidx" 2>"$T/err"
check "merge of different taxonomies exit" 1 $?
[ ! -e "$T/bad.skidx" ] && echo "ok: nothing written" || { echo "FAIL: an output was written"; fail=1; }
grep -qi "taxonom" "$T/err" && echo "ok: the refusal names the taxonomy: $(head -1 "$T/err")" ||
    { echo "FAIL: refusal message: $(cat "$T/err")"; fail=1; }
exit $fail
