#!/usr/bin/env bash
# One name for one thing: the CSV headers of every query mode and of every
# export table use only the columns documented in docs/EXPORT.md's column
# reference, none of the ambiguous names of before (postings, seniority,
# from, to, ...), and a column of the same name holds the same number
# wherever it appears (checked by joining the modes with the export).
# usage: cli_columns.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
R=$SRC/tests/report
I=$T/r.skidx
"$SKIDX" index -q -t "$R/taxonomy" "$R/corpus" -o "$I" || { echo "FAIL: index"; exit 1; }
q() { "$SKIDX" query "$I" "$@" -f csv 2>/dev/null; }
mkdir "$T/q"
q --top 0 --ci --tiers > "$T/q/rank.csv"
q --skill PyTorch,TensorFlow,Python --by role,level --ci --tiers > "$T/q/skills.csv"
q --salary > "$T/q/salary.csv"
q --salary --by role > "$T/q/salary_role.csv"
q --premium --by role,level > "$T/q/premium.csv"
q --trend --skill PyTorch,Python --ci > "$T/q/trend.csv"
q --trend --by quarter --skill PyTorch > "$T/q/trend_q.csv"
q --growth --min-count 3 > "$T/q/growth.csv"
q --where Python > "$T/q/where.csv"
q --where Python --by role > "$T/q/where_role.csv"
q --where Python --top 5 > "$T/q/where_top.csv"
q --where Python --related PyTorch > "$T/q/where_related.csv"
q --where Python --salary --by seniority > "$T/q/where_salary.csv"
q --where Python --trend --by quarter > "$T/q/where_trend.csv"
q --where Python --list > "$T/q/where_list.csv"
q --where Python --by country > "$T/q/where_country.csv"
"$SKIDX" export "$I" -o "$T/x" || { echo "FAIL: export"; exit 1; }
python3 - "$T" "$SRC/docs/EXPORT.md" <<'PY'
import csv, glob, os, re, sys
T, doc = sys.argv[1], open(sys.argv[2]).read()
fail = 0
def check(name, ok, detail=""):
    global fail
    print(("ok: " if ok else "FAIL: ") + name + ("" if ok else ": " + detail))
    fail |= not ok
ref = doc.split("## Column reference", 1)[1].split("\n## ", 1)[0]
documented = set(re.findall(r"^\| `([a-z_0-9]+)` \|", ref, re.M))
check("the column reference is not empty", len(documented) > 40, str(len(documented)))
def load(p):
    with open(p, newline="") as f:
        return list(csv.DictReader(f))
files = sorted(glob.glob(T + "/q/*.csv")) + sorted(glob.glob(T + "/x/*.csv"))
gone = {"postings", "seniority", "from", "to", "salaried", "other_currency",
        "from_postings", "from_total", "to_postings", "to_total"}
for p in files:
    head = next(csv.reader(open(p, newline="")))
    name = os.path.relpath(p, T)
    check(name + ": every column documented", set(head) <= documented,
          str(sorted(set(head) - documented)))
    check(name + ": no ambiguous column", not set(head) & gone,
          str(sorted(set(head) & gone)))
    if "level" in head or "role" in head:
        check(name + ": ids beside names", ("role" not in head or "role_id" in head)
              and ("level" not in head or "level_id" in head), str(head))
x = {os.path.basename(p)[:-4]: load(p) for p in glob.glob(T + "/x/*.csv")}
Q = {os.path.basename(p)[:-4]: load(p) for p in glob.glob(T + "/q/*.csv")}
I = lambda v: int(v) if v != "" else 0
cells = {(r["role_id"], r["level_id"]): r for r in x["cells"]}
cs = {(r["role_id"], r["level_id"], r["skill_id"]): r for r in x["cell_skills"]}
total = sum(I(r["slice_postings"]) for r in x["cells"])
# slice_postings: the same count in the ranking, the export's cells, roles, levels
check("rank slice_postings = export total",
      {I(r["slice_postings"]) for r in Q["rank"]} == {total})
check("roles and levels sum to it", sum(I(r["slice_postings"]) for r in x["roles"]) == total
      and sum(I(r["slice_postings"]) for r in x["levels"]) == total)
# skill_postings: the ranking's is the sum of the export's cell_skills rows
for r in Q["rank"]:
    s = sum(I(c["skill_postings"]) for c in x["cell_skills"] if c["skill_id"] == r["skill_id"])
    if s != I(r["skill_postings"]):
        check("rank skill_postings of " + r["skill"], False, "%s vs %d" % (r["skill_postings"], s))
        break
else:
    check("rank skill_postings = sum of cell_skills.skill_postings", True)
ok = True
for r in Q["skills"]:
    c = cells.get((r["role_id"], r["level_id"]))
    k = cs.get((r["role_id"], r["level_id"], r["skill_id"]))
    ok &= c is not None and I(r["slice_postings"]) == I(c["slice_postings"])
    ok &= I(r["skill_postings"]) == (I(k["skill_postings"]) if k else 0)
check("--skill by cell: slice_postings and skill_postings = export", ok)
ok = True
for r in Q["salary"]:
    c = cells[(r["role_id"], r["level_id"])]
    for col in ("slice_postings", "salaried_postings", "salary_sum", "other_currency_postings"):
        ok &= r[col] == c[col]
check("--salary: the export's cells columns, same names, same numbers", ok)
ok = True
for r in Q["salary_role"]:
    c = [v for k, v in cells.items() if k[0] == r["role_id"]]
    ok &= I(r["salary_sum"]) == sum(I(v["salary_sum"]) for v in c)
check("--salary --by role: salary_sum sums the cells", ok)
months = {r["month"]: I(r["slice_postings"]) for r in x["months"]}
ms = {(r["month"], r["skill_id"]): I(r["skill_postings"]) for r in x["month_skills"]}
ok = len(Q["trend"]) > 0
for r in Q["trend"]:
    ok &= I(r["slice_postings"]) == months[r["month"]]
    ok &= I(r["skill_postings"]) == ms.get((r["month"], r["skill_id"]), 0)
check("--trend: months.slice_postings and month_skills.skill_postings", ok)
g = Q["growth"][0]
a, b = g["period_from"].split(":")
ok = I(g["from_slice_postings"]) == sum(v for m, v in months.items() if a <= m <= b)
ok &= I(g["from_skill_postings"]) == sum(v for (m, k), v in ms.items()
                                         if a <= m <= b and k == g["skill_id"])
check("--growth: from_* = the months' sums", ok)
ok = True
for r in Q["premium"]:
    k = cs[(r["role_id"], r["level_id"], r["skill_id"])]
    ok &= r["with_salaried"] == k["salaried_postings"]
check("--premium: with_salaried = cell_skills.salaried_postings", ok)
sys.exit(fail)
PY
