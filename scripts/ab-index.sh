#!/usr/bin/env bash
# ab-index.sh - two skidx builds against each other on one corpus, in
# interleaved rounds (A, B, A, B, ...), so that the machine's changing load
# hits both alike. Prints, per build, the median wall time, the median CPU
# time (user + system) and MB/s of JSON text, then B's throughput relative
# to A's by medians and as the median of the per-round ratios.
#
# usage: scripts/ab-index.sh A_SKIDX B_SKIDX CORPUS... [-- INDEX_OPTIONS...]
#   env: REPS (default 5), THREADS (default 2; a list such as "1 2"
#        runs each thread count in every round, A and B in turn, and
#        prints each one's figures), TAX_A / TAX_B (taxonomy
#        directories; default each build's own default), OPTS_B (index
#        options for B alone: one build with and without an option, e.g.
#        A = B = build/skidx, OPTS_B=--no-postings)
# Needs /usr/bin/time (Debian package 'time').
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; }
A=$1 B=$2; shift 2
corpus=() opts=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do corpus+=("$1"); shift; done
[ $# -gt 0 ] && { shift; opts=("$@"); }
REPS=${REPS:-5} THREADS=${THREADS:-2}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
echo "cpu: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1) ($(nproc) cpus)"
echo "corpus: ${corpus[*]}  threads: $THREADS  rounds: $REPS"

read -r -a opts_b <<< "${OPTS_B:-}"
[ -n "${OPTS_B:-}" ] && echo "B's own options: ${opts_b[*]}"
read -r -a tlist <<< "$THREADS"
run() { # BIN TAX THREADS OUTFILE [OPTION...] -> appends "wall cpu" to OUTFILE
    local tax=() bin=$1 tx=$2 th=$3 out=$4
    shift 4
    [ -n "$tx" ] && tax=(--taxonomy "$tx")
    /usr/bin/time -f '%e %U %S' -o "$W/t" "$bin" index "${corpus[@]}" \
        "${tax[@]}" --threads "$th" --quiet -o "$W/idx" "${opts[@]}" "$@" \
        2>"$W/err" >/dev/null || { cat "$W/err" >&2; exit 1; }
    awk '{printf "%s %.3f\n", $1, $2 + $3}' "$W/t" >> "$out"
}
# the text size: what skidx reports reading (the summary line)
"$A" index "${corpus[@]}" ${TAX_A:+--taxonomy "$TAX_A"} --threads "${tlist[0]}" \
    -o "$W/idx" "${opts[@]}" 2>"$W/sum" >/dev/null || { cat "$W/sum" >&2; exit 1; }
mb=$(sed -n 's/.*shards* (\([0-9.]*\) MB).*/\1/p' "$W/sum" | tail -1)
for r in $(seq "$REPS"); do
    for th in "${tlist[@]}"; do
        run "$A" "${TAX_A:-}" "$th" "$W/a$th"
        run "$B" "${TAX_B:-}" "$th" "$W/b$th" "${opts_b[@]}"
    done
done
for th in "${tlist[@]}"; do
[ ${#tlist[@]} -gt 1 ] && echo "threads $th:"
python3 - "$W/a$th" "$W/b$th" "$mb" <<'PY'
import statistics as st, sys
a = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
b = [tuple(map(float, l.split())) for l in open(sys.argv[2])]
mb = float(sys.argv[3])
for name, v in (("A", a), ("B", b)):
    w = st.median(x[0] for x in v); c = st.median(x[1] for x in v)
    print(f"{name}: wall {w:.3f} s ({mb / w:.0f} MB/s)  cpu {c:.3f} s "
          f"({mb / c:.0f} MB/s of cpu)")
wa, wb = st.median(x[0] for x in a), st.median(x[0] for x in b)
ca, cb = st.median(x[1] for x in a), st.median(x[1] for x in b)
pw = sorted(x[0] / y[0] for x, y in zip(a, b))
pc = sorted(x[1] / y[1] for x, y in zip(a, b))
rw, rc = st.median(pw), st.median(pc)
print(f"B/A throughput: wall {wa / wb:.3f} by medians, {rw:.3f} by rounds; "
      f"cpu {ca / cb:.3f} by medians, {rc:.3f} by rounds")
# the spread of the per-round ratios: on a noisy machine a batch whose
# quartiles straddle the figure of interest does not decide it
if len(pw) >= 4:
    q = lambda v, f: v[min(len(v) - 1, int(f * len(v)))]
    print(f"per-round ratios, quartiles: wall {q(pw, .25):.3f}-{q(pw, .75):.3f}"
          f" (all {pw[0]:.3f}-{pw[-1]:.3f}); cpu {q(pc, .25):.3f}-"
          f"{q(pc, .75):.3f} (all {pc[0]:.3f}-{pc[-1]:.3f})")
PY
done
