#!/usr/bin/env bash
# Build skidx with clang, LLVM's OpenMP runtime and ThreadSanitizer (with
# the runtime's Archer tool so OpenMP synchronisation is understood), then
# index the sample corpus with several threads and small chunks, as JSON
# Lines and as CSV, and query one index's segments from several threads
# (tests/tsan_segments.c): any data race fails the run. Also run by CI.
# usage: scripts/tsan-check.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build-tsan}
ARCHER=$(ls /usr/lib/llvm-*/lib/libarcher.so 2>/dev/null | head -1 || true)
if [ -z "$ARCHER" ]; then
    echo "tsan-check: libarcher.so not found (Debian package libomp-14-dev)" >&2
    exit 1
fi
CC=clang cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Debug -DSKIDX_TSAN=ON \
    -DSKIDX_TESTS=OFF -DSKIDX_BENCH=OFF >/dev/null
cmake --build "$B" -j"$(nproc)" --target skidx_cli tsan_segments >/dev/null
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 ignore_noninstrumented_modules=1"
export OMP_TOOL_LIBRARIES=$ARCHER
for args in "--threads 4 --chunk-bytes 64K" "--threads 2" "--threads 3 --chunk-bytes 16K --keep-going"; do
    # shellcheck disable=SC2086
    "$B/skidx" index -q corpora/sample $args -o "$T/t.skidx"
    echo "tsan-check: index $args: no race"
done
"$B/skidx" verify "$T/t.skidx" >/dev/null
# several threads on one index's segments at once, from their first use:
# the lazy reading and checking of segment heads and parts
"$B/tsan_segments" "$T/t.skidx" 6
echo "tsan-check: 6 threads on one index's segments: no race"
"$B/tsan_segments" "$T/t.skidx" 6 map
echo "tsan-check: 6 threads on one index's mapped segments: no race"
# CSV: the splitter in the reading thread, whole records to the others
zstd -dcq corpora/sample/*.zst | python3 -c '
import csv, json, sys
F = ["id", "title", "description", "company", "posted", "salary_min", "salary_max"]
w = csv.writer(sys.stdout)
w.writerow(F)
for line in sys.stdin:
    r = json.loads(line)
    w.writerow(["" if r.get(k) is None else r[k] for k in F])' | gzip >"$T/sample.csv.gz"
"$B/skidx" index -q "$T/sample.csv.gz" --threads 4 --chunk-bytes 64K -o "$T/c.skidx"
echo "tsan-check: index CSV --threads 4 --chunk-bytes 64K: no race"
echo "tsan-check: passed"
