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

The source remotewlb (RemoteWLB/remote-jobs) is one Markdown file a
posting, jobs/SKILL/MONTH/SLUG/README.md, read in git tree order: the
three header lines give title, company and location, the rest is the
description (as tests/real/eu/SOURCES.md takes it). Only the German and
French postings are kept, the language decided by a stop-word count
(lang() below); the id is the slug (the first file of a slug kept).
The source remotewlb-2024 is the same repository at its snapshot of
2024-06-10, the largest tree of its history (12,371 job files; the
repository later removed most of them), read the same way; a slug that
remotewlb also keeps is left out, so it holds only the postings that the
later snapshot no longer has.

The source linkedin-qa (sumreen7/JobSkillsAnalyser, QA_jobs.csv) is a
LinkedIn scrape of US quality-assurance postings; its rows are read in
file order and the first 150 English ones that are kept (not empty, not
a repeat, not a labelled posting) are emitted.

The sources boss-jobspider and liepin-jobspider (recall round 10) are the
Chinese BOSS直聘 and Liepin workbooks of realtomkwok/Project-JobSpider
(2019 scrapes searched by programming language), from which tests/real/zh
took 58 postings. Eligible rows: BOSS sheets 1-9 and all Liepin sheets,
a description of at least 150 characters with more CJK characters than
Latin letters; id = SHEET-ROW (sheet and spreadsheet row, 1-based). The
rows are read in the order of sha1("jobspider\\0" + source + ":" + id) and
the first JOBSPIDER_MAX kept of each workbook are emitted. Besides the
repeat rules above, a posting of these two sources is left out when its
normalised text shares any 50-character passage with a labelled posting
(the same advertisement, or another of the same employer that shares
some text with it), or when its normalised description repeats one kept
before under another title (the same posting found by two searches).

The source arbeitnow-2025 (recall round 13) is a dump of the Arbeitnow
job-board API of May 2025 (evgeniimatveev/remote-job-tracker,
data/raw/arbeitnow_raw.json): a JSON list of postings whose description
is the API's HTML, kept verbatim (as tests/real/eu takes Arbeitnow's).
Only the German postings are kept (lang() of the text with tags
removed), in file order; id = the number that ends the slug (the job id
that arbeitnow's job_id column holds), and a job id that arbeitnow
already has is left out. Its postings are left out on the stricter rule
of the jobspider sources too: a shared 50-character passage with a
labelled posting, or a normalised description that repeats one kept
before under another title; the board's closing link, which ends every
posting of the API and of tests/real/eu's Arbeitnow postings, is not
compared.

The source arbeitnow-2026 (recall round 14) is a later dump of the same API,
May 2026 (osama-2000236/com4381-assignment1-arbeitnow-job-explorer,
evidence/api-base-live.json: one page of 100 postings, {"data": [...]}),
read as arbeitnow-2025: German only, file order, id = the number ending
the slug, a job id that arbeitnow or arbeitnow-2025 has left out, the
stricter overlap rule. When MIRROR_DIR lacks its repository (no snapshot
of it could be fetched in round 14), the source is skipped with a note on
stderr and the other sources' lines are unchanged.
"""
import csv, glob, gzip, hashlib, html, importlib.util, io, json, os, re, subprocess, sys, zipfile
import xml.etree.ElementTree as ET

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

REMOTEWLB = ("remotewlb", "RemoteWLB+remote-jobs", "bbf406615c56ef7a5c25cf9d2b945fcee5d15ef9")
REMOTEWLB_2024 = ("remotewlb-2024", "RemoteWLB+remote-jobs", "2180b6bbc160e92ab3e7aadcce3c587392aae989")

# LinkedIn US quality-assurance postings of September 2025 (recall round 8):
# rows in file order, English descriptions only (lang() below), the first
# LINKEDIN_QA_MAX that emit() keeps; id = the LinkedIn job id
LINKEDIN_QA = ("linkedin-qa", "sumreen7+JobSkillsAnalyser", "b10bf499bc9b459433fce9b2bf72d5839ca97cfd",
               "QA_jobs.csv", "id", "title", "description")
LINKEDIN_QA_MAX = 150

# Chinese postings of the 2019 BOSS直聘 and Liepin workbooks (recall round 10):
# name, workbook path, sheets read (1-based; None = all), description column
# (by header; a sheet number -> 0-based column for a sheet without one)
JOBSPIDER_REPO = ("realtomkwok+Project-JobSpider", "5968240dd96952d2a083e656337c5f7f4c62521d")
JOBSPIDER = [
    ("boss-jobspider", "data/data_sheets/raw/Boss直聘总表(十语言).xlsx", range(1, 10), {6: 3}),
    ("liepin-jobspider", "data/data_sheets/raw/猎聘网.xlsx", None, {}),
]
JOBSPIDER_DESC = ("职位要求", "职位描述", "职能要求", "description&requirement")
JOBSPIDER_MAX = 80
# German postings of an Arbeitnow API dump of May 2025 (recall round 13):
# file order, German descriptions only; id = the number ending the slug
ARBEITNOW_2025 = ("arbeitnow-2025", "evgeniimatveev+remote-job-tracker",
                  "6dc53838154d6c894235bbf3197b389be11a8dc4", "data/raw/arbeitnow_raw.json")
# German postings of a later dump, May 2026 (recall round 14): one API page
ARBEITNOW_2026 = ("arbeitnow-2026", "osama-2000236+com4381-assignment1-arbeitnow-job-explorer",
                  "2a195d356610c86cc1a38a4d067031b6f035f4b5", "evidence/api-base-live.json")
SHARE = 50  # a shared passage of this many normalised characters leaves a posting out

STOP = {  # frequent function words; the language with the most tokens wins
    "de": "der die das und ist nicht mit für auf ein eine einen wir sie du ihr ich von zu den dem "
          "des im bei oder auch als sind wird werden deine dein unsere unser uns dich dir",
    "fr": "le la les et est pas avec pour sur un une nous vous des du au aux dans que qui sont "
          "ce cette votre vos notre nos être",
    "en": "the and is are with for on a an we you of to in that this be will our your or as",
    "es": "el los las y es con para por una del que se su sus nuestro nuestra somos",
    "pt": "o os e é com para um uma não do da dos das em que você seu sua nosso nossa",
}
STOP = {k: set(v.split()) for k, v in STOP.items()}

def lang(text):
    """The language whose stop words occur most often in text."""
    words = re.findall(r"\w+", text.lower())
    counts = {k: sum(w in ws for w in words) for k, ws in STOP.items()}
    return max(counts, key=lambda k: (counts[k], k == "en"))

def remotewlb_postings(gitdir, commit):
    """(slug, title, description) of each German or French README.md posting."""
    tree = subprocess.run(["git", "--git-dir", gitdir, "ls-tree", "-r", "-z", commit],
                          check=True, capture_output=True).stdout.decode("utf-8").split("\0")
    files = []  # (slug, blob) of jobs/SKILL/MONTH/SLUG/README.md, tree order
    for entry in tree:
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        parts = path.split("/")
        if len(parts) == 5 and parts[0] == "jobs" and parts[4] == "README.md":
            files.append((parts[3], meta.split()[2]))
    blobs = subprocess.run(["git", "--git-dir", gitdir, "cat-file", "--batch"],
                           input="".join(b + "\n" for _, b in files).encode(),
                           check=True, capture_output=True).stdout
    done, at = set(), 0
    for slug, blob in files:
        head_end = blobs.index(b"\n", at)
        size = int(blobs[at:head_end].split()[2])
        text = blobs[head_end + 1:head_end + 1 + size].decode("utf-8", "replace")
        at = head_end + 1 + size + 1
        if slug in done:
            continue
        lines = text.split("\n")
        m = re.match(r"# \[(.*)\]\(https?://[^)]*\)\s*$", lines[0])
        if not m or len(lines) < 4 or not lines[1].startswith("### ") \
                or not lines[2].startswith("#### "):
            continue
        desc = "\n".join(lines[3:]).strip()
        if lang(desc) not in ("de", "fr"):
            continue
        done.add(slug)
        yield slug, m.group(1).strip(), desc

XL = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
XL_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

def xlsx_sheets(data):
    """[(sheet name, {row number: {0-based column: text}})] of an .xlsx workbook."""
    z = zipfile.ZipFile(io.BytesIO(data))
    strings = [] if "xl/sharedStrings.xml" not in z.namelist() else [
        "".join(t.text or "" for t in si.iter(XL + "t"))
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(XL + "si")]
    targets = {r.get("Id"): r.get("Target")
               for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
    sheets = []
    for sh in ET.fromstring(z.read("xl/workbook.xml")).iter(XL + "sheet"):
        target = targets[sh.get(XL_REL + "id")].lstrip("/")
        rows = {}
        for row in ET.fromstring(z.read(target if target.startswith("xl/")
                                        else "xl/" + target)).iter(XL + "row"):
            cells = {}
            for c in row.iter(XL + "c"):
                col = 0
                for ch in re.match(r"[A-Z]+", c.get("r")).group(0):
                    col = col * 26 + ord(ch) - 64
                v = c.find(XL + "v")
                if c.get("t") == "s":
                    text = strings[int(v.text)]
                elif c.get("t") == "inlineStr":
                    text = "".join(t.text or "" for t in c.iter(XL + "t"))
                else:
                    text = v.text if v is not None and v.text else ""
                cells[col - 1] = text
            rows[int(row.get("r"))] = cells
        sheets.append((sh.get("name"), rows))
    return sheets

def cjk_majority(d):
    return len(re.findall(r"[\u4e00-\u9fff]", d)) > len(re.findall(r"[A-Za-z]", d))

def gitdir(repo):
    d = f"{mirror}/{repo}/repo"
    return d + "/.git" if glob.glob(d + "/.git") else d

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

passages = None  # hash of each SHARE-character passage of a labelled text -> its id

def shares(desc):
    """The labelled postings with which desc shares a SHARE-character passage."""
    global passages
    if passages is None:
        passages = {}
        for f in sorted(glob.glob(src + "/tests/real/*/postings.jsonl")):
            for line in open(f, encoding="utf-8"):
                o = json.loads(line)
                t = norm(o.get("description", ""))
                for i in range(max(len(t) - SHARE + 1, 1)):
                    passages.setdefault(hash(t[i:i + SHARE]), o["id"])
    t = norm(desc)
    return {passages[h] for h in (hash(t[i:i + SHARE]) for i in range(max(len(t) - SHARE + 1, 1)))
            if h in passages}

def emit(name, rid, title, desc, strict=False, own=None):
    """Print the posting unless empty, a repeat or a labelled one; True when printed.
    strict: also left out when it shares a passage with a labelled posting
    (own: the part of desc compared so, when not all of it)."""
    if not desc or not desc.strip():
        return False
    k = key(title, desc)
    if k in seen:
        return False
    r = repeats(desc)
    if strict:
        r = sorted(set(r) | shares(desc if own is None else own))
    if r:
        left_out.append((f"{name}:{rid}", r))
        return False
    seen.add(k)
    print(json.dumps({"id": f"{name}:{rid}", "title": title or "", "description": desc},
                     ensure_ascii=False))
    return True

with gzip.open(src + "/tests/corpora_real/glassdoor_ds_jobs.csv.gz", "rt", newline="",
               encoding="utf-8", errors="replace") as f:
    for r in csv.DictReader(f):
        emit("glassdoor", r["index"], r["Job Title"], r["Job Description"])
arbeitnow_ids = set()  # job ids of the source arbeitnow
for name, repo, commit, path, idcol, tcol, dcol in SOURCES:
    data = subprocess.run(["git", "--git-dir", f"{mirror}/{repo}/repo", "show", f"{commit}:{path}"],
                          check=True, capture_output=True).stdout
    rows = csv.DictReader(io.StringIO(data.decode("utf-8", "replace"), newline=""))
    for i, r in enumerate(rows, 1):
        if name == "arbeitnow":
            arbeitnow_ids.add(r[idcol])
        emit(name, r[idcol] if idcol else i, r[tcol], r[dcol])
name, repo, commit = REMOTEWLB
slugs = set()
for slug, title, desc in remotewlb_postings(f"{mirror}/{repo}/repo", commit):
    slugs.add(slug)
    emit(name, slug, title, desc)
name, repo, commit = REMOTEWLB_2024
for slug, title, desc in remotewlb_postings(f"{mirror}/{repo}/repo", commit):
    if slug not in slugs:
        emit(name, slug, title, desc)
name, repo, commit, path, idcol, tcol, dcol = LINKEDIN_QA
data = subprocess.run(["git", "--git-dir", f"{mirror}/{repo}/repo", "show", f"{commit}:{path}"],
                      check=True, capture_output=True).stdout
kept = 0
for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig", "replace"), newline="")):
    if kept == LINKEDIN_QA_MAX:
        break
    if lang(r[dcol] or "") == "en" and emit(name, r[idcol], r[tcol], r[dcol]):
        kept += 1
repo, commit = JOBSPIDER_REPO
for name, path, sheets, fixed in JOBSPIDER:
    data = subprocess.run(["git", "--git-dir", gitdir(repo), "show", f"{commit}:{path}"],
                          check=True, capture_output=True).stdout
    rows = []  # (sha1 key, id, title, description) of the eligible rows
    for s, (_, sheet) in enumerate(xlsx_sheets(data), 1):
        if sheets is not None and s not in sheets:
            continue
        head = sheet.get(1, {})
        dcol = fixed.get(s, next((c for c, h in head.items() if h.strip() in JOBSPIDER_DESC), None))
        for rno, cells in sheet.items():
            desc = cells.get(dcol, "")
            if rno == 1 or len(desc.strip()) < 150 or not cjk_majority(desc):
                continue
            rid = f"{s}-{rno}"
            rows.append((hashlib.sha1(f"jobspider\0{name}:{rid}".encode()).hexdigest(), rid,
                         cells.get(0, ""), desc))
    kept, texts = 0, set()
    for _, rid, title, desc in sorted(rows):
        if kept == JOBSPIDER_MAX:
            break
        if norm(desc) in texts:
            continue
        if emit(name, rid, title, desc, strict=True):
            texts.add(norm(desc))
            kept += 1

def arbeitnow_dump(name, items):
    """Emit the German postings of an Arbeitnow API dump (a list of objects
    with slug, title and description), in file order: not empty, not a
    job id of an earlier Arbeitnow source, not a repeat, under the strict
    overlap rule."""
    texts = set()
    for o in items:
        rid = re.search(r"(\d+)$", o.get("slug") or "")
        desc = o.get("description") or ""
        if not rid or rid.group(1) in arbeitnow_ids or norm(desc) in texts \
                or lang(re.sub(r"<[^>]*>", " ", html.unescape(desc))) != "de":
            continue
        # the board's closing link ("Find more English Speaking Jobs in
        # Germany on Arbeitnow"), which every posting of the API ends with,
        # is not compared
        own = re.sub(r"<p>\s*Find [^<]*<a [^>]*>[^<]*</a>\s*on Arbeitnow(</a>)?\s*$", "", desc)
        if emit(name, rid.group(1), o.get("title") or "", desc, strict=True, own=own):
            texts.add(norm(desc))


name, repo, commit, path = ARBEITNOW_2025
data = subprocess.run(["git", "--git-dir", gitdir(repo), "show", f"{commit}:{path}"],
                      check=True, capture_output=True).stdout
items = json.loads(data.decode("utf-8"))
arbeitnow_dump(name, items)
arbeitnow_ids |= {m.group(1) for m in (re.search(r"(\d+)$", o.get("slug") or "")
                                        for o in items) if m}

name, repo, commit, path = ARBEITNOW_2026
if not os.path.isdir(gitdir(repo)):
    print(f"build_corpus: {repo} is not in {mirror}: source {name} skipped", file=sys.stderr)
else:
    data = subprocess.run(["git", "--git-dir", gitdir(repo), "show", f"{commit}:{path}"],
                          check=True, capture_output=True).stdout
    arbeitnow_dump(name, json.loads(data.decode("utf-8"))["data"])

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
