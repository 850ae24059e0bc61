#!/usr/bin/env bash
# scripts/taxonomy_import.py: a taxonomy built from O*NET- and ESCO-shaped
# files loads, carries its links, and matches; a file of another shape is
# refused.
# usage: cli_taxonomy_import.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
check() { if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; fail=1; else echo "ok: $1"; fi; }
printf 'O*NET-SOC Code\tExample\tCommodity Code\tCommodity Title\tHot Technology\tIn Demand\n' > "$T/onet.txt"
printf '15-2051.00\tMicrosoft Excel\t43232110\tSpreadsheet software\tY\tY\n' >> "$T/onet.txt"
printf '13-2011.00\tMicrosoft Excel\t43232110\tSpreadsheet software\tY\tY\n' >> "$T/onet.txt"
printf '15-2051.00\tSAS\t43232612\tAnalytical or scientific software\tY\tN\n' >> "$T/onet.txt"
printf '11-1011.00\tRare Tool\t43232202\tDocument management software\tN\tN\n' >> "$T/onet.txt"
cat > "$T/esco.csv" <<'CSV'
conceptUri,reuseLevel,preferredLabel,altLabels
http://data.europa.eu/esco/skill/aaa,cross-sector,manage budgets,"plan budgets
order supplies"
http://data.europa.eu/esco/skill/bbb,transversal,Microsoft Excel,
CSV
python3 "$SRC/scripts/taxonomy_import.py" --onet "$T/onet.txt" --esco "$T/esco.csv" \
    --min-occupations 2 -o "$T/tax" 2>"$T/err"
check "import exit" 0 $?
check "skills: Excel (O*NET, 2 occupations) and one ESCO concept; Rare Tool and SAS below 2 occupations, Excel not twice" \
    "Microsoft Excel|manage budgets" "$(grep -v '^[#@]' "$T/tax/skills.tsv" | cut -f1 | paste -sd'|')"
grep -q $'\t@onet:43232110' "$T/tax/skills.tsv" && echo "ok: O*NET link" || { echo "FAIL: no O*NET link"; fail=1; }
grep -q $'\t@esco:http://data.europa.eu/esco/skill/aaa' "$T/tax/skills.tsv" && echo "ok: ESCO link" || { echo "FAIL: no ESCO link"; fail=1; }
check "alternative labels only when asked" 0 "$(grep -c 'plan budgets' "$T/tax/skills.tsv")"
out=$(echo '{"title":"Analyst","description":"Microsoft Excel daily; you manage budgets."}' | "$SKIDX" match -t "$T/tax")
check "the imported taxonomy matches" '["Microsoft Excel", "manage budgets"]' \
    "$(python3 -c 'import json,sys; print(json.dumps(json.loads(sys.stdin.read())["skills"]))' <<<"$out")"
python3 "$SRC/scripts/taxonomy_import.py" --onet "$T/esco.csv" -o "$T/bad" 2>"$T/err"
check "a file of another shape: exit 1" 1 $?
grep -q "not an O\*NET Technology Skills file" "$T/err" && echo "ok: says why" || { echo "FAIL: $(cat "$T/err")"; fail=1; }
exit $fail
