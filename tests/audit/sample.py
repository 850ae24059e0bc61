#!/usr/bin/env python3
"""Draw the per-skill precision audit sample (tests/audit/README.md).

usage: sample.py CORPUS.jsonl MATCH.jsonl SKILLS.tsv ROUND [SKILL...]

CORPUS.jsonl is the audit corpus (id, title, description), MATCH.jsonl
`skidx match CORPUS.jsonl` with the taxonomy under audit. Without SKILL
arguments the skills drawn are the 40 with the most postings and every
skill of the category "Soft Skills"; with them, those skills only (a
second round after narrowing). For each skill the postings that count it
are ordered by sha1("SKILL\\0ID") and the first 20 taken (a fixed,
spread-out sample); each gives its first match where it counts (title,
text before the first heading, requirements, preferred, responsibilities
or other), shown with 90 bytes of context. Prints TSV rows to be judged:
round, skill, category, posting, field, section, alias, snippet, verdict
(empty), reason (empty).
"""
import hashlib, json, re, sys
from collections import Counter

corpus_path, match_path, skills_path, rnd = sys.argv[1:5]
only = sys.argv[5:]
cat = {}
for line in open(skills_path, encoding="utf-8"):
    if line.startswith(("#", "@")) or not line.strip():
        continue
    f = line.rstrip("\n").split("\t")
    cat[f[0]] = f[1]
texts = {}
for line in open(corpus_path, encoding="utf-8"):
    r = json.loads(line)
    texts[r["id"]] = (r.get("title") or "", r.get("description") or "")
COUNTS = {"title", "none", "requirements", "preferred", "responsibilities", "other"}
hits = {}  # skill -> {id: first counted match}
for line in open(match_path, encoding="utf-8"):
    r = json.loads(line)
    for m in r["matches"]:
        if m.get("masked") or m["section"] not in COUNTS:
            continue
        hits.setdefault(m["skill"], {}).setdefault(r["id"], m)
postings = Counter({s: len(v) for s, v in hits.items()})
if only:
    chosen = only
else:
    top = [s for s, _ in sorted(postings.items(), key=lambda x: (-x[1], x[0]))[:40]]
    soft = sorted(s for s, c in cat.items() if c == "Soft Skills")
    chosen = top + [s for s in soft if s not in top]

def snippet(text, start, end):
    b = text.encode("utf-8")
    a, z = max(0, start - 90), min(len(b), end + 90)
    s = (b[a:start].decode("utf-8", "ignore") + "[[" + b[start:end].decode("utf-8", "ignore")
         + "]]" + b[end:z].decode("utf-8", "ignore"))
    s = re.sub(r"\s+", " ", s).strip()
    return ("..." if a else "") + s + ("..." if z < len(b) else "")

print("round\tskill\tcategory\tposting\tfield\tsection\talias\tsnippet\tverdict\treason")
for s in chosen:
    ids = sorted(hits.get(s, {}), key=lambda i: hashlib.sha1((s + "\0" + i).encode()).hexdigest())[:20]
    for i in ids:
        m = hits[s][i]
        t = texts[i][0] if m["field"] == "title" else texts[i][1]
        print("\t".join([rnd, s, cat.get(s, "?"), i, m["field"], m["section"], m["alias"],
                         snippet(t, m["start"], m["end"]).replace("\t", " "), "", ""]))
