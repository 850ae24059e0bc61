#!/usr/bin/env bash
# compare.sh - skidx end to end against its floor and its peers, on one
# generated corpus, in one run (issue 4, BENCHMARKS.md).
#
#  1. generate the corpus (skidx-gen, 300,000 postings in 16 zstd shards,
#     about 1 GB of JSON Lines) and a 250 MB one for the memory check;
#  2. derive a literal-only taxonomy (regex aliases removed) so that the
#     Python peer can agree exactly;
#  3. floor: `zstd -dc` of every shard to /dev/null, T processes in parallel
#     (xargs -P T) for T = 1 and 2;
#  4. `skidx index` at 1 and 2 threads (wall time, max RSS);
#  5. ripgrep: one pass with all literal aliases (rg -z -c -i -w -F -f);
#     3-5 run in interleaved rounds, wall and CPU time (user + system) each,
#     and the ratios to the floor (by wall and by CPU time) are also
#     taken within each round (the machine's load changes between rounds);
#  6. the Python peer (scripts/peer_aho.py, pyahocorasick);
#  7. checks that skidx's per-skill counts equal the peer's (exit 1 if not);
#  8. max RSS of skidx (2 threads) on the 250 MB and the 1 GB corpus;
#  9. the whole `skidx query` process for a role x seniority table
#     (hyperfine if installed, else a loop).
#
# usage: scripts/compare.sh [--quick] [--build DIR] [--taxonomy DIR]
#                           [--work DIR] [--reps N] [--threads T] [--keep]
#   --quick        20,000 postings in 4 shards, 1 repetition (CI smoke test)
#   --build DIR    where skidx and skidx-gen are (default: build/, or
#                  $SKIDX_BUILD)
#   --taxonomy DIR default taxonomy/ (tests/e2e/taxonomy if it has no
#                  skills.tsv yet)
#   --work DIR     keep corpora and results here (reused when the corpus
#                  already exists there); default a temp dir, removed
#   --reps N       timed repetitions of floor, skidx and rg (median; 3)
#   --threads T    the largest thread count (default 2)
#   --peer-jobs J  processes for the Python peer (default: T)
# Needs: zstd, ripgrep, /usr/bin/python3 with python3-ahocorasick,
# /usr/bin/time (Debian package 'time'); hyperfine is optional.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
QUICK=0 BUILD=${SKIDX_BUILD:-$ROOT/build} TAX="" WORK="" REPS="" TMAX=2 KEEP=0
PEER_JOBS=""
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) QUICK=1 ;;
    --build) BUILD=$2; shift ;;
    --taxonomy) TAX=$2; shift ;;
    --work) WORK=$2; KEEP=1; shift ;;
    --reps) REPS=$2; shift ;;
    --threads) TMAX=$2; shift ;;
    --peer-jobs) PEER_JOBS=$2; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done
PEER_JOBS=${PEER_JOBS:-$TMAX}
SKIDX=$BUILD/skidx GEN=$BUILD/skidx-gen
for b in "$SKIDX" "$GEN"; do
    [ -x "$b" ] || { echo "compare.sh: '$b' not built (cmake --build $BUILD)" >&2; exit 2; }
done
for t in zstd rg /usr/bin/python3 /usr/bin/time; do
    command -v "$t" >/dev/null || { echo "compare.sh: '$t' not found (scripts/install-deps.sh)" >&2; exit 2; }
done
if [ -z "$TAX" ]; then
    TAX=$ROOT/taxonomy
    [ -f "$TAX/skills.tsv" ] || TAX=$ROOT/tests/e2e/taxonomy
fi
if [ $QUICK = 1 ]; then
    BIG_N=20000 BIG_K=4 SMALL_N=5000 SMALL_K=4 REPS=${REPS:-1}
else
    BIG_N=300000 BIG_K=16 SMALL_N=75000 SMALL_K=16 REPS=${REPS:-3}
fi
SEED=42
if [ -z "$WORK" ]; then
    WORK=$(mktemp -d /tmp/skidx-compare-XXXXXX)
fi
mkdir -p "$WORK"
cleanup() { [ $KEEP = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT

say() { printf '%s\n' "$*"; }
run() { say "\$ $*"; "$@"; }

# ---- versions and machine ----------------------------------------------
say "# compare.sh on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(uname -sr)"
say "# $("$SKIDX" --version 2>&1 | head -1); $(zstd --version | sed 's/\*//g; s/^ *//; s/ *$//')"
say "# $(rg --version | head -1); python $(/usr/bin/python3 -c 'import sys; print(sys.version.split()[0])'), python3-ahocorasick $(dpkg-query -W -f='${Version}' python3-ahocorasick 2>/dev/null || echo '?')"
command -v hyperfine >/dev/null && say "# $(hyperfine --version)"
say "# work dir: $WORK; taxonomy: $TAX; repetitions: $REPS"

# ---- corpora ------------------------------------------------------------
gen() { # N K DIR
    if [ -f "$3/MANIFEST.txt" ] && grep -q "^postings_arg	$1\$" "$3/MANIFEST.txt" &&
        grep -q "^shards	$2\$" "$3/MANIFEST.txt"; then
        say "# reusing the corpus in $3"
        return
    fi
    run "$GEN" --postings "$1" --shards "$2" --seed $SEED -o "$3" \
        --manifest "$3/MANIFEST.txt" --quiet
}
BIG=$WORK/corpus-big SMALL=$WORK/corpus-small
gen $BIG_N $BIG_K "$BIG"
gen $SMALL_N $SMALL_K "$SMALL"
json_bytes() { awk -F'\t' '$1=="json_bytes"{print $2}' "$1/MANIFEST.txt"; }
BYTES=$(json_bytes "$BIG")
SMALL_BYTES=$(json_bytes "$SMALL")
say "# corpus: $BIG_N postings, $BIG_K shards, $(awk -v b="$BYTES" 'BEGIN{printf "%.1f", b/1e6}') MB uncompressed, $(du -sm "$BIG" | cut -f1) MB on disk"

# ---- the literal-only taxonomy -----------------------------------------
LIT=$WORK/taxonomy-literal
mkdir -p "$LIT"
cp "$TAX/roles.tsv" "$LIT/roles.tsv"
# drop regex aliases (/.../, =/.../, !/.../, !=/.../) and then skills left
# with no positive alias
awk -F'\t' 'BEGIN{OFS="\t"}
    /^#/ || /^@/ || NF < 3 { print; next }
    { out = $1 OFS $2; pos = 0
      for (i = 3; i <= NF; i++) {
          a = $i; b = a; sub(/^!/, "", b); sub(/^=/, "", b)
          if (b ~ /^\/.*\/$/) continue
          out = out OFS a; if (a !~ /^!/) pos++ }
      if (pos) print out }' "$TAX/skills.tsv" > "$LIT/skills.tsv"
N_ALIASES=$(awk -F'\t' '!/^#/ && !/^@/ && NF>=3 {for(i=3;i<=NF;i++) if ($i !~ /^!/) n++} END{print n+0}' "$LIT/skills.tsv")
N_REGEX=$(awk -F'\t' '!/^#/ && !/^@/ && NF>=3 {for(i=3;i<=NF;i++){b=$i; sub(/^!/,"",b); sub(/^=/,"",b); if (b ~ /^\/.*\/$/) n++}} END{print n+0}' "$TAX/skills.tsv")
# the aliases for ripgrep: positive literals, markers removed
awk -F'\t' '!/^#/ && !/^@/ && NF>=3 {for(i=3;i<=NF;i++) if ($i !~ /^!/) {a=$i; sub(/^=/,"",a); print a}}' \
    "$LIT/skills.tsv" > "$WORK/aliases.txt"
say "# literal taxonomy: $N_ALIASES positive literal aliases ($N_REGEX regex aliases of $TAX removed)"

# ---- timing helpers ------------------------------------------------------
# time_cmd LABEL CMD...: runs CMD $REPS times; sets SECS (median wall) and
# RSS (max RSS in KB over the runs); each command's stdout goes to
# $WORK/LABEL.out
median() { sort -g | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2 }'; }
time_cmd() {
    local label=$1; shift
    local times=() r=0 rss=0 t0 t1 m
    if [ "$1" = sh ] && [ "$2" = -c ]; then say "\$ $3"; else say "\$ $*"; fi
    for ((r = 0; r < REPS; r++)); do
        t0=$EPOCHREALTIME
        /usr/bin/time -f '%M' -o "$WORK/$label.rss" "$@" > "$WORK/$label.out"
        t1=$EPOCHREALTIME
        times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b-a}')")
        m=$(tail -1 "$WORK/$label.rss")
        [ "$m" -gt "$rss" ] && rss=$m
    done
    SECS=$(printf '%s\n' "${times[@]}" | median)
    RSS=$rss
    say "#   $label: ${times[*]} s (median $SECS), max RSS $((RSS / 1024)) MB"
}
ROWS=()
row() { ROWS+=("$1|$2|$3|$4|$5"); } # label threads secs rss note

# The floor, skidx and ripgrep run in interleaved rounds (floor-1,
# floor-2, skidx-1, skidx-2, rg; again), so that a change in the load of a
# shared machine hits all of them alike; each ratio to the floor is also
# taken within a round, and its median reported.
declare -A T C RSSMAX CMDS
LABELS=()
add_cmd() { # LABEL CMD (a string for sh -c)
    LABELS+=("$1")
    CMDS[$1]=$2
    T[$1]=""
    C[$1]=""
    RSSMAX[$1]=0
    say "\$ $2"
}
for ((t = 1; t <= TMAX; t++)); do
    add_cmd "floor-$t" "ls '$BIG'/part-*.jsonl.zst | xargs -P $t -n 1 zstd -dcq > /dev/null"
done
for ((t = 1; t <= TMAX; t++)); do
    add_cmd "skidx-$t" "'$SKIDX' index '$BIG' -o '$WORK/big-$t.skidx' --taxonomy '$LIT' --threads $t --quiet"
done
add_cmd "rg" "rg -z -j $TMAX -c -i -w -F -f '$WORK/aliases.txt' '$BIG' > '$WORK/rg.out' || true"
for ((r = 0; r < REPS; r++)); do
    for l in "${LABELS[@]}"; do
        t0=$EPOCHREALTIME
        /usr/bin/time -f '%U %S %M' -o "$WORK/$l.rss" sh -c "${CMDS[$l]}" > /dev/null
        t1=$EPOCHREALTIME
        T[$l]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b-a}') "
        C[$l]+="$(tail -1 "$WORK/$l.rss" | awk '{printf "%.2f", $1 + $2}') "
        m=$(tail -1 "$WORK/$l.rss" | awk '{print $3}')
        [ "$m" -gt "${RSSMAX[$l]}" ] && RSSMAX[$l]=$m
    done
done
med() { printf '%s\n' $1 | median; }
for l in "${LABELS[@]}"; do
    say "#   $l: ${T[$l]}s (median $(med "${T[$l]}")), CPU ${C[$l]}s (median $(med "${C[$l]}")), max RSS $((RSSMAX[$l] / 1024)) MB"
done
# per-round ratios: time of the floor / time of skidx (same threads), and
# skidx 1 thread / skidx TMAX threads
RATIOS=$(awk -v a="${T[floor-$TMAX]}" -v b="${T[skidx-$TMAX]}" 'BEGIN{
    n = split(a, x, " "); split(b, y, " ");
    for (i = 1; i <= n; i++) printf "%.3f ", x[i] / y[i] }')
RATIO_MED=$(med "$RATIOS")
SCALES=$(awk -v a="${T[skidx-1]}" -v b="${T[skidx-$TMAX]}" 'BEGIN{
    n = split(a, x, " "); split(b, y, " ");
    for (i = 1; i <= n; i++) printf "%.3f ", x[i] / y[i] }')
SCALE_MED=$(med "$SCALES")
# the same by CPU time (user + system of every process): CPU ns per byte
# of the floor / of skidx
CRATIOS=$(awk -v a="${C[floor-$TMAX]}" -v b="${C[skidx-$TMAX]}" 'BEGIN{
    n = split(a, x, " "); split(b, y, " ");
    for (i = 1; i <= n; i++) printf "%.3f ", x[i] / y[i] }')
CRATIO_MED=$(med "$CRATIOS")
say "#   skidx-$TMAX x floor-$TMAX, per round: ${RATIOS}(median $RATIO_MED)"
say "#   the same by CPU time, per round: ${CRATIOS}(median $CRATIO_MED)"
say "#   skidx scaling 1 -> $TMAX threads, per round: ${SCALES}(median $SCALE_MED)"

FLOOR=()
for ((t = 1; t <= TMAX; t++)); do
    FLOOR[$t]=$(med "${T[floor-$t]}")
    row "zstd -dc, $t process(es) (floor)" $t "${FLOOR[$t]}" "${RSSMAX[floor-$t]}" ""
done
for ((t = 1; t <= TMAX; t++)); do
    SECS=$(med "${T[skidx-$t]}")
    row "skidx index" $t "$SECS" "${RSSMAX[skidx-$t]}" ""
    [ $t = 1 ] && SK1=$SECS
    SKT=$SECS
    SKRSS_BIG=${RSSMAX[skidx-$t]}
done
if [ $TMAX -gt 1 ]; then
    cmp -s "$WORK/big-1.skidx" "$WORK/big-$TMAX.skidx" &&
        say "# index bytes identical at 1 and $TMAX threads" ||
        say "# WARNING: the index differs between 1 and $TMAX threads"
fi
row "ripgrep -z -c -i -w -F -f (1 pass)" $TMAX "$(med "${T[rg]}")" "${RSSMAX[rg]}" "counts lines, not skills"

# the Python peer is slow: one run
REPS_SAVE=$REPS REPS=1
time_cmd "peer" /usr/bin/python3 "$HERE/peer_aho.py" --taxonomy "$LIT" \
    --jobs "$PEER_JOBS" "$BIG"
REPS=$REPS_SAVE
row "python3 + pyahocorasick peer" "$PEER_JOBS" "$SECS" "$RSS" "processes"

# ---- agreement ---------------------------------------------------------
"$SKIDX" query "$WORK/big-$TMAX.skidx" --top 0 --format csv > "$WORK/skidx.csv"
AGREE=0
/usr/bin/python3 - "$WORK/skidx.csv" "$WORK/peer.out" <<'EOF' || AGREE=$?
import csv, sys
sk = {}
with open(sys.argv[1], newline="") as f:
    for r in csv.DictReader(f):
        if r["role"] == "All" and r["level"] == "All" and int(r["skill_postings"]):
            sk[r["skill"]] = int(r["skill_postings"])
peer = {}
for line in open(sys.argv[2], encoding="utf-8"):
    name, n = line.rstrip("\n").split("\t")
    if int(n):
        peer[name] = int(n)
bad = sorted(k for k in set(sk) | set(peer) if sk.get(k) != peer.get(k))
for k in bad[:20]:
    print("#   MISMATCH %s: skidx %s, peer %s" % (k, sk.get(k), peer.get(k)))
print("# agreement: %d skills found by skidx, %d by the peer, %d differ" %
      (len(sk), len(peer), len(bad)))
sys.exit(1 if bad or not sk else 0)
EOF

# ---- memory: 250 MB vs 1 GB -----------------------------------------------
REPS_SAVE=$REPS REPS=1
time_cmd "skidx-small" "$SKIDX" index "$SMALL" -o "$WORK/small.skidx" \
    --taxonomy "$LIT" --threads $TMAX --quiet
SKRSS_SMALL=$RSS
REPS=$REPS_SAVE

# ---- query: the whole process -------------------------------------------
TOP3=$(/usr/bin/python3 -c 'import csv, sys; r = list(csv.DictReader(open(sys.argv[1], newline=""))); print(",".join(x["skill"] for x in r[:3]))' "$WORK/skidx.csv")
[ -n "$TOP3" ] || { echo "compare.sh: no skills in $WORK/skidx.csv" >&2; exit 1; }
QCMD=("$SKIDX" query "$WORK/big-$TMAX.skidx" --skill "$TOP3" --by role,seniority)
say "\$ ${QCMD[*]}"
"${QCMD[@]}" > "$WORK/query.out"
if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 5 --runs 100 --export-json "$WORK/query.json" \
        "$(printf '%q ' "${QCMD[@]}")" > /dev/null 2>&1
    QMS=$(/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.2f %.2f" % (r["mean"]*1e3, r["median"]*1e3))' "$WORK/query.json")
    QMEAN=${QMS% *} QMED=${QMS#* }
else
    t0=$EPOCHREALTIME
    for ((i = 0; i < 100; i++)); do "${QCMD[@]}" > /dev/null; done
    t1=$EPOCHREALTIME
    QMEAN=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", (b-a)*1000/100}') QMED=$QMEAN
fi

# ---- the table ----------------------------------------------------------
say ""
say "| what | threads | seconds | MB/s | × floor (same threads) | × floor ($TMAX) | max RSS MB |"
say "|---|---:|---:|---:|---:|---:|---:|"
for r in "${ROWS[@]}"; do
    IFS='|' read -r label t secs rss note <<< "$r"
    ft=${FLOOR[$t]:-${FLOOR[$TMAX]}}
    awk -v l="$label" -v t="$t" -v s="$secs" -v b="$BYTES" -v f1="$ft" \
        -v f2="${FLOOR[$TMAX]}" -v m="$rss" -v n="$note" 'BEGIN{
        mbs = b/1e6/s; printf "| %s%s | %s | %.2f | %.0f | %.2f | %.2f | %.0f |\n",
        l, (n != "" ? " (" n ")" : ""), t, s, mbs, (b/1e6/s)/(b/1e6/f1), (b/1e6/s)/(b/1e6/f2), m/1024 }'
done
say ""
awk -v a="$SK1" -v b="$SKT" -v t="$TMAX" -v r="$SCALE_MED" 'BEGIN{printf "skidx scaling 1 -> %d threads: %.2fx (medians), %.2fx (median of the rounds)\n", t, a/b, r}'
say "skidx index at $TMAX threads x the floor at $TMAX: $RATIO_MED by wall time, $CRATIO_MED by CPU time (medians of the rounds)"
awk -v s="$SKRSS_SMALL" -v b="$SKRSS_BIG" -v sb="$SMALL_BYTES" -v bb="$BYTES" -v t="$TMAX" \
    'BEGIN{printf "skidx max RSS at %d threads: %.0f MB on %.0f MB, %.0f MB on %.0f MB\n", t, s/1024, sb/1e6, b/1024, bb/1e6}'
say "skidx query, role x seniority table for $TOP3 (whole process): mean $QMEAN ms, median $QMED ms"
[ "$AGREE" = 0 ] && say "per-skill counts: skidx == python peer" ||
    say "per-skill counts: MISMATCH between skidx and the python peer"
exit "$AGREE"
