#!/usr/bin/env python3
"""Build the audit corpus (tests/audit/README.md) as JSON Lines on stdout.

usage: build_corpus.py SOURCE_DIR MIRROR_DIR

MIRROR_DIR holds the public repositories as OWNER+NAME/repo git
directories; each file is read at the commit named below with `git show`.
Postings are deduplicated on title + description (whitespace folded,
caseless), and any posting that repeats one of the labelled set
tests/real/*/postings.jsonl is left out (the labelled set is for
evaluation, not for tuning). A repeat is found on normalised text (HTML
entities decoded, tags removed, caseless, every run of non-word
characters one space), since the same advertisement reaches the sources
with and without markup: an audit posting repeats a labelled one when
its text holds 4 of 8 100-character windows of the labelled posting's
(evenly spaced; a labelled text under 100 characters is one window that
must be held). That takes the same advertisement from another source and
also another advertisement of the same employer that shares half of the
labelled text (its company and benefits paragraphs): both are left out.
With --overlap FILE the postings left out are written to FILE
(overlap-real.tsv), else listed on stderr.
"""
import csv, glob, gzip, html, importlib.util, io, json, re, subprocess, sys

args = sys.argv[1:]
overlap = None
if "--overlap" in args:
    i = args.index("--overlap")
    overlap = args[i + 1]
    del args[i:i + 2]
if len(args) != 2:
    sys.exit(__doc__)
src, mirror = args
left_out = []
csv.field_size_limit(10**9)
SOURCES = [  # name, repository, commit, path, id column, title, description
    ("marta-adzuna", "MartaDataUK+job_tracker", "b0d106709e79eaa2dd2083f46db0979cd3255e4e",
     "adzuna_jobs.csv", None, "job_title", "job_description"),
    ("marta-linkedin", "MartaDataUK+job_tracker", "b0d106709e79eaa2dd2083f46db0979cd3255e4e",
     "linkedin_jobs.csv", None, "job_title", "job_description"),
    ("dinozeyu-linkedin", "DinoZeyu+linkedin-cs-job-scraper", "4998563851549ec990622af97babc969a4cfeccf",
     "linkedin_jobs.csv", None, "Title", "Description"),
    ("hn-202408", "ntdunglc+hackernews_jobs", "870918385063e961681e823daf6745c181012011",
     "202408_classified.csv", None, "Positions", "Original Text"),
    ("arbeitnow", "MoaviaMahmood+Arbeitnow-Jobs-ETL-Pipeline", "220dc455c21a9cd71a83178f367724f4d168af03",
     "data/silver_jobs.csv", "job_id", "title", "description"),
]

def key(t, d):
    return re.sub(r"\s+", " ", (t or "") + " " + d).strip().lower()

def norm(d):
    d = re.sub(r"<[^>]*>", " ", html.unescape(d or ""))
    return re.sub(r"\W+", " ", d).strip().lower()

def lab_key(d):
    return re.sub(r"\W+", " ", d).strip().lower()[:300]

WIN = 100
windows = {}   # window -> labelled posting ids holding it
need = {}      # labelled posting id -> windows an audit text must hold
labelled = {}  # and, as before, the first 300 characters (markup kept)
for f in sorted(glob.glob(src + "/tests/real/*/postings.jsonl")):
    for line in open(f, encoding="utf-8"):
        o = json.loads(line)
        labelled.setdefault(lab_key(o.get("description", "")), o["id"])
        t = norm(o.get("description", ""))
        if not t:
            continue
        starts = {0} if len(t) <= WIN else {k * (len(t) - WIN) // 7 for k in range(8)}
        ws = {t[i:i + WIN] for i in starts}
        need[o["id"]] = (len(ws) + 1) // 2
        for w in ws:
            windows.setdefault(w, set()).add(o["id"])
lens = sorted({len(w) for w in windows})
seen = set()

def repeats(desc):
    """The labelled postings whose text desc repeats."""
    t, held = norm(desc), {}
    for n in lens:
        for i in range(len(t) - n + 1):
            for pid in windows.get(t[i:i + n], ()):
                held.setdefault(pid, set()).add(t[i:i + n])
    r = {p for p, ws in held.items() if len(ws) >= need[p]}
    exact = labelled.get(lab_key(desc))
    if exact:
        r.add(exact)
    return sorted(r)

def emit(name, rid, title, desc):
    if not desc or not desc.strip():
        return
    k = key(title, desc)
    if k in seen:
        return
    r = repeats(desc)
    if r:
        left_out.append((f"{name}:{rid}", r))
        return
    seen.add(k)
    print(json.dumps({"id": f"{name}:{rid}", "title": title or "", "description": desc},
                     ensure_ascii=False))

with gzip.open(src + "/tests/corpora_real/glassdoor_ds_jobs.csv.gz", "rt", newline="",
               encoding="utf-8", errors="replace") as f:
    for r in csv.DictReader(f):
        emit("glassdoor", r["index"], r["Job Title"], r["Job Description"])
for name, repo, commit, path, idcol, tcol, dcol in SOURCES:
    data = subprocess.run(["git", "--git-dir", f"{mirror}/{repo}/repo", "show", f"{commit}:{path}"],
                          check=True, capture_output=True).stdout
    rows = csv.DictReader(io.StringIO(data.decode("utf-8", "replace"), newline=""))
    for i, r in enumerate(rows, 1):
        emit(name, r[idcol] if idcol else i, r[tcol], r[dcol])

# the labelled postings' split (dev or test), as evaluate.py draws it
spec = importlib.util.spec_from_file_location("evaluate", src + "/tests/real/evaluate.py")
ev = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ev)
out = open(overlap, "w", encoding="utf-8") if overlap else sys.stderr
if overlap:
    print("# audit_posting\treal_posting\tsplit", file=out)
    print("# Source postings left out of the audit corpus by build_corpus.py because"
          " they repeat postings of tests/real (4 of 8 100-character windows of the"
          " labelled posting's normalised description, markup and entities removed,"
          " found in theirs); split is that of the labelled posting(s). See README.md,"
          " \"Overlap with tests/real\".", file=out)
done = set()
for pid, r in left_out:
    if pid in done:
        continue
    done.add(pid)
    print(f"{pid}\t{','.join(r)}\t{','.join(sorted({ev.split_of(x) for x in r}))}",
          file=out)
