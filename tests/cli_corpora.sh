#!/usr/bin/env bash
# Corpora as people have them (issue 14): the same postings as JSON Lines,
# as .jsonl.gz, as CSV with multi-line quoted descriptions (CRLF, a BOM),
# as .csv.gz in two gzip members and as TSV give the same counts; broken
# CSV records are skipped and reported with their line; a real public CSV
# of job postings (tests/corpora_real/) indexes with every row counted.
# usage: cli_corpora.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
PY=/usr/bin/python3
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
check() { # name expected actual
    if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected '$2', got '$3'"; fi
}
has() { # name file text: the file contains the text
    if grep -qF -- "$3" "$2"; then ok "$1"; else bad "$1: no '$3' in: $(head -c 600 "$2")"; fi
}
json() { # json FILE EXPR: a Python expression on `skidx info -f json FILE`
    "$SKIDX" info -f json "$1" | "$PY" -c \
        "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$2"
}
idx() { # `skidx index ARGS...` bounded in time; stderr to $T/err
    timeout -k 5 120 "$SKIDX" index "$@" 2>"$T/err" >"$T/out"
    rc=$?
}
# every table of the export that holds counts, not paths or sizes
TABLES="skills cells cell_skills salary_hist months month_cells month_skills causes"
tables() { # tables IDX OUTFILE
    : >"$2"
    for t in $TABLES; do
        echo "== $t" >>"$2"
        "$SKIDX" export -t "$t" "$1" >>"$2" || bad "export -t $t $1"
    done
}

# ---- the same postings in five forms -----------------------------------------
zstd -dc "$SRC"/corpora/sample/part-00000.jsonl.zst "$SRC"/corpora/sample/part-00001.jsonl.zst >"$T/src.jsonl"
"$PY" - "$T" <<'EOF'
import csv, gzip, json, sys
t = sys.argv[1]
F = ['id', 'title', 'description', 'company', 'location', 'posted',
     'salary_min', 'salary_max', 'salary_period', 'currency', 'seniority']
rows = [json.loads(l) for l in open(t + '/src.jsonl', encoding='utf-8')]
def val(r, k):
    v = r.get(k)
    return '' if v is None else str(v)
with open(t + '/same.jsonl', 'w', encoding='utf-8') as f:
    for r in rows:
        f.write(json.dumps({k: r[k] for k in F if val(r, k) != ''},
                           ensure_ascii=False) + '\n')
# CSV: a BOM, CRLF after each record (csv's default), quoted fields with
# the descriptions' own line breaks; header names in another case
with open(t + '/same.csv', 'w', encoding='utf-8-sig', newline='') as f:
    w = csv.writer(f)
    w.writerow([k.upper() if k == 'title' else k for k in F])
    for r in rows:
        w.writerow([val(r, k) for k in F])
with open(t + '/same.tsv', 'w', encoding='utf-8', newline='') as f:
    w = csv.writer(f, delimiter='\t', lineterminator='\n')
    w.writerow(F)
    for r in rows:
        w.writerow([val(r, k) for k in F])
raw = open(t + '/same.csv', 'rb').read()
half = raw.index(b'\r\n', len(raw) // 2) + 2   # a record end? not needed:
with open(t + '/same.csv.gz', 'wb') as f:      # members split anywhere
    f.write(gzip.compress(raw[:half - 7]))
    f.write(gzip.compress(raw[half - 7:]))
with open(t + '/same.jsonl.gz', 'wb') as f:
    f.write(gzip.compress(open(t + '/same.jsonl', 'rb').read()))

EOF
n=$(wc -l <"$T/same.jsonl")
check "the corpus has records with multi-line descriptions" 1 \
    "$("$PY" -c "import json,sys; print(int(any('\n' in json.loads(l).get('description','') for l in open(sys.argv[1]))))" "$T/same.jsonl")"

idx "$T/same.jsonl" -o "$T/j.skidx" -q
check "jsonl: exit code" 0 "$rc"
tables "$T/j.skidx" "$T/j.tables"
for f in same.jsonl.gz same.csv same.csv.gz same.tsv; do
    for opt in "-j 1" "-j 2 --chunk-bytes 20000"; do
        # shellcheck disable=SC2086
        idx "$T/$f" -o "$T/x.skidx" -q $opt
        check "$f ($opt): exit code" 0 "$rc"
        check "$f ($opt): records" "$n" "$(json "$T/x.skidx" "d['records']")"
        check "$f ($opt): nothing skipped or repaired" "0 0" "$(json "$T/x.skidx" "d['skipped'], d['repaired']" | tr -d '(),')"
        check "$f ($opt): postings and duplicates as JSON Lines" \
            "$(json "$T/j.skidx" "d['postings'], d['duplicates']")" \
            "$(json "$T/x.skidx" "d['postings'], d['duplicates']")"
        tables "$T/x.skidx" "$T/x.tables"
        if cmp -s "$T/j.tables" "$T/x.tables"; then
            ok "$f ($opt): every count table equals the JSON Lines one"
        else
            bad "$f ($opt): tables differ: $(diff "$T/j.tables" "$T/x.tables" | head -5)"
        fi
    done
done
# lines count every line of the file, the header's and the descriptions'
check "csv: lines are the file's lines" "$(tr -cd '\n' <"$T/same.csv" | wc -c)" \
    "$(json "$T/x.skidx" "d['lines']")"
# a directory lists them all (sorted by name); --format overrides the name
mkdir "$T/dir"; cp "$T/same.csv.gz" "$T/dir/a.csv.gz"; cp "$T/same.jsonl" "$T/dir/b.jsonl"
idx "$T/dir" -o "$T/d.skidx" -q --allow-empty  # the second copy: all duplicates
check "directory of .csv.gz and .jsonl: records" "$((2 * n))" "$(json "$T/d.skidx" "d['records']")"
check "directory: the second copy is all duplicates" "$n" "$(json "$T/d.skidx" "d['duplicates'] - $(json "$T/j.skidx" "d['duplicates']")")"
cp "$T/same.csv" "$T/same.txt"
idx "$T/same.txt" --format csv -o "$T/f.skidx" -q
check "--format csv on a .txt: records" "$n" "$(json "$T/f.skidx" "d['records']")"
idx "$T/same.txt" --format xls -o "$T/f.skidx"
check "--format xls: usage error" 2 "$rc"
# skidx match reads CSV as index does: the same output as for JSON Lines
"$SKIDX" match "$T/same.jsonl" >"$T/mj" 2>/dev/null
"$SKIDX" match "$T/same.csv.gz" >"$T/mc" 2>/dev/null
check "match: CSV.gz gives the JSON Lines output" "$(md5sum <"$T/mj")" "$(md5sum <"$T/mc")"
check "match: one line per posting" "$n" "$(wc -l <"$T/mc")"

# ---- broken CSV records ------------------------------------------------------
printf '%s\n' \
    'id,title,description' \
    '1,ML Engineer,"Python' \
    'and SQL"' \
    '2,Data Engineer' \
    '3,Data Scientist,"Spark, ""Scala""",extra' \
    '' \
    '4,ML Engineer,PyTorch' >"$T/bad.csv"
printf '5,Data Engineer,\xff Kafka\n6,ML Engineer,"open quote\nnever closed\n' >>"$T/bad.csv"
idx "$T/bad.csv" -o "$T/b.skidx"
check "bad csv: exit code" 0 "$rc"
has "bad csv: wrong field count, with its line" "$T/err" "skidx: $T/bad.csv:4: skipped record: wrong number of fields"
has "bad csv: too many fields, with its line" "$T/err" "skidx: $T/bad.csv:5: skipped record: wrong number of fields"
has "bad csv: invalid UTF-8 repaired, with its line" "$T/err" "skidx: $T/bad.csv:8: repaired record: invalid UTF-8 replaced by U+FFFD"
has "bad csv: quote open at the end, at its first line" "$T/err" "skidx: $T/bad.csv:9: skipped record: quoted field not closed before the end of the file"
check "bad csv: causes" "2 1 1" "$(json "$T/b.skidx" "d['causes']['csv_fields'], d['causes']['csv_quote'], d['causes']['invalid_utf8']" | tr -d '(),')"
check "bad csv: records and postings" "6 3" "$(json "$T/b.skidx" "d['records'], d['postings']" | tr -d '(),')"
check "bad csv: lines" 10 "$(json "$T/b.skidx" "d['lines']")"
# records longer than --max-record-bytes, on one line or over many short
# ones: skipped at their first line, never held; plain, gzip and zstd
"$PY" - "$T/long.csv" <<'EOF'
import sys
with open(sys.argv[1], 'w', newline='') as f:
    f.write('id,title,description\n1,ML Engineer,Python\n')
    f.write('2,Data Engineer,"' + 'Kafka ' * 1000 + '"\n')            # line 3
    f.write('3,ML Engineer,"' + 'PyTorch\n' * 300 + '"\n')            # lines 4-304
    f.write('4,Data Engineer,SQL\n')                                  # line 305
EOF
gzip -c "$T/long.csv" >"$T/long.csv.gz"; zstd -qc "$T/long.csv" >"$T/long.csv.zst"
for f in long.csv long.csv.gz long.csv.zst; do
    idx "$T/$f" --max-record-bytes 1024 --chunk-bytes 512 -o "$T/l.skidx"
    check "$f: exit code" 0 "$rc"
    has "$f: the one-line record, at its line" "$T/err" "skidx: $T/$f:3: skipped record: record longer than --max-record-bytes"
    has "$f: the many-line record, at its first line" "$T/err" "skidx: $T/$f:4: skipped record: record longer than --max-record-bytes"
    check "$f: records, too long, postings, lines" "4 2 2 305" \
        "$(json "$T/l.skidx" "d['records'], d['causes']['too_long'], d['postings'], d['lines']" | tr -d '(),')"
done
# a header that names neither title nor description: a shard fault
printf 'name,text\nML Engineer,Python\n' >"$T/nohdr.csv"
idx "$T/nohdr.csv" "$T/same.jsonl" -o "$T/h.skidx"
check "no title column: exit code" 1 "$rc"
has "no title column: names the shard" "$T/err" "'$T/nohdr.csv'"
has "no title column: says why" "$T/err" "CSV header names no title column ('title') and no description column ('description')"
idx --keep-going "$T/nohdr.csv" "$T/same.jsonl" -o "$T/h.skidx"
check "no title column, --keep-going: exit 1" 1 "$rc"
check "no title column, --keep-going: the other shard" "$n" "$(json "$T/h.skidx" "d['records']")"
# --field maps a header name with a space
printf '"Job Title",Text\nML Engineer,"Python, PyTorch"\n' >"$T/named.csv"
idx "$T/named.csv" --field "title=Job Title" --field description=text -o "$T/n.skidx" -q
check "--field 'title=Job Title': exit code" 0 "$rc"
check "--field 'title=Job Title': one posting, the description's skills, the title's role" "1 True ML Engineer" \
    "$("$SKIDX" match --field "title=Job Title" --field description=text "$T/named.csv" | "$PY" -c "import json,sys; r=[json.loads(l) for l in sys.stdin]; print(len(r), {'Python','PyTorch'} <= set(r[0]['skills']), r[0]['role'])")"

# ---- a real public CSV (tests/corpora_real/SOURCES.md) ----------------------
R=$SRC/tests/corpora_real/glassdoor_ds_jobs.csv.gz
rows=$("$PY" -c "
import csv, gzip, sys
with gzip.open(sys.argv[1], 'rt', encoding='utf-8', newline='') as f:
    r = csv.reader(f)
    next(r)
    print(sum(1 for _ in r))" "$R")
lines=$("$PY" -c "import gzip,sys; print(gzip.open(sys.argv[1]).read().count(b'\n'))" "$R")
multi=$("$PY" -c "
import csv, gzip, sys
with gzip.open(sys.argv[1], 'rt', encoding='utf-8', newline='') as f:
    print(sum(1 for row in csv.DictReader(f) if '\n' in row['Job Description']))" "$R")
idx "$R" -o "$T/r.skidx" -q
check "real CSV: exit code" 0 "$rc"
check "real CSV: python counts hundreds of rows" 1 "$([ "$rows" -ge 300 ] && echo 1)"
check "real CSV: most descriptions span lines" 1 "$([ "$multi" -ge $((rows / 2)) ] && echo 1)"
check "real CSV: every row is a record" "$rows" "$(json "$T/r.skidx" "d['records']")"
check "real CSV: none skipped" 0 "$(json "$T/r.skidx" "d['skipped']")"
check "real CSV: every row counted once (postings + duplicates)" "$rows" "$(json "$T/r.skidx" "d['postings'] + d['duplicates']")"
check "real CSV: lines are the file's lines" "$lines" "$(json "$T/r.skidx" "d['lines']")"
# its headers ("Job Title", "Job Description", "Company Name") are aliases:
# the same index as with --field
idx "$R" -o "$T/r2.skidx" -q -j 2 --chunk-bytes 65536 --field "title=Job Title" \
    --field "description=Job Description" --field "company=Company Name"
tables "$T/r.skidx" "$T/r.tables"; tables "$T/r2.skidx" "$T/r2.tables"
if cmp -s "$T/r.tables" "$T/r2.tables"; then ok "real CSV: aliases = --field, 1 = 2 threads"; else bad "real CSV: tables differ"; fi
check "real CSV: skills found" 1 "$(json "$T/r.skidx" "int(d['postings'] > 0)")"
"$SKIDX" query "$T/r.skidx" --format csv --top 3 >"$T/top.csv"
has "real CSV: Python is a top skill of data science postings" "$T/top.csv" "Python"

exit $fail
