#!/usr/bin/env bash
# compare.sh - skidx end to end against its floor and its peers, on two
# generated corpora, in one run (issues 4 and 17, BENCHMARKS.md).
#
#  1. generate the corpora (skidx-gen, seed 42): "default", 300,000
#     postings in 16 zstd shards (about 1.25 GB of JSON Lines), and
#     "dense" (--profile dense: shorter postings, ~8 skill matches a KB,
#     hundreds of distinct skills, ~13 % of lines with \u escapes),
#     450,000 postings in 16 shards (about 1 GB); and a 250 MB default
#     one for the memory check; print each corpus's profile (bytes a
#     line, matches a KB and distinct skills in its first 2,000 postings,
#     lines with a \u escape);
#  2. derive a literal-only taxonomy (regex aliases and sections.tsv left
#     out) for the peers: the Python peer does the text model of
#     taxonomy/FORMAT.md but no regexes and no sections;
#  3. interleaved rounds (--reps, 3), each over both corpora: the floor,
#     `zstd -dc` of every shard to /dev/null with T processes (xargs -P T)
#     for T = 1 and 2; `skidx index` with the taxonomy (regexes and
#     sections included) at 1 and 2 threads; `skidx index` with the
#     literal taxonomy at 2 threads (the work the peers do); ripgrep, one
#     pass with all literal aliases (rg -z -c -i -w -F -f). Every command
#     has its wall and CPU time (user + system, children included) and max
#     RSS; the ratios to the floor (wall and CPU) and the 1 -> 2 thread
#     scaling are taken within each round, and their medians printed;
#     ripgrep's start-up (compiling the aliases) is timed once alone;
#  4. the Python peer (scripts/peer_aho.py, pyahocorasick) once per
#     corpus, on its first --peer-shards shards (it reads ~3 MB/s a
#     process), and the per-skill counts of skidx (literal taxonomy, the
#     same shards) compared with it: exit 1 if any differs;
#  5. max RSS of skidx (2 threads) on the 250 MB corpus beside the 1 GB;
#  6. the whole `skidx query` process for a role x seniority table
#     (hyperfine if installed, else a loop), wall and CPU time.
# Every measurement is also a line of $WORK/results.csv (corpus, what,
# threads, round, wall_s, cpu_s, max_rss_kb, json_bytes).
#
# usage: scripts/compare.sh [--quick] [--corpus default|dense|both]
#                           [--build DIR] [--taxonomy DIR] [--work DIR]
#                           [--reps N] [--threads T] [--peer-jobs J]
#                           [--peer-shards K] [--csv FILE] [--keep]
#   --quick        tiny corpora (2,000 and 3,000 postings in 4 shards), 1
#                  round, the peer on all shards: checks that the script
#                  works (tests/cli_compare.sh), measures nothing
#   --corpus C     default, dense or both (default both)
#   --build DIR    where skidx and skidx-gen are (default: build/, or
#                  $SKIDX_BUILD)
#   --taxonomy DIR default taxonomy/ (tests/e2e/taxonomy if it has no
#                  skills.tsv yet)
#   --work DIR     keep corpora and results here (corpora are reused when
#                  their MANIFEST.txt says the same arguments); default a
#                  temp dir, removed at the end
#   --reps N       interleaved rounds (3)
#   --threads T    the largest thread count (default 2)
#   --peer-jobs J  processes for the Python peer (default: T)
#   --peer-shards K  the peer reads the first K shards of each corpus
#                  (default 2 of 16; 0: all)
#   --csv FILE     also copy results.csv to FILE
# A full run (both corpora, 3 rounds) should take about 6 minutes on a
# quiet 2-core machine once the corpora exist (estimated; generating them
# about 1 more), --reps 1 about half; on a machine with a load average of
# 16-31 it took 47 minutes.
# Needs: zstd, ripgrep, /usr/bin/python3 with python3-ahocorasick,
# /usr/bin/time (Debian package 'time'); hyperfine is optional.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
QUICK=0 BUILD=${SKIDX_BUILD:-$ROOT/build} TAX="" WORK="" REPS="" TMAX=2 KEEP=0
PEER_JOBS="" PEER_SHARDS="" CORPUS=both CSV_OUT=""
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) QUICK=1 ;;
    --corpus) CORPUS=$2; shift ;;
    --build) BUILD=$2; shift ;;
    --taxonomy) TAX=$2; shift ;;
    --work) WORK=$2; KEEP=1; shift ;;
    --reps) REPS=$2; shift ;;
    --threads) TMAX=$2; shift ;;
    --peer-jobs) PEER_JOBS=$2; shift ;;
    --peer-shards) PEER_SHARDS=$2; shift ;;
    --csv) CSV_OUT=$2; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done
case "$CORPUS" in
default) CORPORA=(default) ;;
dense) CORPORA=(dense) ;;
both) CORPORA=(default dense) ;;
*) echo "compare.sh: --corpus wants default, dense or both, not '$CORPUS'" >&2; exit 2 ;;
esac
[[ "$TMAX" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --threads wants a number >= 1" >&2; exit 2; }
PEER_JOBS=${PEER_JOBS:-$TMAX}
SKIDX=$BUILD/skidx GEN=$BUILD/skidx-gen
for b in "$SKIDX" "$GEN"; do
    [ -x "$b" ] || { echo "compare.sh: '$b' not built (cmake --build $BUILD)" >&2; exit 2; }
done
for t in zstd rg /usr/bin/python3 /usr/bin/time; do
    command -v "$t" >/dev/null || { echo "compare.sh: '$t' not found (scripts/install-deps.sh)" >&2; exit 2; }
done
/usr/bin/python3 -c 'import ahocorasick' 2>/dev/null ||
    { echo "compare.sh: python3-ahocorasick not installed (scripts/install-deps.sh)" >&2; exit 2; }
if [ -z "$TAX" ]; then
    TAX=$ROOT/taxonomy
    [ -f "$TAX/skills.tsv" ] || TAX=$ROOT/tests/e2e/taxonomy
fi
declare -A GEN_N GEN_K
if [ $QUICK = 1 ]; then
    GEN_N=([default]=2000 [dense]=3000 [small]=1000)
    GEN_K=([default]=4 [dense]=4 [small]=2)
    REPS=${REPS:-1} PEER_SHARDS=${PEER_SHARDS:-0} QRUNS=10
else
    GEN_N=([default]=300000 [dense]=450000 [small]=75000)
    GEN_K=([default]=16 [dense]=16 [small]=16)
    REPS=${REPS:-3} PEER_SHARDS=${PEER_SHARDS:-2} QRUNS=100
fi
SEED=42
if [ -z "$WORK" ]; then
    WORK=$(mktemp -d /tmp/skidx-compare-XXXXXX)
fi
mkdir -p "$WORK"
cleanup() { [ $KEEP = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT
CSV=$WORK/results.csv
echo "corpus,what,threads,round,wall_s,cpu_s,max_rss_kb,json_bytes" > "$CSV"

say() { printf '%s\n' "$*"; }
run() { say "\$ $*"; "$@"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# ---- versions and machine ----------------------------------------------
cpuinfo() { grep -m1 "^$1[[:space:]]*:" /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'; }
CPU_MODEL=$(cpuinfo 'model name')
say "# compare.sh on $CPU_MODEL (family $(cpuinfo 'cpu family'), model $(cpuinfo model), stepping $(cpuinfo stepping)), $(nproc) cores, $(uname -sr); $(date -u '+%Y-%m-%d %H:%M UTC')"
say "# CPU flags: $(cpuinfo flags | tr ' ' '\n' | grep -x 'avx2\|bmi2\|avx512f\|avx512bw\|avx512_vbmi2' | tr '\n' ' ')"
say "# load average at the start: $(loadavg) (1, 5, 15 min)"
say "# $("$SKIDX" --version 2>&1 | head -1); $(zstd --version | sed 's/\*//g; s/^ *//; s/ *$//')"
say "# $(rg --version | head -1); python $(/usr/bin/python3 -c 'import sys; print(sys.version.split()[0])'), python3-ahocorasick $(dpkg-query -W -f='${Version}' python3-ahocorasick 2>/dev/null || echo '?')"
command -v hyperfine >/dev/null && say "# $(hyperfine --version)"
say "# work dir: $WORK; taxonomy: $TAX; rounds: $REPS; corpora: ${CORPORA[*]}"

# ---- corpora ------------------------------------------------------------
gen() { # NAME DIR [--profile dense]
    local name=$1 dir=$2; shift 2
    local n=${GEN_N[$name]} k=${GEN_K[$name]} prof=default
    [ $# -gt 0 ] && prof=$2
    if [ -f "$dir/MANIFEST.txt" ] && grep -q "^postings_arg	$n\$" "$dir/MANIFEST.txt" &&
        grep -q "^shards	$k\$" "$dir/MANIFEST.txt" && [ -f "$dir/.profile-$prof" ]; then
        say "# reusing the corpus in $dir"
        return
    fi
    rm -f "$dir"/.profile-*
    run nice "$GEN" --postings "$n" --shards "$k" --seed $SEED -o "$dir" "$@" \
        --manifest "$dir/MANIFEST.txt" --quiet
    touch "$dir/.profile-$prof"
}
json_bytes() { awk -F'\t' '$1=="json_bytes"{print $2}' "$1/MANIFEST.txt"; }
declare -A DIR BYTES
for c in "${CORPORA[@]}"; do
    DIR[$c]=$WORK/corpus-$c
    if [ "$c" = dense ]; then gen dense "${DIR[$c]}" --profile dense
    else gen default "${DIR[$c]}"; fi
    BYTES[$c]=$(json_bytes "${DIR[$c]}")
done
SMALL=$WORK/corpus-small
gen small "$SMALL"
SMALL_BYTES=$(json_bytes "$SMALL")

# ---- the literal-only taxonomy -----------------------------------------
LIT=$WORK/taxonomy-literal
mkdir -p "$LIT"
rm -f "$LIT/sections.tsv" # no sections: the peers count every part
cp "$TAX/roles.tsv" "$LIT/roles.tsv"
# drop regex aliases (/.../, =/.../, !/.../, !=/.../) and then skills left
# with no positive alias
awk -F'\t' 'BEGIN{OFS="\t"}
    /^#/ || /^@/ || NF < 3 { print; next }
    { out = $1 OFS $2; pos = 0
      for (i = 3; i <= NF; i++) {
          a = $i; b = a; sub(/^!/, "", b); sub(/^=/, "", b)
          if (b ~ /^\/.*\/$/) continue
          out = out OFS a; if (a !~ /^!/ && a !~ /^@/) pos++ }
      if (pos) print out }' "$TAX/skills.tsv" > "$LIT/skills.tsv"
N_ALIASES=$(awk -F'\t' '!/^#/ && !/^@/ && NF>=3 {for(i=3;i<=NF;i++) if ($i !~ /^[!@]/) n++} END{print n+0}' "$LIT/skills.tsv")
N_REGEX=$(awk -F'\t' '!/^#/ && !/^@/ && NF>=3 {for(i=3;i<=NF;i++){b=$i; sub(/^!/,"",b); sub(/^=/,"",b); if (b ~ /^\/.*\/$/) n++}} END{print n+0}' "$TAX/skills.tsv")
# the aliases for ripgrep: positive literals, markers (= ~ +) removed
awk -F'\t' '!/^#/ && !/^@/ && NF>=3 {for(i=3;i<=NF;i++) if ($i !~ /^[!@]/) {a=$i; sub(/^[=~+]+/,"",a); print a}}' \
    "$LIT/skills.tsv" > "$WORK/aliases.txt"
say "# literal taxonomy: $N_ALIASES positive literal aliases ($N_REGEX regex aliases of $TAX removed$([ -f "$TAX/sections.tsv" ] && echo ', and its sections.tsv'))"

# ---- each corpus's profile ---------------------------------------------
# bytes a line; alias matches (not masked) a KB and distinct skills in
# the first 2,000 postings (skidx match, the taxonomy); lines with a \u
# escape (all lines)
for c in "${CORPORA[@]}"; do
    first=$(ls "${DIR[$c]}"/part-*.jsonl.zst | head -1)
    { zstd -dcq "$first" 2>/dev/null || true; } | head -2000 > "$WORK/sample-$c.jsonl"
    "$SKIDX" match -t "$TAX" "$WORK/sample-$c.jsonl" > "$WORK/sample-$c.match" 2>/dev/null || true
    UL=$(zstd -dcq "${DIR[$c]}"/part-*.jsonl.zst | grep -c '\\u' || true)
    /usr/bin/python3 - "$WORK/sample-$c.jsonl" "$WORK/sample-$c.match" "${DIR[$c]}/MANIFEST.txt" "$UL" "$c" <<'EOF'
import json, sys
sample, match, manifest, ulines, name = sys.argv[1:6]
m = dict(l.rstrip("\n").split("\t", 1) for l in open(manifest) if "\t" in l)
lines, jb = int(m["lines"]), int(m["json_bytes"])
sb = sum(len(l) for l in open(sample, "rb"))
hits, skills = 0, set()
for l in open(match):
    r = json.loads(l)
    hits += sum(1 for x in r.get("matches", []) if not x.get("masked"))
    skills.update(r.get("skills", []))
print("# corpus %s: %d lines, %.1f MB of JSON, %.0f bytes a line; in its "
      "first 2,000 postings %.1f alias matches a KB, %d distinct skills; "
      "%.1f %% of lines with a \\u escape" %
      (name, lines, jb / 1e6, jb / lines, hits / (sb / 1024), len(skills),
       100.0 * int(ulines) / lines))
EOF
done

# ---- the interleaved rounds ---------------------------------------------
declare -A T C RSSMAX CMDS
LABELS=()
add_cmd() { # CORPUS LABEL CMD (a string for sh -c)
    local k="$1/$2"
    LABELS+=("$k")
    CMDS[$k]=$3
    T[$k]="" C[$k]="" RSSMAX[$k]=0
    say "\$ $3"
}
for c in "${CORPORA[@]}"; do
    D=${DIR[$c]}
    for ((t = 1; t <= TMAX; t++)); do
        add_cmd "$c" "floor-$t" "ls '$D'/part-*.jsonl.zst | xargs -P $t -n 1 zstd -dcq > /dev/null"
    done
    for ((t = 1; t <= TMAX; t++)); do
        add_cmd "$c" "skidx-$t" "'$SKIDX' index '$D' -o '$WORK/$c-$t.skidx' --taxonomy '$TAX' --threads $t --quiet"
    done
    add_cmd "$c" "skidx-lit-$TMAX" "'$SKIDX' index '$D' -o '$WORK/$c-lit.skidx' --taxonomy '$LIT' --threads $TMAX --quiet"
    add_cmd "$c" "rg" "rg -z -j $TMAX -c -i -w -F -f '$WORK/aliases.txt' '$D' > '$WORK/rg-$c.out' || true"
done
# timed LABEL CMD: one run; appends wall and CPU seconds to T and C
timed() {
    local k=$1 t0 t1 w cpu m
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%U %S %M' -o "$WORK/time.out" sh -c "$2" > /dev/null
    t1=$EPOCHREALTIME
    w=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b-a}')
    cpu=$(tail -1 "$WORK/time.out" | awk '{printf "%.2f", $1 + $2}')
    m=$(tail -1 "$WORK/time.out" | awk '{print $3}')
    T[$k]+="$w " C[$k]+="$cpu "
    [ "$m" -gt "${RSSMAX[$k]}" ] && RSSMAX[$k]=$m
    LAST_W=$w LAST_C=$cpu LAST_M=$m
}
# ripgrep's start-up: compiling the aliases into its automaton, on one line
echo "one line of text" > "$WORK/one-line.txt"
say "\$ rg -c -i -w -F -f $WORK/aliases.txt $WORK/one-line.txt"
T[rg0]="" C[rg0]="" RSSMAX[rg0]=0
timed rg0 "rg -c -i -w -F -f '$WORK/aliases.txt' '$WORK/one-line.txt' || true"
echo "-,rg start-up,1,1,$LAST_W,$LAST_C,$LAST_M,17" >> "$CSV"
say "#   ripgrep start-up (its automaton of $N_ALIASES aliases, one line of text): wall ${LAST_W} s, CPU ${LAST_C} s, max RSS $((LAST_M / 1024)) MB"
LOADS=()
for ((r = 1; r <= REPS; r++)); do
    LOADS+=("$(loadavg | cut -d' ' -f1)")
    for k in "${LABELS[@]}"; do
        timed "$k" "${CMDS[$k]}"
        c=${k%%/*} l=${k#*/} th=${l##*-}
        [ "$l" = rg ] && th=$TMAX
        echo "$c,$l,$th,$r,$LAST_W,$LAST_C,$LAST_M,${BYTES[$c]}" >> "$CSV"
    done
done
say "# load average (1 min) at the start of each round: ${LOADS[*]}; at the end: $(loadavg)"
med() { printf '%s\n' $1 | grep -v '^-$' | sort -g | awk '{a[NR]=$1} END{ if (!NR) print "-"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2 }'; }
# per-round ratios a/b; "-" where b is 0.00 s (CPU times come from
# /usr/bin/time in hundredths: a tiny --quick corpus can take less)
ratios() { awk -v a="$1" -v b="$2" 'BEGIN{ n = split(a, x, " "); split(b, y, " ");
    for (i = 1; i <= n; i++) if (y[i] > 0) printf "%.3f ", x[i] / y[i]; else printf "- " }'; }
for k in "${LABELS[@]}"; do
    say "#   $k: wall ${T[$k]}s (median $(med "${T[$k]}")), CPU ${C[$k]}s (median $(med "${C[$k]}")), max RSS $((RSSMAX[$k] / 1024)) MB"
done
declare -A RW RC RS
for c in "${CORPORA[@]}"; do
    RW[$c]=$(ratios "${T[$c/floor-$TMAX]}" "${T[$c/skidx-$TMAX]}")
    RC[$c]=$(ratios "${C[$c/floor-$TMAX]}" "${C[$c/skidx-$TMAX]}")
    RS[$c]=$(ratios "${T[$c/skidx-1]}" "${T[$c/skidx-$TMAX]}")
    say "#   $c: skidx-$TMAX x floor-$TMAX by wall time, per round: ${RW[$c]}(median $(med "${RW[$c]}"))"
    say "#   $c: the same by CPU time, per round: ${RC[$c]}(median $(med "${RC[$c]}"))"
    say "#   $c: skidx scaling 1 -> $TMAX threads, per round: ${RS[$c]}(median $(med "${RS[$c]}"))"
    if [ $TMAX -gt 1 ]; then
        cmp -s "$WORK/$c-1.skidx" "$WORK/$c-$TMAX.skidx" &&
            say "# $c: index bytes identical at 1 and $TMAX threads" ||
            say "# $c: WARNING: the index differs between 1 and $TMAX threads"
    fi
done

# ---- the Python peer and agreement ----------------------------------------
declare -A PEER_W PEER_C PEER_M PEER_B PEER_WHAT AGREE_OF
AGREE=0
for c in "${CORPORA[@]}"; do
    D=${DIR[$c]}
    mapfile -t SH < <(ls "$D"/part-*.jsonl.zst)
    k=${#SH[@]}
    [ "$PEER_SHARDS" -gt 0 ] && [ "$PEER_SHARDS" -lt "$k" ] && k=$PEER_SHARDS
    SUB=("${SH[@]:0:$k}")
    PB=$(zstd -dcq "${SUB[@]}" | wc -c)
    PEER_B[$c]=$PB
    PEER_WHAT[$c]="shards 1-$k of ${#SH[@]}, $(awk -v b="$PB" 'BEGIN{printf "%.0f", b/1e6}') MB"
    say "\$ /usr/bin/python3 $HERE/peer_aho.py --taxonomy $LIT --jobs $PEER_JOBS --max-shards $k $D"
    T[$c/peer]="" C[$c/peer]="" RSSMAX[$c/peer]=0
    timed "$c/peer" "/usr/bin/python3 '$HERE/peer_aho.py' --taxonomy '$LIT' --jobs $PEER_JOBS --max-shards $k --postings-out '$WORK/peer-$c.postings' '$D' > '$WORK/peer-$c.out' 2> '$WORK/peer-$c.err'"
    sed 's/^/#   /' "$WORK/peer-$c.err"
    PEER_W[$c]=$LAST_W PEER_C[$c]=$LAST_C PEER_M[$c]=$LAST_M
    echo "$c,peer (${PEER_WHAT[$c]}),$PEER_JOBS,1,$LAST_W,$LAST_C,$LAST_M,$PB" >> "$CSV"
    # skidx on the same shards, the same (literal) taxonomy
    if [ "$k" = "${#SH[@]}" ]; then
        IDX=$WORK/$c-lit.skidx
    else
        IDX=$WORK/$c-lit-sub.skidx
        "$SKIDX" index "${SUB[@]}" -o "$IDX" --taxonomy "$LIT" --threads $TMAX --quiet
    fi
    "$SKIDX" query "$IDX" --top 0 --format csv > "$WORK/skidx-lit-$c.csv"
    A=0
    /usr/bin/python3 - "$WORK/skidx-lit-$c.csv" "$WORK/peer-$c.out" "$c" <<'EOF' || A=$?
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
for k in bad[:40]:
    print("#   MISMATCH %s: skidx %s, peer %s" % (k, sk.get(k), peer.get(k)))
print("# %s: agreement on the peer's shards: %d skills found by skidx, %d by "
      "the peer, %d differ" % (sys.argv[3], len(sk), len(peer), len(bad)))
sys.exit(1 if bad or not sk else 0)
EOF
    AGREE_OF[$c]=$A
    [ $A = 0 ] || AGREE=1
done

# ---- memory: 250 MB vs 1 GB -----------------------------------------------
say "\$ $SKIDX index $SMALL -o $WORK/small.skidx --taxonomy $TAX --threads $TMAX --quiet"
T[small]="" C[small]="" RSSMAX[small]=0
timed small "'$SKIDX' index '$SMALL' -o '$WORK/small.skidx' --taxonomy '$TAX' --threads $TMAX --quiet"
echo "small,skidx-$TMAX,$TMAX,1,$LAST_W,$LAST_C,$LAST_M,$SMALL_BYTES" >> "$CSV"
SKRSS_SMALL=$LAST_M

# ---- query: the whole process -------------------------------------------
c0=${CORPORA[0]}
"$SKIDX" query "$WORK/$c0-$TMAX.skidx" --top 0 --format csv > "$WORK/skidx-$c0.csv"
TOP3=$(/usr/bin/python3 -c 'import csv, sys; r = list(csv.DictReader(open(sys.argv[1], newline=""))); print(",".join(x["skill"] for x in r[:3]))' "$WORK/skidx-$c0.csv")
[ -n "$TOP3" ] || { echo "compare.sh: no skills in $WORK/skidx-$c0.csv" >&2; exit 1; }
QCMD=("$SKIDX" query "$WORK/$c0-$TMAX.skidx" --skill "$TOP3" --by role,seniority)
say "\$ ${QCMD[*]}"
"${QCMD[@]}" > "$WORK/query.out"
if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 5 --runs $QRUNS --export-json "$WORK/query.json" \
        "$(printf '%q ' "${QCMD[@]}")" > /dev/null 2>&1
    QMS=$(/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.2f %.2f %.2f" % (r["mean"]*1e3, r["median"]*1e3, (r["user"]+r["system"])*1e3))' "$WORK/query.json")
    read -r QMEAN QMED QCPU <<< "$QMS"
else
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%U %S' -o "$WORK/time.out" sh -c \
        "for i in \$(seq $QRUNS); do $(printf '%q ' "${QCMD[@]}") > /dev/null; done"
    t1=$EPOCHREALTIME
    QMEAN=$(awk -v a="$t0" -v b="$t1" -v n=$QRUNS 'BEGIN{printf "%.2f", (b-a)*1000/n}') QMED=$QMEAN
    QCPU=$(tail -1 "$WORK/time.out" | awk -v n=$QRUNS '{printf "%.2f", ($1+$2)*1000/n}')
fi
echo "$c0,query (whole process; ms),1,mean,$QMEAN,$QCPU,," >> "$CSV"

# ---- the tables -----------------------------------------------------------
mbs() { awk -v b="$1" -v s="$2" 'BEGIN{printf "%.0f", b/1e6/s}'; }
for c in "${CORPORA[@]}"; do
    say ""
    say "corpus $c: $(awk -v b="${BYTES[$c]}" 'BEGIN{printf "%.1f", b/1e6}') MB of JSON, $(du -sm "${DIR[$c]}" | cut -f1) MB on disk; medians of $REPS round(s)"
    say ""
    say "| what | threads | wall s | CPU s | MB/s | x floor (same threads), wall | x floor, CPU | max RSS MB |"
    say "|---|---:|---:|---:|---:|---:|---:|---:|"
    for k in "${LABELS[@]}"; do
        [ "${k%%/*}" = "$c" ] || continue
        l=${k#*/} th=${l##*-}
        [ "$l" = rg ] && th=$TMAX
        case "$l" in
        floor-*) what="zstd -dc, $th process(es) (floor)" ;;
        skidx-lit-*) what="skidx index, literal taxonomy (the peers' work)" ;;
        skidx-*) what="skidx index" ;;
        rg) what="ripgrep -z -c -i -w -F -f, one pass (counts lines, not skills)" ;;
        esac
        w=$(med "${T[$k]}") cpu=$(med "${C[$k]}")
        fw=$(med "${T[$c/floor-$th]}") fc=$(med "${C[$c/floor-$th]}")
        awk -v l="$what" -v t="$th" -v w="$w" -v c="$cpu" -v b="${BYTES[$c]}" \
            -v fw="$fw" -v fc="$fc" -v m="${RSSMAX[$k]}" '
            function q(x, y, f) { return y > 0 ? sprintf(f, x / y) : "-" }
            BEGIN{
            printf "| %s | %s | %.2f | %.2f | %s | %s | %s | %.0f |\n",
            l, t, w, c, q(b / 1e6, w, "%.0f"), q(fw, w, "%.2f"),
            q(fc, c, "%.2f"), m/1024 }'
    done
    awk -v l="python3 + pyahocorasick peer (${PEER_WHAT[$c]})" -v t="$PEER_JOBS" \
        -v w="${PEER_W[$c]}" -v c="${PEER_C[$c]}" -v b="${PEER_B[$c]}" \
        -v fw="$(med "${T[$c/floor-$TMAX]}")" -v fc="$(med "${C[$c/floor-$TMAX]}")" \
        -v fb="${BYTES[$c]}" -v m="${PEER_M[$c]}" '
        function q(x, y, f) { return y > 0 ? sprintf(f, x / y) : "-" }
        BEGIN{
        # the floor scaled to the peer'"'"'s bytes
        printf "| %s | %s | %.2f | %.2f | %s | %s | %s | %.0f |\n",
        l, t " processes", w, c, q(b / 1e6, w, "%.1f"),
        q(fw * b / fb, w, "%.3f"), q(fc * b / fb, c, "%.3f"), m/1024 }'
    say "(-: a time of 0.00 s, below the hundredths /usr/bin/time gives, so no rate or ratio)"
    say ""
    say "$c: skidx index at $TMAX threads x the floor at $TMAX: $(med "${RW[$c]}") by wall time, $(med "${RC[$c]}") by CPU time; scaling 1 -> $TMAX threads $(med "${RS[$c]}") (medians of the rounds)"
    [ "${AGREE_OF[$c]}" = 0 ] && say "$c: per-skill counts on the peer's shards: skidx == python peer" ||
        say "$c: per-skill counts on the peer's shards: MISMATCH between skidx and the python peer"
done
say ""
say "skidx max RSS at $TMAX threads: $((SKRSS_SMALL / 1024)) MB on $(awk -v b="$SMALL_BYTES" 'BEGIN{printf "%.0f", b/1e6}') MB, $((RSSMAX[$c0/skidx-$TMAX] / 1024)) MB on $(awk -v b="${BYTES[$c0]}" 'BEGIN{printf "%.0f", b/1e6}') MB ($c0)"
say "skidx query, role x seniority table for $TOP3 (whole process): mean $QMEAN ms, median $QMED ms, CPU $QCPU ms"
say "load average at the end: $(loadavg); results: $CSV"
[ -n "$CSV_OUT" ] && cp "$CSV" "$CSV_OUT"
exit "$AGREE"
