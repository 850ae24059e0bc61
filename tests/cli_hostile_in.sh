#!/usr/bin/env bash
# Hostile input (issue 13, the input side; README "When input is bad"):
# raw control characters in strings, compressed data skidx does not read,
# empty runs, shards that change while read, several lost shards, FIFOs and
# devices as shards, signals while a read blocks, taxonomy lines with a
# trailing TAB or a BOM, and an index rewritten under its readers. Each case
# checks the exit code, the message and what was or was not written. Every
# wait is bounded by `timeout`, so a hang is a failure, not a stuck test.
# usage: cli_hostile_in.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
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
json() { # json FILE EXPR: a Python expression on `skidx info -f json FILE`
    "$SKIDX" info -f json "$1" | "$PY" -c \
        "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$2"
}
idx() { # `skidx index -t TAX ARGS...` bounded in time; stderr to $T/err
    timeout -k 5 60 "$SKIDX" index -t "$TAX" "$@" 2>"$T/err" >"$T/out"
    rc=$?
}
no_tmp() { # name dir: no temp file left next to the output
    local left
    left=$(find "$2" -maxdepth 1 -name '*.tmp*' | head -1)
    if [ -z "$left" ]; then ok "$1"; else bad "$1: left $left"; fi
}
# blocked_on_fifo PID: wait (30 s at most) until PID or one of its children
# has a thread waiting in open(2) for a FIFO's writer
blocked_on_fifo() {
    local i c
    for i in $(seq 1 300); do
        for c in "$1" $(pgrep -P "$1"); do
            cat /proc/"$c"/task/*/wchan 2>/dev/null | grep -q wait_for_partner && return 0
        done
        sleep 0.1
    done
    return 1
}
rec() { # rec I: one good record
    printf '{"id":"h%s","title":"ML Engineer","description":"Python and SQL, team %s"}\n' "$1" "$1"
}

# ---- 20: a raw control character in a string has its own cause -------------
{ rec 1; printf '{"title":"ML Engineer\001","description":"Python"}\n'; rec 3; } >"$T/ctl.jsonl"
idx "$T/ctl.jsonl" -o "$T/ctl.skidx"
check "control char: exit code" 0 "$rc"
has "control char: message" "$T/err" "ctl.jsonl:2: skipped record: control character in a string (byte 22)"
check "control char: counted as control_char" 1 "$(json "$T/ctl.skidx" "d['causes']['control_char']")"
check "control char: not as bad_string" 0 "$(json "$T/ctl.skidx" "d['causes']['bad_string']")"
check "control char: a skip" 1 "$(json "$T/ctl.skidx" "d['skipped']")"
for simd in scalar avx2 best; do
    SKIDX_SIMD=$simd idx "$T/ctl.jsonl" -o "$T/ctl-$simd.skidx"
    cmp -s "$T/ctl.skidx" "$T/ctl-$simd.skidx" && ok "control char: SKIDX_SIMD=$simd same index" \
        || bad "control char: SKIDX_SIMD=$simd gives another index"
done

# ---- 19: taxonomy lines with a trailing TAB or a BOM after line 1 ------------
# 15: a FIFO (or another non-regular file) as skills.tsv/roles.tsv is refused
# at once, never waited on
rec 1 >"$T/one.jsonl"
taxo() { # taxo NAME SKILLS_LINE: the e2e taxonomy with one line appended
    mkdir -p "$T/tax-$1"
    { cat "$TAX/skills.tsv"; printf '%b' "$2"; } >"$T/tax-$1/skills.tsv"
    cp "$TAX/roles.tsv" "$T/tax-$1/roles.tsv"
}
taxo tab 'Rust\tLanguages\trust\trustlang\t\n'
taxo bom '\xef\xbb\xbfRust\tLanguages\trust\n'
n=$(($(wc -l <"$TAX/skills.tsv") + 1))
for name in tab bom; do
    timeout -k 5 60 "$SKIDX" index -t "$T/tax-$name" "$T/one.jsonl" -o "$T/tax.skidx" 2>"$T/err"
    check "taxonomy $name: exit code" 1 "$?"
    has "taxonomy $name: names file and line" "$T/err" "'$T/tax-$name/skills.tsv':$n:"
    absent "taxonomy $name: no index" "$T/tax.skidx"
done
timeout -k 5 60 "$SKIDX" index -t "$T/tax-tab" "$T/one.jsonl" -o "$T/tax.skidx" 2>"$T/err"
has "taxonomy tab: says trailing TAB" "$T/err" "trailing TAB"
mkdir -p "$T/tax-rtab"; cp "$TAX/skills.tsv" "$T/tax-rtab/"
{ cat "$TAX/roles.tsv"; printf 'role\tRustacean\t5\trust developer\t\n'; } >"$T/tax-rtab/roles.tsv"
timeout -k 5 60 "$SKIDX" index -t "$T/tax-rtab" "$T/one.jsonl" -o "$T/tax.skidx" 2>"$T/err"
check "roles trailing TAB: exit code" 1 "$?"
has "roles trailing TAB: names file and line" "$T/err" "'$T/tax-rtab/roles.tsv':$(($(wc -l <"$TAX/roles.tsv") + 1)):"
for which in ${SKIP_FIFO_TAX:-skills roles}; do
    mkdir -p "$T/tax-fifo-$which"
    cp "$TAX/skills.tsv" "$TAX/roles.tsv" "$T/tax-fifo-$which/"
    rm "$T/tax-fifo-$which/$which.tsv"; mkfifo "$T/tax-fifo-$which/$which.tsv"
    timeout -k 5 30 "$SKIDX" index -t "$T/tax-fifo-$which" "$T/one.jsonl" -o "$T/tax.skidx" 2>"$T/err"
    check "FIFO as $which.tsv: exit code (124 is a hang)" 1 "$?"
    has "FIFO as $which.tsv: refused" "$T/err" "not a regular file (a FIFO)"
    timeout -k 5 30 "$SKIDX" info --taxonomy "$T/tax-fifo-$which" >/dev/null 2>"$T/err"
    check "FIFO as $which.tsv, info --taxonomy: exit code" 1 "$?"
done

# ---- 8: other compressions are recognised by magic number, whatever the name
{ rec 1; rec 2; } >"$T/two.jsonl"
gzip -c "$T/two.jsonl" >"$T/gz.jsonl.zst"
bzip2 -c "$T/two.jsonl" >"$T/bz.jsonl"
xz -c "$T/two.jsonl" >"$T/xz.ndjson"
for f in bz.jsonl:bzip2 xz.ndjson:xz; do
    name=${f%%:*} kind=${f#*:}
    printf 'precious' >"$T/keep.skidx"
    idx "$T/$name" -o "$T/keep.skidx"
    check "$kind as '$name': exit code" 1 "$rc"
    has "$kind as '$name': message names the shard" "$T/err" "'$T/$name': $kind data is not supported"
    check "$kind as '$name': existing output untouched" precious "$(cat "$T/keep.skidx")"
done
# gzip is read, whatever the name (the magic number decides)
idx "$T/gz.jsonl.zst" -o "$T/gz.skidx"
check "gzip as 'gz.jsonl.zst': exit code" 0 "$rc"
check "gzip as 'gz.jsonl.zst': 2 postings" 2 "$(json "$T/gz.skidx" "d['postings']")"
# --keep-going: lost, like any shard that can't be read, with the good one kept
idx --keep-going "$T/two.jsonl" "$T/bz.jsonl" -o "$T/kg.skidx"
check "bzip2 --keep-going: exit code" 1 "$rc"
check "bzip2 --keep-going: 2 postings from the good shard" 2 "$(json "$T/kg.skidx" "d['postings']")"
check "bzip2 --keep-going: lost" "$T/bz.jsonl" "$(json "$T/kg.skidx" "d['lost'][0]['path']")"
# a 0-byte *.gz is a truncated member, as `gzip -t` says
: >"$T/empty.jsonl.gz"
idx "$T/two.jsonl" "$T/empty.jsonl.gz" -o "$T/e.skidx"
check "0-byte .gz: exit code" 1 "$rc"
has "0-byte .gz: truncated" "$T/err" "'$T/empty.jsonl.gz' at byte 0: truncated gzip member"
absent "0-byte .gz: no index" "$T/e.skidx"
# a 0-byte *.zst or *.zstd is a truncated frame, as `zstd -t` says
: >"$T/empty.jsonl.zst"; : >"$T/empty.jsonl.zstd"
for name in empty.jsonl.zst empty.jsonl.zstd; do
    idx "$T/two.jsonl" "$T/$name" -o "$T/e.skidx"
    check "0-byte $name: exit code" 1 "$rc"
    has "0-byte $name: truncated" "$T/err" "'$T/$name' at byte 0: truncated zstd frame"
    absent "0-byte $name: no index" "$T/e.skidx"
done

# ---- 9: a run or a shard that counts no posting is an error -----------------
printf 'id,title,description\n1,ML Engineer,Python\n' >"$T/csv.jsonl"
idx "$T/csv.jsonl" -o "$T/e.skidx"
check "CSV as JSON Lines: exit code" 1 "$rc"
has "CSV as JSON Lines: names shard and cause" "$T/err" "'$T/csv.jsonl': no posting counted: 2 records, 2 skipped (main cause: not JSON, 2 records)"
has "CSV as JSON Lines: says --allow-empty" "$T/err" "--allow-empty"
absent "CSV as JSON Lines: no index" "$T/e.skidx"
idx --field title=job_title --field description=text "$T/two.jsonl" -o "$T/e.skidx"
check "wrong --field: exit code" 1 "$rc"
has "wrong --field: names the cause" "$T/err" "main cause: neither title nor description"
# one shard of several: all its records skipped
idx "$T/two.jsonl" "$T/csv.jsonl" -o "$T/e.skidx"
check "one all-skipped shard of two: exit code" 1 "$rc"
has "one all-skipped shard of two: names it" "$T/err" "'$T/csv.jsonl': no posting counted"
absent "one all-skipped shard of two: no index" "$T/e.skidx"
# the same shard twice: the second counts nothing
idx "$T/two.jsonl" "$T/two.jsonl" -o "$T/e.skidx"
check "a shard given twice: exit code" 1 "$rc"
has "a shard given twice: duplicates" "$T/err" "2 records, all duplicates of earlier postings"
# an empty shard beside a good one is fine; alone, it is an empty run
: >"$T/zero.jsonl"
idx "$T/two.jsonl" "$T/zero.jsonl" -o "$T/e.skidx"
check "an empty shard beside a good one: exit code" 0 "$rc"
rm -f "$T/e.skidx"
idx "$T/zero.jsonl" -o "$T/e.skidx"
check "an empty run: exit code" 1 "$rc"
has "an empty run: says so" "$T/err" "'$T/zero.jsonl': no posting counted: no record in it"
absent "an empty run: no index" "$T/e.skidx"
# with --keep-going, a lost shard is still reported beside the empty one
idx --keep-going "$T/two.jsonl" "$T/csv.jsonl" "$T/bz.jsonl" -o "$T/e.skidx"
check "lost and all-skipped shards: exit code" 1 "$rc"
has "lost and all-skipped shards: the lost one" "$T/err" "lost a shard: '$T/bz.jsonl'"
has "lost and all-skipped shards: the empty one" "$T/err" "'$T/csv.jsonl': no posting counted"
absent "lost and all-skipped shards: no index" "$T/e.skidx"
# --allow-empty: written, exit 0, the causes counted
idx --allow-empty "$T/csv.jsonl" -o "$T/e.skidx"
check "--allow-empty: exit code" 0 "$rc"
check "--allow-empty: 0 postings" 0 "$(json "$T/e.skidx" "d['postings']")"
check "--allow-empty: 2 not JSON" 2 "$(json "$T/e.skidx" "d['causes']['not_json']")"

# ---- 10: a plain shard that changes while read --------------------------------
# Made deterministic with one thread: shard 1 is a FIFO, so the reader waits
# in open(2) until this script writes to it; meanwhile shard 2, already
# listed, is cut (then grown). Then its size is not the listed one.
for change in cut grow; do
    for i in $(seq 1 50); do rec "$i"; done >"$T/big.jsonl"
    size=$(stat -c %s "$T/big.jsonl")
    rm -f "$T/fifo"; mkfifo "$T/fifo"
    timeout -k 5 60 "$SKIDX" index -q -t "$TAX" --threads 1 "$T/fifo" "$T/big.jsonl" -o "$T/chg.skidx" 2>"$T/err" &
    pid=$!
    blocked_on_fifo $pid || bad "shard $change while read: skidx never opened the FIFO"
    if [ $change = cut ]; then truncate -s 1000 "$T/big.jsonl"; now=1000
    else rec 51 >>"$T/big.jsonl"; now=$(stat -c %s "$T/big.jsonl"); fi
    rec 0 >"$T/fifo"
    wait $pid; rc=$?
    check "shard $change while read: exit code" 1 "$rc"
    has "shard $change while read: message" "$T/err" "'$T/big.jsonl': file changed while reading (size $size when listed, $now at open)"
    absent "shard $change while read: no index" "$T/chg.skidx"
done
# and with --keep-going the shard is recorded as lost
for i in $(seq 1 50); do rec "$i"; done >"$T/big.jsonl"
rm -f "$T/fifo"; mkfifo "$T/fifo"
timeout -k 5 60 "$SKIDX" index -q -t "$TAX" --threads 1 --keep-going "$T/fifo" "$T/big.jsonl" -o "$T/chg.skidx" 2>"$T/err" &
pid=$!
blocked_on_fifo $pid || bad "shard cut, --keep-going: skidx never opened the FIFO"
truncate -s 1000 "$T/big.jsonl"; rec 0 >"$T/fifo"
wait $pid; rc=$?
check "shard cut, --keep-going: exit code" 1 "$rc"
check "shard cut, --keep-going: lost" "$T/big.jsonl" "$(json "$T/chg.skidx" "d['lost'][0]['path']")"

# ---- 11: --keep-going reports every lost shard with its own cause and byte --
S=$F/shards
idx --keep-going "$S/good.jsonl" "$S/truncated.jsonl.zst" "$T/bz.jsonl" "$S/trailing.jsonl.zst" -o "$T/kg.skidx"
check "three lost shards: exit code" 1 "$rc"
has "three lost: the truncated one" "$T/err" "lost a shard: '$S/truncated.jsonl.zst' at byte $(stat -c %s "$S/truncated.jsonl.zst"): truncated zstd frame"
has "three lost: the bzip2 one" "$T/err" "lost a shard: '$T/bz.jsonl': bzip2 data is not supported"
has "three lost: the trailing one" "$T/err" "lost a shard: '$S/trailing.jsonl.zst' at byte $(($(stat -c %s "$S/trailing.jsonl.zst") - 25)): cannot decompress"
check "three lost: each listed" 3 "$(json "$T/kg.skidx" "len(d['lost'])")"
"$SKIDX" info "$T/kg.skidx" >"$T/info.txt"
check "three lost: info lists each" 3 "$(grep -c '^lost shard ' "$T/info.txt")"
check "three lost: the index keeps each fault" \
    "truncated zstd frame|bzip2 data is not supported|cannot decompress: Unknown frame descriptor" \
    "$(json "$T/kg.skidx" "'|'.join(l['fault'] for l in d['lost'])")"
check "three lost: and each byte" \
    "$(stat -c %s "$S/truncated.jsonl.zst")|None|$(($(stat -c %s "$S/trailing.jsonl.zst") - 25))" \
    "$(json "$T/kg.skidx" "'|'.join(str(l['byte']) for l in d['lost'])")"
has "three lost: info text shows the fault" "$T/info.txt" "lost shard    $T/bz.jsonl (after 0 records): bzip2 data is not supported"
"$SKIDX" export -t lost "$T/kg.skidx" >"$T/lost.csv"
has "three lost: export shows byte and fault" "$T/lost.csv" "$S/truncated.jsonl.zst,10,$(stat -c %s "$S/truncated.jsonl.zst"),truncated zstd frame"
"$PY" "$SRC/scripts/skidx_read.py" "$T/kg.skidx" >"$T/py.json"
check "three lost: the Python reader agrees" "$(json "$T/kg.skidx" "[(l['fault'], l['byte']) for l in d['lost']]")" \
    "$("$PY" -c "import json,sys; print([(l['fault'], l['byte']) for l in json.load(open(sys.argv[1]))['lost']])" "$T/py.json")"
"$SKIDX" merge "$T/kg.skidx" "$T/kg.skidx" -o "$T/kg2.skidx" 2>"$T/err"
check "three lost, merged twice: six faults kept" 6 "$(json "$T/kg2.skidx" "sum(1 for l in d['lost'] if l['fault'])")"

# ---- 15: a FIFO as a shard is opened once and read as a stream --------------
rm -f "$T/fifo"; mkfifo "$T/fifo"
timeout -k 5 60 "$SKIDX" index -q -t "$TAX" "$T/fifo" -o "$T/fifo.skidx" 2>"$T/err" &
pid=$!
# the writer: if skidx opened the FIFO twice, the first reader's close
# would kill it with SIGPIPE, or the index would count nothing
timeout -k 5 60 bash -c 'for i in $(seq 1 300); do printf "{\"title\":\"ML Engineer\",\"description\":\"Python, team %s\"}\n" "$i"; done >"$1"' _ "$T/fifo"
wrc=$?
wait $pid; rc=$?
check "FIFO shard: the writer was not killed" 0 "$wrc"
check "FIFO shard: exit code" 0 "$rc"
check "FIFO shard: 300 postings" 300 "$(json "$T/fifo.skidx" "d['postings']")"
# as /dev/stdin from a pipe, and zstd through a pipe
{ for i in $(seq 1 20); do rec "$i"; done; } | zstd -q -c | timeout -k 5 60 "$SKIDX" index -q -t "$TAX" /dev/stdin -o "$T/pipe.skidx" 2>"$T/err"
check "zstd through a pipe: exit code" 0 "$?"
check "zstd through a pipe: 20 postings" 20 "$(json "$T/pipe.skidx" "d['postings']")"
# a device is refused at once, before anything is read
idx /dev/zero -o "$T/dev.skidx"
check "/dev/zero as a shard: exit code" 1 "$rc"
has "/dev/zero as a shard: refused" "$T/err" "'/dev/zero': not a regular file or a FIFO (a device)"

# ---- 13: readers of an index rewritten in place never die of a signal -------
# `cp` truncates the live file, then writes it: a reader that maps the file
# would get SIGBUS past the new end. Two indexes of different sizes take
# turns; every reader run must exit 0 or 1 (1 with a clear message).
"$SKIDX" index -q "$SRC/corpora/sample" -o "$T/big.skidx" 2>/dev/null ||
    bad "rewrite: cannot index the sample"
idx "$T/two.jsonl" -o "$T/small.skidx"
cp "$T/big.skidx" "$T/live.skidx"
(
    end=$((SECONDS + 120))
    while [ $SECONDS -lt $end ] && [ ! -e "$T/stop" ]; do
        cp "$T/small.skidx" "$T/live.skidx"; cp "$T/big.skidx" "$T/live.skidx"
    done
) &
cpid=$!
signalled=0 runs=0 changed=0 other=""
for i in $(seq 1 ${SKIDX_REWRITE_ROUNDS:-40}); do
    for cmd in "verify" "info" "query" "report" "export -f json"; do
        timeout -k 5 60 "$SKIDX" $cmd "$T/live.skidx" >/dev/null 2>"$T/rerr"
        r=$?
        runs=$((runs + 1))
        if [ $r -ge 124 ]; then
            signalled=$((signalled + 1))
            other="$cmd: exit $r"
        elif [ $r != 0 ]; then
            if grep -qF "'$T/live.skidx'" "$T/rerr"; then
                changed=$((changed + 1))
            else
                other="$cmd: exit $r: $(head -c 300 "$T/rerr")"
            fi
        fi
    done
done
touch "$T/stop"; wait $cpid
check "rewrite in place: no reader killed by a signal in $runs runs ($changed saw the change)" 0 "$signalled"
check "rewrite in place: every failure says why" "" "$other"

# ---- 15: a FIFO or device as an index is refused, never waited on ----------
rm -f "$T/fifo"; mkfifo "$T/fifo"
for cmd in verify info query report; do
    timeout -k 5 30 "$SKIDX" $cmd "$T/fifo" >/dev/null 2>"$T/err"
    check "FIFO as the index of $cmd: exit code (124 is a hang)" 1 "$?"
    has "FIFO as the index of $cmd: refused" "$T/err" "not a regular file (a FIFO)"
done
timeout -k 5 30 "$SKIDX" info /dev/zero >/dev/null 2>"$T/err"
check "/dev/zero as an index: exit code" 1 "$?"
has "/dev/zero as an index: refused" "$T/err" "not a regular file (a device)"

# ---- 14: SIGINT/SIGTERM while a read blocks: exit 130 at once, no file ------
# stop_case NAME SIG: skidx runs in the background as $pid on $T/fifo; send
# SIG once it is blocked, and check it ends within 3 s (on a loaded machine;
# it takes milliseconds) with exit 130, leaving nothing at the output path.
stop_case() {
    local t0 ms
    t0=$(date +%s%N)
    kill -"$2" "$pid"
    for i in $(seq 1 100); do # 10 s at most, then it is a hang
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && { bad "$1, SIG$2: still running after 10 s"; kill -KILL "$pid"; }
    wait "$pid"; rc=$?
    ms=$((($(date +%s%N) - t0) / 1000000))
    check "$1, SIG$2: exit code" 130 "$rc"
    if [ "$ms" -le 3000 ]; then ok "$1, SIG$2: stopped in $ms ms"; else bad "$1, SIG$2: took $ms ms"; fi
    has "$1, SIG$2: says so" "$T/err" "interrupted: no index written"
    absent "$1, SIG$2: no output" "$T/sig.skidx"
    no_tmp "$1, SIG$2: no temp file" "$T"
}
for sig in INT TERM; do
    # a FIFO without a writer: blocked in open(2)
    rm -f "$T/fifo"; mkfifo "$T/fifo"
    "$SKIDX" index -q -t "$TAX" --threads 2 "$T/two.jsonl" "$T/fifo" -o "$T/sig.skidx" 2>"$T/err" &
    pid=$!
    blocked_on_fifo $pid || bad "FIFO without a writer: skidx never opened it"
    stop_case "FIFO without a writer" $sig
    # a stalled pipe: some records, then nothing (blocked in read(2)); the
    # writer execs sleep, so its pid is the one to end
    for how in fifo stdin-zstd; do
        rm -f "$T/fifo"; mkfifo "$T/fifo"
        if [ $how = fifo ]; then
            { rec 1; rec 2; exec sleep 60; } >"$T/fifo" &
            wpid=$!
            "$SKIDX" index -q -t "$TAX" --threads 2 "$T/fifo" -o "$T/sig.skidx" 2>"$T/err" &
            pid=$!
        else
            { printf '%s\n' "$(rec 1)" | zstd -q -c; exec sleep 60; } >"$T/fifo" &
            wpid=$!
            "$SKIDX" index -q -t "$TAX" --threads 2 /dev/stdin -o "$T/sig.skidx" <"$T/fifo" 2>"$T/err" &
            pid=$!
        fi
        for i in $(seq 1 300); do # until skidx has read the records and waits
            grep -q "^rchar:.*[1-9]" /proc/$pid/io 2>/dev/null &&
                cat /proc/$pid/task/*/wchan 2>/dev/null | grep -q pipe_read && break
            sleep 0.1
        done
        stop_case "a stalled pipe ($how)" $sig
        kill $wpid 2>/dev/null; wait $wpid 2>/dev/null
    done
done

exit $fail
