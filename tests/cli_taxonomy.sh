#!/usr/bin/env bash
# The default taxonomy through the CLI: `info --taxonomy` reports its size,
# `match` explains a posting with the very code `index` counts with, and a
# skill added by editing one line shows up at once.
# usage: cli_taxonomy.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
check() { if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; fail=1; else echo "ok: $1"; fi; }
J() { /usr/bin/python3 -c "import json,sys; d=[json.loads(l) for l in sys.stdin]; print(eval(sys.argv[1]))" "$1"; }

info=$("$SKIDX" info --taxonomy "$SRC/taxonomy")
check "info exit" 0 $?
skills=$(sed -n 's/^skills *\([0-9]*\) in \([0-9]*\) categories/\1/p' <<<"$info")
aliases=$(sed -n 's/^aliases *\([0-9]*\) .*/\1/p' <<<"$info")
[ "${skills:-0}" -ge 1000 ] && echo "ok: $skills skills" || { echo "FAIL: skills $skills"; fail=1; }
[ "${aliases:-0}" -ge 4000 ] && echo "ok: $aliases aliases" || { echo "FAIL: aliases $aliases"; fail=1; }
grep -q '^hyperscan .* bytes' <<<"$info" && grep -q '^compile time' <<<"$info" && echo "ok: hyperscan size and compile time" || { echo "FAIL: info lacks hyperscan figures"; fail=1; }
# the default taxonomy has bounded negative regexes, scanned in windows
grep -Eq "^hyperscan .*; [1-9][0-9]* scanned only around the skill's hits" <<<"$info" && echo "ok: windowed negatives counted" || { echo "FAIL: info does not count the windowed negative databases"; fail=1; }

# the two properties a regex can take away (BENCHMARKS.md, fifteenth
# session): said for the default taxonomy, and when a regex takes them
grep -q '^skipping      the word loop passes over' <<<"$info" && echo "ok: skipping on" || { echo "FAIL: info does not say the skipping is on"; fail=1; }
grep -q '^non-ASCII     its database is scanned only on texts holding CJK' <<<"$info" && echo "ok: non-ASCII gate" || { echo "FAIL: info does not say the non-ASCII gate"; fail=1; }
mkdir -p "$T/slow"
cp "$SRC/taxonomy/roles.tsv" "$T/slow/"
printf '# name\tcategory\taliases\nYouTube\tx\t=/\\b(?:TikTok|Instagram)[ ,\\/]+YouTube\\b/\nDev\tx\t/\\bphases de d\xc3\xa9veloppement\\b/\nPython\tx\tpython\n' > "$T/slow/skills.tsv"
slow=$("$SKIDX" info --taxonomy "$T/slow" 2>&1)
grep -q '^skipping      off: a regex' <<<"$slow" && echo "ok: an unbounded window reported" || { echo "FAIL: info does not report the unbounded window: $slow"; fail=1; }
grep -q '^non-ASCII     its database is scanned on every text with an accented' <<<"$slow" && echo "ok: a Latin lead reported" || { echo "FAIL: info does not report the Latin lead: $slow"; fail=1; }

# match: JSON Lines in, one object per posting out, matches with offsets
printf '%s\n' '{"id":"p1","title":"Senior Machine Learning Engineer","description":"We use PyTorch, k8s and Go. TF-IDF weighting helps; then we go home."}' > "$T/p.jsonl"
out=$("$SKIDX" match "$T/p.jsonl")
check "match exit" 0 $?
check "match id" p1 "$(J 'd[0]["id"]' <<<"$out")"
check "match role" "ML Engineer" "$(J 'd[0]["role"]' <<<"$out")"
check "match seniority" Senior "$(J 'd[0]["seniority"]' <<<"$out")"
check "PyTorch found" True "$(J '"PyTorch" in d[0]["skills"]' <<<"$out")"
check "k8s is Kubernetes" True "$(J '"Kubernetes" in d[0]["skills"]' <<<"$out")"
check "TF-IDF is not TensorFlow" False "$(J '"TensorFlow" in d[0]["skills"]' <<<"$out")"
check "Go once (capitalised), not 'go home'" 1 "$(J 'sum(1 for m in d[0]["matches"] if m["skill"]=="Go")' <<<"$out")"
check "a match's offsets cover its alias" pytorch "$(J '[ "We use PyTorch, k8s and Go. TF-IDF weighting helps; then we go home."[m["start"]:m["end"]].lower() for m in d[0]["matches"] if m["skill"]=="PyTorch"][0]' <<<"$out")"

# bare tool names that are also words (taxonomy 2026.12.5): the product in a
# tool list, not the word's other senses
{ printf '%s\n' 'Microsoft Office (Word, Excel, PowerPoint, Outlook); Hadoop, Hive, Pig; Grafana, Elastic/Splunk; Synapse / Fabric; AI tools such as Cursor; 熟悉webpack、vite、flutter'
  printf '%s\n' 'The Economic Outlook is good; a guinea Pig; deploy on Elastic Beanstalk with Elastic Net models; Hyperledger Fabric and Service Fabric; Cursor-based pagination'; } > "$T/words.txt"
out=$("$SKIDX" match --text --taxonomy "$SRC/taxonomy" "$T/words.txt")
check "tool-list senses found" "Microsoft Outlook|Apache Pig|Elasticsearch|Microsoft Fabric|AI coding assistants|Vite|Flutter" \
    "$(J '"|".join(s for s in ["Microsoft Outlook","Apache Pig","Elasticsearch","Microsoft Fabric","AI coding assistants","Vite","Flutter"] if s in d[0]["skills"])' <<<"$out")"
check "other senses not found" "" \
    "$(J '"|".join(s for s in ["Microsoft Outlook","Apache Pig","Elasticsearch","Microsoft Fabric","AI coding assistants"] if s in d[1]["skills"])' <<<"$out")"

# every match names its section; skills in the company's text and the
# benefits do not count (taxonomy/sections.tsv)
printf '%s\n' '{"id":"p2","title":"Python Developer","description":"About Acme\nAcme runs on Snowflake.\n\nRequirements:\n- SQL and Python\n\nWhat we offer\n- a Coursera subscription"}' > "$T/s.jsonl"
out=$("$SKIDX" match "$T/s.jsonl")
check "match exit (sections)" 0 $?
check "sections of the matches" "title company requirements requirements benefits" "$(J '" ".join(m["section"] for m in d[0]["matches"])' <<<"$out")"
check "company and benefits skills not counted" "Python SQL" "$(J '" ".join(d[0]["skills"])' <<<"$out")"
check "every match has a section" True "$(J 'all("section" in m for m in d[0]["matches"])' <<<"$(cat "$T/p.jsonl" | "$SKIDX" match)")"
# a taxonomy without sections.tsv counts descriptions whole
cp -r "$SRC/taxonomy" "$T/nosec" && rm "$T/nosec/sections.tsv"
check "no sections.tsv: all count" "Online courses (MOOC) Python SQL Snowflake" "$(J '" ".join(d[0]["skills"])' <<<"$("$SKIDX" match --taxonomy "$T/nosec" "$T/s.jsonl")")"
check "no sections.tsv: section none" "title none none none none" "$(J '" ".join(m["section"] for m in d[0]["matches"])' <<<"$("$SKIDX" match --taxonomy "$T/nosec" "$T/s.jsonl")")"
# the text model: a hit inside a URL or e-mail address is shown masked and
# not counted; full-width Latin is found, its offsets in the original bytes
printf '%s\n' '{"id":"p2","title":"Engineer","description":"See github.com/acme or jobs@acme.net; we use Ｐｙｔｈｏｎ，ASP.NET and GitHub."}' > "$T/q.jsonl"
out=$("$SKIDX" match "$T/q.jsonl")
check "a hit in a URL is shown masked" True "$(J 'any(m["skill"]=="GitHub" and m.get("masked") is True and m["start"]==4 for m in d[0]["matches"])' <<<"$out")"
check "unmasked hits carry no masked field" True "$(J 'all("masked" not in m for m in d[0]["matches"] if m["start"]>50)' <<<"$out")"
check "GitHub counted from its plain mention" True "$(J '"GitHub" in d[0]["skills"]' <<<"$out")"
check "the e-mail address's .net is masked" True "$(J 'any(m["skill"]==".NET" and m.get("masked") for m in d[0]["matches"])' <<<"$out")"
check "full-width Python, offsets in the original text" "Ｐｙｔｈｏｎ" "$(J '[ "See github.com/acme or jobs@acme.net; we use Ｐｙｔｈｏｎ，ASP.NET and GitHub.".encode()[m["start"]:m["end"]].decode() for m in d[0]["matches"] if m["skill"]=="Python"][0]' <<<"$out")"

# a new skill with three aliases, added by editing one line; and, one more
# line in the same copy (one compile of the default taxonomy for both, the
# costly step under the sanitizers), a literal in a script without spaces,
# matched as written inside running Chinese text, with its negatives, and
# shown as written
cp -r "$SRC/taxonomy" "$T/tax"
printf 'Quokka Query Language\tProgramming Languages\tquokkaql\tqql\tquokka query\n' >> "$T/tax/skills.tsv"
printf 'Zz data mining\tAnalytics & BI\t测谎仪器\t!测谎仪器工程师\n' >> "$T/tax/skills.tsv"
out=$(echo 'We want QQL, QuokkaQL or Quokka Query skills.' | "$SKIDX" match --taxonomy "$T/tax" --text)
check "new skill found" True "$(J '"Quokka Query Language" in d[0]["skills"]' <<<"$out")"
check "its three aliases matched" 3 "$(J 'sum(1 for m in d[0]["matches"] if m["skill"]=="Quokka Query Language")' <<<"$out")"
out=$(echo '{"id":"h","title":"测谎仪器工程师","description":"熟悉测谎仪器、Python；负责（测谎仪器）。"}' | "$SKIDX" match -t "$T/tax")
check "Han alias: matched twice in the description, not in the title" 2 "$(J 'sum(1 for m in d[0]["matches"] if m["skill"]=="Zz data mining")' <<<"$out")"
check "Han alias: shown as written" "测谎仪器" "$(J '[m["alias"] for m in d[0]["matches"] if m["skill"]=="Zz data mining"][0]' <<<"$out")"
check "Han alias: offsets in the text" "测谎仪器 测谎仪器" "$(J '" ".join("熟悉测谎仪器、Python；负责（测谎仪器）。".encode()[m["start"]:m["end"]].decode() for m in d[0]["matches"] if m["skill"]=="Zz data mining")' <<<"$out")"
# and a broken edit is refused with file and line
cp -r "$T/tax" "$T/broken"
printf 'Broken\tProgramming Languages\t/unclosed(/\n' >> "$T/broken/skills.tsv"
echo x | "$SKIDX" match --taxonomy "$T/broken" --text >/dev/null 2>"$T/err"
check "broken taxonomy exit" 1 $?
grep -q "skills.tsv':[0-9]*: bad regex" "$T/err" && echo "ok: error names file and line" || { echo "FAIL: $(cat "$T/err")"; fail=1; }
cp -r "$T/tax" "$T/dash"
printf 'Zz dash\tx\t——\n' >> "$T/dash/skills.tsv"
echo x | "$SKIDX" match -t "$T/dash" --text >/dev/null 2>"$T/err"
check "an alias of punctuation only is refused" 1 $?
# the taxonomy hash, computed from docs/FORMAT.md alone, is the one skidx
# stores: with and without links
H=$SRC/tests/fixtures/taxonomy_hash.py
hash_of() { "$SKIDX" info --taxonomy "$1" | sed -n 's/.*(hash \([0-9a-f]*\)).*/\1/p'; }
for d in "$SRC/tests/e2e/taxonomy" "$SRC/tests/report/taxonomy"; do
    check "hash as FORMAT.md says: ${d#$SRC/}" "$(hash_of "$d")" "$(python3 "$H" "$d")"
done
# the default taxonomy's: from the `info --taxonomy` above (each compiles)
check "hash as FORMAT.md says: taxonomy" "$(sed -n 's/.*(hash \([0-9a-f]*\)).*/\1/p' <<<"$info")" "$(python3 "$H" "$SRC/taxonomy")"
mkdir "$T/links"
cp "$SRC/tests/e2e/taxonomy/roles.tsv" "$T/links/"
sed -e 's/^\(SQL\t.*\)$/\1\t@onet:43232306\t@esco:https:\/\/data.europa.eu\/esco\/skill\/sql\t@onet:43232313/' \
    "$SRC/tests/e2e/taxonomy/skills.tsv" > "$T/links/skills.tsv"
check "hash with links as FORMAT.md says" "$(hash_of "$T/links")" "$(python3 "$H" "$T/links")"
[ "$(hash_of "$T/links")" != "$(hash_of "$SRC/tests/e2e/taxonomy")" ] && echo "ok: links change the hash" || { echo "FAIL: links do not change the hash"; fail=1; }
printf 'Bad\tX\tbad\t@onet:123\n' >> "$T/links/skills.tsv"
"$SKIDX" info --taxonomy "$T/links" >/dev/null 2>"$T/err"
check "malformed link exit" 1 $?
grep -q "skills.tsv':[0-9]*: bad O\*NET link '@onet:123'" "$T/err" && echo "ok: malformed link names file and line" || { echo "FAIL: $(cat "$T/err")"; fail=1; }
exit $fail
