#!/usr/bin/env bash
# End-to-end: index the hand-worked corpus of tests/e2e (see its README)
# and compare every number with the values worked out by hand.
# usage: cli_e2e.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
check() { # name expected actual
    if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; fail=1; else echo "ok: $1"; fi
}
E=$SRC/tests/e2e
"$SKIDX" index -q -t "$E/taxonomy" "$E/corpus" -o "$T/e.skidx"
check "index exit code" 0 $?
"$SKIDX" verify "$T/e.skidx" >/dev/null
check "verify exit code" 0 $?

# corpus statistics
info=$("$SKIDX" info -f json "$T/e.skidx")
get() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1" <<<"$info"; }
check lines 13 "$(get "d['lines']")"
check records 12 "$(get "d['records']")"
check postings 9 "$(get "d['postings']")"
check duplicates 1 "$(get "d['duplicates']")"
check skipped 2 "$(get "d['skipped']")"
check repaired 3 "$(get "d['repaired']")"
check salaried 3 "$(get "d['salaried']")"
check other_currency 1 "$(get "d['other_currency']")"
check shards 2 "$(get "d['shards']")"
check not_json 1 "$(get "d['causes']['not_json']")"
check no_text 1 "$(get "d['causes']['no_text']")"
check bad_salary 2 "$(get "d['causes']['bad_salary']")"
check wrong_type 1 "$(get "d['causes']['wrong_type']")"
check first_month 2025-01 "$(get "d['first_month']")"
check last_month 2025-03 "$(get "d['last_month']")"

# every (role, level, skill) cell
"$SKIDX" query "$T/e.skidx" --skill Python,PyTorch,TensorFlow,AWS,Kubernetes,SQL,Go,C++,C \
    --by role,seniority --format csv > "$T/cells.csv"
if diff -u "$E/expected_cells.csv" "$T/cells.csv"; then echo "ok: cells"; else echo "FAIL: cells"; fail=1; fi

# the ranking of a slice, and the mean salary: (124,800 + 110,000) / 2
out=$("$SKIDX" query "$T/e.skidx" --role "ml engineer" --seniority mid --format csv)
check "ML Engineer/Mid top skill" "0,ML Engineer,1,Mid,0,Python,Programming Languages,1,2,2,1.000000,1,," "$(sed -n 2p <<<"$out")"
check "ML Engineer/Mid skills listed (Python, TensorFlow, Kubernetes, SQL)" 4 "$(($(wc -l <<<"$out") - 1))"
head=$("$SKIDX" query "$T/e.skidx" --role "ML Engineer" --seniority Mid | head -1)
case "$head" in *"mean salary: 117,400 (2 salaried)"*) echo "ok: mean salary";; *) echo "FAIL: mean salary: $head"; fail=1;; esac
# whole corpus: Python in 5 of 9 postings
out=$("$SKIDX" query "$T/e.skidx" --format csv --top 1)
check "overall top" ",All,,All,0,Python,Programming Languages,1,5,9,0.555556,1,," "$(sed -n 2p <<<"$out")"

# names and aliases, caseless and separator-insensitive (taxonomy aliases:
# aws for AWS, k8s for Kubernetes); --level is --seniority
out=$("$SKIDX" query "$T/e.skidx" --skill aws,K8S --format csv | cut -d, -f6-8)
check "--skill by alias" "$(printf 'skill,slice_postings,skill_postings\nAWS,9,%s\nKubernetes,9,%s' \
    "$(awk -F, '$6 == "AWS" {s += $8} END {print s}' "$T/cells.csv")" \
    "$(awk -F, '$6 == "Kubernetes" {s += $8} END {print s}' "$T/cells.csv")")" "$out"
a=$("$SKIDX" query "$T/e.skidx" --role ml-engineer --level MID --format csv)
check "--level = --seniority, role by folded name" "$("$SKIDX" query "$T/e.skidx" --role "ML Engineer" --seniority Mid --format csv)" "$a"

# an alias of two skills (after folding case) is an error listing both;
# links to ESCO and O*NET come out in query and export
mkdir "$T/tax"
cp "$E/taxonomy/roles.tsv" "$T/tax/"
sed -e 's/^Go\tProgramming Languages\t=Go\tgolang$/Go\tProgramming Languages\t=Go\tgolang\t@onet:43232306\t@esco:http:\/\/data.europa.eu\/esco\/skill\/go/' \
    -e 's/^SQL\tData\tsql$/SQL\tData\tsql\t=GO\t@onet:43232306\t@onet:43232313/' \
    "$E/taxonomy/skills.tsv" > "$T/tax/skills.tsv"
"$SKIDX" index -q -t "$T/tax" "$E/corpus" -o "$T/l.skidx"
check "index with links exit" 0 $?
"$SKIDX" query "$T/l.skidx" --skill golang,gO >/dev/null 2>&1
check "a canonical name wins over an alias" 0 $?
"$SKIDX" query "$T/l.skidx" --skill =go >/dev/null 2>"$T/err"
check "unknown skill exit" 2 $?
sed -i 's/^Go\tProgramming/Golang\tProgramming/' "$T/tax/skills.tsv"
"$SKIDX" index -q -t "$T/tax" "$E/corpus" -o "$T/l.skidx"
"$SKIDX" query "$T/l.skidx" --skill go >/dev/null 2>"$T/err"
check "ambiguous alias exit" 2 $?
check "ambiguous alias message" "skidx: skill 'go' is ambiguous: it names 'SQL' and 'Golang'; give the full name" "$(cat "$T/err")"
out=$("$SKIDX" query "$T/l.skidx" --skill Golang,SQL --format csv | cut -d, -f6,11-)
check "links in query output" "$(printf 'skill,esco_uri,onet_codes\nGolang,http://data.europa.eu/esco/skill/go,43232306\nSQL,,43232306;43232313')" "$out"
check "links in the export" "6,Golang,Programming Languages,http://data.europa.eu/esco/skill/go,43232306" \
    "$("$SKIDX" export "$T/l.skidx" --table skills | grep Golang)"

# usage errors exit 2 and name the problem
"$SKIDX" query "$T/e.skidx" --role Astronaut >/dev/null 2>"$T/err"
check "unknown role exit" 2 $?
grep -q "unknown role 'Astronaut'" "$T/err" && echo "ok: unknown role message" || { echo "FAIL: unknown role message"; fail=1; }
"$SKIDX" index "$E/corpus" >/dev/null 2>&1
check "index without -o exit" 2 $?
"$SKIDX" frobnicate >/dev/null 2>&1
check "unknown command exit" 2 $?
# field remapping: the same postings under other key names
/usr/bin/python3 - "$E/corpus/a.jsonl" "$T/remap.jsonl" <<'PY'
import sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as o:
    for line in f:
        o.write(line.replace('"title":', '"job_title":').replace('"description":', '"body":'))
PY
"$SKIDX" index -q -t "$E/taxonomy" "$E/corpus/a.jsonl" -o "$T/a.skidx"
"$SKIDX" index -q -t "$E/taxonomy" --field title=job_title --field description=body "$T/remap.jsonl" -o "$T/r.skidx"
a=$("$SKIDX" query "$T/a.skidx" --top 0 --format csv); r=$("$SKIDX" query "$T/r.skidx" --top 0 --format csv)
check "remapped fields give the same counts" "$a" "$r"
check "remapped corpus has postings (a1 a2 a3 a7 a8)" 5 "$("$SKIDX" info -f json "$T/r.skidx" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["postings"])')"
"$SKIDX" index -q --field nosuch=x "$T/remap.jsonl" -o "$T/x.skidx" 2>/dev/null
check "unknown field in --field exit" 2 $?
# a field mapped to two keys is refused (which one was meant?), the same
# mapping twice is not
"$SKIDX" index -q --field title=job_title --field title=name "$T/remap.jsonl" -o "$T/x.skidx" 2>"$T/err"
check "a field mapped twice: exit" 2 $?
grep -q "field 'title' is mapped twice, to 'job_title' and to 'name'" "$T/err" &&
    echo "ok: a field mapped twice: the message names both keys" ||
    { echo "FAIL: a field mapped twice: $(cat "$T/err")"; fail=1; }
[ ! -e "$T/x.skidx" ] && echo "ok: a field mapped twice: no index" || { echo "FAIL: an index was written"; fail=1; }
"$SKIDX" index -q -t "$E/taxonomy" --field title=job_title --field title=job_title --field description=body "$T/remap.jsonl" -o "$T/r2.skidx"
check "the same mapping twice: exit" 0 $?
exit $fail
