#!/usr/bin/env bash
# `skidx merge`: with one taxonomy, merging the indexes of parts of a
# corpus gives the bytes of indexing the parts in one run, in that order:
# a repost whose original sits in an earlier part is dropped through the
# duplicate keys of the posting-level sections. The test merges halves
# with no duplicate group across them (in both orders), then halves of the
# sample that reposts do span, notes that version-1 indexes (without
# keys) count such reposts in each, and checks that different taxonomies
# are refused.
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
# the whole names the same shard files (their paths are in the index)
"$SKIDX" index -q -t "$TAX" "$T/A" -o "$T/a.skidx" &&
"$SKIDX" index -q -t "$TAX" "$T/B" -o "$T/b.skidx" &&
"$SKIDX" index -q -t "$TAX" "$T/A" "$T/B" -o "$T/w.skidx" &&
"$SKIDX" index -q -t "$TAX" "$T/B" "$T/A" -o "$T/w2.skidx"
check "index halves and whole" 0 $?
da=$(info "$T/a.skidx" duplicates) db=$(info "$T/b.skidx" duplicates) dw=$(info "$T/w.skidx" duplicates)
check "no duplicate group spans the halves (dups A + B = dups whole)" "$dw" "$((da + db))"
[ "$dw" -gt 0 ] && echo "ok: the corpus has reposts ($dw)" || { echo "FAIL: expected reposts in the sample"; fail=1; }
"$SKIDX" merge "$T/a.skidx" "$T/b.skidx" -o "$T/m.skidx"
check "merge exit code" 0 $?
cmp -s "$T/m.skidx" "$T/w.skidx" && echo "ok: merge(A, B) is byte-identical to index(A + B)" ||
    { echo "FAIL: merge(A, B) differs from index(A + B)"; fail=1; }
"$SKIDX" merge "$T/b.skidx" "$T/a.skidx" -o "$T/m2.skidx"
cmp -s "$T/m2.skidx" "$T/w2.skidx" && echo "ok: merge(B, A) is byte-identical to index(B + A)" ||
    { echo "FAIL: merge(B, A) differs from index(B + A)"; fail=1; }
# the order changes posting numbers and paths, not one count of the cube
for q in "--top 30" "--trend --by quarter" "--salary --by role"; do
    # shellcheck disable=SC2086
    check "merge(A, B) and merge(B, A): query $q" \
        "$("$SKIDX" query "$T/m.skidx" $q --format csv)" "$("$SKIDX" query "$T/m2.skidx" $q --format csv)"
done
"$SKIDX" verify "$T/m.skidx" >/dev/null
check "merged index verifies" 0 $?

# Split by shard, the halves share duplicate groups when a repost and its
# original sit in different shards: the merge drops those reposts through
# the duplicate keys and still equals the single run.
"$SKIDX" index -q -t "$TAX" "$S/part-00000.jsonl.zst" "$S/part-00001.jsonl.zst" -o "$T/s1.skidx"
"$SKIDX" index -q -t "$TAX" "$S/part-00002.jsonl.zst" "$S/part-00003.jsonl.zst" -o "$T/s2.skidx"
"$SKIDX" index -q -t "$TAX" "$S" -o "$T/s.skidx"
"$SKIDX" merge "$T/s1.skidx" "$T/s2.skidx" -o "$T/sm.skidx"
cross=$(( $(info "$T/s.skidx" duplicates) - $(info "$T/s1.skidx" duplicates) - $(info "$T/s2.skidx" duplicates) ))
[ "$cross" -gt 0 ] && echo "ok: $cross reposts span the halves" || { echo "FAIL: no repost spans the halves"; fail=1; }
check "by shard: the merge drops the reposts of the first half" \
    "$(info "$T/s.skidx" postings)" "$(info "$T/sm.skidx" postings)"
cmp -s "$T/sm.skidx" "$T/s.skidx" && echo "ok: by shard, reposts across halves: merge is byte-identical" ||
    { echo "FAIL: by shard merge differs from the whole"; fail=1; }
# three parts, one a single shard, and a merge of merges
"$SKIDX" index -q -t "$TAX" "$S/part-00000.jsonl.zst" -o "$T/p1.skidx" &&
"$SKIDX" index -q -t "$TAX" "$S/part-00001.jsonl.zst" "$S/part-00002.jsonl.zst" -o "$T/p2.skidx" &&
"$SKIDX" index -q -t "$TAX" "$S/part-00003.jsonl.zst" -o "$T/p3.skidx" &&
"$SKIDX" merge "$T/p1.skidx" "$T/p2.skidx" "$T/p3.skidx" -o "$T/pm.skidx" &&
"$SKIDX" merge "$T/p1.skidx" "$T/p2.skidx" -o "$T/p12.skidx" &&
"$SKIDX" merge "$T/p12.skidx" "$T/p3.skidx" -o "$T/pmm.skidx"
check "three parts: exit" 0 $?
cmp -s "$T/pm.skidx" "$T/s.skidx" && echo "ok: merge of three parts is byte-identical" ||
    { echo "FAIL: merge of three parts differs"; fail=1; }
cmp -s "$T/pmm.skidx" "$T/s.skidx" && echo "ok: merge of a merge is byte-identical" ||
    { echo "FAIL: merge of a merge differs"; fail=1; }
# the bytes hold each location's country (format 4): the merge carries
# them, so it answers country questions as the whole does
check "merge of three parts: --by country as the whole" \
    "$("$SKIDX" query "$T/s.skidx" --where Python --by country --format csv)" \
    "$("$SKIDX" query "$T/pm.skidx" --where Python --by country --format csv)"
ncty=$("$SKIDX" query "$T/pm.skidx" --where Python --by country --format csv | awk -F, 'NR > 1 && $1 != ""' | wc -l)
[ "$ncty" -ge 3 ] && echo "ok: the merged postings have $ncty countries" ||
    { echo "FAIL: the merged postings have $ncty countries"; fail=1; }
check "merge of three parts: --country DE as the whole" \
    "$("$SKIDX" query "$T/s.skidx" --country DE --count)" "$("$SKIDX" query "$T/pm.skidx" --country DE --count)"
# a part merged with itself: every posting of the second copy is a repost
"$SKIDX" merge "$T/p1.skidx" "$T/p1.skidx" -o "$T/pp.skidx"
check "a part merged with itself: postings" "$(info "$T/p1.skidx" postings)" "$(info "$T/pp.skidx" postings)"
check "a part merged with itself: duplicates" \
    "$(( 2 * $(info "$T/p1.skidx" duplicates) + $(info "$T/p1.skidx" postings) ))" "$(info "$T/pp.skidx" duplicates)"
check "a part merged with itself: the same ranking" \
    "$("$SKIDX" query "$T/p1.skidx" --top 40 --format csv)" "$("$SKIDX" query "$T/pp.skidx" --top 40 --format csv)"

# The help says what the merge does with reposts (it used to say that
# reposts across the inputs are not detected, which is true only of
# version-1 indexes); merging indexes with keys prints no note
"$SKIDX" merge --help | tr '\n' ' ' | grep -q "dropped by its duplicate key" &&
    ! "$SKIDX" merge --help | grep -q "are not detected" &&
    echo "ok: merge --help: reposts across inputs dropped" ||
    { echo "FAIL: merge --help on reposts"; fail=1; }
"$SKIDX" merge "$T/s1.skidx" "$T/s2.skidx" -o "$T/sm2.skidx" 2>"$T/err"
check "merge with keys: no message" "" "$(cat "$T/err")"
# version-1 indexes (--no-postings) merge, but a repost across them counts
# in each: exit 0 with a note that says so
"$SKIDX" index -q --no-postings -t "$TAX" "$S/part-00000.jsonl.zst" "$S/part-00001.jsonl.zst" -o "$T/n1.skidx" &&
"$SKIDX" index -q --no-postings -t "$TAX" "$S/part-00002.jsonl.zst" "$S/part-00003.jsonl.zst" -o "$T/n2.skidx"
"$SKIDX" merge "$T/n1.skidx" "$T/n2.skidx" -o "$T/nm.skidx" 2>"$T/err"
check "version-1 merge exit" 0 $?
grep -q "repost across them is counted in each" "$T/err" &&
    echo "ok: version-1 merge notes the reposts: $(head -1 "$T/err")" ||
    { echo "FAIL: version-1 merge note: $(cat "$T/err")"; fail=1; }
check "version-1 merge: the cross-half reposts counted twice" \
    "$(( $(info "$T/s.skidx" postings) + cross ))" "$(info "$T/nm.skidx" postings)"

# Different taxonomies: a clear refusal, exit 1, no output written
"$SKIDX" index -q -t "$SRC/tests/report/taxonomy" "$T/A" -o "$T/other.skidx"
"$SKIDX" merge "$T/a.skidx" "$T/other.skidx" -o "$T/bad.skidx" 2>"$T/err"
check "merge of different taxonomies exit" 1 $?
[ ! -e "$T/bad.skidx" ] && echo "ok: nothing written" || { echo "FAIL: an output was written"; fail=1; }
grep -qi "taxonom" "$T/err" && echo "ok: the refusal names the taxonomy: $(head -1 "$T/err")" ||
    { echo "FAIL: refusal message: $(cat "$T/err")"; fail=1; }
exit $fail
