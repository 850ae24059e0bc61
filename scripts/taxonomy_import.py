#!/usr/bin/env python3
"""Build a skidx taxonomy from the public ESCO and O*NET files, for users
who want those vocabularies as such.

    scripts/taxonomy_import.py --onet onet_technology_skills.txt \
        [--esco esco_skills_en.csv] [--min-occupations N] [--hot-only] \
        [--roles taxonomy/roles.tsv] -o DIR

writes DIR/skills.tsv (and DIR/roles.tsv, copied from --roles) that
`skidx index --taxonomy DIR` reads. Every skill carries its link:
`@onet:CODE` (the UNSPSC commodity code O*NET files the product under) or
`@esco:URI` (the ESCO concept), so that counts join with the official
classifications.

O*NET: one skill per distinct example name ("Microsoft PowerPoint"), in the
category of its commodity title ("Presentation software"), with the name
as its one caseless alias. --min-occupations keeps only products that at
least N occupations list (default 1); --hot-only only those flagged Hot
Technology.

ESCO: one skill per concept, in the category "ESCO <reuse level>", with the
preferred label as its caseless alias, and with --esco-alt-labels the
alternative labels too. They are off by default: in the ESCO file under
../shared/data the alternative labels of many rows belong to another
concept ("order supplies" carries "manage budgets"), which three people
curating the default taxonomy found independently.

Precision caveats, which is why the default taxonomy is curated by hand
instead: the names are matched as written, caselessly, on word boundaries.
O*NET product names include common words ("Word", "Access", "Project",
"Teams" stand alone in many names' short forms, and some examples are
single English words); ESCO labels are mostly phrases describing
activities ("use spreadsheets software"), which job postings rarely write
verbatim, and some alternative labels are too broad to match on their own.
Expect far lower precision and recall than the default taxonomy; run
`skidx taxonomy lint DIR` and read its warnings. An alias that two skills
share is kept by the first (O*NET before ESCO, file order) and reported on
stderr; aliases without a letter or digit are dropped.
"""

import argparse
import csv
import os
import re
import shutil
import sys


def clean(s):
    s = s.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return re.sub(r" +", " ", s).strip()


def usable(alias):
    # skidx reads a leading '=', '!' or '/' as a form marker and '@' as a
    # link; a literal needs a letter or digit
    return (alias and alias[0] not in "=!/@#" and
            re.search(r"\w", alias) is not None)


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--onet", help="O*NET Technology Skills (tab-separated)")
    ap.add_argument("--esco", help="ESCO skills CSV (conceptUri, reuseLevel, "
                    "preferredLabel, altLabels)")
    ap.add_argument("--min-occupations", type=int, default=1)
    ap.add_argument("--hot-only", action="store_true")
    ap.add_argument("--esco-alt-labels", action="store_true",
                    help="also the ESCO alternative labels as aliases")
    ap.add_argument("--roles", help="roles.tsv to copy (default: the "
                    "taxonomy/roles.tsv beside this script)")
    ap.add_argument("--name", default="imported")
    ap.add_argument("-o", "--out", required=True, help="output directory")
    a = ap.parse_args()
    if not a.onet and not a.esco:
        ap.error("give --onet, --esco or both")
    if a.min_occupations < 1:
        ap.error("--min-occupations must be at least 1")

    skills = []          # (name, category, aliases, links)
    names = set()
    owner = {}           # folded alias -> skill name
    dropped = 0

    def add(name, cat, aliases, links):
        nonlocal dropped
        name = clean(name)
        if not name or name.casefold() in names:
            return
        keep = []
        for al in aliases:
            al = clean(al)
            key = al.casefold()
            if not usable(al) or key in (k.casefold() for k in keep):
                continue
            if key in owner:
                print(f"taxonomy_import: alias '{al}' of '{name}' is already "
                      f"one of '{owner[key]}': dropped", file=sys.stderr)
                dropped += 1
                continue
            keep.append(al)
        if not keep:
            return
        for al in keep:
            owner[al.casefold()] = name
        names.add(name.casefold())
        skills.append((name, clean(cat), keep, links))

    if a.onet:
        occ, code, title, hot = {}, {}, {}, {}
        with open(a.onet, encoding="utf-8") as f:
            rows = csv.reader(f, delimiter="\t")
            header = next(rows)
            if header[:4] != ["O*NET-SOC Code", "Example", "Commodity Code",
                              "Commodity Title"]:
                sys.exit(f"taxonomy_import: {a.onet}: not an O*NET Technology "
                         f"Skills file (header {header[:4]})")
            for n, r in enumerate(rows, 2):
                if len(r) < 5:
                    sys.exit(f"taxonomy_import: {a.onet}:{n}: {len(r)} columns")
                ex = r[1]
                occ.setdefault(ex, set()).add(r[0])
                code[ex], title[ex] = r[2], r[3]
                hot[ex] = hot.get(ex, False) or r[4] == "Y"
        for ex in sorted(occ, key=lambda e: (-len(occ[e]), e)):
            if len(occ[ex]) < a.min_occupations or (a.hot_only and not hot[ex]):
                continue
            add(ex, title[ex], [ex], [f"@onet:{code[ex]}"])
    if a.esco:
        with open(a.esco, encoding="utf-8", newline="") as f:
            for n, r in enumerate(csv.DictReader(f), 2):
                try:
                    uri, pref = r["conceptUri"], r["preferredLabel"]
                except KeyError:
                    sys.exit(f"taxonomy_import: {a.esco}: not an ESCO skills "
                             f"file (no conceptUri/preferredLabel column)")
                alts = ((r.get("altLabels") or "").split("\n")
                        if a.esco_alt_labels else [])
                level = r.get("reuseLevel") or "unknown"
                add(pref, f"ESCO {level}", [pref] + alts, [f"@esco:{uri}"])

    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "skills.tsv"), "w", encoding="utf-8") as f:
        f.write("# Imported by scripts/taxonomy_import.py from"
                + (f" O*NET ({os.path.basename(a.onet)})" if a.onet else "")
                + (f" ESCO ({os.path.basename(a.esco)})" if a.esco else "")
                + ".\n# O*NET: CC BY 4.0, USDOL/ETA. ESCO: (c) European Union,"
                " ESCO classification, European Commission.\n"
                "# Names are matched as written: see the script's precision "
                "caveats.\n")
        f.write(f"@name\t{a.name}\n@version\t1\n")
        for name, cat, aliases, links in skills:
            f.write("\t".join([name, cat] + aliases + links) + "\n")
    roles = a.roles or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "taxonomy", "roles.tsv")
    shutil.copyfile(roles, os.path.join(a.out, "roles.tsv"))
    sec = os.path.join(os.path.dirname(roles), "sections.tsv")
    if os.path.exists(sec):
        shutil.copyfile(sec, os.path.join(a.out, "sections.tsv"))
    print(f"taxonomy_import: {len(skills)} skills, "
          f"{sum(len(s[2]) for s in skills)} aliases ({dropped} shared aliases "
          f"dropped) -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
