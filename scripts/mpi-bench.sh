#!/usr/bin/env bash
# The cost of the MPI path (BENCHMARKS.md, "Under MPI"): on one corpus,
# interleaved rounds of `skidx index --threads 2`, skidx-mpi on 1 rank x 2
# threads and on 2 ranks x 1 thread (wall and CPU seconds, every index
# compared with the first); then the stage lines of skidx-mpi (time of
# the slowest rank, bytes sent) at each rank count of RANKS.
# usage: mpi-bench.sh BUILD_DIR CORPUS [ROUNDS] [RANKS...]
set -euo pipefail
B=$1 C=$2 ROUNDS=${3:-3}
shift $(( $# < 3 ? $# : 3 ))
RANKS=${*:-2 4 8 16}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
MPIRUN="mpirun --allow-run-as-root --oversubscribe --bind-to none" # ranks take the threads they are given (README, "Beyond one machine")
run() { # name command...
    local name=$1; shift
    /usr/bin/time -f "$name %e %U %S" -o "$T/t" "$@" -o "$T/$name.skidx" -q
    cat "$T/t" >>"$T/times"
    if [ -e "$T/ref.skidx" ]; then
        cmp -s "$T/ref.skidx" "$T/$name.skidx" || { echo "mpi-bench: $name: index differs" >&2; exit 1; }
    else
        cp "$T/$name.skidx" "$T/ref.skidx"
    fi
}
for r in $(seq "$ROUNDS"); do
    run threads2 "$B/skidx" index "$C" --threads 2
    run mpi1x2 $MPIRUN -n 1 "$B/skidx-mpi" "$C" --threads 2
    run mpi2x1 $MPIRUN -n 2 "$B/skidx-mpi" "$C" --threads 1
done
echo "config rounds median_wall_s median_cpu_s"
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for c in threads2 mpi1x2 mpi2x1; do
    w=$(awk -v c="$c" '$1 == c { print $2 }' "$T/times" | median)
    u=$(awk -v c="$c" '$1 == c { print $3 + $4 }' "$T/times" | median)
    echo "$c $ROUNDS $w $u"
done
for n in $RANKS; do
    $MPIRUN -n "$n" "$B/skidx-mpi" "$C" --threads 1 -o "$T/r$n.skidx" 2>&1 | grep '^skidx-mpi:'
    cmp -s "$T/ref.skidx" "$T/r$n.skidx" || { echo "mpi-bench: $n ranks: index differs" >&2; exit 1; }
done
