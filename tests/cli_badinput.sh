#!/usr/bin/env bash
# Bad input at the command line (README "When input is bad"): corrupt and
# odd shards, dirty records, broken taxonomy files and damaged index files.
# Each case checks the exit code, the message on stderr and what was or was
# not written. Fixtures: tests/fixtures/ (see its README); the big inputs
# and the damaged indexes are made here at run time.
# usage: cli_badinput.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
T=$(mktemp -d); trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
F=$SRC/tests/fixtures
TAX=$SRC/tests/e2e/taxonomy
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
hasnt() { # name file text
    if grep -qF -- "$3" "$2"; then bad "$1: unexpected '$3' in: $(head -c 600 "$2")"; else ok "$1"; fi
}
absent() { # name path
    if [ -e "$2" ]; then bad "$1: '$2' exists"; else ok "$1"; fi
}
# json FILE EXPR: evaluate a Python expression on `skidx info -f json FILE`
json() {
    "$SKIDX" info -f json "$1" | "$PY" -c \
        "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$2"
}
idx() { # run `skidx index -t TAX ARGS...`, stderr to $T/err, sets rc
    "$SKIDX" index -t "$TAX" "$@" 2>"$T/err" >"$T/out"
    rc=$?
}
no_tmp() { # name dir: no temp file left next to the output
    local left
    left=$(find "$2" -maxdepth 1 \( -name '*.tmp.*' -o -name '.skidx-*' \) | head -1)
    if [ -z "$left" ]; then ok "$1"; else bad "$1: left $left"; fi
}

# ---- shards -----------------------------------------------------------------
S=$F/shards
cp "$S/good.jsonl" "$T/good.jsonl"
printf 'precious' >"$T/keep.skidx"
for shard in truncated bitflip trailing; do
    idx "$S/$shard.jsonl.zst" -o "$T/keep.skidx"
    check "$shard: exit code" 1 "$rc"
    has "$shard: message names the shard and byte" "$T/err" "'$S/$shard.jsonl.zst' at byte "
    has "$shard: says no index written" "$T/err" "no index written"
    check "$shard: existing output untouched" precious "$(cat "$T/keep.skidx")"
    no_tmp "$shard: no temp file" "$T"
    idx "$S/good.jsonl" "$S/$shard.jsonl.zst" -o "$T/new.skidx"
    check "$shard with a good shard: exit code" 1 "$rc"
    absent "$shard with a good shard: no index" "$T/new.skidx"
done
# the offsets: the cut, and the first byte after the last complete frame
idx "$S/truncated.jsonl.zst" -o "$T/x.skidx"
has "truncated: offset is the file size" "$T/err" "at byte $(stat -c %s "$S/truncated.jsonl.zst"): truncated zstd frame"
idx "$S/trailing.jsonl.zst" -o "$T/x.skidx"
has "trailing garbage: offset is the end of the last frame" "$T/err" "at byte $(($(stat -c %s "$S/trailing.jsonl.zst") - 25)): cannot decompress"

# --keep-going: the good shard is indexed, the lost one recorded with the
# records read before the fault (frame 1 holds 10 records)
for shard in truncated bitflip trailing; do
    idx --keep-going "$S/good.jsonl" "$S/$shard.jsonl.zst" -o "$T/kg.skidx"
    check "$shard --keep-going: exit code" 1 "$rc"
    has "$shard --keep-going: reports the lost shard" "$T/err" "shard '$S/$shard.jsonl.zst' lost after"
    check "$shard --keep-going: index verifies" 0 "$("$SKIDX" verify "$T/kg.skidx" >/dev/null 2>&1; echo $?)"
    check "$shard --keep-going: shards indexed" 1 "$(json "$T/kg.skidx" "d['shards']")"
    check "$shard --keep-going: shards lost" 1 "$(json "$T/kg.skidx" "d['shards_lost']")"
    check "$shard --keep-going: lost path" "$S/$shard.jsonl.zst" "$(json "$T/kg.skidx" "d['lost'][0]['path']")"
    "$SKIDX" info "$T/kg.skidx" >"$T/info.txt"
    has "$shard --keep-going: info text lists the lost shard" "$T/info.txt" "lost shard    $S/$shard.jsonl.zst"
done
idx --keep-going "$S/good.jsonl" "$S/truncated.jsonl.zst" -o "$T/kg.skidx"
check "truncated --keep-going: 10 records read before the fault" 10 "$(json "$T/kg.skidx" "d['lost'][0]['records']")"
check "truncated --keep-going: those 10 are counted, with the 4 good" 14 "$(json "$T/kg.skidx" "d['postings']")"
idx --keep-going "$S/good.jsonl" "$S/trailing.jsonl.zst" -o "$T/kg.skidx"
check "trailing --keep-going: both frames read before the garbage" 20 "$(json "$T/kg.skidx" "d['lost'][0]['records']")"

# names that lie: zstd is recognised by its magic number
idx "$S/plain_named.jsonl.zst" -o "$T/p.skidx"
check "plain text named .zst: exit code" 0 "$rc"
check "plain text named .zst: read as plain" 3 "$(json "$T/p.skidx" "d['postings']")"
idx "$S/zstd_named.jsonl" -o "$T/z.skidx"
check "zstd named .jsonl: exit code" 0 "$rc"
check "zstd named .jsonl: decompressed" 5 "$(json "$T/z.skidx" "d['postings']")"
check "zstd named .jsonl: nothing skipped" 0 "$(json "$T/z.skidx" "d['skipped']")"

# empty file: a valid, empty shard (a run of it alone counts no posting:
# --allow-empty says that is meant)
idx --allow-empty "$S/empty.jsonl" -o "$T/e.skidx"
check "empty shard: exit code" 0 "$rc"
check "empty shard: counted as a shard" 1 "$(json "$T/e.skidx" "d['shards']")"
check "empty shard: no records" 0 "$(json "$T/e.skidx" "d['records']")"

# missing file, directory without shards: nothing written, exit 1
printf 'precious' >"$T/keep.skidx"
idx "$S/good.jsonl" "$T/missing.jsonl" -o "$T/keep.skidx"
check "missing shard: exit code" 1 "$rc"
has "missing shard: message" "$T/err" "'$T/missing.jsonl': cannot open: No such file or directory"
check "missing shard: existing output untouched" precious "$(cat "$T/keep.skidx")"
idx "$S/no_shard_here" -o "$T/n.skidx"
check "directory without shard: exit code" 1 "$rc"
has "directory without shard: message" "$T/err" "no shard (*.jsonl, *.ndjson, *.csv, *.tsv, plain or with .zst or .gz) in directory '$S/no_shard_here'"
absent "directory without shard: no index" "$T/n.skidx"

# a shard name whose file is gone (dangling link in a corpus directory)
mkdir -p "$T/dangling"
cp "$S/good.jsonl" "$T/dangling/a.jsonl"
ln -s "$T/nowhere.jsonl" "$T/dangling/b.jsonl"
idx "$T/dangling" -o "$T/u.skidx"
check "dangling shard link: exit code" 1 "$rc"
has "dangling shard link: names it" "$T/err" "'$T/dangling': cannot open 'b.jsonl': No such file or directory"
absent "dangling shard link: no index" "$T/u.skidx"

# unreadable shard: without read permission; root ignores permissions, so
# then a shard that opens but cannot be read (a link to /proc/self/mem,
# whose first page is unmapped: read(2) fails with EIO)
mkdir -p "$T/unreadable"
cp "$S/good.jsonl" "$T/unreadable/a.jsonl"
what=""
if [ "$(id -u)" != 0 ]; then
    cp "$S/good.jsonl" "$T/unreadable/b.jsonl"
    chmod 000 "$T/unreadable/b.jsonl"
    what="chmod 000"
elif [ -r /proc/self/mem ]; then
    ln -s /proc/self/mem "$T/unreadable/b.jsonl"
    what="read error"
fi
if [ -n "$what" ]; then
    idx "$T/unreadable" -o "$T/u.skidx"
    check "unreadable shard ($what): exit code" 1 "$rc"
    has "unreadable shard ($what): names the shard" "$T/err" "'$T/unreadable/b.jsonl' at byte 0: cannot"
    absent "unreadable shard ($what): no index" "$T/u.skidx"
    idx --keep-going "$T/unreadable" -o "$T/u.skidx"
    check "unreadable shard ($what) --keep-going: exit code" 1 "$rc"
    check "unreadable shard ($what) --keep-going: the other shard indexed" 4 "$(json "$T/u.skidx" "d['postings']")"
    check "unreadable shard ($what) --keep-going: lost" "$T/unreadable/b.jsonl" "$(json "$T/u.skidx" "d['lost'][0]['path']")"
else
    echo "skip: unreadable shard (root, and no /proc/self/mem)"
fi

# ---- records ----------------------------------------------------------------
R=$F/records
# name cause kind(skipped|repaired) reason postings
while read -r name cause kind postings reason; do
    idx "$R/$name.jsonl" -o "$T/r.skidx"
    check "record $name: exit code" 0 "$rc"
    has "record $name: message" "$T/err" "skidx: $R/$name.jsonl:2: $kind record: $reason"
    check "record $name: counted as $cause" 1 "$(json "$T/r.skidx" "d['causes']['$cause']")"
    check "record $name: one cause only" 1 "$(json "$T/r.skidx" "sum(d['causes'].values())")"
    check "record $name: $kind total" 1 "$(json "$T/r.skidx" "d['$kind']")"
    check "record $name: postings" "$postings" "$(json "$T/r.skidx" "d['postings']")"
    if [ "$kind" = skipped ]; then sum="1 records skipped"; else sum="1 repaired"; fi
    has "record $name: summary" "$T/err" "$sum"
done <<'CASES'
not_json not_json skipped 2 not JSON (byte 1)
unterminated bad_string skipped 2 unterminated string or invalid escape
bad_escape bad_string skipped 2 unterminated string or invalid escape
nul_byte nul_byte skipped 2 NUL byte in the line
not_object not_object skipped 2 not a JSON object
no_text no_text skipped 2 neither title nor description
too_deep too_deep skipped 2 JSON nested too deep
lone_surrogate lone_surrogate repaired 3 lone surrogate replaced by U+FFFD
invalid_utf8 invalid_utf8 repaired 3 invalid UTF-8 replaced by U+FFFD
duplicate_key duplicate_key repaired 3 repeated key, last value kept
nested_object wrong_type repaired 3 field of the wrong type ignored
nested_array wrong_type repaired 3 field of the wrong type ignored
title_number wrong_type repaired 3 field of the wrong type ignored
salary_120k bad_salary repaired 3 unusable salary ignored
CASES
# the repaired ones: what the repair means
idx "$R/duplicate_key.jsonl" -o "$T/r.skidx"
check "duplicate key: the last value wins" 1 \
    "$("$SKIDX" query "$T/r.skidx" --role "Data Scientist" --format csv 2>/dev/null | "$PY" -c 'import csv,sys; print(sum(1 for r in csv.DictReader(sys.stdin) if r["skill"]=="SQL") and 1)')"
idx "$R/salary_120k.jsonl" -o "$T/r.skidx"
check "salary 120k: unsalaried" 0 "$(json "$T/r.skidx" "d['salaried']")"
# accepted as they are: CRLF, no final newline, BOM
for name in crlf no_final_newline bom; do
    idx "$R/$name.jsonl" -o "$T/r.skidx"
    check "$name: exit code" 0 "$rc"
    check "$name: all 3 records counted" 3 "$(json "$T/r.skidx" "d['postings']")"
    check "$name: nothing skipped or repaired" 0 "$(json "$T/r.skidx" "d['skipped'] + d['repaired']")"
    hasnt "$name: no record message" "$T/err" "record:"
done
idx "$R/crlf.jsonl" -o "$T/r.skidx"
check "crlf: skills still found before the CR" 3 \
    "$("$SKIDX" query "$T/r.skidx" --format csv --skill SQL 2>/dev/null | sed -n 2p | cut -d, -f8)"  # skill_postings

# only the first five of a cause are reported, all are counted
for i in $(seq 1 12); do echo "not json $i"; done >"$T/many.jsonl"
idx --allow-empty "$T/many.jsonl" -o "$T/r.skidx"
check "many bad lines: all counted" 12 "$(json "$T/r.skidx" "d['causes']['not_json']")"
check "many bad lines: five reported" 5 "$(grep -c 'skipped record: not JSON' "$T/err")"

# a single 64 MB line: skipped as too long, never loaded
"$PY" - "$T/huge.jsonl" <<'PYEOF'
import sys
with open(sys.argv[1], "wb") as f:
    f.write(b'{"title":"ML Engineer","description":"Python"}\n')
    f.write(b'{"title":"Data Scientist","description":"' + b"SQL " * (16 << 20) + b'"}\n')
    f.write(b'{"title":"Data Scientist","description":"AWS"}\n')
PYEOF
TIME=""
if [ -x /usr/bin/time ]; then TIME="/usr/bin/time -f %M -o $T/rss"; fi
# shellcheck disable=SC2086
$TIME "$SKIDX" index -t "$TAX" "$T/huge.jsonl" -o "$T/h.skidx" 2>"$T/err"
check "64 MB line: exit code" 0 $?
has "64 MB line: message" "$T/err" "skidx: $T/huge.jsonl:2: skipped record: record longer than --max-record-bytes"
check "64 MB line: counted as too_long" 1 "$(json "$T/h.skidx" "d['causes']['too_long']")"
check "64 MB line: the records around it counted" 2 "$(json "$T/h.skidx" "d['postings']")"
check "64 MB line: lines" 3 "$(json "$T/h.skidx" "d['lines']")"
if [ -n "$TIME" ]; then
    rss=$(tail -1 "$T/rss")
    if [ "$rss" -lt 200000 ]; then ok "64 MB line: max RSS ${rss} KB < 200 MB"; else bad "64 MB line: max RSS ${rss} KB"; fi
else
    echo "skip: 64 MB line memory (no /usr/bin/time)"
fi
zstd -q -c "$T/huge.jsonl" >"$T/huge.jsonl.zst" 2>/dev/null && {
    # shellcheck disable=SC2086
    $TIME "$SKIDX" index -q -t "$TAX" "$T/huge.jsonl.zst" -o "$T/h.skidx"
    check "64 MB line in zstd: exit code" 0 $?
    check "64 MB line in zstd: counted as too_long" 1 "$(json "$T/h.skidx" "d['causes']['too_long']")"
    if [ -n "$TIME" ]; then
        rss=$(tail -1 "$T/rss")
        if [ "$rss" -lt 200000 ]; then ok "64 MB line in zstd: max RSS ${rss} KB"; else bad "64 MB line in zstd: max RSS ${rss} KB"; fi
    fi
}
rm -f "$T/huge.jsonl" "$T/huge.jsonl.zst"

# a million empty lines: not records, not skipped
"$PY" -c "import sys; sys.stdout.write('\n' * 1000000 + '{\"title\":\"ML Engineer\",\"description\":\"Python\"}\n')" >"$T/blank.jsonl"
idx "$T/blank.jsonl" -o "$T/b.skidx"
check "million empty lines: exit code" 0 "$rc"
check "million empty lines: lines" 1000001 "$(json "$T/b.skidx" "d['lines']")"
check "million empty lines: records" 1 "$(json "$T/b.skidx" "d['records']")"
check "million empty lines: postings" 1 "$(json "$T/b.skidx" "d['postings']")"
check "million empty lines: nothing skipped" 0 "$(json "$T/b.skidx" "d['skipped']")"
rm -f "$T/blank.jsonl"

# ---- taxonomy files ---------------------------------------------------------
X=$F/taxonomy
while IFS='|' read -r name file line text; do
    printf 'precious' >"$T/keep.skidx"
    "$SKIDX" index -t "$X/$name" "$S/good.jsonl" -o "$T/t.skidx" 2>"$T/err"
    check "taxonomy $name: exit code" 1 $?
    has "taxonomy $name: names file and line" "$T/err" "skidx: invalid taxonomy: '$X/$name/$file':$line: "
    has "taxonomy $name: says what" "$T/err" "$text"
    absent "taxonomy $name: no index" "$T/t.skidx"
    "$SKIDX" index -t "$X/$name" "$S/good.jsonl" -o "$T/keep.skidx" 2>/dev/null
    check "taxonomy $name: existing output untouched" precious "$(cat "$T/keep.skidx")"
done <<'CASES'
bad_regex|skills.tsv|14|bad regex '/rust(lang/'
empty_alias|skills.tsv|14|empty alias
duplicate_skill|skills.tsv|14|duplicate skill 'Python'
duplicate_alias|skills.tsv|14|alias 'python' of skill 'Snake' is also an alias of 'Python' (line 5)
missing_column|skills.tsv|14|missing column
non_utf8|skills.tsv|14|invalid UTF-8
long_bad_regex|skills.tsv|14|...tlang|rustlang|rustlang|rustlang|rustlang|rustlang|rust lang/': Missing close parenthesis
long_bad_regex_utf8|skills.tsv|14|数据分析|...分析|数据分析|数据分析|数据分析|机器学习/': Missing close parenthesis
long_duplicate_alias|skills.tsv|15|' of skill 'Longer' is also an alias of 'Long' (line 14)
roles_bad_regex|roles.tsv|9|bad regex '/research(er/'
CASES
"$SKIDX" index -t "$X/long_bad_regex_utf8" "$S/good.jsonl" -o "$T/t.skidx" 2>"$T/err"
if "$PY" -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$T/err" 2>/dev/null; then
    ok "taxonomy long_bad_regex_utf8: the message is valid UTF-8"
else
    bad "taxonomy long_bad_regex_utf8: the message is not valid UTF-8: $(head -c 600 "$T/err")"
fi
"$SKIDX" index -t "$T/no_such_taxonomy" "$S/good.jsonl" -o "$T/t.skidx" 2>"$T/err"
check "missing taxonomy: exit code" 1 $?
has "missing taxonomy: names the file" "$T/err" "$T/no_such_taxonomy/skills.tsv"

# ---- index files --------------------------------------------------------------
"$SKIDX" index -q -t "$TAX" "$SRC/tests/e2e/corpus" -o "$T/good.skidx"
check "good index: verify" 0 "$("$SKIDX" verify "$T/good.skidx" >/dev/null 2>&1; echo $?)"
"$PY" "$F/corrupt_index.py" "$T/good.skidx" "$T/ci"
REHASH=""
if ${CC:-cc} -O1 -I"$SRC/src" -o "$T/rehash" "$F/rehash.c" 2>"$T/cc.err"; then
    REHASH=$T/rehash
else
    echo "skip: cases needing recomputed checksums (no C compiler: $(head -1 "$T/cc.err"))"
fi
n_cases=0
while IFS=$'\t' read -r name rehash expect; do
    f=$T/ci/$name.skidx
    if [ "$rehash" = 1 ]; then
        [ -n "$REHASH" ] || continue
        "$REHASH" "$f" || { bad "index $name: rehash failed"; continue; }
    fi
    n_cases=$((n_cases + 1))
    # damage inside the posting segments is found when a query first uses
    # them (verify checks them all): info and cube queries never read them;
    # --list reads every part of a segment it lists from
    case $name in
        flip_segments|flip_cell_column|flip_bitmap|segment_rows_disagree|segment_entries_huge|posting_*|entry_*|bitmap_*) lazy=1 ;;
        *) lazy=0 ;;
    esac
    for cmd in verify info query where; do
        if [ $cmd = where ]; then
            "$SKIDX" query "$f" --where 'Python OR NOT Python' --list >"$T/out" 2>"$T/err"
        else
            "$SKIDX" $cmd "$f" >"$T/out" 2>"$T/err"
        fi
        rc=$?
        if [ $lazy = 1 ] && { [ $cmd = info ] || [ $cmd = query ]; }; then
            if [ $rc = 0 ] && [ -s "$T/out" ]; then ok "index $name: $cmd answers (segments unread)"
            else bad "index $name: $cmd: exit $rc on a damaged segment it need not read: $(head -c 300 "$T/err")"; fi
            continue
        fi
        if [ $rc = 1 ] && grep -qF -- "'$f'" "$T/err" && grep -qF -- "$expect" "$T/err"; then
            ok "index $name: $cmd rejects it"
        else
            bad "index $name: $cmd: exit $rc, expected 1 and '$expect': $(head -c 300 "$T/err")"
        fi
        if [ $cmd != verify ] && [ -s "$T/out" ]; then bad "index $name: $cmd printed results"; fi
    done
done <"$T/ci/cases.tsv"
if [ "$n_cases" -ge 40 ]; then ok "index: $n_cases damaged files tried"; else bad "index: only $n_cases cases"; fi
# format version 3: a query reads and checks only the parts of a segment
# it uses (docs/FORMAT.md, SEGMENTS): one damaged byte of the Cell column
# is seen by a role filter, not by a skill count; one of Python's bitmaps
# by a query naming Python, not by one naming SQL; each answer is either
# the right number or exit 1 with the segment and part named
good_py=$("$SKIDX" query "$T/good.skidx" --where Python --count)
good_sql=$("$SKIDX" query "$T/good.skidx" --where SQL --count)
role=$("$SKIDX" query "$T/good.skidx" --where Python --by role --format csv | sed -n 2p | cut -d, -f2)
for q in "cell_column|Python||$good_py|0" \
         "cell_column|Python|role||1|segment 0: column Cell: checksum mismatch" \
         "bitmap|SQL||$good_sql|0" \
         "bitmap|Python|||1|segment 0: bitmaps of skill 'Python' (id 0): checksum mismatch"; do
    IFS='|' read -r what expr by_role want wrc msg <<<"$q"
    if [ -n "$by_role" ]; then
        out=$("$SKIDX" query "$T/ci/flip_$what.skidx" --where "$expr" --role "$role" --count 2>"$T/err")
    else
        out=$("$SKIDX" query "$T/ci/flip_$what.skidx" --where "$expr" --count 2>"$T/err")
    fi
    rc=$?
    check "flip_$what, --where $expr ${by_role:+--role}: exit code" "$wrc" "$rc"
    check "flip_$what, --where $expr ${by_role:+--role}: output" "$want" "$out"
    [ -z "$msg" ] || has "flip_$what, --where $expr ${by_role:+--role}: message" "$T/err" "$msg"
done
[ -n "$good_py" ] && [ "$good_py" != 0 ] && [ -n "$role" ] ||
    bad "the lazy-part cases need Python postings and a role ('$good_py', '$role')"
# indexes of versions 2 and 3 (tests/fixtures/index_v2.skidx: skidx
# before format 3, index_v3.skidx: before format 4, each indexed
# tests/e2e/corpus from tests/e2e) are still read: verified, queried alike
# (their --list has an empty country column), merged into the very bytes
# of a version-4 index of the same corpus; a country query on them says
# that they have no country column and how to get one; a damaged byte of
# the version-2 SEGMENTS is its section's checksum
V2=$F/index_v2.skidx
abs_skidx=$(cd "$(dirname "$SKIDX")" && pwd)/$(basename "$SKIDX")
(cd "$SRC/tests/e2e" && "$abs_skidx" index -q -t taxonomy corpus -o "$T/v4.skidx")
# the --list of a version-4 index without its countries
nocty() { "$PY" -c 'import csv,sys
r = list(csv.reader(sys.stdin)); i = r[0].index("country")
w = csv.writer(sys.stdout, lineterminator="\n")
for x in r: w.writerow(x[:i] + ([x[i]] if x is r[0] else [""]) + x[i + 1:])'; }
for v in 2 3; do
    OLD=$F/index_v$v.skidx
    check "version $v: verify" 0 "$("$SKIDX" verify "$OLD" >/dev/null 2>&1; echo $?)"
    check "version $v: the reader's format" "$v" "$("$PY" "$SRC/scripts/skidx_read.py" --verify "$OLD" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["format_version"])')"
    for args in "--where Python --count" "--where SQL --by role --format csv"; do
        # shellcheck disable=SC2086
        check "version $v: query $args" "$("$SKIDX" query "$T/v4.skidx" $args 2>&1)" "$("$SKIDX" query "$OLD" $args 2>&1)"
    done
    check "version $v: query --where Python --list (no country)" \
        "$("$SKIDX" query "$T/v4.skidx" --where Python --list --format csv | nocty)" \
        "$("$SKIDX" query "$OLD" --where Python --list --format csv | nocty)"
    for args in "--country US --count" "--where Python --by country"; do
        # shellcheck disable=SC2086
        "$SKIDX" query "$OLD" $args >"$T/out" 2>"$T/err"
        check "version $v: query $args: exit code" 1 $?
        has "version $v: query $args: message" "$T/err" "format version $v, which has no country column: re-index the corpus"
        [ -s "$T/out" ] && bad "version $v: query $args printed results"
    done
    "$SKIDX" merge "$OLD" -o "$T/v${v}m.skidx" >/dev/null 2>&1 && cmp -s "$T/v${v}m.skidx" "$T/v4.skidx" &&
        ok "version $v: merged into version 4, the bytes of indexing the corpus" ||
        bad "version $v: merge differs from a version-4 index of the corpus"
done
"$PY" - "$V2" "$T/v2flip.skidx" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
for i in range(struct.unpack_from("<I", d, 16)[0]):
    sid, _, off, size, _ = struct.unpack_from("<IIQQQ", d, 64 + 32 * i)
    if sid == 22:
        d[off + size // 2] ^= 0x10
open(sys.argv[2], "wb").write(d)
PY
"$SKIDX" query "$T/v2flip.skidx" --where Python --count >"$T/out" 2>"$T/err"
check "version 2: damaged segment: exit code" 1 $?
has "version 2: damaged segment: message" "$T/err" "section 22: checksum mismatch"
# merge refuses them too, and writes nothing
"$SKIDX" merge "$T/good.skidx" "$T/ci/flip_cells.skidx" -o "$T/m.skidx" 2>"$T/err"
check "merge with a damaged index: exit code" 1 $?
absent "merge with a damaged index: nothing written" "$T/m.skidx"
# not an index at all, and a missing one
"$SKIDX" info "$S/good.jsonl" >/dev/null 2>"$T/err"
check "info on a JSON file: exit code" 1 $?
has "info on a JSON file: message" "$T/err" "wrong magic number"
"$SKIDX" query "$T/nope.skidx" >/dev/null 2>"$T/err"
check "query on a missing file: exit code" 1 $?
has "query on a missing file: message" "$T/err" "'$T/nope.skidx'"
exit $fail
