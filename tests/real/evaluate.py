#!/usr/bin/env python3
"""Measure skidx on the labelled real-posting set (tests/real/).

Each slice directory holds postings.jsonl (real postings as their sources
have them), labels.jsonl (what a careful reader lists, written before
skidx's output was looked at; README.md has the rules) and SOURCES.md.

The labels name skills in plain English; a label counts as a taxonomy skill
when its name equals, caselessly, a skill's canonical name or one of its
literal aliases (regexes and negatives are not used for this mapping). The
script runs `skidx match` on every slice with the taxonomy given and
reports:

  precision  predicted (posting, skill) pairs that the labels contain
  recall     labelled pairs that skidx found, per kind of label: tool
             (named tools, languages, products), concept, soft, education,
             language, cert; a label that maps to no taxonomy skill is a
             miss (the taxonomy lacks it) and is also reported apart
  role and level accuracy against the labels

Disagreements were then read by a second reader (adjudication.jsonl in a
slice: for each predicted skill the labels lack, "skidx_right" or
"skidx_wrong"; for each labelled tool skidx missed, "skidx_missed" or
"label_wrong"). With --adjudicated the labels are corrected by those
verdicts before counting: a predicted skill judged right is added, a tool
judged not asked is removed. Disagreements without a verdict (new ones,
after a change) count as the raw labels say.

Figures are given for the whole set, per language, for the two halves
of a fixed split by id (dev: the ones to look at while changing rules;
test: the ones not to), and per language in each half (lang:de/test:
issue 12 compares a language's recall with English's on the same half). With --floors FILE the exit code is 1 when a
figure is below its floor; the floors file has lines `NAME VALUE`.

With --misses N the N most frequent missed labels are listed by name,
with their kind, count and whether the taxonomy has the skill ("in
taxonomy, missed": the text model did not find it; "not in taxonomy": no
skill has that name or literal alias), and the postings they were missed
in. --split dev (or test) restricts the disagreements printed (--errors,
--misses, the most frequent lists) to that half; the figures table always
shows every group. While changing rules, look only at --split dev.

usage: evaluate.py SKIDX TAXONOMY_DIR REAL_DIR [--floors FILE] [--json OUT]
                   [--errors N] [--adjudicated] [--misses N]
                   [--kinds tool,concept] [--split dev|test]
"""

import argparse
import json
import os
import subprocess
import sys
import zlib
from collections import Counter, defaultdict

KINDS = ("tool", "concept", "soft", "education", "language", "cert")
TECH = ("tool", "concept")


def load_taxonomy(tdir):
    """Return (names, lookup): canonical names in file order and a caseless
    map from names and literal aliases to canonical names (None where two
    skills share a form)."""
    names = []
    lookup = {}
    with open(os.path.join(tdir, "skills.tsv"), encoding="utf-8-sig") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 2:
                continue
            name = cols[0]
            names.append(name)
            forms = [name]
            for a in cols[2:]:
                if not a or a.startswith("!"):
                    continue
                # the markers = ~ + (case, separators, joined words) come
                # in any order before the alias (taxonomy/FORMAT.md)
                while a[:1] in ("=", "~", "+"):
                    a = a[1:]
                if not a or a.startswith("/"):
                    continue
                # alias options written after the alias are not part of it
                forms.append(a)
            for form in forms:
                key = form.casefold()
                if key in lookup and lookup[key] != name:
                    if form != name:
                        continue  # a canonical name wins over an alias
                lookup[key] = name
    return names, lookup


def read_jsonl(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                sys.exit(f"evaluate: {path}:{n}: {e}")
    return out


def split_of(pid):
    return "dev" if zlib.crc32(pid.encode()) % 2 == 0 else "test"


def run_match(skidx, tdir, path):
    p = subprocess.run([skidx, "match", "--taxonomy", tdir, path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode not in (0, 1):
        sys.exit(f"evaluate: skidx match {path} failed ({p.returncode}): "
                 f"{p.stderr.decode(errors='replace')[:500]}")
    out = {}
    for line in p.stdout.decode("utf-8").splitlines():
        if line.strip():
            o = json.loads(line)
            out[o["id"]] = o
    return out


class Tally:
    def __init__(self):
        self.tp = 0
        self.fp = 0
        self.found = Counter()
        self.labelled = Counter()
        self.unmapped = Counter()
        self.role_ok = 0
        self.level_ok = 0
        self.postings = 0

    def ratio(self, a, b):
        return a / b if b else float("nan")

    def figures(self):
        f = {
            "postings": self.postings,
            "precision": self.ratio(self.tp, self.tp + self.fp),
            "predicted": self.tp + self.fp,
            "role_accuracy": self.ratio(self.role_ok, self.postings),
            "level_accuracy": self.ratio(self.level_ok, self.postings),
        }
        for k in KINDS:
            f["recall_" + k] = self.ratio(self.found[k], self.labelled[k])
            f["labelled_" + k] = self.labelled[k]
            f["unmapped_" + k] = self.unmapped[k]
        tf = sum(self.found[k] for k in TECH)
        tl = sum(self.labelled[k] for k in TECH)
        tu = sum(self.unmapped[k] for k in TECH)
        f["recall_technical"] = self.ratio(tf, tl)
        f["recall_technical_in_taxonomy"] = self.ratio(tf, tl - tu)
        f["recall_tool_in_taxonomy"] = self.ratio(
            self.found["tool"], self.labelled["tool"] - self.unmapped["tool"])
        return f


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("skidx")
    ap.add_argument("taxonomy")
    ap.add_argument("real")
    ap.add_argument("--floors")
    ap.add_argument("--json")
    ap.add_argument("--adjudicated", action="store_true",
                    help="correct the labels by the second reader's verdicts")
    ap.add_argument("--errors", type=int, default=0,
                    help="print up to N disagreements of each kind")
    ap.add_argument("--misses", type=int, default=0,
                    help="list the N most frequent missed labels by name")
    ap.add_argument("--kinds", default=",".join(TECH),
                    help="label kinds that --misses lists (comma-separated)")
    ap.add_argument("--split", choices=("dev", "test"),
                    help="print disagreements of this half only")
    a = ap.parse_args()
    miss_kinds = set(a.kinds.split(","))
    for k in miss_kinds:
        if k not in KINDS:
            sys.exit(f"evaluate: --kinds: unknown kind {k!r}")

    names, lookup = load_taxonomy(a.taxonomy)
    slices = sorted(d for d in os.listdir(a.real)
                    if os.path.isfile(os.path.join(a.real, d, "labels.jsonl")))
    if not slices:
        sys.exit(f"evaluate: no labelled slice under {a.real}")

    groups = defaultdict(Tally)
    fps = Counter()
    misses = Counter()
    missed_in = defaultdict(list)
    errors = []
    for s in slices:
        d = os.path.join(a.real, s)
        posts = read_jsonl(os.path.join(d, "postings.jsonl"))
        labels = read_jsonl(os.path.join(d, "labels.jsonl"))
        if [p["id"] for p in posts] != [l["id"] for l in labels]:
            sys.exit(f"evaluate: {d}: postings and labels differ in ids")
        got = run_match(a.skidx, a.taxonomy, os.path.join(d, "postings.jsonl"))
        verdicts = {}
        vp = os.path.join(d, "adjudication.jsonl")
        if a.adjudicated and os.path.exists(vp):
            for v in read_jsonl(vp):
                verdicts[(v["id"], v["skill"])] = v["verdict"]
        for p, l in zip(posts, labels):
            pid = p["id"]
            if pid not in got:
                sys.exit(f"evaluate: skidx match printed nothing for {pid}")
            g = got[pid]
            pred = set(g["skills"])
            want = {}
            for item in l["skills"]:
                kind = item["kind"]
                if kind not in KINDS:
                    sys.exit(f"evaluate: {pid}: unknown kind {kind!r}")
                key = lookup.get(item["name"].casefold())
                if key is not None and verdicts.get((pid, key)) == "label_wrong":
                    continue
                if key is None and kind == "language":
                    # the labels name a language ("German"); the taxonomy's
                    # skill is "German proficiency"
                    key = lookup.get((item["name"] + " proficiency").casefold())
                if (key is None and kind == "education" and
                        item["name"].casefold().startswith("vocational training")):
                    # the labels name the trade ("Vocational training: IT
                    # systems electronics technician", as "Degree: X" names
                    # the field); the taxonomy's skill is the level
                    key = lookup.get("vocational qualification")
                want.setdefault(key or ("?" + item["name"]), kind)
            for sk in pred:
                if sk not in want and verdicts.get((pid, sk)) == "skidx_right":
                    want[sk] = "adjudicated"
            lang = p.get("lang", "?")
            keys = ("all", "lang:" + lang, "split:" + split_of(pid),
                    "slice:" + s, "lang:" + lang + "/" + split_of(pid))
            for gk in keys:
                t = groups[gk]
                t.postings += 1
                t.role_ok += g["role"] == l["role"]
                t.level_ok += g["seniority"] == l["level"]
                for sk in pred:
                    if sk in want:
                        t.tp += 1
                    else:
                        t.fp += 1
                for sk, kind in want.items():
                    if kind == "adjudicated":
                        continue  # counts for precision only
                    t.labelled[kind] += 1
                    if sk.startswith("?"):
                        t.unmapped[kind] += 1
                    elif sk in pred:
                        t.found[kind] += 1
            if a.split and split_of(pid) != a.split:
                continue
            for sk in pred - set(want):
                fps[sk] += 1
                errors.append(("fp", pid, sk))
            for sk, kind in want.items():
                if kind != "adjudicated" and sk not in pred:
                    misses[(sk, kind)] += 1
                    missed_in[(sk, kind)].append(pid)
                    errors.append(("miss", pid, sk))
            if g["role"] != l["role"]:
                errors.append(("role", pid, f"{p['title']!r}: "
                               f"{g['role']} != {l['role']}"))
            if g["seniority"] != l["level"]:
                errors.append(("level", pid, f"{p['title']!r}: "
                               f"{g['seniority']} != {l['level']}"))

    figs = {k: t.figures() for k, t in groups.items()}
    cols = ["postings", "precision", "recall_tool", "recall_tool_in_taxonomy",
            "recall_technical", "recall_technical_in_taxonomy",
            "recall_concept", "recall_soft", "recall_education",
            "recall_language", "role_accuracy", "level_accuracy"]
    order = ["all"] + sorted(k for k in figs if k != "all")
    w = max(len(k) for k in order)
    print("group".ljust(w) + "  " + "  ".join(c.replace("recall_", "r_")
                                              for c in cols))
    for k in order:
        f = figs[k]
        cells = []
        for c in cols:
            v = f[c]
            label = c.replace("recall_", "r_")
            cells.append((str(v) if c == "postings" else
                          ("   -" if v != v else f"{v:.3f}")).rjust(len(label)))
        print(k.ljust(w) + "  " + "  ".join(cells))
    print("\nmost frequent false positives:",
          ", ".join(f"{k} {v}" for k, v in fps.most_common(15)))
    print("most frequent misses:",
          ", ".join(f"{k[0]} ({k[1]}) {v}" for k, v in misses.most_common(25)))
    if a.misses:
        print(f"\nmissed labels ({a.split or 'both halves'}; "
              f"kinds {','.join(sorted(miss_kinds))}):")
        rows = [(n, k) for k, n in misses.items() if k[1] in miss_kinds]
        rows.sort(key=lambda r: (-r[0], r[1][0].casefold()))
        for n, (sk, kind) in rows[:a.misses]:
            where = ("not in taxonomy" if sk.startswith("?")
                     else "in taxonomy, missed")
            ids = missed_in[(sk, kind)]
            more = f" +{len(ids) - 6}" if len(ids) > 6 else ""
            print(f"  {n:4}  {sk.lstrip('?')} ({kind}; {where})  "
                  f"{' '.join(ids[:6])}{more}")
    if a.errors:
        by = defaultdict(list)
        for e in errors:
            by[e[0]].append(e)
        for kind in ("fp", "miss", "role", "level"):
            for e in by[kind][:a.errors]:
                print(f"  {kind:5} {e[1]}  {e[2]}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(figs, f, indent=1, sort_keys=True)

    if a.floors:
        bad = 0
        with open(a.floors) as f:
            for line in f:
                line = line.split("#")[0].split()
                if not line:
                    continue
                name, floor = line[0], float(line[1])
                group, _, fig = name.rpartition(".")
                group = group or "all"
                v = figs.get(group, {}).get(fig)
                if v is None or v != v:
                    print(f"evaluate: no figure {name}")
                    bad += 1
                elif v < floor:
                    print(f"evaluate: {name} = {v:.3f} is below its floor "
                          f"{floor:.3f}")
                    bad += 1
        if bad:
            sys.exit(1)
        print("evaluate: every figure at or above its floor")


if __name__ == "__main__":
    main()
