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
check "salary header" "role_id,role,level_id,level,slice_postings,salaried_postings,other_currency_postings,salary_sum,mean,p25,median,p75,currency,bin_width,open_ended,low_n" "$(head -1 <<<"$out")"
has "salary MLE/Senior" "0,ML Engineer,0,Senior,6,5,0,930000,186000,171250,182500,203750,USD,5000,0,1" "$out"
has "salary MLE/Mid (one EUR)" "0,ML Engineer,1,Mid,5,4,1,540000,135000,125000,135000,145000,USD,5000,0,1" "$out"
has "salary DS/Senior" "1,Data Scientist,0,Senior,3,2,0,290000,145000,142500,145000,152500,USD,5000,0,1" "$out"
has "salary DS/Mid" "1,Data Scientist,1,Mid,4,4,0,420000,105000,95000,105000,115000,USD,5000,0,1" "$out"
check "salary: empty cells left out" 6 "$(wc -l <<<"$out")"
out=$(q --salary --by role -f csv --min-postings 5)
has "salary by role, not low (mean at full precision)" "0,ML Engineer,,All,11,9,1,1470000,163333.33333333334,,,,USD,5000,0,0" "$(sed 's/,[0-9.]*,[0-9.]*,[0-9.]*,USD/,,,,USD/' <<<"$out")"
out=$(q --salary -f json -r "ml engineer" -s senior)
check "salary JSON" '{"role_id": 0, "role": "ML Engineer", "level_id": 0, "level": "Senior", "slice_postings": 6, "salaried_postings": 5, "other_currency_postings": 0, "salary_sum": 930000, "mean": 186000, "p25": 171250, "median": 182500, "p75": 203750, "currency": "USD", "bin_width": 5000, "open_ended": 0, "low_n": 1}' "$(sed -n 2p <<<"$out" | sed 's/^ *//')"
python3 -c 'import json,sys; json.load(sys.stdin)' <<<"$out" && echo "ok: salary JSON parses" || { echo "FAIL: salary JSON"; fail=1; }

# premiums within a cell, and over everything
out=$(q --premium -r "ML Engineer" -s Senior --skill PyTorch,AWS,LoRA -f csv)
has "premium PyTorch" "0,ML Engineer,0,Senior,1,PyTorch,4,192500,1,160000,32500,0.203125,1" "$out"
has "premium AWS" "0,ML Engineer,0,Senior,3,AWS,2,190000,3,183333.33333333334,6666.666666666657,0.036363636363636306,1" "$out"
has "premium LoRA" "0,ML Engineer,0,Senior,7,LoRA,2,210000,3,170000,40000,0.23529411764705882,1" "$out"
check "premiums ranked by premium" "LoRA PyTorch AWS" "$(tail -n +2 <<<"$out" | cut -d, -f6 | xargs)"
# a slice without a salaried posting: the header alone, exit 0, and a
# note on stderr that says why the table is empty
out=$("$SKIDX" query "$I" --premium -r Other -s Senior -f csv 2>"$T/err")
check "premium of a slice without salaries: exit" 0 $?
check "premium of a slice without salaries: the header alone" 1 "$(wc -l <<<"$out")"
grep -q "no salaried posting (in USD) of the slice names a skill" "$T/err" &&
    echo "ok: premium of a slice without salaries: the note" ||
    { echo "FAIL: premium note: $(cat "$T/err")"; fail=1; }
out=$(q --premium --skill LoRA -f csv --min-postings 3)
has "premium LoRA overall, reliable at 3" ",All,,All,7,LoRA,3,190000,13,130000,60000,0.46153846153846156,0" "$out"

# trend by quarter and by month
out=$(q --trend --by quarter --skill PyTorch,TensorFlow -f csv --ci)
has "trend Q1 PyTorch" "2025-Q1,10,1,PyTorch,2,0.200000,0.056682,0.509838,1" "$out"
has "trend Q2 PyTorch" "2025-Q2,10,1,PyTorch,6,0.600000,0.312674,0.831820,1" "$out"
has "trend Q1 TensorFlow" "2025-Q1,10,2,TensorFlow,4,0.400000,0.168180,0.687326,1" "$out"
out=$(q --trend --skill PyTorch -f csv)
check "trend by month, PyTorch" "2025-01:4:1 2025-02:3:1 2025-03:3:0 2025-04:3:2 2025-05:3:1 2025-06:4:3" \
    "$(tail -n +2 <<<"$out" | awk -F, '{printf "%s:%s:%s ", $1, $2, $5}' | sed 's/ $//')"

# growth: first 3 months against the last 3, min count 3
out=$(q --growth --min-count 3 -f csv)
check "growth order" "growing:PyTorch growing:LoRA declining:Python declining:SQL declining:TensorFlow declining:AWS below_min_count:Azure below_min_count:GCP" \
    "$(tail -n +2 <<<"$out" | awk -F, '{printf "%s:%s ", $1, $4}' | sed 's/ $//')"
has "growth PyTorch" "growing,1,1,PyTorch,2025-01:2025-03,2025-04:2025-06,2,10,0.200000,6,10,0.600000,0.400000,2.000000" "$out"
has "growth Python" "declining,1,0,Python,2025-01:2025-03,2025-04:2025-06,9,10,0.900000,5,10,0.500000,-0.400000,-0.444444" "$out"
has "growth Azure (new, unranked; relative change inf)" "below_min_count,,4,Azure,2025-01:2025-03,2025-04:2025-06,0,10,0.000000,2,10,0.200000,0.200000,inf" "$out"
out=$(q --growth --min-count 3 -f json)
python3 -c 'import json,sys; d=json.load(sys.stdin); a=[r for r in d if r["skill"]=="Azure"][0]; assert a["relative_change"] is None and a["from_share"]==0' <<<"$out" \
    && echo "ok: growth JSON: inf is null" || { echo "FAIL: growth JSON inf"; fail=1; }
out=$(q --growth --min-count 3 -f csv --top 1)
check "growth --top 1: one of each direction, one unranked" "growing:PyTorch declining:Python below_min_count:Azure" \
    "$(tail -n +2 <<<"$out" | awk -F, '{printf "%s:%s ", $1, $4}' | sed 's/ $//')"
out=$(q --premium --top 1 -f csv --by role)
check "premium --top 1: one row per slice" "ML Engineer Data Scientist Other" "$(tail -n +2 <<<"$out" | cut -d, -f2 | xargs)"
out=$(q --growth --from 2025-Q1 --to 2025-06 --min-count 0 -f csv --top 1)
has "growth Q1 -> June, PyTorch" "growing,1,1,PyTorch,2025-01:2025-03,2025-06,2,10,0.200000,3,4,0.750000,0.550000,2.750000" "$out"
"$SKIDX" query "$I" --growth --from 2019-01 >/dev/null 2>"$T/err"
check "growth out of range exit" 2 $?
grep -q "outside the index's months (2025-01 to 2025-06)" "$T/err" && echo "ok: out of range message" || { echo "FAIL: out of range message"; cat "$T/err"; fail=1; }

# comparisons, tiers and Wilson intervals
out=$(q --skill PyTorch,TensorFlow --by seniority -f csv --ci --tiers)
has "compare Senior PyTorch" ",All,0,Senior,1,PyTorch,9,5,0.555556,high,0.266651,0.811221,1,," "$out"
has "compare Mid TensorFlow" ",All,1,Mid,2,TensorFlow,11,4,0.363636,high,0.151665,0.646199,1,," "$out"
out=$(q --skill PyTorch,TensorFlow --by seniority -f csv)
check "compare without options: low_n always" "role_id,role,level_id,level,skill_id,skill,slice_postings,skill_postings,share,low_n,esco_uri,onet_codes" "$(head -1 <<<"$out")"
out=$(q -f csv --tiers --ci --top 0)
has "rank Python, Wilson" ",All,,All,0,Python,Programming Languages,1,14,20,0.700000,critical,0.481027,0.854523,1,," "$out"
has "rank TensorFlow at exactly 30%" ",All,,All,2,TensorFlow,ML Frameworks,4,6,20,0.300000,high,0.145477,0.518973,1,," "$out"
has "rank Azure at exactly 10%" ",All,,All,4,Azure,Cloud,7,2,20,0.100000,medium,0.027866,0.301034,1,," "$out"
out=$(q -f csv --tiers --ci --top 1 --min-postings 20)
check "rank, not low at threshold 20" "0" "$(sed -n 2p <<<"$out" | awk -F, '{print $(NF-2)}')"
out=$("$SKIDX" query "$I" --top 2 2>&1)
grep -q "^low_n: fewer than 30 postings" <<<"$out" && echo "ok: table flags a small slice" || { echo "FAIL: table flag"; fail=1; }

# usage errors
"$SKIDX" query "$I" --salary --trend >/dev/null 2>&1; check "two modes exit" 2 $?
"$SKIDX" query "$I" --trend --by role >/dev/null 2>&1; check "trend by role exit" 2 $?
"$SKIDX" query "$I" --from 2025-01 >/dev/null 2>&1; check "--from without --growth exit" 2 $?

# export: every table, tidy, with hand-worked values
"$SKIDX" export "$I" -o "$T/x"
check "export exit" 0 $?
for t in meta skills skill_aliases roles levels cells cell_skills salary_hist months month_cells month_skills causes lost; do
    [ -s "$T/x/$t.csv" ] && echo "ok: export $t.csv" || { echo "FAIL: export $t.csv missing"; fail=1; }
done
has "export cells" "0,ML Engineer,0,Senior,6,5,930000,0" "$(cat "$T/x/cells.csv")"
has "export cell_skills" "0,ML Engineer,0,Senior,1,PyTorch,5,4,770000" "$(cat "$T/x/cell_skills.csv")"
has "export salary_hist (p13 midpoint)" "1,Data Scientist,0,Senior,28,140000,145000,1" "$(cat "$T/x/salary_hist.csv")"
check "export months" "month,slice_postings 2025-01,4 2025-02,3 2025-03,3 2025-04,3 2025-05,3 2025-06,4" "$(xargs <"$T/x/months.csv")"
has "export month_skills" "2025-06,1,PyTorch,3" "$(cat "$T/x/month_skills.csv")"
has "export month_cells" "2025-04,2,Other,1,Mid,1" "$(cat "$T/x/month_cells.csv")"
has "export causes" "not_json,1" "$(cat "$T/x/causes.csv")"
has "export meta duplicates" "duplicates,1" "$(cat "$T/x/meta.csv")"
has "export meta taxonomy" "taxonomy_name,report-test" "$(cat "$T/x/meta.csv")"
check "export lost is empty" "path,records,byte,fault" "$(cat "$T/x/lost.csv")"
check "salary_hist rows = salaried USD postings" 16 "$(tail -n +2 "$T/x/salary_hist.csv" | awk -F, '{s += $8} END {print s}')"
"$SKIDX" export "$I" -f json -o "$T/x.json"
python3 - "$T/x.json" <<'PY' && echo "ok: export JSON" || { echo "FAIL: export JSON"; fail=1; }
import json, sys
d = json.load(open(sys.argv[1]))
assert sorted(d) == sorted("meta skills skill_aliases roles levels cells cell_skills salary_hist months month_cells month_skills causes lost".split())
assert sum(r["slice_postings"] for r in d["cells"]) == 20
assert sum(r["slice_postings"] for r in d["roles"]) == 20
assert sum(r["slice_postings"] for r in d["levels"]) == 20
assert sum(r["salary_sum"] for r in d["cells"]) == 2260000
assert [r for r in d["salary_hist"] if r["upper"] is None] == []
assert {r["key"]: r["value"] for r in d["meta"]}["postings"] == "20"
PY
check "export one table to stdout" "month,slice_postings" "$("$SKIDX" export "$I" --table months | head -1)"
"$SKIDX" export "$I" >/dev/null 2>&1; check "csv export without -o exit" 2 $?
exit $fail
