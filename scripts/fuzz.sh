#!/usr/bin/env bash
# Build the libFuzzer targets of tests/fuzz/ with clang (libFuzzer +
# AddressSanitizer + UndefinedBehaviorSanitizer) into build-fuzz/, then run
# each for SECONDS seconds on its seed corpus, one job each, as many
# targets at once as there are CPUs (FUZZ_JOBS=N to change that: each
# target is one process, so each still has a CPU of its own for its
# SECONDS). Any crash, leak, sanitizer report, timeout or out-of-memory
# fails the script; the input that caused it is kept in
# build-fuzz/artifacts/. Also run by CI with a short budget.
#
# usage: scripts/fuzz.sh [SECONDS] [TARGET...]     (default: 20 s, all)
#   e.g. scripts/fuzz.sh 1800 fuzz_index           # a 30-minute session
# New inputs libFuzzer finds go to build-fuzz/corpus_<name>/ (the seed
# corpora in tests/fuzz/ are only read). See tests/fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-20}
shift || true
B=${FUZZ_BUILD_DIR:-build-fuzz}
NJ=${FUZZ_JOBS:-$(nproc)}
CC=${CC_FUZZ:-clang}
if ! command -v "$CC" >/dev/null; then
    echo "fuzz: $CC not found (Debian package clang)" >&2
    exit 1
fi
mkdir -p "$B/artifacts"
BASE=(-g -O1 -std=gnu11 -fno-omit-frame-pointer -fno-sanitize-recover=undefined
      -Iinclude -Isrc -fopenmp)
LIBS=(-lhs -lzstd -lz -lroaring -lm -fopenmp)
if pkg-config --exists libhs 2>/dev/null; then
    read -r -a HSFLAGS <<<"$(pkg-config --cflags libhs)"
    BASE+=("${HSFLAGS[@]}")
fi

# The library is compiled once, every source of the three directories that
# CMakeLists.txt globs for it (src/core, src/io, src/build), into an archive;
# each target links against it and takes only the objects it needs, so a
# source added to the library needs no edit here.
KNOWN=(fuzz_jsonl fuzz_taxonomy fuzz_index fuzz_sections fuzz_csv fuzz_where fuzz_match)
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${KNOWN[@]}")
for t in "${TARGETS[@]}"; do
    [[ " ${KNOWN[*]} " == *" $t "* ]] || { echo "fuzz: unknown target '$t'" >&2; exit 2; }
done

# Sources generated at configure time (the country table that
# src/core/country.c includes) come from a CMake configure of their own,
# so that the rule that writes them lives in CMakeLists.txt alone.
echo "fuzz: configuring (generated sources)"
cmake -S . -B "$B/cmake" -DSKIDX_BENCH=OFF >"$B/cmake.log" 2>&1 ||
    { cat "$B/cmake.log" >&2; echo "fuzz: cmake configure failed" >&2; exit 1; }
BASE+=(-I"$B/cmake/gen")

# at most NJ background jobs: wait for one to end before starting another;
# a job that failed sets `failed`
failed=0 running=0
throttle() {
    while [ "$running" -ge "${1:-$NJ}" ]; do
        wait -n || failed=1
        running=$((running - 1))
    done
}

echo "fuzz: building the library"
mkdir -p "$B/obj/lib"
rm -f "$B/obj/lib/"*.o "$B/libskidx-fuzz.a"
objs=()
for s in src/core/*.c src/io/*.c src/build/*.c; do
    o="$B/obj/lib/$(basename "$(dirname "$s")")_$(basename "$s" .c).o"
    flags=("${BASE[@]}" -fsanitize=fuzzer-no-link,address,undefined
           -DSKIDX_HAVE_HASH_AVX2=1 -DSKIDX_HAVE_HASH_AVX512=1)
    case $s in
    src/core/hash_avx2.c) flags+=(-mavx2) ;;
    src/core/hash_avx512.c) flags+=(-mavx512f) ;;
    esac
    throttle
    "$CC" "${flags[@]}" -c "$s" -o "$o" &
    running=$((running + 1))
    objs+=("$o")
done
throttle 1
[ "$failed" = 0 ] || { echo "fuzz: the library did not compile" >&2; exit 1; }
ar rcs "$B/libskidx-fuzz.a" "${objs[@]}"
for t in "${TARGETS[@]}"; do
    echo "fuzz: building $t"
    throttle
    "$CC" "${BASE[@]}" -fsanitize=fuzzer,address,undefined "tests/fuzz/$t.c" \
        "$B/libskidx-fuzz.a" "${LIBS[@]}" -o "$B/$t" &
    running=$((running + 1))
done
throttle 1
[ "$failed" = 0 ] || { echo "fuzz: a target did not build" >&2; exit 1; }

# one run: its exit status in $B/$t.rc, its output in $B/$t.log
run() {
    local t=$1 seeds="tests/fuzz/corpus_${1#fuzz_}" work="$B/corpus_${1#fuzz_}"
    mkdir -p "$work"
    # -rss_limit_mb / -malloc_limit_mb: an allocation the input can inflate
    # past 2 GB is a finding, not noise
    local rc=0
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$B/$t" -max_total_time="$SECS" -timeout=25 \
        -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$B/artifacts/$t-" "$work" "$seeds" \
        >"$B/$t.log" 2>&1 || rc=$?
    echo "$rc" >"$B/$t.rc"
}
for t in "${TARGETS[@]}"; do
    rm -f "$B/$t.rc"
    echo "fuzz: running $t for $SECS s (seeds: tests/fuzz/corpus_${t#fuzz_})"
    throttle
    run "$t" &
    running=$((running + 1))
done
throttle 1

fail=0
for t in "${TARGETS[@]}"; do
    if [ "$(cat "$B/$t.rc" 2>/dev/null)" != 0 ]; then
        echo "fuzz: $t FAILED (log: $B/$t.log; inputs: $B/artifacts/)" >&2
        tail -40 "$B/$t.log" >&2
        fail=1
    else
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$B/$t.log" | grep -o '[0-9]*$' || echo '?')
        echo "fuzz: $t ok, $runs executions"
    fi
done
exit $fail
