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

def sel(expr, role=None, level=None, frm=None, to=None, company=None, required=False, country=None):
    out = []
    for r in rows:
        if country is not None and r["country"] != country: continue
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
    print("--where\t%s\t--count\tnone\t%d" % (e, len(sel(e))))
    print("--where\t%s\t--count\t--required\t%d" % (e, len(sel(e, required=True))))
    print("--where\t%s\t--count\t--role=ML Engineer\t%d" % (e, len(sel(e, role="ML Engineer"))))
    print("--where\t%s\t--count\t--seniority=Senior\t%d" % (e, len(sel(e, level="Senior"))))
    print("--where\t%s\t--count\t--from=2024-01 --to=2025-06\t%d" % (e, len(sel(e, frm="2024-01", to="2025-06"))))
    print("--where\t%s\t--count\t--company=orbital payments\t%d" % (e, len(sel(e, company="Orbital Payments"))))
# --country: the code the file holds for each posting's location (read
# by skidx_read.py), as a code in either case or a country's name
CTYS = sorted({r["country"] for r in rows if r["country"]})
print("countries\t%d" % len(CTYS))
for c in CTYS:
    for e in ("PyTorch AND TensorFlow", "NOT Python"):
        print("--where\t%s\t--count\t--country=%s\t%d" % (e, c.lower(), len(sel(e, country=c))))
print("--where\tPython\t--count\t--country=Deutschland\t%d" % len(sel("Python", country="DE")))
print("--where\tPython\t--count\t--country=United States of America\t%d" % len(sel("Python", country="US")))
print("--where\tNOT Python\t--count\t--country=UK\t%d" % len(sel("NOT Python", country="GB")))
# --by country: code (empty: none), selected, slice
byc = {}
for r in sel(None, role="ML Engineer"):
    b = byc.setdefault(r["country"], [0, 0])
    b[1] += 1
    b[0] += ev("Python", r["S"])
print("bycountry\t%s" % "|".join("%s,%d,%d" % (k, v[0], v[1]) for k, v in
      sorted(byc.items(), key=lambda kv: (-kv[1][0], kv[0] or "~"))))
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
# --related: co-occurrence with an anchor skill in a selection; rows as
# skill,pair,each (the order of ties is by id, so compared as sets, and
# the order by pair_postings is checked apart)
def related(expr, anchor, **kw):
    s = sel(expr, **kw)
    k = [r for r in s if anchor in r["S"]]
    each, both = {}, {}
    for r in s:
        for j in r["S"]:
            each[j] = each.get(j, 0) + 1
    for r in k:
        for j in r["S"]:
            if j != anchor:
                both[j] = both.get(j, 0) + 1
    return len(s), len(k), both, each
for i, (e, a, kw) in enumerate([("Python", "PyTorch", {}),
                                ("NOT Java", "Docker", {"role": "ML Engineer"}),
                                (None, "TensorFlow", {"level": "Senior"})]):
    n, nk, both, each = related(e, a, **kw)
    print("related%d\t%d\t%d\t%s" % (i, n, nk, "|".join(sorted(
        "%s,%d,%d" % (j, both[j], each[j]) for j in both))))
# --salary: exact statistics of the index-currency salaries
import statistics
def salstats(rs):
    v = sorted(int(r["salary"]) for r in rs if r["salary_status"] == "1")
    other = sum(r["salary_status"] == "2" for r in rs)
    out = [len(rs), len(v), other, len(rs) - len(v) - other]
    if v:
        q = statistics.quantiles(v, n=4, method="inclusive") if len(v) > 1 else [v[0]] * 3
        out += [v[0], q[0], q[1], q[2], v[-1], sum(v) / len(v)]
    return out
print("salary\t%s" % ",".join("%.4f" % x for x in salstats(sel("PyTorch AND NOT TensorFlow"))))
groups = {}
for r in sel("Kubernetes OR Docker", role="ML Engineer"):
    groups.setdefault(r["level"], []).append(r)
print("salaryby\t%s" % "|".join(k + "," + ",".join("%.4f" % x for x in salstats(v))
                                 for k, v in sorted(groups.items())))
# --trend: every month of the index, the selection over the slice
months = sorted({r["month"] for r in rows if r["month"]})
def mrange(a, b):
    out = []
    y, m = int(a[:4]), int(a[5:])
    while "%04d-%02d" % (y, m) <= b:
        out.append("%04d-%02d" % (y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
def trend(expr, quarter=False, **kw):
    sl, se = {}, {}
    for r in sel(None, **kw):
        if r["month"]:
            sl[r["month"]] = sl.get(r["month"], 0) + 1
    for r in sel(expr, **kw):
        if r["month"]:
            se[r["month"]] = se.get(r["month"], 0) + 1
    out = {}
    for m in mrange(months[0], months[-1]):
        key = "%s-Q%d" % (m[:4], (int(m[5:]) - 1) // 3 + 1) if quarter else m
        o = out.setdefault(key, [0, 0])
        o[0] += se.get(m, 0); o[1] += sl.get(m, 0)
    return "|".join("%s,%d,%d" % (k, v[0], v[1]) for k, v in out.items())
print("trend\t%s" % trend("PyTorch", role="ML Engineer"))
print("trendq\t%s" % trend("Kubernetes AND NOT Docker", quarter=True, level="Senior"))
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
        none) ;; # (an empty field would merge with the next: tabs are IFS whitespace)
        --from=*) args=(--from 2024-01 --to 2025-06) ;;
        *) args=("${opt%%=*}"); [ "$opt" != "${opt%%=*}" ] && args+=("${opt#*=}") ;;
    esac
    got=$("$SKIDX" query "$T/s.skidx" --where "$expr" "${args[@]}" --count)
    [ -n "$want" ] || { echo "FAIL: --where '$expr' ${args[*]}: no expected count"; fail=1; }
    if [ "$got" != "$want" ]; then echo "FAIL: --where '$expr' ${args[*]}: expected $want, got $got"; fail=1; fi
    k=$((k + 1))
done <"$T/cases.tsv"
[ "$k" -ge 40 ] && echo "ok: $k --where counts agree with the brute force" || { echo "FAIL: only $k cases"; fail=1; }
# the example question: both TensorFlow and PyTorch
both=$(awk -F'\t' '$1=="--where" && $2=="PyTorch AND TensorFlow" && $4=="none" {print $5}' "$T/cases.tsv")
[ "$both" -gt 0 ] && echo "ok: $both postings ask for both TensorFlow and PyTorch" || { echo "FAIL: no posting asks for both"; fail=1; }
check "aliases resolve like names" "$both" "$("$SKIDX" query "$T/s.skidx" --where "pytorch and tensorflow" --count)"
check "--by seniority" "$(awk -F'\t' '$1=="by"{print $2}' "$T/cases.tsv")" \
    "$("$SKIDX" query "$T/s.skidx" --where "PyTorch AND TensorFlow" --by seniority --format csv | tail -n +2 | awk -F, '{printf "%s%s,%s,%s", (NR > 1 ? "|" : ""), $2, $3, $4}')"
check "--list --limit 0" "$(awk -F'\t' '$1=="list"{print $2}' "$T/cases.tsv")" \
    "$("$SKIDX" query "$T/s.skidx" --where '"Hugging Face" AND NOT TensorFlow' --list --limit 0 --format csv | tail -n +2 | awk -F, '{printf "%s%s,%s,%s", (NR > 1 ? "|" : ""), $1, $2, $3}')"
check "--list --limit 2" 2 "$("$SKIDX" query "$T/s.skidx" --where 'Python' --list --limit 2 --format csv | tail -n +2 | wc -l)"
# countries: the sample's locations name several; --by country against
# the brute force (postings without one: the row with an empty country)
nc=$(awk -F'\t' '$1=="countries"{print $2}' "$T/cases.tsv")
[ "$nc" -ge 8 ] && echo "ok: the sample's postings have $nc countries" || { echo "FAIL: $nc countries"; fail=1; }
check "--by country" "$(awk -F'\t' '$1=="bycountry"{print $2}' "$T/cases.tsv")" \
    "$("$SKIDX" query "$T/s.skidx" --where Python --role "ML Engineer" --by country --format csv | tail -n +2 | awk -F, '{printf "%s%s,%s,%s", (NR > 1 ? "|" : ""), $1, $2, $3}')"
check "--list --country DE: the country column" \
    "$("$SKIDX" query "$T/s.skidx" --country de --count)" \
    "$("$SKIDX" query "$T/s.skidx" --country de --list --limit 0 --format json | python3 -c 'import json,sys; r=json.load(sys.stdin); assert all(x["country"] == "DE" for x in r); print(len(r))')"
"$SKIDX" query "$T/s.skidx" --country Atlantis --count >"$T/out" 2>"$T/err"
check "--country Atlantis: exit code" 2 $?
grep -q "unknown country 'Atlantis'" "$T/err" && echo "ok: --country Atlantis: message" || { echo "FAIL: --country Atlantis: $(cat "$T/err")"; fail=1; }
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

# --related against the brute force, and its measures from its counts
rel() { # case args...
    local c=$1; shift
    "$SKIDX" query "$T/s.skidx" "$@" --top 0 --format csv >"$T/rel.csv" || { echo "FAIL: --related $*"; fail=1; return; }
    python3 - "$T/rel.csv" "$(awk -F'\t' -v c="$c" '$1==c{print $2"\t"$3"\t"$4}' "$T/cases.tsv")" <<'PY2' && echo "ok: --related $*" || { echo "FAIL: --related $*"; fail=1; }
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
n, nk, want = sys.argv[2].split("\t")
got = "|".join(sorted("%s,%s,%s" % (r["skill"], r["pair_postings"], r["skill_postings"]) for r in rows))
assert got == want, (got[:300], want[:300])
assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
pairs = [int(r["pair_postings"]) for r in rows]
assert pairs == sorted(pairs, reverse=True)
for r in rows:
    b, e, a, s = (int(r[k]) for k in ("pair_postings", "skill_postings", "anchor_postings", "selected_postings"))
    assert (a, s) == (int(nk), int(n)), (a, s, nk, n)
    assert abs(float(r["conditional_share"]) - b / a) < 1e-6
    assert abs(float(r["share"]) - e / s) < 1e-6
    assert abs(float(r["lift"]) - b * s / (a * e)) < 1e-3
    assert abs(float(r["jaccard"]) - b / (a + e - b)) < 1e-6
PY2
}
rel related0 --where Python --related PyTorch
rel related1 --where "NOT Java" --role "ML Engineer" --related Docker
rel related2 --seniority Senior --related tensorflow
check "--related --top 3: three rows" 3 "$("$SKIDX" query "$T/s.skidx" --where Python --related PyTorch --top 3 --format csv | tail -n +2 | wc -l)"
# --salary: exact quartiles against the brute force over the columns
sal() { # case args...
    local c=$1; shift
    "$SKIDX" query "$T/s.skidx" "$@" --salary --format csv | python3 -c '
import csv, sys
want = sys.argv[1]
rows = list(csv.DictReader(sys.stdin))
K = ["selected_postings", "salaried_postings", "other_currency_postings", "no_salary_postings", "min", "p25", "median", "p75", "max", "mean"]
f = lambda r: ",".join("%.4f" % float(r[k]) for k in K)
if "level" in rows[0]:
    got = "|".join(r["level"] + "," + f(r) for r in sorted(rows, key=lambda r: r["level"]))
else:
    got = f(rows[0])
assert got == want, (got, want)
assert all(r["currency"] == "USD" for r in rows)' "$(awk -F'\t' -v c="$c" '$1==c{print $2}' "$T/cases.tsv")" &&
        echo "ok: --salary $*" || { echo "FAIL: --salary $*"; fail=1; }
}
sal salary --where "PyTorch AND NOT TensorFlow"
sal salaryby --where "Kubernetes OR Docker" --role "ML Engineer" --by seniority
# the exact mean of every posting equals the cube's mean (its salary sums
# are kept apart from the posting columns)
check "--salary of every posting: the cube's mean" \
    "$("$SKIDX" query "$T/s.skidx" --salary --by role --format csv | python3 -c 'import csv,sys; r=list(csv.DictReader(sys.stdin)); s=sum(float(x["salary_sum"]) for x in r); n=sum(int(x["salaried_postings"]) for x in r); print("%d %.2f" % (n, s/n))')" \
    "$("$SKIDX" query "$T/s.skidx" --where "Python OR NOT Python" --salary --format csv | python3 -c 'import csv,sys; r=list(csv.DictReader(sys.stdin))[0]; print("%s %.2f" % (r["salaried_postings"], float(r["mean"])))')"
# --trend: per-role skill trends, every month, the selection over the slice
check "--trend --role" "$(awk -F'\t' '$1=="trend"{print $2}' "$T/cases.tsv")" \
    "$("$SKIDX" query "$T/s.skidx" --role "ML Engineer" --where PyTorch --trend --format csv | tail -n +2 | awk -F, '{printf "%s%s,%s,%s", (NR > 1 ? "|" : ""), $1, $2, $3}')"
check "--trend --by quarter --seniority" "$(awk -F'\t' '$1=="trendq"{print $2}' "$T/cases.tsv")" \
    "$("$SKIDX" query "$T/s.skidx" --seniority Senior --where "Kubernetes AND NOT Docker" --trend --by quarter --format csv | tail -n +2 | awk -F, '{printf "%s%s,%s,%s", (NR > 1 ? "|" : ""), $1, $2, $3}')"
"$SKIDX" query "$T/s.skidx" --where PyTorch --trend --from 2024-02 --to 2024-05 --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [r["month"] for r in d] == ["2024-02", "2024-03", "2024-04", "2024-05"], d
assert all(abs(r["share"] - r["selected_postings"] / r["slice_postings"]) < 1e-6 for r in d)' &&
    echo "ok: --trend --from --to as JSON" || { echo "FAIL: --trend --from --to JSON"; fail=1; }
"$SKIDX" query "$T/s.skidx" --where PyTorch --related Python --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d and all("jaccard" in r and "lift" in r for r in d)' &&
    echo "ok: --related as JSON" || { echo "FAIL: --related JSON"; fail=1; }
# --list: posting ids are stable (the same posting again with --limit)
check "--list: posting ids stable" \
    "$("$SKIDX" query "$T/s.skidx" --where Rust --list --limit 0 --format csv | sed -n 4p)" \
    "$("$SKIDX" query "$T/s.skidx" --where Rust --list --limit 3 --format csv | sed -n 4p)"
check "--list: header" "posting_id,shard,line,role_id,role,level_id,level,month,company,location,country,salary" \
    "$("$SKIDX" query "$T/s.skidx" --where Rust --list --limit 1 --format csv | head -1)"

# info's table of postings by role and level: level names whole
# ("Staff/Principal", once cut to "Staff/Prin"), every row as wide as
# the header
"$SKIDX" info "$T/s.skidx" | awk '/^postings by role, level/{t=1} t' > "$T/info_table"
check "info: level names whole" 2 \
    "$(head -1 "$T/info_table" | grep -o -e 'Staff/Principal ' -e 'Manager/Director ' | wc -l)"
check "info: the table's rows as wide as its header" 1 \
    "$(awk '{print length($0)}' "$T/info_table" | sort -u | wc -l)"

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
# --skill splits at commas, but a name may hold one: the longest run of
# items that names a skill is taken whole
check "--skill: a name with a comma in the list" "3 Python|Governance, risk and compliance|SQL" \
    "$("$SKIDX" query "$T/s.skidx" --skill "Python,Governance, risk and compliance,SQL" -f json |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), "|".join(r["skill"] for r in d))')"
err "--skill: a part of that name alone" "unknown skill 'Governance'" --skill Governance
# --skill takes names: an expression given to it says where expressions go
err "--skill given an expression" "--skill takes names: for the postings that name A and B, --where 'A AND B'" \
    --skill "Python AND SQL"
err "--skill given NOT" "--where 'A AND B'" --skill "NOT Python"
err "--related given an expression" "--related takes names: for the postings that name A and B, --where 'A AND B'" \
    --where Python --related "Python AND SQL"
"$SKIDX" query "$T/s.skidx" --skill Pythn 2>&1 >/dev/null | grep -q -- "--where" &&
    { echo "FAIL: --skill: an unknown name without operators hints at --where"; fail=1; } ||
    echo "ok: --skill: no --where hint for an unknown name without operators"
# a name that holds an operator word, unquoted: the error says which
# longer run of words is a skill and that it wants quotes; quoted, it works
err "unquoted name with AND" "('Data structures and algorithms' is a skill: quote a name" \
    --where "Python AND Data structures and algorithms" --count
err "unknown name with AND: no hint" "unknown skill 'Research' (at byte 1)" --where "Research and development" --count
"$SKIDX" query "$T/s.skidx" --where '"Data structures and algorithms"' --count >/dev/null &&
    echo "ok: the quoted name with AND" || { echo "FAIL: the quoted name with AND"; fail=1; }
err "stray parenthesis" "unexpected ')'" --where "PyTorch)" --count
err "two modes" "one at a time" --where PyTorch --count --list
err "bad --by" "invalid --by 'skill'" --where PyTorch --by skill
err "--limit without --list" "--limit goes with --list" --where PyTorch --limit 3
err "unknown --related skill" "unknown skill 'Pytorh'" --where Python --related Pytorh
err "--related with --by" "one at a time" --where Python --related PyTorch --by role
err "--trend by company" "--trend goes by month or quarter" --where Python --trend --by company
err "--premium with --where" "go with" --where Python --premium
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
# index --no-postings: a version-1 file with the same cube; --where says
# to re-index without it
"$SKIDX" index -q --no-postings -t "$SRC/tests/e2e/taxonomy" "$SRC/tests/e2e/corpus" -o "$T/np.skidx"
check "--no-postings: exit" 0 $?
"$SKIDX" index -q -t "$SRC/tests/e2e/taxonomy" "$SRC/tests/e2e/corpus" -o "$T/full.skidx"
[ "$(od -An -tu4 -j8 -N4 "$T/np.skidx" | tr -d ' ')" = 1 ] && echo "ok: --no-postings: format version 1" ||
    { echo "FAIL: --no-postings: not a version-1 file"; fail=1; }
"$SKIDX" verify "$T/np.skidx" >/dev/null
check "--no-postings: verify" 0 $?
for mode in "--top 50" "--skill Python,PyTorch --by role,seniority" "--salary --by role" "--trend"; do
    if cmp -s <("$SKIDX" query "$T/np.skidx" $mode --format csv) <("$SKIDX" query "$T/full.skidx" $mode --format csv); then
        echo "ok: --no-postings: query $mode as the full index"
    else echo "FAIL: --no-postings: query $mode differs from the full index"; fail=1; fi
done
"$SKIDX" report "$T/np.skidx" >/dev/null
check "--no-postings: report" 0 $?
"$SKIDX" query "$T/np.skidx" --where Python --count >"$T/out" 2>"$T/err"
check "--no-postings: --where exit" 1 $?
grep -q "re-index the corpus without --no-postings" "$T/err" && echo "ok: --no-postings: --where says to re-index without it" ||
    { echo "FAIL: --no-postings --where message: $(cat "$T/err")"; fail=1; }
[ "$(stat -c %s "$T/np.skidx")" -lt "$(stat -c %s "$T/full.skidx")" ] && echo "ok: --no-postings: smaller" ||
    { echo "FAIL: --no-postings: not smaller"; fail=1; }
exit $fail
