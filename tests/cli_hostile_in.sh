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
for which in skills roles; do
    mkdir -p "$T/tax-fifo-$which"
    cp "$TAX/skills.tsv" "$TAX/roles.tsv" "$T/tax-fifo-$which/"
    rm "$T/tax-fifo-$which/$which.tsv"; mkfifo "$T/tax-fifo-$which/$which.tsv"
    timeout -k 5 30 "$SKIDX" index -t "$T/tax-fifo-$which" "$T/one.jsonl" -o "$T/tax.skidx" 2>"$T/err"
    check "FIFO as $which.tsv: exit code (124 is a hang)" 1 "$?"
    has "FIFO as $which.tsv: refused" "$T/err" "not a regular file (a FIFO)"
    timeout -k 5 30 "$SKIDX" info --taxonomy "$T/tax-fifo-$which" >/dev/null 2>"$T/err"
    check "FIFO as $which.tsv, info --taxonomy: exit code" 1 "$?"
done

exit $fail
