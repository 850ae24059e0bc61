#!/usr/bin/env bash
# scripts/compare.sh --quick (BENCHMARKS.md, "End to end"): the script runs
# to the end on both generated corpora with the end-to-end test taxonomy,
# skidx and the Python peer agree, and results.csv and the tables have
# every row and column, with wall and CPU time for every command. It
# measures nothing. Skipped (exit 0 with a note) without ripgrep, zstd,
# /usr/bin/time or python3-ahocorasick.
# usage: cli_compare.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
BUILD=$(dirname "$SKIDX")
for t in rg zstd /usr/bin/time; do
    command -v "$t" >/dev/null || { echo "skip: '$t' missing (scripts/install-deps.sh)"; exit 0; }
done
/usr/bin/python3 -c 'import ahocorasick' 2>/dev/null ||
    { echo "skip: python3-ahocorasick missing (scripts/install-deps.sh)"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

"$SRC/scripts/compare.sh" --quick --build "$BUILD" --taxonomy "$SRC/tests/e2e/taxonomy" \
    --work "$T/w" --peer-shards 1 --csv "$T/r.csv" > "$T/out" 2>&1
rc=$?
[ $rc = 0 ] && ok "exit 0" || { bad "exit $rc"; tail -30 "$T/out"; }
[ "$(head -1 "$T/r.csv")" = "corpus,what,threads,round,wall_s,cpu_s,max_rss_kb,json_bytes" ] &&
    ok "results.csv header" || bad "results.csv header: $(head -1 "$T/r.csv")"
for c in default dense; do
    for w in floor-1 floor-2 skidx-1 skidx-2 skidx-lit-2 rg "peer (shards 1-1 of 4"; do
        # a row with a positive wall time, a CPU time and an RSS
        if awk -F, -v c="$c" -v w="$w" '$1 == c && index($2, w) == 1 && $5 > 0 &&
                $6 ~ /^[0-9]+\.[0-9]+$/ && $7 > 0 && $8 > 0 { f = 1 } END { exit !f }' "$T/r.csv"; then
            ok "$c: row $w"
        else
            bad "$c: no row '$w' with wall, CPU time and RSS"
        fi
    done
    grep -q "^# $c: agreement on the peer's shards: [1-9][0-9]* skills found by skidx, [1-9][0-9]* by the peer, 0 differ" "$T/out" &&
        ok "$c: skidx and the peer agree" || bad "$c: agreement line"
    grep -q "^$c: skidx index at 2 threads x the floor at 2: [0-9.]* by wall time, [0-9.]* by CPU time; scaling" "$T/out" &&
        ok "$c: ratios by wall and CPU time" || bad "$c: ratio line"
    # ("-" for a rate or ratio over a time of 0.00 s, which a tiny corpus
    # can take: compare.sh says so under the table)
    [ "$(grep -c "^| .* | [0-9.]* | [0-9.]* | [0-9.-]* | [0-9.-]* | [0-9.-]* | [0-9]* |$" \
        <(sed -n "/^corpus $c:/,/^$c: skidx index/p" "$T/out"))" = 7 ] &&
        ok "$c: table of 7 rows, wall and CPU columns" || bad "$c: table rows"
    grep -q "^# corpus $c: [0-9]* lines, .* alias matches a KB, [0-9]* distinct skills; [0-9.]* % of lines with a \\\\u escape" "$T/out" &&
        ok "$c: corpus profile" || bad "$c: corpus profile line"
done
grep -q "^-,rg start-up," "$T/r.csv" && grep -q "^small,skidx-2," "$T/r.csv" &&
    grep -q "^default,query" "$T/r.csv" && ok "start-up, memory and query rows" || bad "start-up, memory or query row"
grep -q "^# compare.sh on .*(family [0-9]*, model [0-9]*" "$T/out" && grep -q "^# load average at the start: " "$T/out" &&
    ok "CPU model and load average" || bad "CPU model or load average line"
exit $fail
