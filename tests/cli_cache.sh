#!/usr/bin/env bash
# The compiled-taxonomy cache (README "The compiled-taxonomy cache"):
# results are byte-identical cold, warm and with the cache off; a cache
# file that is truncated, bit-flipped, of another version or key, empty or
# not a file changes nothing and is silently rewritten; an unusable cache
# directory is not an error; the directory follows SKIDX_CACHE_DIR,
# XDG_CACHE_HOME and HOME; concurrent runs leave one whole file; a
# Hyperscan database spoilt (behind a forged checksum or not) is named
# and removed by the first run that scans it, which compiles the
# taxonomy and goes on with the same results.
# usage: cli_cache.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
check() { # name expected actual
    if [ "$2" != "$3" ]; then bad "$1: expected '$2', got '$3'"; else ok "$1"; fi
}
unset SKIDX_CACHE XDG_CACHE_HOME
export SKIDX_CACHE_DIR=$T/cache
CORPUS=$SRC/corpora/sample
# SKIDX_TEST_QUICK=1 (the sanitizer builds, where one compile of the
# default taxonomy takes seconds and this test makes about thirty): the
# runs below that use the default taxonomy take a slice of it instead, one
# skill in 25 and a few with regexes, negatives and unspaced literals, with
# its roles and sections, so that the cache file still holds every kind of
# part; the release run keeps the default taxonomy itself (no -t).
TX=() TAXDIR=$SRC/taxonomy
if [ "${SKIDX_TEST_QUICK:-0}" = 1 ]; then
    TAXDIR=$T/slice
    cp -r "$SRC/taxonomy" "$TAXDIR"
    LC_ALL=C awk -F'\t' '/^#|^@|^$/ { print; next } { n++ }
        n % 25 == 0 { print; next }
        /\t=?\// && r < 4 { r++; print; next }
        /\t!/ && g < 4 { g++; print; next }
        /[\200-\377]/ && u < 3 { u++; print }' \
        "$SRC/taxonomy/skills.tsv" > "$TAXDIR/skills.tsv"
    TX=(-t "$TAXDIR")
fi
ONE=$T/one.jsonl
"$SKIDX" match "${TX[@]}" --no-cache "$CORPUS/part-00000.jsonl.zst" > "$T/ref.match" ||
    bad "match --no-cache"
zstdcat "$CORPUS/part-00000.jsonl.zst" | head -n 20 > "$ONE"
"$SKIDX" match "${TX[@]}" --no-cache "$ONE" > "$T/one.ref" || bad "match one --no-cache"
[ -e "$T/cache" ] && bad "--no-cache created the cache directory"

# cold, warm, off: the same index and the same explanations
"$SKIDX" index "${TX[@]}" -q "$CORPUS" -o "$T/cold.skidx"; check "index cold: exit" 0 $?
n=$(ls "$T/cache" | grep -c '^taxonomy-[0-9a-f]\{32\}\.skc$')
check "index cold: one cache file" 1 "$n"
F=$(ls "$T"/cache/taxonomy-*.skc)
msg=$(SKIDX_CACHE=verbose "$SKIDX" index "${TX[@]}" -q "$CORPUS" -o "$T/warm.skidx" 2>&1)
check "index warm: exit" 0 $?
case $msg in *"cache: loaded"*) ok "index warm: loaded from the cache" ;;
    *) bad "index warm: not loaded from the cache: $msg" ;; esac
SKIDX_CACHE=off "$SKIDX" index "${TX[@]}" -q "$CORPUS" -o "$T/off.skidx"; check "index off: exit" 0 $?
"$SKIDX" index "${TX[@]}" -q --no-cache "$CORPUS" -o "$T/nocache.skidx"; check "index --no-cache: exit" 0 $?
cmp -s "$T/cold.skidx" "$T/warm.skidx" && ok "cold = warm index" || bad "cold and warm indexes differ"
cmp -s "$T/cold.skidx" "$T/off.skidx" && ok "cold = off index" || bad "cold and off indexes differ"
cmp -s "$T/cold.skidx" "$T/nocache.skidx" && ok "cold = --no-cache index" || bad "--no-cache index differs"
"$SKIDX" match "${TX[@]}" "$CORPUS/part-00000.jsonl.zst" > "$T/warm.match"
cmp -s "$T/ref.match" "$T/warm.match" && ok "match warm = off" || bad "match warm differs from off"
msg=$(SKIDX_CACHE=off SKIDX_CACHE_DIR=$T/none "$SKIDX" match "${TX[@]}" "$ONE" 2>&1 >/dev/null)
check "SKIDX_CACHE=off: silent" "" "$msg"
[ -e "$T/none" ] && bad "SKIDX_CACHE=off created a cache directory" || ok "SKIDX_CACHE=off writes nothing"

# hostile cache files: each run gives the reference output, exit 0, says
# nothing, and leaves a cache file that the next run loads
size=$(stat -c %s "$F")
cp "$F" "$T/good.skc"
hostile() { # name, then a command that spoils "$F" (REWRITE=0: cannot be)
    local name=$1; shift
    cp "$T/good.skc" "$F"; "$@"
    local err out
    out=$("$SKIDX" match "${TX[@]}" "$ONE" 2>"$T/err"); local rc=$?
    check "$name: exit" 0 $rc
    [ "$out" = "$(cat "$T/one.ref")" ] && ok "$name: same output" || bad "$name: output differs"
    check "$name: no message" "" "$(cat "$T/err")"
    [ "${REWRITE:-1}" = 0 ] && return
    msg=$(SKIDX_CACHE=verbose "$SKIDX" match "${TX[@]}" "$ONE" 2>&1 >/dev/null)
    case $msg in *"cache: loaded"*) ok "$name: rewritten" ;;
        *) bad "$name: not rewritten: $msg" ;; esac
}
flip() { # flip one bit at byte $1 of "$F"
    printf "$(printf '\\%03o' $(( $(od -An -tu1 -j"$1" -N1 "$F") ^ 4 )))" |
        dd of="$F" bs=1 seek="$1" conv=notrunc status=none
}
hostile "empty file" truncate -s 0 "$F"
hostile "header only" truncate -s 64 "$F"
hostile "truncated by one byte" truncate -s $((size - 1)) "$F"
hostile "truncated to half" truncate -s $((size / 2)) "$F"
hostile "one byte more" sh -c "printf x >> '$F'"
hostile "bit flip in the magic" flip 0
hostile "another version" flip 8
hostile "another key" flip 20
hostile "bit flip in the taxonomy hash" flip 33
hostile "bit flip in the checksum" flip 50
hostile "bit flip at the payload start" flip 64
hostile "bit flip in the middle" flip $((size / 2))
hostile "bit flip in the last byte" flip $((size - 1))
hostile "garbage" sh -c "head -c $size /dev/urandom > '$F'"
# a directory in its place cannot be replaced: compiled every time, quietly
REWRITE=0 hostile "a directory" sh -c "rm -f '$F' && mkdir '$F'"
rm -rf "$F"

# an unusable cache directory is not an error, and not a message
: > "$T/file"
for d in "$T/file/sub" "/proc/self/skidx-cache"; do
    out=$(SKIDX_CACHE_DIR=$d "$SKIDX" match "${TX[@]}" "$ONE" 2>"$T/err"); rc=$?
    check "cache dir $d: exit" 0 $rc
    [ "$out" = "$(cat "$T/one.ref")" ] && ok "cache dir $d: same output" || bad "cache dir $d: output differs"
    check "cache dir $d: no message" "" "$(cat "$T/err")"
done
msg=$(SKIDX_CACHE=verbose SKIDX_CACHE_DIR=$T/file/sub "$SKIDX" match "${TX[@]}" "$ONE" 2>&1 >/dev/null)
case $msg in *"cannot create"*) ok "verbose names the cache directory fault" ;;
    *) bad "verbose says nothing of the fault: $msg" ;; esac

# where the cache lives
(unset SKIDX_CACHE_DIR; XDG_CACHE_HOME=$T/xdg "$SKIDX" match "${TX[@]}" "$ONE" >/dev/null)
ls "$T"/xdg/skidx/taxonomy-*.skc >/dev/null 2>&1 && ok "XDG_CACHE_HOME/skidx" || bad "no cache in XDG_CACHE_HOME/skidx"
(unset SKIDX_CACHE_DIR XDG_CACHE_HOME; HOME=$T/home "$SKIDX" match "${TX[@]}" "$ONE" >/dev/null)
ls "$T"/home/.cache/skidx/taxonomy-*.skc >/dev/null 2>&1 && ok "~/.cache/skidx" || bad "no cache in ~/.cache/skidx"

# another taxonomy has its own file; an edited taxonomy is never served
# the old compiled form
cp -r "$TAXDIR" "$T/tax"
"$SKIDX" match -t "$T/tax" "$ONE" > /dev/null
n=$(ls "$T/cache" | grep -c '\.skc$')
check "a copy of the taxonomy shares its file" 1 "$n"
printf 'Zyzzyva tool\tSoftware Engineering\tzyzzyva\n' >> "$T/tax/skills.tsv"
printf '{"id":"z","title":"Engineer","description":"We use zyzzyva daily."}\n' > "$T/z.jsonl"
out=$("$SKIDX" match -t "$T/tax" "$T/z.jsonl")
case $out in *'"Zyzzyva tool"'*) ok "edited taxonomy: new skill found" ;;
    *) bad "edited taxonomy: stale compiled form used: $out" ;; esac
n=$(ls "$T/cache" | grep -c '\.skc$')
check "edited taxonomy: its own file" 2 "$n"
"$SKIDX" index -q -t "$SRC/tests/e2e/taxonomy" "$SRC/tests/e2e/corpus" -o "$T/e1.skidx"
"$SKIDX" index -q -t "$SRC/tests/e2e/taxonomy" "$SRC/tests/e2e/corpus" -o "$T/e2.skidx"
SKIDX_CACHE=off "$SKIDX" index -q -t "$SRC/tests/e2e/taxonomy" "$SRC/tests/e2e/corpus" -o "$T/e3.skidx"
cmp -s "$T/e1.skidx" "$T/e2.skidx" && cmp -s "$T/e1.skidx" "$T/e3.skidx" &&
    ok "e2e taxonomy: cold = warm = off" || bad "e2e taxonomy: indexes differ"

# a taxonomy with an empty alias set (no level-field rules) is cached too
cp -r "$SRC/tests/e2e/taxonomy" "$T/nolf"
grep -v '^level-field' "$SRC/tests/e2e/taxonomy/roles.tsv" > "$T/nolf/roles.tsv"
"$SKIDX" match -t "$T/nolf" "$ONE" > "$T/nolf.cold"
msg=$(SKIDX_CACHE=verbose "$SKIDX" match -t "$T/nolf" "$ONE" 2>&1 > "$T/nolf.warm")
case $msg in *"cache: loaded"*) ok "no level-field rules: loaded from the cache" ;;
    *) bad "no level-field rules: not loaded from the cache: $msg" ;; esac
SKIDX_CACHE=off "$SKIDX" match -t "$T/nolf" "$ONE" > "$T/nolf.off"
cmp -s "$T/nolf.cold" "$T/nolf.warm" && cmp -s "$T/nolf.cold" "$T/nolf.off" &&
    ok "no level-field rules: cold = warm = off" || bad "no level-field rules: outputs differ"

# A Hyperscan database is rebuilt from the cache file when first scanned,
# not at load. One spoilt behind a forged checksum (a byte of its bytecode
# flipped: only Hyperscan's CRC sees it) or without (its own checksum
# sees it) is found by the `match` that first needs it, which names and
# removes the file, compiles the taxonomy (writing the file again) and
# goes on with the same output; a run that scans nothing (an empty corpus)
# needs none of it; `skidx index` of a corpus rebuilds every database at
# load, so it refuses such a file there (removed, the taxonomy compiled,
# the same index); the next run compiles again.
cp -r "$SRC/tests/e2e/taxonomy" "$T/rx"
printf 'Phone\tData\t/[0-9]{3}-[0-9]{4}/\n' >> "$T/rx/skills.tsv"
printf '{"id":"p","title":"Engineer","description":"Call 555-1234 about SQL."}\n' > "$T/p.jsonl"
SKIDX_CACHE=off "$SKIDX" match -t "$T/rx" "$T/p.jsonl" > "$T/rx.ref"
case $(cat "$T/rx.ref") in *'"Phone"'*) ok "regex taxonomy: the regex matches" ;;
    *) bad "regex taxonomy: no regex hit: $(cat "$T/rx.ref")" ;; esac
for FORGE in 0 1; do
sp="spoilt database$([ $FORGE = 1 ] && echo ', forged')"
rm -rf "$T/cache"
"$SKIDX" match -t "$T/rx" "$T/p.jsonl" > /dev/null
RX=$(ls "$T"/cache/taxonomy-*.skc)
python3 - "$RX" "$SRC/scripts" "$FORGE" <<'EOF'
import sys
sys.path.insert(0, sys.argv[2])
import skidx_read
d = bytearray(open(sys.argv[1], "rb").read())
orig = bytes(d)
le = lambda a: int.from_bytes(d[a:a + 8], "little")
xxh = lambda b: skidx_read.xxh3_64(bytes(b), skidx_read.SEED)
magic = b"\xdb\xdb\xdb\xdb"
part, tables = 128 + le(48), 128 + le(64)
at = tables  # the third part, the databases: the first at its start
assert d[at:at + 4] == magic
d[at + 200] ^= 0x10  # in its bytecode
if sys.argv[3] == "1":
    # its record in the tables (docs/FORMAT.md): offset 0, length, XXH3-64
    for i in range(part, tables - 24):
        n = le(i + 8)
        if le(i) == 0 and 0 < n <= len(d) - at and \
                (at + n == len(d) or orig[at + n:at + n + 4] == magic) and \
                le(i + 16) == xxh(orig[at:at + n]):
            d[i + 16:i + 24] = xxh(d[at:at + n]).to_bytes(8, "little")
            break
    else:
        sys.exit("no record of the first database")
    # the tables' checksum, payload bytes [T, M), then the header's, which
    # covers it: bytes [0, 120) and the taxonomy
    d[56:64] = xxh(d[part:tables]).to_bytes(8, "little")
    d[120:128] = xxh(d[:120] + d[128:part]).to_bytes(8, "little")
open(sys.argv[1], "wb").write(d)
EOF
[ -d "$T/empty" ] || { mkdir "$T/empty" && : > "$T/empty/a.jsonl"; }
msg=$(SKIDX_CACHE=verbose "$SKIDX" index -q -t "$T/rx" --allow-empty "$T/empty" -o "$T/rx0.skidx" 2>&1)
check "$sp, empty corpus: exit" 0 $?
case $msg in *"cache: loaded"*) ok "$sp, empty corpus: loaded, none rebuilt" ;;
    *) bad "$sp, empty corpus: not loaded: $msg" ;; esac
cp "$RX" "$T/rx.skc"
# two postings, the second repeated: the first scan finds the database
# damaged; the output must be the compiled taxonomy's, every line
cat "$T/p.jsonl" "$T/p.jsonl" > "$T/p2.jsonl"
SKIDX_CACHE=off "$SKIDX" match -t "$T/rx" "$T/p2.jsonl" > "$T/rx2.ref"
"$SKIDX" match -t "$T/rx" "$T/p2.jsonl" > "$T/rx2.out" 2> "$T/err"
check "$sp: match: exit" 0 $?
grep -q "damaged compiled-taxonomy cache '$RX'.*(removed: the taxonomy is compiled instead)" "$T/err" &&
    ok "$sp: match names the file" || bad "$sp: match message: $(cat "$T/err")"
cmp -s "$T/rx2.ref" "$T/rx2.out" && ok "$sp: match: the compiled taxonomy's output" ||
    bad "$sp: match: output differs from the compiled taxonomy's"
[ -e "$RX" ] && cmp -s "$RX" "$T/rx.skc" && bad "$sp: file not removed" ||
    ok "$sp: damaged file gone"
msg=$(SKIDX_CACHE=verbose "$SKIDX" match -t "$T/rx" "$T/p.jsonl" 2>&1 >/dev/null)
case $msg in *"cache: loaded"*) ok "$sp: match wrote it again" ;;
    *) bad "$sp: match did not write it again: $msg" ;; esac
cp "$T/rx.skc" "$RX"
msg=$(SKIDX_CACHE=verbose "$SKIDX" index -q -t "$T/rx" "$T/p.jsonl" -o "$T/rx1.skidx" 2>&1)
check "$sp: index: exit" 0 $?
case $msg in *"cache: ignored '$RX': a Hyperscan database in it does not load"*)
    ok "$sp: index: file refused at load" ;;
    *) bad "$sp: index: file not refused: $msg" ;; esac
SKIDX_CACHE=off "$SKIDX" index -q -t "$T/rx" "$T/p.jsonl" -o "$T/rx1.ref"
cmp -s "$T/rx1.ref" "$T/rx1.skidx" && ok "$sp: index: the compiled taxonomy's index" ||
    bad "$sp: index: differs from the compiled taxonomy's"
"$SKIDX" match -t "$T/rx" "$T/p.jsonl" > "$T/rx.again"; check "$sp: next run: exit" 0 $?
cmp -s "$T/rx.ref" "$T/rx.again" && ok "$sp: next run: same output" || bad "$sp: next run: output differs"
msg=$(SKIDX_CACHE=verbose "$SKIDX" match -t "$T/rx" "$T/p.jsonl" 2>&1 >/dev/null)
case $msg in *"cache: loaded"*) ok "$sp: rewritten" ;;
    *) bad "$sp: not rewritten: $msg" ;; esac
done

# An empty corpus scans no text: its run reads only the cache file's first
# part (header and taxonomy), never the matchers', so a damaged matchers'
# part changes nothing there, while a run that scans refuses the file; a
# damaged first part is refused by both. The index is the one the cache
# off writes, every time, for a directory of empty shards or one given
# itself; without --allow-empty both still fail as before.
cp -r "$SRC/tests/e2e/taxonomy" "$T/et"
mkdir "$T/e0" && : > "$T/e0/a.jsonl" && : > "$T/e0/b.csv"
SKIDX_CACHE=off "$SKIDX" index -q -t "$T/et" --allow-empty "$T/e0" -o "$T/e0.ref"
check "empty corpus, cache off: exit" 0 $?
SKIDX_CACHE=off "$SKIDX" index -q -t "$T/et" --allow-empty "$T/e0/a.jsonl" -o "$T/e1.ref"
check "empty shard, cache off: exit" 0 $?
SKIDX_CACHE=off "$SKIDX" match -t "$T/et" "$ONE" > "$T/et.ref"
rm -rf "$T/cache"
"$SKIDX" match -t "$T/et" "$ONE" > /dev/null
EF=$(ls "$T"/cache/taxonomy-*.skc)
empty_run() { # name: the empty corpus and the empty shard, warm
    msg=$(SKIDX_CACHE=verbose "$SKIDX" index -q -t "$T/et" --allow-empty "$T/e0" -o "$T/e0.out" 2>&1)
    check "$1: exit" 0 $?
    cmp -s "$T/e0.ref" "$T/e0.out" && ok "$1: the same index" || bad "$1: the index differs"
    "$SKIDX" index -q -t "$T/et" --allow-empty "$T/e0/a.jsonl" -o "$T/e1.out"
    check "$1: one empty shard: exit" 0 $?
    cmp -s "$T/e1.ref" "$T/e1.out" && ok "$1: one empty shard: the same index" ||
        bad "$1: one empty shard: the index differs"
}
empty_run "empty corpus"
case $msg in *"cache: loaded"*"(the taxonomy, no matchers)"*) ok "empty corpus: the first part alone" ;;
    *) bad "empty corpus: not the first part alone: $msg" ;; esac
python3 - "$EF" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[-8] ^= 0x01  # in the matchers' part, checksum not forged
open(sys.argv[1], "wb").write(d)
EOF
empty_run "spoilt matchers, empty corpus"
case $msg in *"(the taxonomy, no matchers)"*) ok "spoilt matchers, empty corpus: not read" ;;
    *) bad "spoilt matchers, empty corpus: $msg" ;; esac
msg=$(SKIDX_CACHE=verbose "$SKIDX" match -t "$T/et" "$ONE" 2>&1 > "$T/et.out")
check "spoilt matchers, match: exit" 0 $?
case $msg in *"cache: ignored"*) ok "spoilt matchers, match: file refused" ;;
    *) bad "spoilt matchers, match: file not refused: $msg" ;; esac
cmp -s "$T/et.ref" "$T/et.out" && ok "spoilt matchers, match: same output" ||
    bad "spoilt matchers, match: output differs"
python3 - "$EF" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[200] ^= 0x01  # in the first part (the taxonomy), checksum not forged
open(sys.argv[1], "wb").write(d)
EOF
empty_run "spoilt first part, empty corpus"
case $msg in *"cache: ignored"*) ok "spoilt first part, empty corpus: file refused" ;;
    *) bad "spoilt first part, empty corpus: file not refused: $msg" ;; esac
"$SKIDX" index -q -t "$T/et" "$T/e0" -o "$T/e2.out" 2> "$T/err"
check "empty corpus without --allow-empty: exit" 1 $?
grep -q "no index written" "$T/err" && [ ! -e "$T/e2.out" ] &&
    ok "empty corpus without --allow-empty: no index" ||
    bad "empty corpus without --allow-empty: $(cat "$T/err")"
mkdir "$T/e3"
"$SKIDX" index -q -t "$T/et" --allow-empty "$T/e3" -o "$T/e3.out" 2> "$T/err"
check "no shard: exit" 1 $?
grep -q "no shard" "$T/err" && ok "no shard: message" || bad "no shard: $(cat "$T/err")"

# concurrent cold runs: all right, one whole file, no temporary left
rm -rf "$T/cache"
for i in 1 2 3 4; do "$SKIDX" match "${TX[@]}" "$ONE" > "$T/c$i.out" 2>"$T/c$i.err" & done
wait
for i in 1 2 3 4; do
    cmp -s "$T/c$i.out" "$T/one.ref" && [ ! -s "$T/c$i.err" ] ||
        bad "concurrent run $i: output or message"
done
check "concurrent: one cache file" 1 "$(ls -A "$T/cache" | wc -l)"
msg=$(SKIDX_CACHE=verbose "$SKIDX" match "${TX[@]}" "$ONE" 2>&1 >/dev/null)
case $msg in *"cache: loaded"*) ok "concurrent: the file loads" ;;
    *) bad "concurrent: the file does not load: $msg" ;; esac

# Hyperscan databases stored as they lie in memory (cache format 6): two
# cold writes of one taxonomy hold the same databases part, byte for byte
# (no heap bytes left in a database's padding; the tables part differs by
# the compile time it records)
SKIDX_CACHE_DIR=$T/cache2 "$SKIDX" match "${TX[@]}" "$ONE" > "$T/cache2.out"
check "second cold write: exit" 0 $?
cmp -s "$T/cache2.out" "$T/one.ref" || bad "second cold write: output"
python3 - "$(ls "$T"/cache/taxonomy-*.skc)" "$(ls "$T"/cache2/taxonomy-*.skc)" <<'PY'
import sys
a, b = (open(f, "rb").read() for f in sys.argv[1:3])
le = lambda d, o: int.from_bytes(d[o:o + 8], "little")
m = 128 + le(a, 64)
assert len(a) == len(b) and m == 128 + le(b, 64) and m < len(a), "layout"
assert a[m:m + 4] == b"\xdb\xdb\xdb\xdb", "no database at the third part"
assert a[m:] == b[m:], "the databases part differs between two cold writes"
PY
[ $? = 0 ] && ok "two cold writes: the same databases part" ||
    bad "two cold writes: the databases part differs"
exit $fail
