#!/usr/bin/env bash
# Interrupted runs (README "When input is bad"): SIGINT or SIGTERM during
# `skidx index` exits 130 and leaves no file at the output path and no temp
# file behind; an index already at the output path is left as it was.
# The corpus is generated with skidx-gen (built next to skidx) and is big
# enough for a run of a few seconds; the signal lands at several moments.
# usage: cli_signals.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
GEN=$(dirname "$SKIDX")/skidx-gen
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
TAX=$SRC/tests/e2e/taxonomy
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
if [ ! -x "$GEN" ]; then
    echo "FAIL: $GEN not built (target skidx-gen)"
    exit 1
fi
# SKIDX_SIGNAL_POSTINGS makes it smaller for slow (sanitizer) builds
"$GEN" --postings "${SKIDX_SIGNAL_POSTINGS:-300000}" --shards 3 --seed 5 --dirty 0.01 -o "$T/corpus" --quiet || {
    echo "FAIL: skidx-gen"; exit 1; }

# how long an uninterrupted run takes, and its result, for reference
start=$(date +%s%N)
"$SKIDX" index -q -t "$TAX" --threads 2 "$T/corpus" -o "$T/ref.skidx"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
[ $rc = 0 ] && ok "reference run (${ms} ms)" || bad "reference run: exit $rc"

# handlers_ready PID: wait (5 s at most) until the process is skidx (its
# exec done: before it, the child is a fork of this script's bash, which
# catches SIGINT and SIGTERM itself for its EXIT trap) and catches both
# signals, so that a signal never lands before skidx has its handler.
# The name and the mask come from one read of status, and SIGCHLD
# (0x10000) must not be caught: exec names the process skidx before it
# drops bash's handlers (tests/cli_hostile_out.sh).
handlers_ready() {
    local i st mask
    for i in $(seq 500); do
        st=$(cat "/proc/$1/status" 2>/dev/null)
        mask=$(awk '/^SigCgt:/ {print $2}' <<<"$st")
        [ "$(awk '/^Name:/ {print $2}' <<<"$st")" = skidx ] && [ -n "$mask" ] &&
            (( (0x$mask & 0x14002) == 0x4002 )) && return 0
        sleep 0.01
    done
    return 1
}

# run SIG DELAY_MS OUT: start an index run, send SIG DELAY_MS after its
# handlers are in place
run() {
    "$SKIDX" index -q -t "$TAX" --threads 2 "$T/corpus" -o "$3" 2>"$T/err" &
    local pid=$!
    handlers_ready "$pid"
    sleep "$(awk "BEGIN{print $2/1000}")"
    kill -"$1" "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
}
leftovers() { find "$T" -maxdepth 1 \( -name '*.tmp.*' -o -name '.skidx-*' \) | head -3; }

# signal at 20%, 50% and 80% of a normal run (at least 300 ms in, so the
# taxonomy is loaded and the handlers installed)
for sig in INT TERM; do
    for pct in 20 50 80; do
        delay=$((ms * pct / 100))
        [ $delay -lt 300 ] && delay=300
        rm -f "$T/new.skidx"
        run $sig $delay "$T/new.skidx"
        if [ $rc = 0 ]; then
            # the run finished before the signal: then the index is whole
            if "$SKIDX" verify "$T/new.skidx" >/dev/null 2>&1; then
                echo "skip: SIG$sig at ${delay} ms: the run had finished (index verified)"
            else
                bad "SIG$sig at ${delay} ms: exit 0 but the index does not verify"
            fi
            continue
        fi
        [ $rc = 130 ] && ok "SIG$sig at ${delay} ms: exit 130" || bad "SIG$sig at ${delay} ms: exit $rc, expected 130"
        [ -e "$T/new.skidx" ] && bad "SIG$sig at ${delay} ms: output file written" || ok "SIG$sig at ${delay} ms: no output file"
        left=$(leftovers)
        [ -z "$left" ] && ok "SIG$sig at ${delay} ms: no temp file" || bad "SIG$sig at ${delay} ms: left $left"
        if [ -s "$T/err" ] && ! grep -q "interrupted" "$T/err"; then
            bad "SIG$sig at ${delay} ms: unexpected message: $(head -c 300 "$T/err")"
        fi
    done
done

# an existing index at the output path is unchanged by an interrupted run
cp "$T/ref.skidx" "$T/existing.skidx"
cp "$T/ref.skidx" "$T/before.skidx"
for sig in INT TERM; do
    delay=$((ms / 2)); [ $delay -lt 300 ] && delay=300
    run $sig $delay "$T/existing.skidx"
    if [ $rc = 0 ]; then
        echo "skip: SIG$sig over an existing index: the run had finished"
        cp "$T/before.skidx" "$T/existing.skidx"
        continue
    fi
    [ $rc = 130 ] && ok "SIG$sig over an existing index: exit 130" || bad "SIG$sig over an existing index: exit $rc"
    cmp -s "$T/before.skidx" "$T/existing.skidx" && ok "SIG$sig over an existing index: unchanged" \
        || bad "SIG$sig over an existing index: changed"
    left=$(leftovers)
    [ -z "$left" ] && ok "SIG$sig over an existing index: no temp file" || bad "SIG$sig over an existing index: left $left"
done

# a whole run replaces it (atomically) with the same bytes as the reference
"$SKIDX" index -q -t "$TAX" --threads 1 "$T/corpus" -o "$T/existing.skidx"
cmp -s "$T/ref.skidx" "$T/existing.skidx" && ok "an uninterrupted run replaces it" || bad "an uninterrupted run: different index"
exit $fail
