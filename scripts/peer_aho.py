#!/usr/bin/python3
"""peer_aho.py - the Python peer of `skidx index`: per-skill posting counts
with pyahocorasick, written independently of skidx's C code from the text
rules of taxonomy/FORMAT.md.

What a user would write instead of skidx, done carefully enough that its
counts must equal skidx's on a literal-only taxonomy without sections.tsv:

  * shards: every *.jsonl[.zst] / *.ndjson[.zst] of a directory (or files
    given), zstd ones decompressed by a `zstd -dc` subprocess;
  * a posting is one JSON object a line; title and description are scanned
    separately (a match never spans the two);
  * each text is first folded: full-width ASCII (U+FF01-FF5E) to ASCII,
    U+3000 and the no-break space U+00A0 to a space, the hyphens U+2010
    and U+2011 to '-', and a backslash before ASCII punctuation dropped
    (markdown escapes: `C\+\+` is C++); a literal alias's full-width
    forms, spaces and hyphens likewise;
  * aliases from skills.tsv: plain ones caseless (ASCII case folding
    only), `=` ones case-sensitive, both on word boundaries on each side
    where the alias itself begins/ends with a word character. Word
    characters: ASCII letters, digits, '_', and the letters, marks and
    decimal/letter numbers of scripts written with spaces (not Han, Kana,
    Hangul, Thai, ..., nor CJK punctuation or full-width forms): the
    blocks of taxonomy/FORMAT.md, "How text is read", with Python's
    unicodedata;
  * separators: in a multi-word alias (one with a space), each space, `-`
    or `/` between two ASCII letters or digits matches one space, `-`,
    `_` or `/`; `~` aliases keep their separators as written; `+` aliases
    are flexible even without a space and also match their words written
    together;
  * negatives (`!...`) hide the same skill's hits lying inside them;
  * masked spans: a hit overlapping a URL, e-mail address, host name with
    a path (or a host alone in .com/.org/.edu/.gov), a path with two
    slashes or a file name with a known extension does not count;
  * the company's name: a description hit whose text is, caselessly, the
    `company` field (trimmed, cut before '(', also without a web suffix
    such as `.io` or trailing words such as Inc, Labs, GmbH) does not
    count;
  * regular-expression aliases (`/.../`) are NOT supported: they are
    skipped with a warning (compare on a literal-only taxonomy); nor are
    sections.tsv's sections, the lead paragraphs of a "Company | Role |
    Place" post or @camel-split: the peer says on stderr how many
    postings they could have changed (a description whose first line
    holds two '|'; a taxonomy with sections.tsv or @camel-split on);
  * a skill counts once per posting;
  * exact reposts count once, as in skidx: the key is title, company and
    description, each ASCII lower-cased, whitespace runs (space, TAB, CR,
    LF) collapsed to one space and trimmed. Postings with neither title
    nor description are skipped. --no-dedup turns this off.

Output on stdout: `skill<TAB>postings` for every skill (taxonomy order);
a summary on stderr (postings, duplicates, MB/s of uncompressed text).
--postings-out FILE writes `id<TAB>skill|skill|...` per counted posting
(for finding where the peer and `skidx match` part).

usage: peer_aho.py --taxonomy DIR [--jobs N] [--no-dedup]
                   [--max-shards K] [--postings-out FILE] CORPUS...
Run with /usr/bin/python3 (Debian's python3-ahocorasick).
"""
import argparse
import functools
import hashlib
import json
import multiprocessing
import os
import re
import subprocess
import sys
import time
import unicodedata

import ahocorasick

LOWER = {c: c + 32 for c in range(65, 91)}
WS = re.compile(r"[ \t\n\r]+")
ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "0123456789_")
ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789")

# Blocks of the scripts written without spaces between words, CJK
# punctuation and the full-width forms: never word characters
# (taxonomy/FORMAT.md, "How text is read").
NO_SPACE = ((0x0E00, 0x109F), (0x1100, 0x11FF), (0x1780, 0x17FF),
            (0x1950, 0x19FF), (0x1A20, 0x1AAF), (0x1B00, 0x1B7F),
            (0x2E80, 0x9FFF), (0xA000, 0xA4CF), (0xA960, 0xA9FF),
            (0xAA60, 0xAADF), (0xAC00, 0xD7FF), (0xF900, 0xFAFF),
            (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x16FE0, 0x18CFF),
            (0x1AFF0, 0x1B2FF), (0x20000, 0x3FFFF))


@functools.lru_cache(maxsize=None)
def is_word(ch):
    if ch in ASCII_WORD:
        return True
    cp = ord(ch)
    if cp < 0x80 or cp >= 0x40000:
        return False
    if any(lo <= cp <= hi for lo, hi in NO_SPACE):
        return False
    cat = unicodedata.category(ch)
    return cat[0] in "LM" or cat in ("Nd", "Nl")


# The pre-pass: full-width ASCII, the ideographic and no-break spaces and
# the hyphens U+2010/U+2011, then markdown
# escapes (a backslash before ASCII punctuation).
FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
FULLWIDTH[0x3000] = 0x20
FULLWIDTH[0x00A0] = 0x20  # the no-break space
FULLWIDTH[0x2010] = FULLWIDTH[0x2011] = 0x2D  # the hyphens
FW_RE = re.compile("[\uff01-\uff5e\u3000\u00a0\u2010\u2011]")
MD_RE = re.compile(r"\\([!-/:-@\[-`{-~])")


def fold(text):
    if FW_RE.search(text):
        text = text.translate(FULLWIDTH)
    if "\\" in text:
        text = MD_RE.sub(r"\1", text)
    return text


# Automaton keys: ASCII lower case, and '-', '_', '/' as ' ', so that a
# flexible separator finds its candidates whichever separator the text
# has; each candidate is then checked against the text as written.
KEYFOLD = dict(LOWER)
KEYFOLD.update({ord("-"): 32, ord("_"): 32, ord("/"): 32})


def flex_seps(a):
    """Positions of a's flexible separators: ' ', '-' or '/' between two
    ASCII letters or digits."""
    return frozenset(i for i in range(1, len(a) - 1)
                     if a[i] in " -/" and a[i - 1] in ALNUM and
                     a[i + 1] in ALNUM)


def same(t, a, seps, case):
    """Text t against alias form a (same length)."""
    for i, (x, y) in enumerate(zip(t, a)):
        if i in seps:
            if x not in " -_/":
                return False
        elif x != y and (case or x.translate(LOWER) != y.translate(LOWER)):
            return False
    return True


def load_skills(path):
    """Returns (names, automaton or None, skills that have negatives,
    regex aliases skipped, camel-split on)."""
    names, skipped, camel = [], 0, False
    auto = ahocorasick.Automaton()
    has_neg = set()
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.startswith("@"):
                kv = line[1:].split("\t")
                if kv[0] == "camel-split" and kv[1:2] == ["on"]:
                    camel = True
                continue
            if not line or line[0] == "#":
                continue
            cols = line.split("\t")
            sid = len(names)
            names.append(cols[0])
            for a in cols[2:]:
                a = a.strip(" ")
                if not a or a.startswith("@"):
                    continue
                neg = a.startswith("!")
                if neg:
                    a = a[1:]
                case = strict = joined = False
                while a and a[0] in "=~+":
                    if a[0] == "=":
                        case = True
                    elif a[0] == "~":
                        strict = True
                    else:
                        joined = True
                    a = a[1:]
                if len(a) >= 2 and a[0] == "/" and a[-1] == "/":
                    skipped += 1
                    continue
                # a literal is read as text is (taxonomy/FORMAT.md)
                if FW_RE.search(a):
                    a = a.translate(FULLWIDTH)
                if neg:
                    has_neg.add(sid)
                flexible = not strict and (joined or " " in a)
                seps = flex_seps(a) if flexible else frozenset()
                forms = [(a, seps)]
                if joined and seps:
                    forms.append(("".join(c for i, c in enumerate(a)
                                          if i not in seps), frozenset()))
                left, right = is_word(a[0]), is_word(a[-1])
                for form, fseps in forms:
                    # the automaton's key equals the text up to ASCII
                    # case and '-', '_', '/', ' ' among themselves: a
                    # caseless form without those needs no check
                    check = case or any(ch in " -_/" for ch in form)
                    entry = (sid, neg, form, fseps, case, left, right, check)
                    key = form.translate(KEYFOLD)
                    if key in auto:
                        auto.get(key).append(entry)
                    else:
                        auto.add_word(key, [entry])
    if len(auto):
        auto.make_automaton()
    else:
        auto = None
    return names, auto, has_neg, skipped, camel


# ---- masked spans (taxonomy/FORMAT.md, "Masked spans") ----

# a maximal run of URL characters that holds a '.', '@' or '/' (the
# others cannot be masked)
URL_TOKEN = re.compile(r"[A-Za-z0-9\-._~:/?#@$&+=%]*[.@/]"
                       r"[A-Za-z0-9\-._~:/?#@$&+=%]*")
URL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "0123456789-._~:/?#@$&+=%")
HOST_CHARS = ALNUM | frozenset("-.")
TLDS = frozenset("com org net io ai dev co edu gov app info biz us uk de fr "
                 "cn jp ca au nl eu ch es se ru br kr tech xyz".split())
STRONG_TLDS = frozenset(("com", "org", "edu", "gov"))
NOT_HOSTS = frozenset(("asp.net", "ado.net", "vb.net", "ml.net", "socket.io"))
FILE_EXTS = frozenset(
    "php html htm xhtml asp aspx jsp py ipynb java class jar war cpp cc cxx "
    "hpp rb kt pdf doc docx xls xlsx ppt pptx odt rtf csv tsv txt json xml "
    "yaml yml toml ini cfg conf log zip gz tgz tar rar exe dll so png jpg "
    "jpeg gif svg css scss jsx tsx vue sh bat ps1 mp4 mp3 wav".split())
SCHEME_RE = re.compile(r"[A-Za-z0-9+.\-]*://")
EMAIL_RE = re.compile(r"([A-Za-z0-9_.%+\-]+)@([A-Za-z0-9.\-]+)")


def token_span(t, a, b):
    """The masked span [s, e) of the URL-character token t[a:b], or None:
    a URL with a scheme, an e-mail address, www.host, host.tld[/path], a
    path with two slashes or more, [dir/]name.ext."""
    while b > a and t[b - 1] in ".:?-&=#@+":
        b -= 1
    while a < b and t[a] in ":-@?#&=+":
        a += 1
    if b - a < 3:
        return None
    tok = t[a:b]
    m = SCHEME_RE.search(tok)
    if m and m.end() - 3 + 3 < len(tok):
        q = m.end() - 3                         # the ':'
        k = m.start()
        while k < q and tok[k] not in ALNUM:
            k += 1
        if q - k >= 2 and not tok[k].isdigit():
            return a + k, b
    at = tok.find("@")
    if at >= 0:
        l = at
        while l > 0 and (tok[l - 1] in ASCII_WORD or tok[l - 1] in ".%+-"):
            l -= 1
        d = at + 1
        while d < len(tok) and tok[d] in HOST_CHARS:
            d += 1
        while d > at + 1 and tok[d - 1] in ".-":
            d -= 1
        dot = tok.rfind(".", at + 1, d) + 1
        tld = tok[dot:d]
        if (l < at and dot > at + 2 and len(tld) >= 2 and
                all(c in ALNUM and not c.isdigit() for c in tld)):
            return a + l, a + d
    if len(tok) > 4 and tok[:4].lower() == "www." and tok[4] in ALNUM:
        return a, b
    h = 0
    while h < len(tok) and tok[h] in HOST_CHARS:
        h += 1
    if h == len(tok) or tok[h] in "/:?#":
        dot = tok.rfind(".", 0, h) + 1
        if dot > 1 and dot < h and tok[0] in ALNUM and tok[dot - 2] != ".":
            path = h < len(tok) and tok[h] == "/"
            tld = tok[dot:h]
            if tld in TLDS and (tok[:h].lower() not in NOT_HOSTS if path
                                else tld in STRONG_TLDS):
                return a, b
    if tok[0] == "/" or tok.startswith(("~/", "./", "../")):
        if tok.count("/") >= 2:
            return a, b
    c0 = tok.rfind("/") + 1
    dot = tok.rfind(".", c0) + 1
    if dot > c0 + 1 and dot < len(tok) and tok[dot:].lower() in FILE_EXTS:
        if all(c in ASCII_WORD or c in "-." for c in tok[c0:dot - 1]):
            return a, b
    return None


def masked_spans(t):
    """The masked spans of text t: each token (a maximal run of URL
    characters) holding a trigger (a '.' before a letter or digit, an '@'
    between a URL character and a letter or digit, a '/' before a letter
    or digit that opens the token or follows '~', '/' or '.') is
    classified once."""
    spans = []
    n = len(t)
    for m in URL_TOKEN.finditer(t):
        a, b = m.span()
        go = False
        for p in range(a, b):
            c = t[p]
            if c not in ".@/":
                continue
            nx = t[p + 1] if p + 1 < n else ""
            if nx not in ALNUM:
                continue
            if c == ".":
                go = True
            elif c == "@":
                go = p > a
            else:
                prev = t[p - 1] if p > 0 else ""
                if p == a and prev and not prev.isascii() and \
                        unicodedata.category(prev)[0] == "L":
                    continue            # KV存储/Druid: a list
                if p == a or prev in "~/.":
                    if p == a and all(x in ALNUM for x in t[p + 1:b]):
                        break           # "/li", "and/or": no span
                    go = True
            if go:
                break
        if go:
            s = token_span(t, a, b)
            if s:
                spans.append(s)
    return spans


# ---- the company's name (taxonomy/FORMAT.md, "Company text") ----

WEB_TAILS = (".ai", ".io", ".com", ".dev", ".tech", ".co", ".app", ".xyz")
GENERIC = frozenset("inc inc. labs lab technologies technology ltd ltd. llc "
                    "gmbh ai corp corp. corporation co co. group software "
                    "systems".split())


def name_forms(name):
    """The lower-cased texts that are the company, not a skill."""
    if not isinstance(name, str):
        return ()
    cut = name.find("(")
    if cut >= 0:
        name = name[:cut]
    name = name.strip(" \t\r\n*_#")
    if not name:
        return ()
    forms = [name]
    low = name.lower()
    for w in WEB_TAILS:
        if len(name) > len(w) and low.endswith(w):
            name = name[:-len(w)]
            forms.append(name)
            break
    while len(forms) < 8:
        b = name.rfind(" ") + 1
        if b == 0:
            break
        w = name[b:]
        if w.endswith(","):
            w = w[:-1]
        if w.lower() not in GENERIC:
            break
        name = name[:b].rstrip(" ,")
        if not name:
            break
        forms.append(name)
    return frozenset(f.translate(LOWER) for f in forms)


def scan(text, auto, has_neg, found, company=()):
    """Add the skills mentioned in text to the set `found`; `company`: the
    forms of the company's name (description only)."""
    if auto is None:
        return
    text = fold(text)
    n = len(text)
    pos, negs = [], []
    spans = None
    for end, entries in auto.iter(text.translate(KEYFOLD)):
        for sid, neg, form, seps, case, lchk, rchk, check in entries:
            if not neg and sid in found:
                continue
            start = end - len(form) + 1
            if lchk and start > 0 and is_word(text[start - 1]):
                continue
            if rchk and end + 1 < n and is_word(text[end + 1]):
                continue
            if check and not same(text[start:end + 1], form, seps, case):
                continue
            if neg:
                negs.append((sid, start, end))
                continue
            if spans is None:
                spans = masked_spans(text) if ("." in text or "@" in text or
                                               "/" in text) else []
            if any(s <= end and start < e for s, e in spans):
                continue
            if company and text[start:end + 1].translate(LOWER) in company:
                continue
            pos.append((sid, start, end))
    for sid, s, e in pos:
        if sid in found:
            continue
        if sid not in has_neg or not any(ns == sid and a <= s and e <= b
                                         for ns, a, b in negs):
            found.add(sid)


def norm(v):
    if not isinstance(v, str):
        return ""
    return WS.sub(" ", v.translate(LOWER)).strip(" ")


# state of a worker process, set by init()
G = {}


def init(skills_path, dedup):
    G["tax"] = load_skills(skills_path)
    G["dedup"] = dedup


def do_shard(path):
    """Returns (bytes, lines, skipped, posts with a "Company | Role |
    Place" first line, [(key or None, id, skill ids)])."""
    _, auto, has_neg, _, _ = G["tax"]
    dedup = G["dedup"]
    zst = path.endswith(".zst")
    if zst:
        proc = subprocess.Popen(["zstd", "-dcq", path], stdout=subprocess.PIPE,
                                bufsize=1 << 20)
        stream = proc.stdout
    else:
        proc = None
        stream = open(path, "rb")
    out, nbytes, lines, skipped, leads = [], 0, 0, 0, 0
    for raw in stream:
        nbytes += len(raw)
        lines += 1
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw)
        except ValueError:
            skipped += 1
            continue
        if not isinstance(rec, dict):
            skipped += 1
            continue
        title, desc = rec.get("title"), rec.get("description")
        title = title if isinstance(title, str) else ""
        desc = desc if isinstance(desc, str) else ""
        if not title and not desc:
            skipped += 1
            continue
        found = set()
        if title:
            scan(title, auto, has_neg, found)
        if desc:
            scan(desc, auto, has_neg, found, name_forms(rec.get("company")))
            first = desc.split("\n", 1)[0]
            leads += first.count("|") >= 2 and not first.startswith("|")
        key = None
        if dedup:
            k = "\x1f".join((norm(title), norm(rec.get("company")),
                             norm(desc)))
            key = hashlib.blake2b(k.encode("utf-8", "surrogatepass"),
                                  digest_size=16).digest()
        pid = rec.get("id")
        out.append((key, pid if isinstance(pid, str) else "",
                    tuple(sorted(found))))
    stream.close()
    if proc and proc.wait() != 0:
        raise SystemExit("peer_aho: zstd failed on %s" % path)
    return nbytes, lines, skipped, leads, out


SHARD_RE = re.compile(r".*\.(jsonl|ndjson)(\.zst)?$")


def list_shards(args):
    paths = []
    for p in args:
        if os.path.isdir(p):
            paths += [os.path.join(p, n) for n in sorted(os.listdir(p))
                      if SHARD_RE.match(n)]
        else:
            paths.append(p)
    return paths


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--taxonomy", required=True)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--no-dedup", action="store_true")
    ap.add_argument("--max-shards", type=int, default=0,
                    help="read only the first K shards (in name order)")
    ap.add_argument("--postings-out", metavar="FILE",
                    help="write id<TAB>skill|skill... per counted posting")
    ap.add_argument("corpus", nargs="+")
    a = ap.parse_args()
    skills_path = os.path.join(a.taxonomy, "skills.tsv")
    names, _, _, skipped_re, camel = load_skills(skills_path)
    if skipped_re:
        print("peer_aho: warning: %d regex aliases skipped" % skipped_re,
              file=sys.stderr)
    if camel:
        print("peer_aho: warning: @camel-split is on; the peer does not "
              "split glued words", file=sys.stderr)
    if os.path.exists(os.path.join(a.taxonomy, "sections.tsv")):
        print("peer_aho: warning: %s has a sections.tsv; the peer counts "
              "every section" % a.taxonomy, file=sys.stderr)
    shards = list_shards(a.corpus)
    if a.max_shards > 0:
        shards = shards[:a.max_shards]
    t0 = time.monotonic()
    if a.jobs > 1:
        pool = multiprocessing.Pool(a.jobs, init, (skills_path, not a.no_dedup))
        results = pool.imap(do_shard, shards)
    else:
        init(skills_path, not a.no_dedup)
        results = map(do_shard, shards)
    counts = [0] * len(names)
    seen = set()
    nbytes = lines = skipped = postings = dups = leads = 0
    pout = open(a.postings_out, "w", encoding="utf-8") if a.postings_out \
        else None
    for b, ln, sk, ld, recs in results:   # in shard order: first copy counts
        nbytes += b
        lines += ln
        skipped += sk
        leads += ld
        for key, pid, ids in recs:
            if key is not None:
                if key in seen:
                    dups += 1
                    continue
                seen.add(key)
            postings += 1
            for s in ids:
                counts[s] += 1
            if pout:
                pout.write("%s\t%s\n" % (pid, "|".join(names[s]
                                                         for s in ids)))
    dt = time.monotonic() - t0
    if pout:
        pout.close()
    if a.jobs > 1:
        pool.close()
        pool.join()
    w = sys.stdout.write
    for n, c in zip(names, counts):
        w("%s\t%d\n" % (n, c))
    print("peer_aho: %d postings (%d duplicates, %d skipped) from %d shards, "
          "%.1f MB in %.2f s: %.1f MB/s with %d process(es)" %
          (postings, dups, skipped, len(shards), nbytes / 1e6, dt,
           nbytes / 1e6 / dt if dt > 0 else 0, a.jobs), file=sys.stderr)
    print("peer_aho: %d postings open with a 'Company | Role | Place' line "
          "(company lead rule not modelled)" % leads, file=sys.stderr)


if __name__ == "__main__":
    main()
