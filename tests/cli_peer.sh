#!/usr/bin/env bash
# scripts/peer_aho.py, the Python peer of compare.sh (BENCHMARKS.md): on
# postings that exercise each rule of the text model it implements
# (taxonomy/FORMAT.md: separators, '+' and '~' forms, word characters,
# full-width, no-break space, hyphen and markdown-escape folding, masked spans, the company's own
# name, negatives, reposts), its per-skill counts equal skidx's and the
# hand-worked ones. Skipped (exit 0 with a note) without
# python3-ahocorasick or zstd.
# usage: cli_peer.sh SKIDX SOURCE_DIR
set -u
export LC_ALL=C # sort's order: the expected counts are in byte order
SKIDX=$1 SRC=$2
PEER=$SRC/scripts/peer_aho.py
if ! /usr/bin/python3 -c 'import ahocorasick' 2>/dev/null || ! command -v zstd >/dev/null; then
    echo "skip: python3-ahocorasick or zstd missing (scripts/install-deps.sh)"
    exit 0
fi
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

mkdir -p "$T/tax" "$T/corpus"
printf 'role\tEngineer\t1\tengineer\nrole\tOther\t9\nlevel\tMid\t1\n' > "$T/tax/roles.tsv"
{
    printf 'Image processing\tA\timage processing\n'
    printf 'Time series\tA\t+time series\n'
    printf 'Go to market\tA\t~go to market\n'
    printf 'Front end\tA\t+front-end\n'
    printf 'scikit-learn\tA\tscikit-learn\n'
    printf 'Python\tA\tpython\n'
    printf 'Kafka\tA\tkafka\n'
    printf 'GitHub\tA\tgithub\n'
    printf '.NET\tA\t.NET\n'
    printf 'HTML\tA\thtml\n'
    printf 'Snowflake\tA\tsnowflake\n'
    printf 'C++\tA\tC++\n'
    printf 'C\tA\t=C\t!C++\n'
    printf 'Data mining\tA\t数据挖掘\n'
    printf 'Node.js\tA\tnode.js\n'
    printf 'Ruby on Rails\tA\truby on rails\n'
} > "$T/tax/skills.tsv"
# one posting a line: title, company, description; each skill's expected
# count is worked out in the comment beside the lines that name it
/usr/bin/python3 - "$T/corpus/part-00000.jsonl" <<'PY'
import json, sys
P = [
 ("Engineer", "Acme", "image-processing and Image/Processing"),   # Image processing 1
 ("Engineer", "Acme", "image--processing, imageprocessing"),       # none
 ("Engineer", "Acme", "TimeSeries models"),                        # Time series 2
 ("Engineer", "Acme", "time_series"),
 ("Engineer", "Acme", "go-to-market"),                             # Go to market: not here
 ("Engineer", "Acme", "go to market"),                             # Go to market 1
 ("Engineer", "Acme", "frontend and front end"),                   # Front end 1
 ("Engineer", "Acme", "scikit learn"),                             # scikit-learn: no
 ("Engineer", "Acme", "Ｐｙｔｈｏｎ，熟悉Kafka）"),                  # Python 1, Kafka 1
 ("Engineer", "Acme", "Pythonα and жPython"),                      # none
 ("Engineer", "Acme", "see github.com/acme and jobs@acme.net"),    # both masked
 ("Engineer", "Acme", "read guide.html, then GitHub and HTML"),    # GitHub 1, HTML 1
 ("Engineer", "Snowflake Inc.", "Snowflake builds things"),        # company name: no
 ("Snowflake engineer", "Snowflake", "We use Snowflake."),         # title: Snowflake 1
 ("Engineer", "Acme", "C\\+\\+ and C"),                            # C++ 1, C 1
 ("Engineer", "Acme", "C++ only"),                                 # C++ 2, C: hidden
 ("Engineer", "Acme", "负责数据挖掘工作"),                            # Data mining 1
 ("Engineer", "Acme", "Node.js and ASP.NET/MVC"),                  # Node.js 1, .NET 1 (not masked)
 ("Engineer", "Acme", "ruby-on-rails, python"),                    # Ruby on Rails 1, Python 2
 ("Engineer", "Acme", "ruby-on-rails, python"),                    # a repost: counts once
 ("Engineer", "Acme", "image\u00a0processing, scikit\u2011learn"),  # Image processing 2, scikit-learn 1
]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i, (t, c, d) in enumerate(P):
        f.write(json.dumps({"id": "p%d" % i, "title": t, "company": c,
                            "description": d}, ensure_ascii=i % 2 == 0) + "\n")
PY
zstd -q "$T/corpus/part-00000.jsonl" -o "$T/corpus/part-00000.jsonl.zst" && rm "$T/corpus/part-00000.jsonl"
cat > "$T/expected" <<'X'
.NET	1
C	1
C++	2
Data mining	1
Front end	1
GitHub	1
Go to market	1
HTML	1
Image processing	2
Kafka	1
Node.js	1
Python	2
Ruby on Rails	1
Snowflake	1
Time series	2
scikit-learn	1
X
/usr/bin/python3 "$PEER" --taxonomy "$T/tax" "$T/corpus" 2> "$T/peer.err" |
    awk -F'\t' '$2 > 0' | sort > "$T/peer" || bad "peer exit code"
"$SKIDX" index "$T/corpus" -o "$T/i.skidx" --taxonomy "$T/tax" --quiet || bad "skidx index exit code"
"$SKIDX" query "$T/i.skidx" --top 0 --format csv 2>/dev/null |
    /usr/bin/python3 -c '
import csv, sys
for r in csv.DictReader(sys.stdin):
    if r["role"] == "All" and r["level"] == "All" and int(r["skill_postings"]):
        print("%s\t%s" % (r["skill"], r["skill_postings"]))' | sort > "$T/skidx"
if diff "$T/expected" "$T/peer" > "$T/d1"; then ok "peer: hand-worked counts"
else bad "peer counts differ from the hand-worked ones:"; cat "$T/d1"; fi
if diff "$T/expected" "$T/skidx" > "$T/d2"; then ok "skidx: hand-worked counts"
else bad "skidx counts differ from the hand-worked ones:"; cat "$T/d2"; fi
grep -q "20 postings (1 duplicates" "$T/peer.err" && ok "peer: 20 postings, 1 repost" ||
    { bad "peer summary"; cat "$T/peer.err"; }
/usr/bin/python3 "$PEER" --taxonomy "$T/tax" --postings-out "$T/pp" "$T/corpus" > /dev/null 2>&1
[ "$(grep -c . "$T/pp")" = 20 ] && grep -q "^p8	Python|Kafka$" "$T/pp" &&
    ok "--postings-out: one line a counted posting" || bad "--postings-out"
exit $fail
