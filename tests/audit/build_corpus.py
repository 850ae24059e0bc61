#!/usr/bin/env python3
"""Build the audit corpus (tests/audit/README.md) as JSON Lines on stdout.

usage: build_corpus.py SOURCE_DIR MIRROR_DIR

MIRROR_DIR holds the public repositories as OWNER+NAME/repo git
directories; each file is read at the commit named below with `git show`.
Postings are deduplicated on title + description (whitespace folded,
caseless), and any posting of the labelled set tests/real/*/postings.jsonl
is left out (the labelled set is for evaluation, not for tuning).
"""
import csv, glob, gzip, io, json, re, subprocess, sys

src, mirror = sys.argv[1:3]
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

def lab_key(d):
    return re.sub(r"\W+", " ", d).strip().lower()[:300]

labelled = set()
for f in glob.glob(src + "/tests/real/*/postings.jsonl"):
    for line in open(f, encoding="utf-8"):
        labelled.add(lab_key(json.loads(line).get("description", "")))
seen = set()

def emit(name, rid, title, desc):
    if not desc or not desc.strip():
        return
    k = key(title, desc)
    if k in seen or lab_key(desc) in labelled:
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
