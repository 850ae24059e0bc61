#!/usr/bin/env bash
# skidx-mpi under AddressSanitizer + UndefinedBehaviorSanitizer (a build
# with SKIDX_SANITIZE=ON SKIDX_MPI=ON; .ci/run): a short run of what
# tests/mpi_index.sh checks in full. The sample corpus at 2 and 3 ranks,
# and a large JSON Lines shard cut between 2 ranks with every transfer in
# pieces of 4 KB, each byte-identical to one process's index; Open MPI's
# own allocations, kept until exit, are suppressed (tests/lsan-openmpi.supp).
# usage: mpi_sanitize.sh SKIDX SKIDX_MPI MPIRUN SOURCE_DIR
set -u
SKIDX=$1 SKIDX_MPI=$2 MPIRUN=$3 SRC=$4
fail=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
bad() { echo "FAIL: $*"; fail=1; }
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
# the ranks record whole stacks at each allocation (Open MPI's frames lack
# frame pointers; the suppressions match frames deeper down): slow, so the
# taxonomy is compiled once before, by one process, into the cache; and
# each rank loading the default taxonomy's image, some 10 MB built of many
# allocations, took most of this test's minutes (a rank of the e2e
# corpus: 9 s with tests/e2e/taxonomy, 346 s with the default one, at
# load 8). So the runs here take a slice of it, as cli_cache.sh does under
# SKIDX_TEST_QUICK: one skill in 25, a few with regexes, negatives and
# unspaced literals, and the skills the cut corpus names, with its roles
# and sections, so that the image still holds every kind of part;
# tests/mpi_index.sh runs the default taxonomy itself (release build).
RANK_ASAN=$ASAN_OPTIONS:fast_unwind_on_malloc=0
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=suppressions=$SRC/tests/lsan-openmpi.supp:print_suppressions=0
# Open MPI unloads its plugins at exit: kept, their frames have names
export OMPI_MCA_mca_base_component_disable_dlclose=1
export SKIDX_MPI_CUT_MIN= SKIDX_MPI_PIECE_BYTES=
# the compiled taxonomy, once (ctest sets it for the build tree)
export SKIDX_CACHE_DIR=${SKIDX_CACHE_DIR:-$T/cache}
mpi() {
    local n=$1; shift
    timeout 300 "$MPIRUN" --allow-run-as-root --oversubscribe \
        -x ASAN_OPTIONS="$RANK_ASAN" -x UBSAN_OPTIONS -x LSAN_OPTIONS \
        -x OMPI_MCA_mca_base_component_disable_dlclose -x SKIDX_CACHE_DIR \
        -x SKIDX_MPI_CUT_MIN -x SKIDX_MPI_PIECE_BYTES -n "$n" "$SKIDX_MPI" "$@"
}

TAX=$T/slice
cp -r "$SRC/taxonomy" "$TAX"
LC_ALL=C awk -F'\t' '/^#|^@|^$/ { print; next } { n++ }
    n % 25 == 0 || $1 == "Python" || $1 == "SQL" || $1 == "Apache Airflow" { print; next }
    /\t=?\// && r < 4 { r++; print; next }
    /\t!/ && g < 4 { g++; print; next }
    /[\200-\377]/ && u < 3 { u++; print }' \
    "$SRC/taxonomy/skills.tsv" > "$TAX/skills.tsv"
"$SKIDX" index -t "$TAX" "$SRC/corpora/sample" -o "$T/s.skidx" -q -j2 || bad "skidx index on the sample"
for n in 2 3; do
    mpi "$n" -t "$TAX" "$SRC/corpora/sample" -o "$T/m$n.skidx" -q -j1 2>"$T/m$n.err" || bad "sample: $n ranks: exit $?: $(cat "$T/m$n.err")"
    cmp -s "$T/s.skidx" "$T/m$n.skidx" || bad "sample: $n ranks: not the bytes of one process"
done

mkdir "$T/cut"
awk -v out="$T/cut/b.jsonl" 'BEGIN {
    for (i = 0; i < 8000; i++)
        printf "{\"title\":\"Data Engineer %d\",\"company\":\"Company %d\",\"posted\":\"2024-%02d-01\",\"description\":\"Posting %d. We use Python, SQL and Airflow.\"}\n",
            i % 3000, i % 97, i % 12 + 1, i % 3000 > out
}'
"$SKIDX" index -t "$TAX" "$T/cut" -o "$T/cs.skidx" -q -j2 || bad "skidx index on the cut corpus"
SKIDX_MPI_CUT_MIN=1000 SKIDX_MPI_PIECE_BYTES=4096 mpi 2 -t "$TAX" "$T/cut" -o "$T/cm.skidx" -j1 2>"$T/cm.err" ||
    bad "cut: exit $?: $(cat "$T/cm.err")"
cmp -s "$T/cs.skidx" "$T/cm.skidx" || bad "cut: not the bytes of one process"
grep -q "ranks: 1 cuts inside shards" "$T/cm.err" || bad "cut: the shard was not cut: $(cat "$T/cm.err")"
grep -q "ranks: [1-9][0-9]* transfers sent in pieces" "$T/cm.err" || bad "cut: nothing sent in pieces"

[ $fail -eq 0 ] && echo "mpi_sanitize: all passed"
exit $fail
