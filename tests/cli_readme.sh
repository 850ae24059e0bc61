#!/usr/bin/env bash
# The README's transcripts ("$ build/skidx ..." lines and what follows
# them up to the next "$ " line or the end of the block) are what the
# build prints today: each command is run in a scratch directory where
# build/skidx is the skidx under test and corpora/ the repository's, and
# its output must equal the README's, the index command's time and speed
# ("in 0.19 s, 53.6 MB/s") aside. A README whose example has drifted from
# the program misleads its first reader.
# usage: cli_readme.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$(cd "$2" && pwd)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
mkdir -p "$T/build"
ln -s "$(readlink -f "$SKIDX")" "$T/build/skidx"
ln -s "$SRC/corpora" "$T/corpora"
python3 - "$SRC/README.md" "$T" <<'EOF'
import re, shlex, subprocess, sys
readme, work = sys.argv[1], sys.argv[2]
lines = open(readme, encoding="utf-8").read().split("\n")
runs, in_block, cur = [], False, None
for ln in lines:
    if ln.startswith("```"):
        if cur:
            runs.append(cur)
        in_block, cur = not in_block, None
        continue
    if not in_block:
        continue
    if ln.startswith("$ build/skidx "):
        if cur:
            runs.append(cur)
        cur = (ln[2:], [])
    elif cur:
        cur[1].append(ln)
if not runs:
    print("FAIL: no '$ build/skidx' transcript in the README")
    sys.exit(1)
timing = re.compile(r" in [0-9.]+ s, [0-9.]+ MB/s;")
fail = 0
for cmd, want in runs:
    p = subprocess.run(shlex.split(cmd), cwd=work, capture_output=True,
                       text=True)
    got = (p.stdout + p.stderr).rstrip("\n").split("\n")
    norm = lambda v: [timing.sub(" in T s, R MB/s;", x.rstrip()) for x in v]
    if p.returncode != 0:
        print(f"FAIL: {cmd}: exit {p.returncode}: {p.stderr.strip()}")
        fail = 1
    elif norm(got) != norm(want):
        print(f"FAIL: {cmd}: the README's output differs from today's:")
        for a, b in zip(norm(want) + [""] * len(got), norm(got) + [""] * len(want)):
            if a != b:
                print(f"  README: {a!r}\n  now:    {b!r}")
                break
        fail = 1
    else:
        print(f"ok: {cmd}")
sys.exit(fail)
EOF
