#!/usr/bin/env bash
# skidx-gen --profile dense (scripts/README-gen.md, "Profiles"): check the
# properties the profile states, measured on its output with skidx itself:
# skill matches per KB, distinct skills, share of lines holding a \u
# escape, shorter postings than the default profile; and that it is
# deterministic whatever the thread count, and leaves the default alone.
# usage: cli_gen_dense.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
GEN=$(dirname "$SKIDX")/skidx-gen
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
if [ ! -x "$GEN" ]; then echo "FAIL: $GEN not built (target skidx-gen)"; exit 1; fi
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

N=1500
"$GEN" --postings $N --shards 1 --seed 11 -o "$T/d1" --plain --quiet --profile dense --threads 1 ||
    bad "dense exit code"
"$GEN" --postings $N --shards 3 --seed 11 -o "$T/d2" --plain --quiet --profile dense --threads 2 ||
    bad "dense exit code (2 threads)"
if cat "$T"/d2/part-*.jsonl | cmp -s - "$T/d1/part-00000.jsonl"; then ok "dense: same lines for any threads and shards"
else bad "dense: lines differ with threads or shards"; fi
"$GEN" --postings $N --shards 1 --seed 11 -o "$T/p0" --plain --quiet || bad "default exit code"
"$GEN" --postings $N --shards 1 --seed 11 -o "$T/p1" --plain --quiet --profile default || bad "default exit code"
if cmp -s "$T/p0/part-00000.jsonl" "$T/p1/part-00000.jsonl"; then ok "--profile default is the default"
else bad "--profile default differs from no --profile"; fi
if cmp -s "$T/p0/part-00000.jsonl" "$T/d1/part-00000.jsonl"; then bad "dense is the default"; fi
"$GEN" --postings 10 --shards 1 --seed 1 -o "$T/x" --profile sparse 2>/dev/null
[ $? = 2 ] && ok "unknown profile refused" || bad "unknown profile not refused with exit 2"

"$SKIDX" match "$T/d1/part-00000.jsonl" > "$T/dm.jsonl" || bad "match on dense"
"$SKIDX" match "$T/p0/part-00000.jsonl" > "$T/pm.jsonl" || bad "match on default"
/usr/bin/python3 - "$T/d1/part-00000.jsonl" "$T/dm.jsonl" "$T/p0/part-00000.jsonl" "$T/pm.jsonl" <<'PY' || fail=1
import json, sys
def stats(corpus, matched):
    data = open(corpus, 'rb').read()
    lines = data.split(b'\n')[:-1]
    u = sum(1 for l in lines if b'\\u' in l)
    m, skills = 0, set()
    for l in open(matched, encoding='utf-8'):
        o = json.loads(l)
        m += len(o['matches'])
        skills.update(o['skills'])
    return len(data) / len(lines), m * 1024 / len(data), len(skills), u / len(lines)
d, p = stats(sys.argv[1], sys.argv[2]), stats(sys.argv[3], sys.argv[4])
print('dense:   %.0f bytes a line, %.2f matches/KB, %d skills, %.3f of lines with \\u' % d)
print('default: %.0f bytes a line, %.2f matches/KB, %d skills, %.3f of lines with \\u' % p)
fail = 0
def check(name, cond):
    global fail
    print(('ok: ' if cond else 'FAIL: ') + name)
    fail |= not cond
# the stated properties (README-gen.md), with room for taxonomy changes
check('dense: 6.5 to 10 skill matches per KB', 6.5 <= d[1] <= 10)
check('dense: at least 1.6x the default matches per KB', d[1] >= 1.6 * p[1])
check('dense: at least 300 distinct skills', d[2] >= 300)
check('dense: 2.5x the distinct skills of the default', d[2] >= 2.5 * p[2])
check('dense: 10 to 16 % of lines with a \\u escape', 0.10 <= d[3] <= 0.16)
check('dense: postings at most 0.7x the default length', d[0] <= 0.7 * p[0])
sys.exit(fail)
PY
exit $fail
