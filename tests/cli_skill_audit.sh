#!/usr/bin/env bash
# The per-skill precision audit (tests/audit/README.md): every audited
# skill still in the taxonomy is at least 0.90 in its latest round, and
# every audited skill is in the taxonomy or listed as removed. The checker
# itself fails on an audit made to be below the floor or to name a skill
# that is gone.
# usage: cli_skill_audit.sh SKIDX SOURCE_DIR
set -u
SRC=$2
A=$SRC/tests/audit
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
check() { if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; fail=1; else echo "ok: $1"; fi; }

python3 "$A/check.py" "$A/skill-audit.tsv" "$SRC/taxonomy/skills.tsv" "$A/removed.txt" >"$T/out"
rc=$?
cat "$T/out"
check "the audit passes on the default taxonomy" 0 $rc
check "the audit covers the 40 most frequent skills and the soft skills" 1 "$(test "$(grep -c ' in round \| no match left' "$T/out")" -ge 70 && echo 1)"

# a skill whose latest round falls below 0.90 fails: add a round of Python
# with three wrong verdicts out of twenty (round 99: after every real round)
{ cat "$A/skill-audit.tsv"
  for i in $(seq 1 20); do
    v=right; [ "$i" -le 3 ] && v=wrong
    printf '99\tPython\tProgramming Languages\tx:%s\tdescription\tnone\tPython\t[[Python]]\t%s\ttest\n' "$i" "$v"
  done; } >"$T/low.tsv"
python3 "$A/check.py" "$T/low.tsv" "$SRC/taxonomy/skills.tsv" "$A/removed.txt" >"$T/out"
check "a latest round below 0.90 fails" 1 $?
grep -q "FAIL: 'Python': precision 0.85 in round 99" "$T/out" && echo "ok: names the skill" || { echo "FAIL: no message"; fail=1; }

# an audited skill gone from the taxonomy fails unless listed as removed
grep -v -P '^Python\t' "$SRC/taxonomy/skills.tsv" >"$T/skills.tsv"
python3 "$A/check.py" "$A/skill-audit.tsv" "$T/skills.tsv" "$A/removed.txt" >"$T/out"
check "an audited skill removed without a note fails" 1 $?
{ cat "$A/removed.txt"; echo Python; } >"$T/removed.txt"
python3 "$A/check.py" "$A/skill-audit.tsv" "$T/skills.tsv" "$T/removed.txt" >/dev/null
check "listed as removed: passes" 0 $?
python3 "$A/check.py" "$A/skill-audit.tsv" "$SRC/taxonomy/skills.tsv" "$T/removed.txt" >/dev/null
check "listed as removed but still there: fails" 1 $?
exit $fail
