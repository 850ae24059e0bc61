#!/usr/bin/env bash
# perfcmp.sh - where two skidx builds spend their time, by function: perf
# samples (cpu-clock, so it works without hardware counters) of `skidx
# index` for each build in interleaved rounds (A, B, A, B, ...), summed
# over the rounds per symbol. Prints the CPU model, then B - A, A and B
# per symbol (largest growth first, then largest savings) and the totals.
# Real hardware: the AVX-512 paths and the real cost of mispredicted
# branches and memory waits, which callgrind's instruction counts hide.
# Totals move with the machine's load; the samples of the functions a
# change touches are the figure. Two static functions of one name (e.g.
# two scan_avx2 of older builds: jsonl.c and section.c) are counted as one.
#
# usage: scripts/perfcmp.sh A_SKIDX B_SKIDX [ROUNDS] [CORPUS]
#   env: TAX_A / TAX_B (taxonomy directories; default each build's own),
#        OPTS (index options for both, e.g. "--no-postings --no-cache"),
#        OPTS_A / OPTS_B (more options for one build: an older build that
#        lacks an option, e.g. OPTS_B="--no-postings --no-cache"),
#        THREADS (default 2), FREQ (samples a second, default 2000)
# Needs perf (Debian package linux-perf).
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; }
A=$1 B=$2 R=${3:-3}
C=${4:-corpora/sample}
THREADS=${THREADS:-2} FREQ=${FREQ:-2000}
read -r -a opts <<< "${OPTS:-}"
read -r -a opts_a <<< "${OPTS_A:-}"
read -r -a opts_b <<< "${OPTS_B:-}"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
echo "cpu: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1) ($(nproc) cpus)"
echo "corpus: $C  threads: $THREADS  rounds: $R  options: ${OPTS:-none}; A: ${OPTS_A:-none}; B: ${OPTS_B:-none}"
for r in $(seq "$R"); do
    for s in A B; do
        bin=$A tax=${TAX_A:-} own=("${opts_a[@]}")
        [ $s = B ] && bin=$B tax=${TAX_B:-} own=("${opts_b[@]}")
        tx=()
        [ -n "$tax" ] && tx=(--taxonomy "$tax")
        perf record -q -F "$FREQ" -e cpu-clock -o "$W/$s$r.data" -- "$bin" index \
            --threads "$THREADS" "${tx[@]}" "${opts[@]}" "${own[@]}" --quiet -o "$W/idx" "$C" \
            >/dev/null 2>"$W/err" || { cat "$W/err" >&2; exit 1; }
        perf report -i "$W/$s$r.data" --sort symbol -n --stdio 2>/dev/null |
            awk '!/^#/ && NF >= 4 {print $2, $4}' >> "$W/$s.txt"
    done
done
for s in A B; do
    awk '{x[$2] += $1} END {for (k in x) print x[k], k}' "$W/$s.txt" | sort -k2 > "$W/$s.sum"
done
join -1 2 -2 2 -a1 -a2 -e0 -o '0,1.1,2.1' "$W/A.sum" "$W/B.sum" |
    awk '{print $3 - $2, $2, $3, $1}' > "$W/d"
echo "B-A A B symbol (samples summed over $R rounds)"
sort -rn "$W/d" | head -25 || true
echo ...
sort -n "$W/d" | head -15 || true
awk '{a += $1} END {printf "total A %d\n", a}' "$W/A.sum"
awk '{a += $1} END {printf "total B %d\n", a}' "$W/B.sum"
