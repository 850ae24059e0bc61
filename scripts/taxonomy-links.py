#!/usr/bin/env python3
"""List the links to O*NET and ESCO that a taxonomy could still carry.

usage: scripts/taxonomy-links.py [--taxonomy DIR] [--data DIR] [--check]

For each skill of DIR/skills.tsv (default: taxonomy/) without an @onet:
code, the O*NET Technology Skills examples that its name or one of its
literal aliases is (caseless, as written), when the example is no other
skill's name or alias, with the commodity codes O*NET lists it under; and
for each skill without an @esco: URI, the ESCO concepts whose preferred
label is its name or an alias. The data are ../shared/data's
onet_technology_skills.txt and esco_skills_en.csv (--data DIR). ESCO's
alternative labels are not read: in that file many rows carry another
concept's.

A listed pair is a candidate, not a link: the same spelling may be
another product (O*NET's "Bloomz" is a school app, not BLOOM) and an ESCO label broader or
narrower than the skill. Read each, then add the link to skills.tsv
(`@onet:CODE`, `@esco:URI`, taxonomy/FORMAT.md) or put the pair in
NOT_LINKED below with its reason. --check exits 1 when a candidate is
neither linked nor in NOT_LINKED.
"""
import argparse
import collections
import csv
import os
import re
import sys

# (skill, example or label): read and left out, with the reason
NOT_LINKED = {
    ("BLOOM", "Bloomz"): "O*NET's Bloomz is a school messaging app",
    ("VirtualBox", "VMWare Workstation"): "another product",
    (".NET", "ADO.NET"): "a data-access part of .NET, listed as DBMS software",
    ("EnergyPlus", "eQuest"): "O*NET's eQuest is listed as HR software",
    ("XML", "xQuery"): "XQuery is a query language, not XML",
}
ESCO_NOT_LINKED = {
    ("Debugging", "troubleshoot"): "broader than debugging",
    ("Customer analytics", "customer segmentation"): "narrower",
    ("Risk analytics", "fraud detection"): "narrower",
    ("Applied mathematics", "mathematics"): "broader",
    ("Risk assessment", "risk identification"): "a part of it",
    ("Optical networking", "fibre optics"): "the medium, not the networking",
    ("Systems engineering", "model based system engineering"): "narrower",
    ("Financial analysis", "financial forecasting"): "one concept a skill: "
    "financial analysis is linked",
    ("Biostatistics", "epidemiology"): "one concept a skill: biostatistics "
    "is linked",
    ("Photography", "commercial photography"): "one concept a skill: "
    "photography is linked",
    ("Market research", "market analysis"): "one concept a skill: market "
    "research is linked",
}


def literals(cols):
    out = [cols[0]]
    for a in cols[2:]:
        if a.startswith(("!", "@")) or re.match(r"^[=~+]*/", a):
            continue
        out.append(re.sub(r"^[=~+]+", "", a))
    return out


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--taxonomy", default=os.path.join(root, "taxonomy"))
    ap.add_argument("--data",
                    default=os.path.join(root, "..", "shared", "data"))
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()

    onet = collections.defaultdict(set)
    spelled = {}
    path = os.path.join(a.data, "onet_technology_skills.txt")
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            ex = r["Example"].strip()
            onet[ex.casefold()].add(r["Commodity Code"])
            spelled[ex.casefold()] = ex
    esco = collections.defaultdict(list)
    path = os.path.join(a.data, "esco_skills_en.csv")
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            esco[r["preferredLabel"].strip().casefold()].append(
                (r["conceptUri"], r["preferredLabel"].strip()))

    skills = []
    with open(os.path.join(a.taxonomy, "skills.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith(("#", "@")) or "\t" not in line:
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 3:
                skills.append(cols)
    claims = collections.defaultdict(set)
    for cols in skills:
        for lit in literals(cols):
            claims[lit.casefold()].add(cols[0])

    open_pairs = 0
    for cols in skills:
        name = cols[0]
        if not any(x.startswith("@onet:") for x in cols[2:]):
            for lit in literals(cols):
                k = lit.casefold()
                if k not in onet or len(claims[k]) > 1:
                    continue
                ex = spelled[k]
                if (name, ex) in NOT_LINKED:
                    continue
                open_pairs += 1
                print(f"onet\t{name}\t{ex}\t{' '.join(sorted(onet[k]))}")
        if not any(x.startswith("@esco:") for x in cols[2:]):
            for lit in literals(cols):
                for uri, label in esco.get(lit.casefold(), ()):
                    if (name, label) in ESCO_NOT_LINKED:
                        continue
                    open_pairs += 1
                    print(f"esco\t{name}\t{label}\t{uri}")
    print(f"{open_pairs} candidate link(s) neither made nor set aside",
          file=sys.stderr)
    return 1 if a.check and open_pairs else 0


if __name__ == "__main__":
    sys.exit(main())
