#!/usr/bin/env bash
# Posting-level queries (`skidx query --where`), checked against answers
# computed apart from the index: `skidx match` gives every posting's
# skills and the section of each match; scripts/skidx_read.py (written
# from docs/FORMAT.md alone) lists the postings the index holds (after
# duplicates) with their columns and the skills its bitmaps give. The test
# checks first that the bitmaps hold exactly match's skills (and its
# preferred-only ones), then evaluates expressions and filters in Python
# over match's skills and compares every query mode with skidx's answer.
# usage: cli_postings.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
check() { if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; fail=1; else echo "ok: $1"; fi; }
S=$SRC/corpora/sample
"$SKIDX" index -q "$S" -o "$T/s.skidx" || { echo "FAIL: index"; exit 1; }
python3 "$SRC/scripts/skidx_read.py" --postings "$T/s.skidx" > "$T/postings.tsv" ||
    { echo "FAIL: skidx_read.py --postings"; exit 1; }
for f in "$S"/*.jsonl.zst; do
    "$SKIDX" match "$f" > "$T/$(basename "$f").match" || { echo "FAIL: match $f"; fail=1; }
done

# the oracle: one line per query, "ARGS<TAB>EXPECTED OUTPUT (\n as |)"
python3 - "$T" "$S" > "$T/cases.tsv" <<'PY'
import csv, json, os, sys
T, S = sys.argv[1:]
rows = list(csv.DictReader(open(T + "/postings.tsv"), delimiter="\t"))
match = {}
for name in sorted(os.listdir(T)):
    if name.endswith(".match"):
        shard = os.path.join(S, name[:-len(".match")])
        for i, line in enumerate(open(os.path.join(T, name)), 1):
            match[(shard, i)] = json.loads(line)
COUNT = {"title", "none", "requirements", "preferred", "responsibilities", "other"}
bad = 0
for r in rows:
    m = match[(r["shard"], int(r["line"]))]
    skills = set(m["skills"])
    where = {}
    for h in m["matches"]:
        if h.get("masked") or h["section"] not in COUNT:
            continue
        where.setdefault(h["skill"], set()).add(h["section"])
    pref = {k for k, v in where.items() if v == {"preferred"}}
    got = set(filter(None, r["skills"].split("|")))
    gotp = set(filter(None, r["preferred_only"].split("|")))
    if got != skills or gotp != pref or m["role"] != r["role"] or m["seniority"] != r["level"]:
        bad += 1
    r["S"], r["P"] = skills, pref
print("bitmaps\t%d" % bad)
print("postings\t%d" % len(rows))

def ev(expr, skills):
    toks = expr.replace("(", " ( ").replace(")", " ) ").split()
    pos = [0]
    def peek():
        return toks[pos[0]] if pos[0] < len(toks) else None
    def name():
        words = []
        while peek() not in (None, "AND", "OR", "NOT", "(", ")"):
            words.append(toks[pos[0]]); pos[0] += 1
        return " ".join(words).strip('"')
    def factor():
        t = peek()
        if t == "NOT":
            pos[0] += 1; return not factor()
        if t == "(":
            pos[0] += 1; v = orr(); pos[0] += 1; return v
        return name() in skills
    def andd():
        v = factor()
        while peek() == "AND":
            pos[0] += 1; v = factor() and v
        return v
    def orr():
        v = andd()
        while peek() == "OR":
            pos[0] += 1; v = andd() or v
        return v
    return orr()

def sel(expr, role=None, level=None, frm=None, to=None, company=None, required=False):
    out = []
    for r in rows:
        if role and r["role"] != role: continue
        if level and r["level"] != level: continue
        if (frm or to) and not r["month"]: continue
        if frm and r["month"] < frm: continue
        if to and r["month"] > to: continue
        if company and r["company"].lower() != company.lower(): continue
        sk = r["S"] - r["P"] if required else r["S"]
        if expr is None or ev(expr, sk):
            out.append(r)
    return out

EXPRS = ["PyTorch AND TensorFlow", "PyTorch AND NOT TensorFlow",
         "(Python OR SQL) AND NOT Java", "NOT Python",
         '"Hugging Face" AND (PyTorch OR JAX) AND NOT TensorFlow',
         "Kubernetes OR Docker OR Terraform", "NOT (PyTorch OR TensorFlow) AND Python"]
for e in EXPRS:
    print("--where\t%s\t--count\t\t%d" % (e, len(sel(e))))
    print("--where\t%s\t--count\t--required\t%d" % (e, len(sel(e, required=True))))
    print("--where\t%s\t--count\t--role=ML Engineer\t%d" % (e, len(sel(e, role="ML Engineer"))))
    print("--where\t%s\t--count\t--seniority=Senior\t%d" % (e, len(sel(e, level="Senior"))))
    print("--where\t%s\t--count\t--from=2024-01 --to=2025-06\t%d" % (e, len(sel(e, frm="2024-01", to="2025-06"))))
    print("--where\t%s\t--count\t--company=orbital payments\t%d" % (e, len(sel(e, company="Orbital Payments"))))
# --by seniority: level, selected, slice
e = "PyTorch AND TensorFlow"
by = {}
for r in sel(None):
    b = by.setdefault(r["level"], [0, 0])
    b[1] += 1
    b[0] += ev(e, r["S"])
print("by\t%s" % "|".join("%s,%d,%d" % (k, v[0], v[1]) for k, v in
      sorted(by.items(), key=lambda kv: (-kv[1][0], kv[0]))))
print("list\t%s" % "|".join("%s,%s,%s" % (r["posting"], r["shard"], r["line"])
                             for r in sel('"Hugging Face" AND NOT TensorFlow')))
# --top: the skills of the selection, by postings then name
cnt = {}
s = sel(e, role="ML Engineer")
for r in s:
    for k in r["S"]:
        cnt[k] = cnt.get(k, 0) + 1
print("top\t%s" % "|".join("%s,%d" % (k, cnt[k]) for k in sorted(cnt, key=lambda k: -cnt[k])[:5]))
print("topcounts\t%s" % ",".join(str(cnt[k]) for k in sorted(cnt, key=lambda k: -cnt[k])))
PY
check "the bitmaps hold exactly match's skills and preferred-only skills" 0 "$(awk -F'\t' '$1=="bitmaps"{print $2}' "$T/cases.tsv")"
n=$(awk -F'\t' '$1=="postings"{print $2}' "$T/cases.tsv")
check "every posting listed" "$n" "$("$SKIDX" query "$T/s.skidx" --where "NOT Astronomy OR Astronomy" --count 2>/dev/null || "$SKIDX" query "$T/s.skidx" --count)"
check "--count without --where: every posting" "$n" "$("$SKIDX" query "$T/s.skidx" --count)"
k=0
while IFS=$'\t' read -r kind expr count opt want; do
    [ "$kind" = --where ] || continue
    args=()
    case "$opt" in
        "") ;;
        --from=*) args=(--from 2024-01 --to 2025-06) ;;
        *) args=("${opt%%=*}"); [ "$opt" != "${opt%%=*}" ] && args+=("${opt#*=}") ;;
    esac
    got=$("$SKIDX" query "$T/s.skidx" --where "$expr" "${args[@]}" --count)
    if [ "$got" != "$want" ]; then echo "FAIL: --where '$expr' ${args[*]}: expected $want, got $got"; fail=1; fi
    k=$((k + 1))
done <"$T/cases.tsv"
[ "$k" -ge 40 ] && echo "ok: $k --where counts agree with the brute force" || { echo "FAIL: only $k cases"; fail=1; }
# the example question: both TensorFlow and PyTorch
both=$(awk -F'\t' '$1=="--where" && $2=="PyTorch AND TensorFlow" && $4=="" {print $5}' "$T/cases.tsv")
[ "$both" -gt 0 ] && echo "ok: $both postings ask for both TensorFlow and PyTorch" || { echo "FAIL: no posting asks for both"; fail=1; }
check "aliases resolve like names" "$both" "$("$SKIDX" query "$T/s.skidx" --where "pytorch and tensorflow" --count)"
check "--by seniority" "$(awk -F'\t' '$1=="by"{print $2}' "$T/cases.tsv")" \
    "$("$SKIDX" query "$T/s.skidx" --where "PyTorch AND TensorFlow" --by seniority --format csv | tail -n +2 | awk -F, '{printf "%s%s,%s,%s", (NR > 1 ? "|" : ""), $2, $3, $4}')"
check "--list --limit 0" "$(awk -F'\t' '$1=="list"{print $2}' "$T/cases.tsv")" \
    "$("$SKIDX" query "$T/s.skidx" --where '"Hugging Face" AND NOT TensorFlow' --list --limit 0 --format csv | tail -n +2 | awk -F, '{printf "%s%s,%s,%s", (NR > 1 ? "|" : ""), $1, $2, $3}')"
check "--list --limit 2" 2 "$("$SKIDX" query "$T/s.skidx" --where 'Python' --list --limit 2 --format csv | tail -n +2 | wc -l)"
check "--top: skill postings of the selection" "$(awk -F'\t' '$1=="topcounts"{print $2}' "$T/cases.tsv")" \
    "$("$SKIDX" query "$T/s.skidx" --where "PyTorch AND TensorFlow" --role "ML Engineer" --top 0 --format csv | tail -n +2 | awk -F, '{printf "%s%s", (NR > 1 ? "," : ""), $4}')"
# lift: share in the selection over share in the slice
"$SKIDX" query "$T/s.skidx" --where "PyTorch" --top 3 --format csv | tail -n +2 | python3 -c '
import sys
for line in sys.stdin:
    r = line.strip().split(",")
    share, slice_share, lift = float(r[5]), float(r[6]), float(r[7])
    assert abs(share / slice_share - lift) < 1e-3, line
print("ok: lift = share / slice_share")' || { echo "FAIL: lift"; fail=1; }
# CSV and JSON through the table layer
"$SKIDX" query "$T/s.skidx" --where "PyTorch AND TensorFlow" --by quarter --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d and all("quarter" in r and "selected_postings" in r for r in d)' &&
    echo "ok: --by quarter as JSON" || { echo "FAIL: --by quarter JSON"; fail=1; }

# errors: the position in the expression, exit 2
err() { # name expected-text args...
    local name=$1 want=$2; shift 2
    "$SKIDX" query "$T/s.skidx" "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    if [ $rc = 2 ] && grep -qF -- "$want" "$T/err" && [ ! -s "$T/out" ]; then echo "ok: $name"; else
        echo "FAIL: $name: exit $rc, expected 2 and '$want': $(cat "$T/err")"; fail=1; fi
}
err "unknown skill, with its byte" "unknown skill 'Tensorflw' (at byte 13)" --where "PyTorch AND Tensorflw" --count
err "unclosed parenthesis" "unclosed '(' (at byte 13)" --where "PyTorch AND (TensorFlow" --count
err "missing operand" "a skill name is missing at the end" --where "PyTorch AND" --count
err "operator first" "a skill name is expected before AND" --where "AND PyTorch" --count
err "unclosed quote" "unclosed quote (at byte 1)" --where '"Hugging Face' --count
err "stray parenthesis" "unexpected ')'" --where "PyTorch)" --count
err "two modes" "one at a time" --where PyTorch --count --list
err "bad --by" "invalid --by 'skill'" --where PyTorch --by skill
err "deep nesting" "nested too deep" --where "$(printf '(%.0s' $(seq 100))PyTorch$(printf ')%.0s' $(seq 100))" --count
# an alias of two skills: ambiguous, both named
mkdir -p "$T/tax"
cp "$SRC/tests/e2e/taxonomy/roles.tsv" "$T/tax/"
{ cat "$SRC/tests/e2e/taxonomy/skills.tsv"; printf 'Deep Learning\tML\t=DL\nData Lake\tData\t=dl\n'; } > "$T/tax/skills.tsv"
"$SKIDX" index -q -t "$T/tax" "$SRC/tests/e2e/corpus" -o "$T/e.skidx"
"$SKIDX" query "$T/e.skidx" --where "Python AND dl" --count >"$T/out" 2>"$T/err"
check "ambiguous alias: exit" 2 $?
grep -qF "ambiguous skill 'dl' (it names 'Deep Learning' and 'Data Lake'; give the full name) (at byte 12)" "$T/err" &&
    echo "ok: ambiguous alias: lists both" || { echo "FAIL: ambiguous message: $(cat "$T/err")"; fail=1; }
# a version-1 index: its cube is read, --where asks for a re-index
"$SKIDX" query "$SRC/tests/fuzz/corpus_index/e2e.idx" --where Python --count >"$T/out" 2>"$T/err"
check "version 1: exit" 1 $?
grep -q "re-index" "$T/err" && echo "ok: version 1: says to re-index" || { echo "FAIL: version 1 message: $(cat "$T/err")"; fail=1; }
"$SKIDX" query "$SRC/tests/fuzz/corpus_index/e2e.idx" --top 3 >/dev/null
check "version 1: the cube is still read" 0 $?
exit $fail
