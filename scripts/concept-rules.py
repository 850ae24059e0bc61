#!/usr/bin/env python3
"""Can shallow co-occurrence rules find the concepts that readers list?

A measurement, not a tool skidx uses (tests/real/README.md, "Learned
co-occurrence rules"). Readers of tests/real list concepts that postings
imply rather than name ("translating business requirements into
solutions" -> Requirements management), and those are most of
technical recall's misses. This script learns the simplest rules that
could find them from text and checks whether they carry over:

  for each concept a reader listed that skidx missed in a training
  posting, every pair of word stems (or single stems, -u) of one
  sentence (stop words dropped, the second at most K words after the
  first) is a candidate rule for that concept; a candidate is kept when
  it occurs in at least SUPPORT such postings and, over every training
  posting holding it, the concept is labelled or found at least
  PRECISION of the time.

Training is the dev half of tests/real (English, German, French and
Spanish postings; the Chinese ones have no spaces to split words on),
with --audit CORPUS also every posting of tests/audit/recall-reading.tsv
found in the audit corpus (tests/audit/build_corpus.py). The rules are
then applied to the test half, and the script prints the concept recall
they add and the share of their new predictions that the labels hold.

usage: scripts/concept-rules.py SKIDX TAXONOMY_DIR REAL_DIR
           [--support N] [--precision P] [--window K] [-u]
           [--audit CORPUS --reading TSV]
"""
import argparse
import importlib.util
import json
import os
import re
import sys
import tempfile
from collections import Counter, defaultdict

STOP = set("a an the and or of to in for with on at by from as is are be "
           "will you your we our their this that these those it its into "
           "over under across within who which what how".split())
CJK_RUN = re.compile("[\u4e00-\u9fff]{20}")


def stem(w):
    w = w.lower()
    for suf in ("ations", "ation", "ments", "ment", "ings", "ing", "ers",
                "er", "ies", "es", "ed", "s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[:-len(suf)]
    return w


def sentences(t):
    for s in re.split(r"[.\n;:!?\u2022*]+|<[^>]+>", t):
        ws = [stem(w) for w in re.findall(r"[A-Za-z][A-Za-z+#-]*", s)]
        ws = [w for w in ws if w not in STOP and len(w) > 2]
        if ws:
            yield ws


def features(text, window, unigrams):
    out = set()
    for ws in sentences(text):
        if unigrams:
            out.update((w,) for w in ws)
            continue
        for i, a in enumerate(ws):
            for b in ws[i + 1:i + 1 + window]:
                if a != b:
                    out.add((a, b))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("skidx")
    ap.add_argument("taxonomy")
    ap.add_argument("real")
    ap.add_argument("--support", type=int, default=3)
    ap.add_argument("--precision", type=float, default=0.9)
    ap.add_argument("--window", type=int, default=4)
    ap.add_argument("-u", dest="unigrams", action="store_true")
    ap.add_argument("--audit")
    ap.add_argument("--reading")
    a = ap.parse_args()
    if bool(a.audit) != bool(a.reading):
        sys.exit("concept-rules: --audit and --reading go together")
    spec = importlib.util.spec_from_file_location(
        "ev", os.path.join(a.real, "evaluate.py"))
    ev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ev)
    _, lookup = ev.load_taxonomy(a.taxonomy)

    def skills(o):
        return set(x["name"] if isinstance(x, dict) else x
                   for x in o.get("skills", []))

    def posting(pid, p, pred, lab):
        text = (p.get("title") or "") + "\n" + (p.get("description") or "")
        return dict(id=pid, feats=features(text, a.window, a.unigrams),
                    pred=pred, lab=lab)

    train, test = [], []
    for s in sorted(os.listdir(a.real)):
        d = os.path.join(a.real, s)
        if s == "zh" or not os.path.isfile(os.path.join(d, "labels.jsonl")):
            continue
        path = os.path.join(d, "postings.jsonl")
        posts = {p["id"]: p for p in ev.read_jsonl(path)}
        out = ev.run_match(a.skidx, a.taxonomy, path)
        for lb in ev.read_jsonl(os.path.join(d, "labels.jsonl")):
            lab = set(lookup.get(it["name"].casefold()) or it["name"]
                      for it in lb["skills"] if it["kind"] == "concept")
            x = posting(lb["id"], posts[lb["id"]], skills(out.get(lb["id"], {})),
                        lab)
            (train if ev.split_of(lb["id"]) == "dev" else test).append(x)
    n_dev = len(train)
    if a.audit:
        items = defaultdict(set)
        with open(a.reading, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                c = line.rstrip("\n").split("\t")
                items[c[0]].add(lookup.get(c[1].casefold()) or c[1])
        read = [p for p in ev.read_jsonl(a.audit) if p["id"] in items and
                not CJK_RUN.search(p.get("description") or "")]
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl",
                                         delete=False) as tf:
            for p in read:
                tf.write(json.dumps(p) + "\n")
        try:
            out = ev.run_match(a.skidx, a.taxonomy, tf.name)
        finally:
            os.unlink(tf.name)
        for p in read:
            train.append(posting(p["id"], p, skills(out.get(p["id"], {})),
                                 items[p["id"]]))
    # candidates: features of training postings where a concept was missed
    cand = defaultdict(Counter)
    occ = defaultdict(list)
    for i, x in enumerate(train):
        for f in x["feats"]:
            occ[f].append(i)
        for c in x["lab"] - x["pred"]:
            for f in x["feats"]:
                cand[c][f] += 1
    rules = defaultdict(set)
    for c, fs in cand.items():
        for f, n in fs.items():
            if n < a.support:
                continue
            held = occ[f]
            good = sum(1 for i in held
                       if c in train[i]["lab"] or c in train[i]["pred"])
            if good / len(held) >= a.precision:
                rules[c].add(f)
    print(f"training: {n_dev} dev postings"
          + (f" + {len(train) - n_dev} of the audit reading" if a.audit else "")
          + f"; rules: {sum(map(len, rules.values()))} for {len(rules)} "
          f"concepts (support >= {a.support}, training precision >= "
          f"{a.precision}, {'single stems' if a.unigrams else f'stem pairs within {a.window} words'})")
    for name, xs in (("dev", train[:n_dev]), ("test", test)):
        lab = found = tp = fp = 0
        for x in xs:
            lab += len(x["lab"])
            found += len(x["lab"] & x["pred"])
            for c, fs in rules.items():
                if c not in x["pred"] and x["feats"] & fs:
                    if c in x["lab"]:
                        tp += 1
                    else:
                        fp += 1
        print(f"{name}: {len(xs)} postings, {lab} concept labels; skidx finds "
              f"{found / lab:.3f}; with the rules {(found + tp) / lab:.3f} "
              f"(+{tp} right, {fp} not labelled: rule precision "
              f"{tp / max(1, tp + fp):.2f})")


if __name__ == "__main__":
    main()
