#!/usr/bin/env python3
"""Check the per-skill precision audit against the taxonomy.

usage: check.py AUDIT.tsv SKILLS.tsv REMOVED.txt

For each audited skill, the rows of its latest round give its precision
(right / (right + wrong)); it must be at least 0.90 while the skill is in
the taxonomy. A round whose only row is `no-match` (nothing left to sample
after narrowing) has no precision and passes. Every audited skill must
still be in SKILLS.tsv or be listed in REMOVED.txt (and then not be in
SKILLS.tsv). Prints one line a skill, then FAIL lines; exit 1 on a
failure.
"""
import sys
from collections import defaultdict

FLOOR = 0.90
audit_path, skills_path, removed_path = sys.argv[1:4]
fail = []
names = set()
for line in open(skills_path, encoding="utf-8"):
    if line.startswith(("#", "@")) or not line.strip():
        continue
    names.add(line.split("\t", 1)[0])
removed = {l.strip() for l in open(removed_path, encoding="utf-8")
           if l.strip() and not l.startswith("#")}
rows = [l.rstrip("\n").split("\t") for l in open(audit_path, encoding="utf-8")
        if not l.startswith("#")]
header, rows = rows[0], rows[1:]
want = ["round", "skill", "category", "posting", "field", "section", "alias",
        "snippet", "verdict", "reason"]
if header != want:
    fail.append(f"header is {header}, not {want}")
tally = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))  # right, wrong, none
for n, r in enumerate(rows, 3):
    if len(r) != len(want):
        fail.append(f"line {n}: {len(r)} fields, not {len(want)}")
        continue
    if r[8] not in ("right", "wrong", "no-match"):
        fail.append(f"line {n}: verdict '{r[8]}' is not right, wrong or no-match")
        continue
    if not r[9].strip():
        fail.append(f"line {n}: no reason")
    t = tally[r[1]][int(r[0])]
    t[("right", "wrong", "no-match").index(r[8])] += 1
for skill in sorted(tally):
    rounds = tally[skill]
    last = max(rounds)
    right, wrong, none = rounds[last]
    hist = "  ".join(f"r{k} {v[0]}/{v[0] + v[1]}" for k, v in sorted(rounds.items()))
    if skill in removed:
        print(f"{skill}: removed ({hist})")
        if skill in names:
            fail.append(f"'{skill}' is listed as removed but is still in the taxonomy")
        continue
    if skill not in names:
        fail.append(f"audited skill '{skill}' is not in the taxonomy and not listed as removed")
        continue
    if right + wrong == 0:
        print(f"{skill}: no match left in round {last} ({hist})")
        continue
    p = right / (right + wrong)
    print(f"{skill}: {p:.2f} in round {last} ({hist})")
    if right + wrong > 20:
        fail.append(f"'{skill}' round {last}: {right + wrong} rows, more than 20")
    if p < FLOOR:
        fail.append(f"'{skill}': precision {p:.2f} in round {last}, below {FLOOR}")
for f in fail:
    print("FAIL: " + f)
sys.exit(1 if fail else 0)
