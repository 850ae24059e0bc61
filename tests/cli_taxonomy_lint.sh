#!/usr/bin/env bash
# `skidx taxonomy lint`: the default taxonomy has no errors; each check
# fires on a taxonomy made to trip it, with file and line.
# usage: cli_taxonomy_lint.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
check() { if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; fail=1; else echo "ok: $1"; fi; }
has() { if grep -qF -- "$2" "$3"; then echo "ok: $1"; else echo "FAIL: $1: no '$2' in:"; cat "$3"; fail=1; fi; }

# the default taxonomy: no errors (warnings are for its authors to read)
"$SKIDX" taxonomy lint "$SRC/taxonomy" >"$T/out" 2>"$T/err"
check "default taxonomy lints clean" 0 $?
check "no error lines" 0 "$(grep -c ': error: ' "$T/out")"
has "summary on stderr" "taxonomy lint: $SRC/taxonomy:" "$T/err"

mkdir "$T/bad"
cp "$SRC/tests/e2e/taxonomy/roles.tsv" "$T/bad/roles.tsv"
printf '%s\n' '@name	lint' \
  'Python	Languages	python' \
  'Go	Languages	=Go	golang' \
  'Image processing	Vision	image processing' \
  'Image tools	Vision	image-processing' \
  'Swift	Languages	swift' \
  'Ruby	Languages	=Ruby' \
  'Rust	Languages	=RUST' \
  'Rust lang	Languages	=Rust' > "$T/bad/skills.tsv"
"$SKIDX" taxonomy lint --words /usr/share/dict/words "$T/bad" >"$T/out" 2>"$T/err"
check "errors give exit 1" 1 $?
has "separators are one" "error: alias 'image-processing' of 'Image tools' matches the same text as alias 'image processing' of 'Image processing'" "$T/out"
check "two case-sensitive forms that differ do not collide" 0 "$(grep -c "RUST.*matches the same text" "$T/out")"
has "a common word as a caseless alias" "skills.tsv:6: warning: caseless alias 'swift' of 'Swift' is a common English word" "$T/out"
check "no note for an all-capitals form" 0 "$(grep -c "note: case-sensitive alias 'RUST'" "$T/out")"
has "a capitalised word as a case-sensitive alias" "skills.tsv:7: note: case-sensitive alias 'Ruby'" "$T/out"

# a positive alias that a negative of its own skill cancels: wholly (an
# error), or as written only (a case-sensitive negative: a warning); a
# longer negative or one of another skill is no finding
mkdir "$T/neg"; cp "$T/bad/roles.tsv" "$T/neg/"
printf '%s\n' 'Python	Languages	python' \
  'Reqs	PM	requirements management	non-functional requirements	!Non-Functional Requirements' \
  'AI	ML	=AI	KI-Tools	!=KI-Tools' \
  'Cases	X	=ABC	!=ABC' \
  'Fine	X	functional requirements	!non-functional requirements	!python' \
  'Sep	X	foo bar	!foo-bar' \
  'Sep2	X	baz-qux	!baz qux' \
  'Rx	X	quux corge	!/\bquux\s+corge\b/' \
  'Rx2	X	Grault	!=/\bGrault\b/' > "$T/neg/skills.tsv"
"$SKIDX" taxonomy lint --no-words "$T/neg" >"$T/out" 2>"$T/err"
check "cancelled alias: exit 1" 1 $?
has "cancelled wholly (caseless)" "skills.tsv:2: error: alias 'non-functional requirements' of 'Reqs' can never count: its negative 'Non-Functional Requirements' cancels every match" "$T/out"
has "cancelled as written" "skills.tsv:3: warning: alias 'KI-Tools' of 'AI' is cancelled as written by its negative '=KI-Tools'" "$T/out"
has "cancelled wholly (case-sensitive)" "skills.tsv:4: error: alias 'ABC' of 'Cases' can never count" "$T/out"
check "a longer negative, another skill's negative: no finding" 0 "$(grep -c "skills.tsv:5:" "$T/out")"
check "a fixed negative does not cover a flexible alias" 0 "$(grep -c "skills.tsv:6:" "$T/out")"
has "a flexible negative covers a fixed alias" "skills.tsv:7: error: alias 'baz-qux' of 'Sep2' can never count" "$T/out"
check "four findings by the negatives" 4 "$(grep -c "cancels every match\\|cancelled as written" "$T/out")"
# the same by matching: an alias that does not find its skill in a text
# of its own (here a negative regex covers it); a caseless alias that a
# case-sensitive regex cancels as written still finds it in lower case;
# the pairs above are not reported twice
has "cancelled by a negative regex" "skills.tsv:8: error: alias 'quux corge' of 'Rx' can never count: in a text of its own it does not find its skill" "$T/out"
check "a case-sensitive regex: not an error" 0 "$(grep -c "skills.tsv:9: error" "$T/out")"
check "one finding for each dead alias" 1 "$(grep -c "skills.tsv:2: error" "$T/out")"

# a skill without a positive alias never matches: the loader refuses it,
# and lint reports that with file and line
mkdir "$T/orphan"; cp "$T/bad/roles.tsv" "$T/orphan/"
printf '%s\n' 'Python	Languages	python' 'Orphan	Languages	!orphan negative only' > "$T/orphan/skills.tsv"
"$SKIDX" taxonomy lint "$T/orphan" >/dev/null 2>"$T/err"
check "skill without alias: exit 1" 1 $?
has "skill without alias: file and line" "skills.tsv':2: skill 'Orphan' has no alias" "$T/err"

"$SKIDX" taxonomy lint --no-words "$T/bad" >"$T/out" 2>&1
check "--no-words skips the word checks" 0 "$(grep -c 'English word' "$T/out")"
"$SKIDX" taxonomy lint --words "$T/none" "$T/bad" >/dev/null 2>"$T/err"
check "missing word list given by name: usage error" 2 $?
"$SKIDX" taxonomy frob >/dev/null 2>&1
check "unknown taxonomy command" 2 $?
"$SKIDX" taxonomy lint "$T/nowhere" >/dev/null 2>"$T/err"
check "missing taxonomy" 1 $?
# --corpus: skills matched mostly where they do not count. In the fixture
# "flexibility" is offered in four benefits sections and asked for in one
# requirements section; Python is asked for in requirements and
# responsibilities (and named before the first heading).
F=$SRC/tests/fixtures/lint_corpus
"$SKIDX" taxonomy lint "$F" --corpus "$F/postings.jsonl" >"$T/out" 2>"$T/err"
check "--corpus: exit 0" 0 $?
has "--corpus: a skill matched mostly in benefits is listed" "Flexibility (Soft Skills): 4 of 5 matches (80 %) do not count, in 4 postings: company 0, benefits 4, legal 0, apply 0" "$T/out"
has "--corpus: an example names file, line, id and section" "$F/postings.jsonl:2 id lc-2 [benefits] ...QL - Review code and mentor juniors Benefits - [[Flexibility]] in your working hours - Learning budget" "$T/out"
check "--corpus: three examples by default" 3 "$(grep -c '\[\[[Ff]lexibility\]\]' "$T/out")"
check "--corpus: a skill matched in requirements is not listed" 0 "$(grep -c '^Python\|^PyTorch\|^SQL ' "$T/out")"
check "--corpus: one match is under --min-matches 3" 0 "$(grep -c '^Wellness' "$T/out")"
has "--corpus: summary on stderr" "taxonomy lint --corpus: 5 postings, 7 skills matched, 1 listed" "$T/err"
"$SKIDX" taxonomy lint "$F" --corpus "$F/postings.jsonl" --min-matches 1 --examples 1 >"$T/out" 2>/dev/null
check "--corpus --min-matches 1: sorted by excluded matches" "Flexibility Wellness" "$(grep -o '^[A-Z][a-z]* (' "$T/out" | tr -d ' (' | paste -sd' ')"
check "--examples 1" 2 "$(grep -c '^    ' "$T/out")"
"$SKIDX" taxonomy lint "$F" --corpus "$F/postings.jsonl" --threshold 0.9 >"$T/out" 2>/dev/null
check "--threshold 0.9: 80 % is not listed" 0 "$(grep -c '^Flexibility' "$T/out")"
# the same postings as gzip'd CSV, read by the reader 'index' uses
python3 - "$F/postings.jsonl" "$T/p.csv" <<'PY'
import csv, json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["Job ID", "Job Title", "Job Description"])
    for r in rows:
        w.writerow([r["id"], r["title"], r["description"]])
PY
gzip -n "$T/p.csv"
"$SKIDX" taxonomy lint "$F" --corpus "$T/p.csv.gz" --field id="Job ID" --format csv >"$T/out.csv" 2>/dev/null
check "--corpus CSV.gz --format csv: exit 0" 0 $?
python3 - "$T/out.csv" >"$T/py" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
print(len(rows), rows[0]["skill"], rows[0]["matches"], rows[0]["excluded_matches"],
      rows[0]["excluded_share"], rows[0]["benefits_matches"],
      rows[0]["examples"].count("\n") + 1, rows[0]["examples"].split(" ")[2])
PY
check "--format csv: one row, the counts, three examples" "1 Flexibility 5 4 0.8000 4 3 lc-1" "$(cat "$T/py")"
"$SKIDX" taxonomy lint "$F" --corpus "$F/postings.jsonl" --format json 2>/dev/null |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), d[0]["skill"], d[0]["excluded_share"])' >"$T/py"
check "--format json" "1 Flexibility 0.8" "$(cat "$T/py")"
mkdir "$T/dir"; cp "$F/postings.jsonl" "$T/dir/a.jsonl"; cp "$T/p.csv.gz" "$T/dir/b.csv.gz"
"$SKIDX" taxonomy lint "$F" --corpus "$T/dir" --field id="Job ID" >"$T/out" 2>"$T/err"
has "--corpus DIR: its shards, JSON Lines and CSV" "Flexibility (Soft Skills): 8 of 10 matches (80 %) do not count, in 8 postings" "$T/out"
has "--corpus DIR: postings of both" "10 postings" "$T/err"
"$SKIDX" taxonomy lint "$F" --corpus "$F/postings.jsonl" --threshold 1.5 >/dev/null 2>&1
check "--threshold above 1: usage error" 2 $?
"$SKIDX" taxonomy lint "$F" --corpus "$F/postings.jsonl" --examples x >/dev/null 2>&1
check "--examples not a number: usage error" 2 $?
"$SKIDX" taxonomy lint "$F" --corpus "$T/none.jsonl" >/dev/null 2>"$T/err"
check "--corpus missing: exit 1" 1 $?
has "--corpus missing: named" "none.jsonl" "$T/err"
printf '{"id":"x","title":"Analyst","description":"Benefits\\nflexibility"}\nnot json\n' >"$T/bad.jsonl"
"$SKIDX" taxonomy lint "$F" --corpus "$T/bad.jsonl" >/dev/null 2>"$T/err"
check "--corpus: a skipped record gives exit 1" 1 $?
has "--corpus: skipped record with file and line" "bad.jsonl:2: skipped record" "$T/err"
"$SKIDX" taxonomy lint --help >"$T/out"
has "--help documents --corpus" "--corpus PATH" "$T/out"
exit $fail
