#!/usr/bin/env python3
"""Recall of skidx on the audit postings read by hand (recall-reading.tsv).

usage: recall.py SKIDX TAXONOMY CORPUS READING [--misses] [--ids] [--round=N]

CORPUS is the audit corpus (build_corpus.py); READING lists, for each
posting read, the technical items a careful reader wrote down before skidx
ran on it (tests/audit/README.md, "Recall reading"). An item counts when it
names a taxonomy skill (canonical name or literal alias, caseless, as in
tests/real/evaluate.py) outside the categories Soft Skills, Education,
Spoken Languages and Certifications, or names no skill at all (then it is
"not in the taxonomy" and missed). Prints recall over all items and over
those the taxonomy has, per source; --misses lists every missed item.
A row's optional third column is the reading round it was written in (no
third column: round 1); --round=N scores that round's postings alone.
"""
import importlib.util, json, os, subprocess, sys, tempfile
from collections import defaultdict

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "evaluate", os.path.join(here, "..", "real", "evaluate.py"))
ev = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ev)

NOT_TECH = {"Soft Skills", "Education", "Spoken Languages", "Certifications"}


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 4:
        sys.exit(__doc__)
    skidx, tdir, corpus, reading = args
    want_round = next((a.split("=", 1)[1] for a in sys.argv[1:]
                       if a.startswith("--round=")), None)
    names, lookup = ev.load_taxonomy(tdir)
    cat = {}
    with open(os.path.join(tdir, "skills.tsv"), encoding="utf-8-sig") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) >= 2 and not line.startswith("#"):
                cat[c[0]] = c[1]
    items = defaultdict(list)
    for line in open(reading, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        cols = line.rstrip("\n").split("\t")
        pid, item = cols[:2]
        rnd = cols[2] if len(cols) > 2 else "1"
        if want_round is not None and rnd != want_round:
            continue
        items[pid].append(item)
    posts = {}
    for line in open(corpus, encoding="utf-8"):
        o = json.loads(line)
        if o["id"] in items:
            posts[o["id"]] = o
    missing = set(items) - set(posts)
    # postings read before build_corpus.py left out repeats of tests/real
    # on normalised text: not scored (their forms are not evidence)
    with open(os.path.join(here, "overlap-real.tsv"), encoding="utf-8") as f:
        left_out = {l.split("\t")[0] for l in f if not l.startswith("#")}
    skipped = missing & left_out
    missing -= left_out
    if missing:
        sys.exit(f"recall: not in the corpus: {sorted(missing)[:5]}")
    for pid in skipped:
        del items[pid]
    if skipped:
        print(f"recall: {len(skipped)} postings read are left out of the corpus "
              f"as repeats of tests/real (overlap-real.tsv), not scored: "
              f"{' '.join(sorted(skipped))}")
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as tf:
        for pid in items:
            tf.write(json.dumps(posts[pid], ensure_ascii=False) + "\n")
    try:
        got = ev.run_match(skidx, tdir, tf.name)
    finally:
        os.unlink(tf.name)
    tally = defaultdict(lambda: [0, 0, 0])  # items, in taxonomy, found
    missed = []
    for pid, its in items.items():
        pred = set(got[pid]["skills"])
        seen = set()
        for it in its:
            sk = lookup.get(it.casefold())
            if sk is not None and cat.get(sk) in NOT_TECH:
                continue
            key = sk or "?" + it
            if key in seen:
                continue
            seen.add(key)
            for g in ("all", pid.split(":")[0]):
                t = tally[g]
                t[0] += 1
                t[1] += sk is not None
                t[2] += sk is not None and sk in pred
            if sk is None or sk not in pred:
                missed.append((pid, it, sk))
    print(f"{'group':20s} {'postings':>8s} {'items':>6s} {'in_tax':>6s} {'found':>6s} "
          f"{'recall':>7s} {'r_in_tax':>8s}")
    for g in ["all"] + sorted(k for k in tally if k != "all"):
        n, nt, nf = tally[g]
        np_ = len(items) if g == "all" else sum(1 for p in items if p.startswith(g + ":"))
        print(f"{g:20s} {np_:8d} {n:6d} {nt:6d} {nf:6d} {nf / n:7.3f} {nf / max(nt, 1):8.3f}")
    if "--misses" in sys.argv:
        for pid, it, sk in missed:
            print(f"miss\t{pid}\t{it}\t{sk or '(not in taxonomy)'}")


main()
