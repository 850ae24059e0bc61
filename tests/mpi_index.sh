#!/usr/bin/env bash
# skidx-mpi writes the bytes of one `skidx index` process: on the sample
# corpus and on a corpus whose reposts sit in other shards than their
# originals (so on other ranks), at 1 to 4 ranks; a corrupt shard on one
# rank fails the run as on one machine, and --keep-going gives the index
# of one machine's --keep-going; a signal, a rank with another taxonomy
# and a rank killed outright leave no file.
# usage: mpi_index.sh SKIDX SKIDX_MPI MPIRUN SOURCE_DIR
set -u
SKIDX=$1 SKIDX_MPI=$2 MPIRUN=$3 SRC=$4
fail=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
bad() { echo "FAIL: $*"; fail=1; }
mpi() {
    local n=$1; shift
    timeout 120 "$MPIRUN" --allow-run-as-root --oversubscribe \
        -x SKIDX_MPI_CUT_MIN -x SKIDX_MPI_PIECE_BYTES -n "$n" "$SKIDX_MPI" "$@"
}
export SKIDX_MPI_CUT_MIN= SKIDX_MPI_PIECE_BYTES=

# --- the sample corpus -----------------------------------------------------
"$SKIDX" index "$SRC/corpora/sample" -o "$T/s.skidx" -q -j2 || bad "skidx index on the sample"
for n in 1 2 3 4; do
    mpi "$n" "$SRC/corpora/sample" -o "$T/m$n.skidx" -q -j1 || bad "sample: $n ranks: exit $?"
    cmp -s "$T/s.skidx" "$T/m$n.skidx" || bad "sample: $n ranks: not the bytes of one process"
done

# --no-postings: the writer writes the cube only, as one process does
"$SKIDX" index "$SRC/corpora/sample" -o "$T/snp.skidx" -q -j2 --no-postings || bad "skidx index --no-postings"
mpi 3 "$SRC/corpora/sample" -o "$T/mnp.skidx" -q -j1 --no-postings || bad "--no-postings: 3 ranks: exit $?"
cmp -s "$T/snp.skidx" "$T/mnp.skidx" || bad "--no-postings: 3 ranks: not the bytes of one process"

# a rank bound to one core (Open MPI's default at one or two ranks) with
# two threads: the same index, and a warning that says how to unbind
"$MPIRUN" --allow-run-as-root --bind-to core -n 1 "$SKIDX_MPI" "$SRC/corpora/sample" -o "$T/b1.skidx" -q -j2 2>"$T/b1.err" ||
    bad "bound rank: exit $?"
cmp -s "$T/s.skidx" "$T/b1.skidx" || bad "bound rank: not the bytes of one process"
grep -q "warning: rank 0 runs 2 threads on the 1 core it is bound to.*--bind-to none" "$T/b1.err" ||
    bad "bound rank: no warning about the binding: $(cat "$T/b1.err")"
if [ "$(nproc)" -ge 2 ]; then
    "$MPIRUN" --allow-run-as-root --bind-to none -n 1 "$SKIDX_MPI" "$SRC/corpora/sample" -o "$T/b2.skidx" -q -j2 2>"$T/b2.err" ||
        bad "unbound rank: exit $?"
    grep -q "warning" "$T/b2.err" && bad "unbound rank: a warning: $(cat "$T/b2.err")"
fi

# --- reposts across shards ------------------------------------------------
# Five shards of short postings, of unequal sizes (ranks get unequal
# numbers of shards; the last, large one goes to a rank other than the
# writer at 2, 3 and 4 ranks, with a whole segment inside); every 5th line of a shard is a copy of a line of the
# shard before it, every 11th of one three shards back, every 17th of an
# earlier line of its own shard. Over two segments of 65,536 postings:
# some segments span the ranks' parts (cut by the writer from rows), some
# lie inside one rank's part (encoded there).
mkdir "$T/rp"
awk -v out="$T/rp" 'BEGIN {
    split("Data Engineer|Machine Learning Engineer|Backend Developer|DevOps Engineer|Data Analyst", title, "|")
    split("Python, SQL and Airflow|PyTorch and TensorFlow|Go, Kubernetes and PostgreSQL|Terraform, AWS and Docker|Excel, Tableau and SQL", tech, "|")
    split("Berlin|Paris|London|Remote|New York", loc, "|")
    size[0] = 20000; size[1] = 10000; size[2] = 20000; size[3] = 10000; size[4] = 140000
    for (k = 0; k < 5; k++) {
        f = sprintf("%s/part-%d.jsonl", out, k)
        for (i = 0; i < size[k]; i++) {
            if (k >= 1 && i % 5 == 4) line = gen(k - 1, (i * 7) % size[k - 1])
            else if (k >= 3 && i % 11 == 10) line = gen(k - 3, (i * 3) % size[k - 3])
            else if (i % 17 == 16) line = gen(k, i / 2)
            else line = gen(k, i)
            print line > f
        }
        close(f)
    }
}
function gen(k, i,   t) {
    t = (k * 7 + i) % 5 + 1
    return sprintf("{\"id\":\"%d-%d\",\"title\":\"%s\",\"company\":\"Company %d\",\"location\":\"%s\",\"posted\":\"2024-%02d-03\",\"salary_min\":%d,\"salary_max\":%d,\"currency\":\"USD\",\"description\":\"Posting %d of shard %d. We use %s.\"}",
        k, i, title[t], i % 397, loc[(i % 5) + 1], (i % 12) + 1, 50000 + (i % 50) * 1000, 70000 + (i % 50) * 1000, i, k, tech[((i / 5) % 5) + 1])
}'
"$SKIDX" index "$T/rp" -o "$T/rs.skidx" -j2 2>"$T/rs.err" || bad "skidx index on the reposts corpus"
# the corpus holds what the test is about: thousands of reposts, most of
# them of postings in other shards
dups=$(sed -n 's/.*; \([0-9]*\) duplicates,.*/\1/p' "$T/rs.err")
[ "${dups:-0}" -gt 10000 ] || bad "reposts corpus: $dups duplicates, expected over 10000"
# (whole shards here, SKIDX_MPI_CUT_MIN: the large one is cut below)
for n in 1 2 3 4; do
    j=$(( n % 2 + 1 ))
    SKIDX_MPI_CUT_MIN=100000000000 mpi "$n" "$T/rp" -o "$T/rm$n.skidx" -j$j 2>"$T/rm$n.err" || bad "reposts: $n ranks: exit $?"
    cmp -s "$T/rs.skidx" "$T/rm$n.skidx" || bad "reposts: $n ranks x $j threads: not the bytes of one process"
    grep -q "; $dups duplicates," "$T/rm$n.err" || bad "reposts: $n ranks: the summary does not say $dups duplicates"
    [ "$n" -eq 1 ] || grep -q "ranks: [1-9][0-9]* segments encoded by the other ranks" "$T/rm$n.err" ||
        bad "reposts: $n ranks: no segment was encoded outside the writer: $(cat "$T/rm$n.err")"
done

# --- shards cut between ranks ---------------------------------------------
# One large JSON Lines shard between two small ones: the ranks' boundaries
# fall inside it and cut it at a line. Its second half reposts lines of its
# first (across every cut), the last shard reposts lines of it.
mkdir "$T/cut"
awk -v out="$T/cut" 'BEGIN {
    split("Data Engineer|Machine Learning Engineer|Backend Developer|DevOps Engineer|Data Analyst", title, "|")
    split("Python, SQL and Airflow|PyTorch and TensorFlow|Go, Kubernetes and PostgreSQL|Terraform, AWS and Docker|Excel, Tableau and SQL", tech, "|")
    split("Berlin|Paris|London|Remote|New York", loc, "|")
    n = 30000
    for (i = 0; i < 2000; i++) print gen(0, i) > (out "/a.jsonl")
    for (i = 0; i < n; i++) {
        if (i >= n / 4 && i % 7 == 3) line = gen(1, (i * 13) % (n / 4))
        else if (i % 29 == 5) line = gen(0, i % 2000)
        else line = gen(1, i)
        print line > (out "/b.jsonl")
    }
    for (i = 0; i < 2000; i++) print (i % 3 ? gen(2, i) : gen(1, (i * 17) % n)) > (out "/c.jsonl")
}
function gen(k, i,   t) {
    t = (k * 7 + i) % 5 + 1
    return sprintf("{\"id\":\"%d-%d\",\"title\":\"%s\",\"company\":\"Company %d\",\"location\":\"%s\",\"posted\":\"2024-%02d-03\",\"salary_min\":%d,\"salary_max\":%d,\"currency\":\"USD\",\"description\":\"Posting %d of shard %d. We use %s.\"}",
        k, i, title[t], i % 397, loc[(i % 5) + 1], (i % 12) + 1, 50000 + (i % 50) * 1000, 70000 + (i % 50) * 1000, i, k, tech[((i / 5) % 5) + 1])
}'
printf '{"title":"Data Engineer", "description":"not closed\n' >>"$T/cut/b.jsonl" # a skipped record, reported
"$SKIDX" index "$T/cut" -o "$T/cs.skidx" -j2 2>"$T/cs.err" || bad "skidx index on the cut corpus"
for n in 1 2 3 4; do
    mpi "$n" "$T/cut" -o "$T/cm$n.skidx" -j1 2>"$T/cm$n.err" || bad "cut: $n ranks: exit $?"
    cmp -s "$T/cs.skidx" "$T/cm$n.skidx" || bad "cut: $n ranks: not the bytes of one process"
    grep -q "ranks: $((n - 1)) cuts inside shards" "$T/cm$n.err" || bad "cut: $n ranks: the large shard was not cut: $(cat "$T/cm$n.err")"
    diff <(grep '^skidx: ' "$T/cs.err" | grep -v '^skidx: indexed') <(grep '^skidx: ' "$T/cm$n.err" | grep -v '^skidx: indexed') >/dev/null ||
        bad "cut: $n ranks: messages differ from one process's: $(cat "$T/cm$n.err")"
done
# every transfer in pieces of 4 KB (MPI counts are ints: the pieced path)
SKIDX_MPI_PIECE_BYTES=4096 mpi 3 "$T/cut" -o "$T/cp.skidx" -j1 2>"$T/cp.err" || bad "pieces: exit $?"
cmp -s "$T/cs.skidx" "$T/cp.skidx" || bad "pieces: not the bytes of one process"
grep -q "ranks: [1-9][0-9]* transfers sent in pieces of at most 4096 bytes" "$T/cp.err" || bad "pieces: nothing was sent in pieces: $(cat "$T/cp.err")"

# One CSV shard whose records hold quoted line breaks (and doubled
# quotes): a cut at a line start inside quotes moves on to the next
# record. At 2 ranks the cut (its middle byte) falls inside a record of
# 60 lines; the second half reposts records of the first.
mkdir "$T/csv"
awk -v out="$T/csv/jobs.csv" 'BEGIN {
    print "id,title,company,location,posted,description" > out
    n = 4000
    for (i = 0; i < n; i++) {
        rec(i < n / 2 || i % 5 ? i : i - n / 2, 0)
        if (i == n / 2 - 1) rec(n, 60)
    }
}
function rec(i, extra,   d, k) {
    d = sprintf("Posting %d: we use Python and SQL.\nAlso \"\"Airflow\"\" and Docker.\nApply by mail.", i)
    for (k = 0; k < extra; k++) d = d sprintf("\nMore about the team, line %d, with Kubernetes and Go in it.", k)
    printf "%d,Data Engineer %d,Company %d,Berlin,2024-%02d-01,\"%s\"\n", i, i % 7, i % 97, i % 12 + 1, d > out
}'
size=$(stat -c %s "$T/csv/jobs.csv")
tail -c +$((size / 2 + 1)) "$T/csv/jobs.csv" | sed -n 2p | grep -q '^More about the team' ||
    bad "csv: the test corpus does not put its middle inside a quoted field"
"$SKIDX" index "$T/csv" -o "$T/vs.skidx" -j2 2>"$T/vs.err" || bad "skidx index on the CSV shard"
for n in 2 3 4; do
    SKIDX_MPI_CUT_MIN=100000 mpi "$n" "$T/csv" -o "$T/vm$n.skidx" -j1 2>"$T/vm$n.err" || bad "csv: $n ranks: exit $?"
    cmp -s "$T/vs.skidx" "$T/vm$n.skidx" || bad "csv: $n ranks: not the bytes of one process"
    grep -q "ranks: $((n - 1)) cuts inside shards" "$T/vm$n.err" || bad "csv: $n ranks: the shard was not cut: $(cat "$T/vm$n.err")"
done

# A compressed shard (zstd, its size in the frame header) cut between
# ranks, with a corrupt byte in its second half: exit 1 and the message of
# one process (shard and byte), no file; --keep-going: the same index.
mkdir "$T/cz"
cp "$T/cut/a.jsonl" "$T/cut/c.jsonl" "$T/cz/"
zstd -q -3 "$T/cut/b.jsonl" -o "$T/cz/b.jsonl.zst"
"$SKIDX" index "$T/cz" -o "$T/zs.skidx" -q -j2 || bad "skidx index on the zstd cut corpus"
SKIDX_MPI_CUT_MIN=100000 mpi 3 "$T/cz" -o "$T/zm.skidx" -j1 2>"$T/zm.err" || bad "zstd cut: exit $?"
cmp -s "$T/zs.skidx" "$T/zm.skidx" || bad "zstd cut: not the bytes of one process"
grep -q "ranks: 2 cuts inside shards" "$T/zm.err" || bad "zstd cut: not cut: $(cat "$T/zm.err")"
zsize=$(stat -c %s "$T/cz/b.jsonl.zst")
printf '\377\377\377\377' | dd of="$T/cz/b.jsonl.zst" bs=1 seek=$((zsize * 3 / 4)) conv=notrunc 2>/dev/null
"$SKIDX" index "$T/cz" -o "$T/z1.skidx" -q -j2 2>"$T/z1.err"
[ $? -eq 1 ] || bad "corrupt cut shard: skidx index should exit 1"
grep -q "b.jsonl.zst' at byte" "$T/z1.err" || bad "corrupt cut shard: one process names no byte: $(cat "$T/z1.err")"
"$SKIDX" index "$T/cz" -o "$T/zk1.skidx" -q -k -j2 2>/dev/null
for n in 2 3; do
    rm -f "$T/zc.skidx"
    SKIDX_MPI_CUT_MIN=100000 mpi "$n" "$T/cz" -o "$T/zc.skidx" -q -j1 2>"$T/zc$n.err"
    rc=$?
    [ $rc -eq 1 ] || bad "corrupt cut shard: $n ranks: exit $rc, expected 1"
    [ ! -e "$T/zc.skidx" ] || bad "corrupt cut shard: $n ranks: an index was written"
    diff "$T/z1.err" <(grep '^skidx: ' "$T/zc$n.err") >/dev/null ||
        bad "corrupt cut shard: $n ranks: messages differ from one process's: $(cat "$T/zc$n.err")"
    SKIDX_MPI_CUT_MIN=100000 mpi "$n" "$T/cz" -o "$T/zk$n.skidx" -q -k -j1 2>/dev/null
    [ $? -eq 1 ] || bad "corrupt cut shard, --keep-going: $n ranks: exit 1 expected"
    cmp -s "$T/zk1.skidx" "$T/zk$n.skidx" || bad "corrupt cut shard, --keep-going: $n ranks: not the index of one process"
done

# --- ranks of another build: no index --------------------------------------
# (the message format differs: the test hook changes this rank's build id)
rm -f "$T/fx.skidx"
timeout 120 "$MPIRUN" --allow-run-as-root --oversubscribe \
    -n 1 "$SKIDX_MPI" "$SRC/corpora/sample" -o "$T/fx.skidx" -q -j1 : \
    -n 1 -x SKIDX_MPI_TEST_FORMAT=1 "$SKIDX_MPI" "$SRC/corpora/sample" -o "$T/fx.skidx" -q -j1 2>"$T/fx.err"
rc=$?
[ $rc -eq 1 ] || bad "another build: exit $rc, expected 1: $(cat "$T/fx.err")"
[ ! -e "$T/fx.skidx" ] || bad "another build: an index was written"
grep -q "rank 1 of 2: this skidx-mpi .* is not rank 0's build" "$T/fx.err" ||
    bad "another build: no message naming the rank: $(cat "$T/fx.err")"

# --- a corrupt shard on one rank ------------------------------------------
mkdir "$T/cx"
cp "$T/rp"/part-0.jsonl "$T/rp"/part-1.jsonl "$T/rp"/part-3.jsonl "$T/rp"/part-4.jsonl "$T/cx/"
zstd -q -3 "$T/rp/part-2.jsonl" -o "$T/part-2.jsonl.zst"
head -c 60000 "$T/part-2.jsonl.zst" >"$T/cx/part-2.jsonl.zst"
"$SKIDX" index "$T/cx" -o "$T/c1.skidx" -q -j2 2>"$T/c1.err"
rc1=$?
[ $rc1 -eq 1 ] || bad "corrupt shard: skidx index exit $rc1, expected 1"
for n in 3; do
    rm -f "$T/cm.skidx"
    mpi "$n" "$T/cx" -o "$T/cm.skidx" -q -j1 2>"$T/cm$n.err"
    rc=$?
    [ $rc -eq 1 ] || bad "corrupt shard: $n ranks: exit $rc, expected 1"
    [ ! -e "$T/cm.skidx" ] || bad "corrupt shard: $n ranks: an index was written"
    ls "$T" | grep -q 'cm\.skidx\.' && bad "corrupt shard: $n ranks: a temporary file is left"
    # the reason, once, as one process says it
    diff "$T/c1.err" <(grep '^skidx: ' "$T/cm$n.err") >/dev/null ||
        bad "corrupt shard: $n ranks: messages differ from one process's: $(cat "$T/cm$n.err")"
    grep -q 'part-2.jsonl.zst' "$T/cm$n.err" || bad "corrupt shard: $n ranks: the shard is not named"
done
"$SKIDX" index "$T/cx" -o "$T/k1.skidx" -q -k -j2 2>"$T/k1.err"
[ $? -eq 1 ] || bad "--keep-going: skidx index should exit 1"
for n in 3; do
    mpi "$n" "$T/cx" -o "$T/km$n.skidx" -q -k -j1 2>"$T/km$n.err"
    rc=$?
    [ $rc -eq 1 ] || bad "--keep-going: $n ranks: exit $rc, expected 1"
    cmp -s "$T/k1.skidx" "$T/km$n.skidx" || bad "--keep-going: $n ranks: not the index of one process"
    diff "$T/k1.err" <(grep "^skidx: " "$T/km$n.err") >/dev/null || bad "--keep-going: $n ranks: messages differ: $(cat "$T/km$n.err")"
done

# --- a rank whose taxonomy differs from the writer's: no index ------------
# (a node with another copy of the directory would count other skills)
cp -r "$SRC/taxonomy" "$T/tax2"
printf 'Made-up skill for the test\tTools\tzyxwvut-skill\n' >>"$T/tax2/skills.tsv"
rm -f "$T/tx.skidx"
timeout 120 "$MPIRUN" --allow-run-as-root --oversubscribe \
    -n 1 "$SKIDX_MPI" "$SRC/corpora/sample" -o "$T/tx.skidx" -q -j1 --taxonomy "$SRC/taxonomy" : \
    -n 1 "$SKIDX_MPI" "$SRC/corpora/sample" -o "$T/tx.skidx" -q -j1 --taxonomy "$T/tax2" 2>"$T/tx.err"
rc=$?
[ $rc -eq 1 ] || bad "taxonomy mismatch: exit $rc, expected 1: $(cat "$T/tx.err")"
[ ! -e "$T/tx.skidx" ] || bad "taxonomy mismatch: an index was written"
grep -q "rank 1 of 2: the taxonomy in '$T/tax2' differs from rank 0's" "$T/tx.err" ||
    bad "taxonomy mismatch: no message naming the rank and directory: $(cat "$T/tx.err")"

# --- a signal: no file ----------------------------------------------------
# a FIFO without a writer holds one rank in open(2) until mpirun passes
# the signal on
mkdir "$T/sg"
cp "$T/rp/part-1.jsonl" "$T/sg/a.jsonl"
mkfifo "$T/sg/b.jsonl"
"$MPIRUN" --allow-run-as-root --oversubscribe -n 2 "$SKIDX_MPI" "$T/sg/a.jsonl" "$T/sg/b.jsonl" -o "$T/sig.skidx" -q -j1 2>"$T/sig.err" &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
rc=$?
[ $rc -ne 0 ] || bad "signal: exit 0"
[ ! -e "$T/sig.skidx" ] || bad "signal: an index was written"
ls "$T" | grep -q 'sig\.skidx\.' && bad "signal: a temporary file is left"

# --- a rank killed outright: mpirun aborts the job, no file ---------------
mkdir "$T/kl"
cp "$T/rp/part-1.jsonl" "$T/kl/a.jsonl"
mkfifo "$T/kl/b.jsonl"
"$MPIRUN" --allow-run-as-root --oversubscribe -n 2 "$SKIDX_MPI" "$T/kl/a.jsonl" "$T/kl/b.jsonl" -o "$T/kill.skidx" -q -j1 2>"$T/kill.err" &
pid=$!
victim=
# up to 30 s for both ranks to start: mpirun's start-up takes seconds on a
# loaded machine, and a kill before the ranks exist would test nothing
for _ in $(seq 300); do
    victim=$(pgrep -f "^$SKIDX_MPI $T/kl/a.jsonl" | head -1)
    [ -n "$victim" ] && [ "$(pgrep -f "^$SKIDX_MPI $T/kl/a.jsonl" | wc -l)" -ge 2 ] && break
    sleep 0.1
done
sleep 0.5
if [ -n "$victim" ]; then
    kill -KILL "$victim"
    # the other rank may wait in open(2) on the FIFO: mpirun's abort must end it
    ( sleep 30; touch "$T/kill.guard"; kill -KILL $pid 2>/dev/null ) >/dev/null 2>&1 &
    guard=$!
    wait $pid
    rc=$?
    kill $guard 2>/dev/null
    [ $rc -ne 0 ] || bad "killed rank: mpirun exit 0"
    [ ! -e "$T/kill.guard" ] || bad "killed rank: mpirun did not end the job by itself within 30 s"
    [ ! -e "$T/kill.skidx" ] || bad "killed rank: an index was written"
    ls "$T" | grep -q 'kill\.skidx\.' && bad "killed rank: a temporary file is left"
else
    kill -KILL $pid 2>/dev/null
    bad "killed rank: no rank process found to kill"
fi
pkill -KILL -f "$SKIDX_MPI $T/kl/" 2>/dev/null

# --- a compiled-taxonomy cache with a damaged Hyperscan database ------------
# (a byte of the first database's bytecode flipped, its checksum forged, as
# tests/cli_cache.sh does): every rank rebuilds the databases when it
# loads the file, so the file is refused there, compiled and written
# again, and the run gives the index of one process
mkdir -p "$T/dc"
cp -r "$SRC/tests/e2e/taxonomy" "$T/dc/rx"
printf 'Phone\tData\t/[0-9]{3}-[0-9]{4}/\n' >> "$T/dc/rx/skills.tsv"
printf '{"id":"p","title":"Engineer","description":"Call 555-1234 about SQL."}\n' > "$T/dc/p.jsonl"
SKIDX_CACHE=off "$SKIDX" index -q -t "$T/dc/rx" "$T/dc/p.jsonl" -o "$T/dc/ref.skidx" ||
    bad "damaged cache: skidx index"
export SKIDX_CACHE_DIR=$T/dc/cache
timeout 120 "$MPIRUN" --allow-run-as-root --oversubscribe -x SKIDX_CACHE_DIR -n 2 \
    "$SKIDX_MPI" -q -t "$T/dc/rx" "$T/dc/p.jsonl" -o "$T/dc/a.skidx" ||
    bad "damaged cache: the first run: exit $?"
DC=$(ls "$T"/dc/cache/taxonomy-*.skc 2>/dev/null | head -1)
if [ -n "$DC" ] && sed -n '/^python3 - "\$RX"/,/^EOF$/p' "$SRC/tests/cli_cache.sh" |
        sed '1d;$d' > "$T/dc/spoil.py" && [ -s "$T/dc/spoil.py" ] &&
        python3 "$T/dc/spoil.py" "$DC" "$SRC/scripts" 1; then
    timeout 120 "$MPIRUN" --allow-run-as-root --oversubscribe -x SKIDX_CACHE_DIR \
        -x SKIDX_CACHE=verbose -n 2 "$SKIDX_MPI" -q -t "$T/dc/rx" "$T/dc/p.jsonl" \
        -o "$T/dc/b.skidx" 2>"$T/dc/err" || bad "damaged cache: exit $?: $(cat "$T/dc/err")"
    grep -q "cache: ignored '$DC': a Hyperscan database in it does not load" "$T/dc/err" ||
        bad "damaged cache: not refused at load: $(cat "$T/dc/err")"
    cmp -s "$T/dc/ref.skidx" "$T/dc/b.skidx" || bad "damaged cache: not the bytes of one process"
else
    bad "damaged cache: no cache file written, or it could not be spoilt"
fi
unset SKIDX_CACHE_DIR

[ $fail -eq 0 ] && echo "mpi_index: all passed"
exit $fail
