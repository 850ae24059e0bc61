#!/usr/bin/env bash
# The query modes (--salary, --premium, --trend, --growth, --ci, --tiers)
# and `skidx export` on the hand-worked corpus of tests/report (see its
# README for every number below, worked out by hand).
# usage: cli_queries.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
check() { # name expected actual
    if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; fail=1; else echo "ok: $1"; fi
}
has() { # name line text
    if grep -qxF -- "$2" <<<"$3"; then echo "ok: $1"; else echo "FAIL: $1: no line '$2' in:"; echo "$3"; fail=1; fi
}
R=$SRC/tests/report
I=$T/r.skidx
"$SKIDX" index -q -t "$R/taxonomy" "$R/corpus" -o "$I"
check "index exit code" 0 $?
q() { "$SKIDX" query "$I" "$@" 2>/dev/null; }

# salaries per cell: mean exact, quartiles from 5,000 bins
out=$(q --salary -f csv)
check "salary header" "role,seniority,postings,salaried,other_currency,mean,p25,median,p75,currency,bin_width,open_ended,low_n" "$(head -1 <<<"$out")"
has "salary MLE/Senior" "ML Engineer,Senior,6,5,0,186000.00,171250.00,182500.00,203750.00,USD,5000,0,1" "$out"
has "salary MLE/Mid (one EUR)" "ML Engineer,Mid,5,4,1,135000.00,125000.00,135000.00,145000.00,USD,5000,0,1" "$out"
has "salary DS/Senior" "Data Scientist,Senior,3,2,0,145000.00,142500.00,145000.00,152500.00,USD,5000,0,1" "$out"
has "salary DS/Mid" "Data Scientist,Mid,4,4,0,105000.00,95000.00,105000.00,115000.00,USD,5000,0,1" "$out"
check "salary: empty cells left out" 6 "$(wc -l <<<"$out")"
out=$(q --salary --by role -f csv --min-postings 5)
has "salary by role, not low" "ML Engineer,All,11,9,1,163333.33,,,,USD,5000,0,0" "$(sed 's/,[0-9.]*,[0-9.]*,[0-9.]*,USD/,,,,USD/' <<<"$out")"
out=$(q --salary -f json -r "ml engineer" -s senior)
check "salary JSON" '{"role": "ML Engineer", "seniority": "Senior", "postings": 6, "salaried": 5, "other_currency": 0, "mean": 186000.00, "p25": 171250.00, "median": 182500.00, "p75": 203750.00, "currency": "USD", "bin_width": 5000, "open_ended": 0, "low_n": 1}' "$(sed -n 2p <<<"$out" | sed 's/^ *//')"
python3 -c 'import json,sys; json.load(sys.stdin)' <<<"$out" && echo "ok: salary JSON parses" || { echo "FAIL: salary JSON"; fail=1; }

# premiums within a cell, and over everything
out=$(q --premium -r "ML Engineer" -s Senior --skill PyTorch,AWS,LoRA -f csv)
has "premium PyTorch" "ML Engineer,Senior,PyTorch,4,192500.00,1,160000.00,32500.00,0.203125,1" "$out"
has "premium AWS" "ML Engineer,Senior,AWS,2,190000.00,3,183333.33,6666.67,0.036364,1" "$out"
has "premium LoRA" "ML Engineer,Senior,LoRA,2,210000.00,3,170000.00,40000.00,0.235294,1" "$out"
check "premiums ranked by premium" "LoRA PyTorch AWS" "$(tail -n +2 <<<"$out" | cut -d, -f3 | xargs)"
out=$(q --premium --skill LoRA -f csv --min-postings 3)
has "premium LoRA overall, reliable at 3" "All,All,LoRA,3,190000.00,13,130000.00,60000.00,0.461538,0" "$out"

# trend by quarter and by month
out=$(q --trend --by quarter --skill PyTorch,TensorFlow -f csv --ci)
has "trend Q1 PyTorch" "2025-Q1,10,PyTorch,2,0.200000,0.056682,0.509838,1" "$out"
has "trend Q2 PyTorch" "2025-Q2,10,PyTorch,6,0.600000,0.312674,0.831820,1" "$out"
has "trend Q1 TensorFlow" "2025-Q1,10,TensorFlow,4,0.400000,0.168180,0.687326,1" "$out"
out=$(q --trend --skill PyTorch -f csv)
check "trend by month, PyTorch" "2025-01:4:1 2025-02:3:1 2025-03:3:0 2025-04:3:2 2025-05:3:1 2025-06:4:3" \
    "$(tail -n +2 <<<"$out" | awk -F, '{printf "%s:%s:%s ", $1, $2, $4}' | sed 's/ $//')"

# growth: first 3 months against the last 3, min count 3
out=$(q --growth --min-count 3 -f csv)
check "growth order" "growing:PyTorch growing:LoRA declining:Python declining:SQL declining:TensorFlow declining:AWS below_min_count:Azure below_min_count:GCP" \
    "$(tail -n +2 <<<"$out" | awk -F, '{printf "%s:%s ", $1, $3}' | sed 's/ $//')"
has "growth PyTorch" "growing,1,PyTorch,2025-01:2025-03,2025-04:2025-06,2,10,0.200000,6,10,0.600000,0.400000,2.000000" "$out"
has "growth Python" "declining,1,Python,2025-01:2025-03,2025-04:2025-06,9,10,0.900000,5,10,0.500000,-0.400000,-0.444444" "$out"
has "growth Azure (new, unranked)" "below_min_count,,Azure,2025-01:2025-03,2025-04:2025-06,0,10,0.000000,2,10,0.200000,0.200000," "$out"
out=$(q --growth --from 2025-Q1 --to 2025-06 --min-count 0 -f csv --top 1)
has "growth Q1 -> June, PyTorch" "growing,1,PyTorch,2025-01:2025-03,2025-06,2,10,0.200000,3,4,0.750000,0.550000,2.750000" "$out"
"$SKIDX" query "$I" --growth --from 2019-01 >/dev/null 2>"$T/err"
check "growth out of range exit" 2 $?
grep -q "outside the index's months (2025-01 to 2025-06)" "$T/err" && echo "ok: out of range message" || { echo "FAIL: out of range message"; cat "$T/err"; fail=1; }

# comparisons, tiers and Wilson intervals
out=$(q --skill PyTorch,TensorFlow --by seniority -f csv --ci --tiers)
has "compare Senior PyTorch" "All,Senior,PyTorch,9,5,0.555556,high,0.266651,0.811221,1" "$out"
has "compare Mid TensorFlow" "All,Mid,TensorFlow,11,4,0.363636,high,0.151665,0.646199,1" "$out"
out=$(q --skill PyTorch,TensorFlow --by seniority -f csv)
check "compare without options keeps its columns" "role,seniority,skill,postings,skill_postings,share" "$(head -1 <<<"$out")"
out=$(q -f csv --tiers --ci --top 0)
has "rank Python, Wilson" "All,All,Python,Programming Languages,1,14,20,0.700000,critical,0.481027,0.854523,1" "$out"
has "rank TensorFlow at exactly 30%" "All,All,TensorFlow,ML Frameworks,4,6,20,0.300000,high,0.145477,0.518973,1" "$out"
has "rank Azure at exactly 10%" "All,All,Azure,Cloud,7,2,20,0.100000,medium,0.027866,0.301034,1" "$out"
out=$(q -f csv --tiers --ci --top 1 --min-postings 20)
check "rank, not low at threshold 20" "0" "$(sed -n 2p <<<"$out" | awk -F, '{print $NF}')"
out=$("$SKIDX" query "$I" --top 2 2>&1)
grep -q "^low_n: fewer than 30 postings" <<<"$out" && echo "ok: table flags a small slice" || { echo "FAIL: table flag"; fail=1; }

# usage errors
"$SKIDX" query "$I" --salary --trend >/dev/null 2>&1; check "two modes exit" 2 $?
"$SKIDX" query "$I" --trend --by role >/dev/null 2>&1; check "trend by role exit" 2 $?
"$SKIDX" query "$I" --from 2025-01 >/dev/null 2>&1; check "--from without --growth exit" 2 $?

# export: every table, tidy, with hand-worked values
"$SKIDX" export "$I" -o "$T/x"
check "export exit" 0 $?
for t in meta skills cells cell_skills salary_hist months month_cells month_skills causes lost; do
    [ -s "$T/x/$t.csv" ] && echo "ok: export $t.csv" || { echo "FAIL: export $t.csv missing"; fail=1; }
done
has "export cells" "ML Engineer,Senior,6,5,930000,0" "$(cat "$T/x/cells.csv")"
has "export cell_skills" "ML Engineer,Senior,PyTorch,5,4,770000" "$(cat "$T/x/cell_skills.csv")"
has "export salary_hist (p13 midpoint)" "Data Scientist,Senior,28,140000,145000,1" "$(cat "$T/x/salary_hist.csv")"
check "export months" "month,postings 2025-01,4 2025-02,3 2025-03,3 2025-04,3 2025-05,3 2025-06,4" "$(xargs <"$T/x/months.csv")"
has "export month_skills" "2025-06,PyTorch,3" "$(cat "$T/x/month_skills.csv")"
has "export month_cells" "2025-04,Other,Mid,1" "$(cat "$T/x/month_cells.csv")"
has "export causes" "not_json,1" "$(cat "$T/x/causes.csv")"
has "export meta duplicates" "duplicates,1" "$(cat "$T/x/meta.csv")"
has "export meta taxonomy" "taxonomy_name,report-test" "$(cat "$T/x/meta.csv")"
check "export lost is empty" "path,records,byte,fault" "$(cat "$T/x/lost.csv")"
check "salary_hist rows = salaried USD postings" 16 "$(tail -n +2 "$T/x/salary_hist.csv" | awk -F, '{s += $6} END {print s}')"
"$SKIDX" export "$I" -f json -o "$T/x.json"
python3 - "$T/x.json" <<'PY' && echo "ok: export JSON" || { echo "FAIL: export JSON"; fail=1; }
import json, sys
d = json.load(open(sys.argv[1]))
assert sorted(d) == sorted("meta skills cells cell_skills salary_hist months month_cells month_skills causes lost".split())
assert sum(r["postings"] for r in d["cells"]) == 20
assert sum(r["salary_sum"] for r in d["cells"]) == 2260000
assert [r for r in d["salary_hist"] if r["upper"] is None] == []
assert {r["key"]: r["value"] for r in d["meta"]}["postings"] == "20"
PY
check "export one table to stdout" "month,postings" "$("$SKIDX" export "$I" --table months | head -1)"
"$SKIDX" export "$I" >/dev/null 2>&1; check "csv export without -o exit" 2 $?
exit $fail
