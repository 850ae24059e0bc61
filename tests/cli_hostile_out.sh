#!/usr/bin/env bash
# Hostile outputs (README "When input is bad", issue 13): an output that is
# an input or not a regular file, modes, atomic reports and exports, merge
# under signals, write errors on standard output, the index format's
# limits, strict numbers, bounded HTML charts, out of memory, long names.
# usage: cli_hostile_out.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
T=$(mktemp -d); trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
TAX=$SRC/tests/e2e/taxonomy
CORPUS=$SRC/tests/e2e/corpus
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
check() { # name expected actual
    if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected '$2', got '$3'"; fi
}
has() { # name file text
    if grep -qF -- "$3" "$2"; then ok "$1"; else bad "$1: no '$3' in: $(head -c 600 "$2")"; fi
}
hasnt() { # name file text
    if grep -qF -- "$3" "$2"; then bad "$1: unexpected '$3' in: $(head -c 600 "$2")"; else ok "$1"; fi
}
no_tmp() { # name dir: no temporary left in it
    local left
    left=$(find "$2" -maxdepth 1 \( -name '.skidx-*' -o -name '*.tmp.*' \) | head -1)
    if [ -z "$left" ]; then ok "$1"; else bad "$1: left $left"; fi
}
mode() { stat -c %a "$1"; }
run() { # run skidx with a time limit; stderr to $T/err; sets rc
    timeout 60 "$SKIDX" "$@" 2>"$T/err" >"$T/out"
    rc=$?
}

"$SKIDX" index -q -t "$TAX" "$CORPUS" -o "$T/a.skidx" || bad "index the corpus"
cp "$T/a.skidx" "$T/b.skidx"; cp "$T/a.skidx" "$T/pristine.skidx"
fresh() { cp "$T/pristine.skidx" "$T/a.skidx"; cp "$T/pristine.skidx" "$T/b.skidx"; }

# ---- 1. an output that is an input -------------------------------------------
cp "$CORPUS/a.jsonl" "$T/shard.jsonl"
cp "$T/shard.jsonl" "$T/shard.orig"
run index -q -t "$TAX" "$T/shard.jsonl" -o "$T/shard.jsonl"
check "index X -o X: exit code" 2 "$rc"
has "index X -o X: message" "$T/err" "it is also an input"
check "index X -o X: shard intact" "" "$(cmp "$T/shard.jsonl" "$T/shard.orig" 2>&1)"
ln "$T/shard.jsonl" "$T/hardlink.skidx"
run index -q -t "$TAX" "$T/shard.jsonl" -o "$T/hardlink.skidx"
check "index -o a hard link of the shard: exit code" 2 "$rc"
check "index -o a hard link: shard intact" "" "$(cmp "$T/shard.jsonl" "$T/shard.orig" 2>&1)"
mkdir "$T/dir"; cp "$T/shard.jsonl" "$T/dir/s.jsonl"
run index -q -t "$TAX" "$T/dir" -o "$T/dir/s.jsonl"
check "index DIR -o DIR/shard: exit code" 2 "$rc"
check "index DIR -o DIR/shard: intact" "" "$(cmp "$T/dir/s.jsonl" "$T/shard.orig" 2>&1)"
cp -r "$TAX" "$T/tax"; cp "$T/tax/skills.tsv" "$T/skills.orig"
run index -q -t "$T/tax" "$T/shard.jsonl" -o "$T/tax/skills.tsv"
check "index -o the taxonomy's skills.tsv: exit code" 2 "$rc"
check "skills.tsv intact" "" "$(cmp "$T/tax/skills.tsv" "$T/skills.orig" 2>&1)"
run merge "$T/a.skidx" "$T/b.skidx" -o "$T/a.skidx"
check "merge A B -o A: exit code" 2 "$rc"
has "merge A B -o A: message" "$T/err" "it is also an input"
check "merge A B -o A: A intact" "" "$(cmp "$T/a.skidx" "$T/b.skidx" 2>&1)"
run report "$T/a.skidx" -o "$T/a.skidx"
check "report IDX -o IDX: exit code" 2 "$rc"
check "report IDX -o IDX: index intact" "" "$(cmp "$T/a.skidx" "$T/b.skidx" 2>&1)"
run export "$T/a.skidx" -f json -o "$T/a.skidx"
check "export IDX -o IDX: exit code" 2 "$rc"
check "export IDX -o IDX: index intact" "" "$(cmp "$T/a.skidx" "$T/b.skidx" 2>&1)"

# ---- 2. an output that is not a regular file ------------------------------------
fresh
mkfifo "$T/fifo"
mknod "$T/null" c 1 3 2>/dev/null || cp -a /dev/null "$T/null" 2>/dev/null
for cmd in index merge report export; do
    for node in fifo null; do
        [ -e "$T/$node" ] || continue
        case $cmd in
        index) run index -q -t "$TAX" "$CORPUS" -o "$T/$node" ;;
        merge) run merge "$T/a.skidx" "$T/b.skidx" -o "$T/$node" ;;
        report) run report "$T/a.skidx" -o "$T/$node" ;;
        export) run export "$T/a.skidx" -f json -o "$T/$node" ;;
        esac
        check "$cmd -o $node: exit code" 2 "$rc"
        has "$cmd -o $node: message" "$T/err" "only a regular file is replaced"
    done
    if [ -p "$T/fifo" ]; then ok "$cmd: the FIFO is still a FIFO"; else bad "$cmd: the FIFO was replaced"; fi
    if [ ! -e "$T/null" ] || [ -c "$T/null" ]; then ok "$cmd: the device is still a device"; else bad "$cmd: the device was replaced"; fi
done
run index -q -t "$TAX" "$CORPUS" -o "$T/dir"
check "index -o DIR: exit code" 2 "$rc"
run export "$T/a.skidx" -o "$T/b.skidx"
check "CSV export -o FILE (not a directory): exit code" 2 "$rc"

# ---- 3. modes -----------------------------------------------------------------------
fresh
(umask 077; "$SKIDX" index -q -t "$TAX" "$CORPUS" -o "$T/m077.skidx")
check "index under umask 077: mode" 600 "$(mode "$T/m077.skidx")"
(umask 022; "$SKIDX" index -q -t "$TAX" "$CORPUS" -o "$T/m022.skidx")
check "index under umask 022: mode" 644 "$(mode "$T/m022.skidx")"
cp "$T/a.skidx" "$T/m600.skidx"; chmod 600 "$T/m600.skidx"
(umask 022; "$SKIDX" index -q -t "$TAX" "$CORPUS" -o "$T/m600.skidx")
check "index replacing a 0600 index keeps 0600" 600 "$(mode "$T/m600.skidx")"
cp "$T/a.skidx" "$T/m640.skidx"; chmod 640 "$T/m640.skidx"
(umask 077; "$SKIDX" merge "$T/a.skidx" "$T/b.skidx" -o "$T/m640.skidx")
check "merge replacing a 0640 index keeps 0640" 640 "$(mode "$T/m640.skidx")"
(umask 077; "$SKIDX" report "$T/a.skidx" -o "$T/r077.md")
check "report under umask 077: mode" 600 "$(mode "$T/r077.md")"
echo old >"$T/r640.md"; chmod 640 "$T/r640.md"
"$SKIDX" report "$T/a.skidx" -o "$T/r640.md"
check "report replacing a 0640 file keeps 0640" 640 "$(mode "$T/r640.md")"
(umask 077; "$SKIDX" export "$T/a.skidx" -o "$T/x077")
check "export directory under umask 077: mode" 700 "$(mode "$T/x077")"
check "export file under umask 077: mode" 600 "$(mode "$T/x077/cells.csv")"

# ---- 4. atomic reports and exports ---------------------------------------------
fresh
# a write error (a file size limit, SIGXFSZ ignored, as a full disk would)
printf 'precious' >"$T/keep.md"
(ulimit -f 1; trap '' XFSZ; exec "$SKIDX" report "$T/a.skidx" -f html -o "$T/keep.md") 2>"$T/err"
check "report on a write error: exit code" 1 "$?"
check "report on a write error: old report intact" precious "$(cat "$T/keep.md")"
no_tmp "report on a write error: no temporary" "$T"
printf 'precious' >"$T/keep.json"
(ulimit -f 1; trap '' XFSZ; exec "$SKIDX" export "$T/a.skidx" -f json -o "$T/keep.json") 2>"$T/err"
check "JSON export on a write error: exit code" 1 "$?"
check "JSON export on a write error: old file intact" precious "$(cat "$T/keep.json")"
no_tmp "JSON export on a write error: no temporary" "$T"
# the sample with the default taxonomy: tables of up to 100 KB
"$SKIDX" index -q -t "$SRC/taxonomy" "$SRC/corpora/sample" -o "$T/s.skidx" || bad "index the sample"
"$SKIDX" export "$T/s.skidx" -o "$T/xdir" || bad "CSV export"
cp -r "$T/xdir" "$T/xdir.orig"
printf 'x\n' >>"$T/xdir/meta.csv"; cp "$T/xdir/meta.csv" "$T/meta.changed"
(ulimit -f 8; trap '' XFSZ; exec "$SKIDX" export "$T/s.skidx" -o "$T/xdir") 2>"$T/err"
check "CSV export on a write error: exit code" 1 "$?"
check "CSV export on a write error: old directory intact" "" "$(cmp "$T/xdir/meta.csv" "$T/meta.changed" 2>&1)"
check "CSV export on a write error: same files" "$(ls "$T/xdir.orig" | xargs)" "$(ls "$T/xdir" | xargs)"
no_tmp "CSV export on a write error: no temporary" "$T"
"$SKIDX" export "$T/s.skidx" -o "$T/xdir" 2>"$T/err"
check "CSV export over an old export: exit code" 0 "$?"
check "CSV export over an old export: replaced" "" "$(diff -r "$T/xdir" "$T/xdir.orig" 2>&1)"
no_tmp "CSV export over an old export: no temporary" "$T"
touch "$T/xdir/notes.txt"
run export "$T/a.skidx" -o "$T/xdir"
check "CSV export over a directory with other files: exit code" 2 "$rc"
has "CSV export over a directory with other files: message" "$T/err" "notes.txt"
[ -e "$T/xdir/notes.txt" ] && ok "the user's file is kept" || bad "the user's file was removed"
run export "$T/a.skidx" -o "$T/no/such/dir"
check "export -o a/b/c without a/b: exit code" 2 "$rc"
has "export -o a/b/c without a/b: message" "$T/err" "/no/such' does not exist (no parent directory is created)"
touch "$T/afile"
run export "$T/a.skidx" -o "$T/afile/x"
check "export -o FILE/x: exit code" 2 "$rc"
has "export -o FILE/x: message" "$T/err" "afile' is not a directory (no parent directory is created)"
[ -e "$T/no" ] && bad "export created parents" || ok "export created no parent"

# ---- 5. merge under SIGINT/SIGTERM -------------------------------------------------
fresh
# enough inputs that a merge lasts long enough to be interrupted (indexes
# are read, not mapped, so 300 small ones took only about 15 ms)
ins=(); for i in $(seq 3000); do ins+=("$T/a.skidx"); done
mkdir "$T/sig"; got130=0
# handlers_ready PID: wait (2 s at most) until skidx catches SIGTERM. The
# process must have become skidx first: before its exec it is a fork of
# this script's bash, which catches SIGTERM itself (to run the EXIT trap),
# so its SigCgt alone would let a signal in before skidx has a handler
# (that was the rare "exit 143"). The name and the caught signals come
# from one read of status, and SIGCHLD (0x10000) must not be caught:
# exec names the process skidx before it drops bash's handlers, so a
# name read apart, or bash's mask under skidx's name, let a signal in
# before skidx had its handler (exit 143 under AddressSanitizer, whose
# start-up widens that window).
handlers_ready() {
    local i st mask
    for i in $(seq 200); do
        st=$(cat "/proc/$1/status" 2>/dev/null)
        mask=$(awk '/^SigCgt:/ {print $2}' <<<"$st")
        [ "$(awk '/^Name:/ {print $2}' <<<"$st")" = skidx ] && [ -n "$mask" ] &&
            (( (0x$mask & 0x14000) == 0x4000 )) && return 0
        sleep 0.01
    done
    return 1
}
for d in 0 0.01 0.02 0.05 0.1 0.2 0 0.01 0.02 0.05 0.1 0.2; do
    for s in TERM INT; do
        rm -f "$T/sig/out.skidx"
        "$SKIDX" merge "${ins[@]}" -o "$T/sig/out.skidx" 2>/dev/null &
        pid=$!
        # not ready within 2 s (a loaded machine): the run may already be
        # over, or still starting; either way a signal now proves nothing
        if ! handlers_ready "$pid"; then wait "$pid"; continue; fi
        sleep "$d"; kill -s "$s" "$pid" 2>/dev/null
        wait "$pid"; r=$?
        if [ "$r" = 130 ]; then got130=1; elif [ "$r" != 0 ]; then bad "merge SIG$s after ${d}s: exit $r"; fi
        no_tmp "merge SIG$s after ${d}s: no temporary" "$T/sig"
        # a signal that lands after the rename finds the output complete
        if [ -e "$T/sig/out.skidx" ] && ! "$SKIDX" verify "$T/sig/out.skidx" >/dev/null 2>&1; then
            bad "merge SIG$s after ${d}s: an incomplete output"
        fi
        # and exit 130 says "no index written": never with an output there
        if [ "$r" = 130 ] && [ -e "$T/sig/out.skidx" ]; then
            bad "merge SIG$s after ${d}s: exit 130 but the index was written"
        fi
    done
done
check "merge interrupted exits 130" 1 "$got130"

# ---- 6. write errors on standard output ---------------------------------------------
fresh
printf '{"title":"ML Engineer","description":"PyTorch and Python"}\n' >"$T/one.jsonl"
for c in "query $T/a.skidx" "info $T/a.skidx" "verify $T/a.skidx" \
         "match -t $TAX $T/one.jsonl" "export $T/a.skidx --table cells" \
         "export $T/a.skidx -f json" "report $T/a.skidx" "query --help"; do
    read -ra argv <<<"$c"
    "$SKIDX" "${argv[@]}" >/dev/full 2>"$T/err"
    check "${argv[0]} > /dev/full: exit code" 1 "$?"
    has "${argv[0]} > /dev/full: message" "$T/err" "skidx: write error on standard output: No space left on device"
    "$SKIDX" "${argv[@]}" >&- 2>"$T/err"
    check "${argv[0]} with stdout closed: exit code" 1 "$?"
    has "${argv[0]} with stdout closed: message" "$T/err" "skidx: write error on standard output:"
done

# ---- 7. the index format's limits ------------------------------------------------------
fresh
mkdir "$T/big"
cp "$TAX/skills.tsv" "$T/big/"
{
    for i in $(seq 4096); do printf 'role\tRole %d\t10\trole%dx\n' "$i" "$i"; done
    printf 'role\tOther\t99\nlevel\tMid\t50\n'
} >"$T/big/roles.tsv"
run index -q -t "$T/big" "$CORPUS" -o "$T/big.skidx"
check "4,097 roles: exit code" 1 "$rc"
has "4,097 roles: message" "$T/err" "4097 roles: an index holds 1 to 4096"
[ -e "$T/big.skidx" ] && bad "4,097 roles: an index was written" || ok "4,097 roles: no index"
hasnt "4,097 roles: refused before indexing" "$T/err" "indexed"
{
    for i in $(seq 4095); do printf 'role\tRole %d\t10\trole%dx\n' "$i" "$i"; done
    printf 'role\tOther\t99\nlevel\tMid\t50\n'
} >"$T/big/roles.tsv"
run index -q -t "$T/big" "$CORPUS" -o "$T/big.skidx"
check "4,096 roles: exit code" 0 "$rc"
run verify "$T/big.skidx"
check "4,096 roles: the index verifies" 0 "$rc"

# ---- 12. numbers and lists -----------------------------------------------------------
fresh
while IFS='|' read -r name args; do
    read -ra argv <<<"$args"
    run "${argv[@]}"
    check "$name: exit code" 2 "$rc"
    has "$name: names the option" "$T/err" "invalid ${name%% *}"
done <<EOF
--top 99999999999999999999|query $T/a.skidx --top 99999999999999999999
--min-postings 18446744073709551616|query $T/a.skidx --skill PyTorch --min-postings 18446744073709551616
--top -1|query $T/a.skidx --top -1
--top 5x|query $T/a.skidx --top 5x
--top +5|query $T/a.skidx --top +5
--min-count 1e3|query $T/a.skidx --growth --min-count 1e3
--months 0|query $T/a.skidx --growth --months 0
--top 99999999999999999999|report $T/a.skidx --top 99999999999999999999
--min-postings 18446744073709551616|report $T/a.skidx --min-postings 18446744073709551616
--threads 99999999999999999999|index -t $TAX $CORPUS -o $T/n.skidx --threads 99999999999999999999
--chunk-bytes -1|index -t $TAX $CORPUS -o $T/n.skidx --chunk-bytes -1
--max-record-bytes 99999999999G|index -t $TAX $CORPUS -o $T/n.skidx --max-record-bytes 99999999999G
--skill A,,B|query $T/a.skidx --skill PyTorch,,Python
--skill ,|query $T/a.skidx --skill ,
--by role,|query $T/a.skidx --skill PyTorch --by role,
EOF
for o in --by --skill; do
    run query "$T/a.skidx" --skill PyTorch "$o" ''
    check "$o '': exit code" 2 "$rc"
    has "$o '': message" "$T/err" "invalid $o '': the list is empty"
done
run query "$T/a.skidx" --top 18446744073709551615
check "--top 2^64-1: exit code" 2 "$rc"
run query "$T/a.skidx" --skill PyTorch --min-postings 18446744073709551615
check "--min-postings 2^64-1 is accepted" 0 "$rc"

# ---- 16. bounded HTML charts ------------------------------------------------------------
fresh
if ${CC:-cc} -O1 -I"$SRC/src" -o "$T/rehash" "$SRC/tests/fixtures/rehash.c" 2>"$T/cc.err"; then
    python3 - "$T/a.skidx" "$T/huge.skidx" "$SRC/src/core/format.h" <<'PY'
import re, struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
h = open(sys.argv[3]).read()
bw = int(re.search(r"#define SKIDX_META_BIN_WIDTH (\d+)", h).group(1))
n = struct.unpack_from("<I", d, 16)[0]
sec = {}
for i in range(n):
    sid, _, off, size, _ = struct.unpack_from("<IIQQQ", d, 64 + 32 * i)
    sec[sid] = (off, size)
struct.pack_into("<I", d, sec[1][0] + bw, 0xFFFFFFFF)
off, size = sec[9]  # CELLS: {postings, salaried, salary_sum, other}
for c in range(size // 32):
    if struct.unpack_from("<Q", d, off + 32 * c + 8)[0]:
        struct.pack_into("<Q", d, off + 32 * c + 16, 1 << 63)
open(sys.argv[2], "wb").write(d)
PY
    "$T/rehash" "$T/huge.skidx"
    run verify "$T/huge.skidx"
    check "forged index (bin width 2^32-1, huge sums) verifies" 0 "$rc"
    start=$(date +%s%N)
    timeout 30 "$SKIDX" report "$T/huge.skidx" -f html -o "$T/huge.html" 2>"$T/err"
    rc=$?; ms=$(( ($(date +%s%N) - start) / 1000000 ))
    check "HTML report of the forged index: exit code" 0 "$rc"
    size=$(stat -c %s "$T/huge.html" 2>/dev/null || echo 999999999)
    if [ "$size" -lt 2000000 ]; then ok "HTML report size $size < 2 MB"; else bad "HTML report size $size"; fi
    if [ "$ms" -lt 5000 ]; then ok "HTML report in $ms ms"; else bad "HTML report took $ms ms"; fi
    grid=$(grep -c 'class="grid"' "$T/huge.html")
    if [ "$grid" -lt 200 ]; then ok "grid lines: $grid"; else bad "grid lines: $grid"; fi
else
    bad "cannot build rehash: $(cat "$T/cc.err")"
fi

# ---- 17. out of memory ------------------------------------------------------------------
fresh
if sh -c 'ulimit -v 2000000; "$1" --version' _ "$SKIDX" >/dev/null 2>&1; then
    oom=0
    for v in 12000 14000 16000 20000 24000 28000 32000 40000 48000; do
        # below some limit the static binary cannot even start: not ours
        sh -c 'ulimit -v $1; "$2" --version' _ $v "$SKIDX" >/dev/null 2>&1 || continue
        (ulimit -v $v; exec "$SKIDX" index -q -j 1 -t "$SRC/taxonomy" "$CORPUS" -o "$T/oom.skidx") 2>"$T/err" >/dev/null
        r=$?
        hasnt "ulimit -v $v: never 'success'" "$T/err" "success"
        hasnt "ulimit -v $v: not a bad regex" "$T/err" "bad regex"
        if [ "$r" != 0 ] && [ "$r" -lt 128 ]; then
            has "ulimit -v $v: says out of memory (exit $r)" "$T/err" "out of memory"
            oom=1
        fi
    done
    check "some limit runs out of memory" 1 "$oom"
    (ulimit -v 16000; exec "$SKIDX" info --taxonomy "$SRC/taxonomy") 2>"$T/err" >/dev/null
    hasnt "info --taxonomy under ulimit: not a bad regex" "$T/err" "bad regex"
else
    echo "skip: out-of-memory cases (ulimit -v unusable with this build)"
fi

# ---- 18. output names of 245-255 bytes -------------------------------------------------
fresh
long=$(printf 'n%.0s' $(seq 249)).skidx # 255 bytes
run index -q -t "$TAX" "$CORPUS" -o "$T/$long"
check "index -o a 255-byte name: exit code" 0 "$rc"
[ -s "$T/$long" ] && ok "index -o a 255-byte name: written" || bad "index: no 255-byte output"
run merge "$T/a.skidx" "$T/b.skidx" -o "$T/$long"
check "merge -o a 255-byte name: exit code" 0 "$rc"
run report "$T/a.skidx" -o "$T/${long%.skidx}.mdxxx"
check "report -o a 255-byte name: exit code" 0 "$rc"
run export "$T/a.skidx" -o "$T/${long%.skidx}.dirxx"
check "export -o a 255-byte directory name: exit code" 0 "$rc"
no_tmp "255-byte names: no temporary" "$T"

exit $fail
