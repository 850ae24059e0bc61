#!/usr/bin/python3
"""peer_aho.py - the Python peer of `skidx index`: per-skill posting counts
with pyahocorasick, written independently of skidx's C code.

What a user would write instead of skidx, done carefully enough that its
counts must equal skidx's on a literal-only taxonomy:

  * shards: every *.jsonl[.zst] / *.ndjson[.zst] of a directory (or files
    given), zstd ones decompressed by a `zstd -dc` subprocess;
  * a posting is one JSON object a line; title and description are scanned
    separately (a match never spans the two);
  * aliases from skills.tsv (taxonomy/FORMAT.md): plain ones caseless
    (ASCII case folding only), `=` ones case-sensitive, both on word
    boundaries (ASCII letters, digits, '_' and non-ASCII letters from
    U+00C0 up, except U+2000-U+206F, U+3000-U+303F, U+FE30-U+FE4F) on each
    side where the alias itself begins/ends with a word character;
    negatives (`!...`) hide the same skill's hits lying inside them;
    regular-expression aliases (`/.../`) are NOT supported: they are
    skipped with a warning (compare on a literal-only taxonomy);
  * a skill counts once per posting;
  * exact reposts count once, as in skidx: the key is title, company and
    description, each ASCII lower-cased, whitespace runs (space, TAB, CR,
    LF) collapsed to one space and trimmed (src/core/posting.c). Postings
    with neither title nor description are skipped. --no-dedup turns this
    off.

Output on stdout: `skill<TAB>postings` for every skill (taxonomy order);
a summary on stderr (postings, duplicates, MB/s of uncompressed text).

usage: peer_aho.py --taxonomy DIR [--jobs N] [--no-dedup] CORPUS...
Run with /usr/bin/python3 (Debian's python3-ahocorasick).
"""
import argparse
import hashlib
import json
import multiprocessing
import os
import re
import subprocess
import sys
import time

import ahocorasick

LOWER = {c: c + 32 for c in range(65, 91)}
WS = re.compile(r"[ \t\n\r]+")
ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "0123456789_")


def is_word(ch):
    if ch in ASCII_WORD:
        return True
    cp = ord(ch)
    if cp < 0xC0:
        return False
    return not (0x2000 <= cp <= 0x206F or 0x3000 <= cp <= 0x303F or
                0xFE30 <= cp <= 0xFE4F)


def load_skills(path):
    """Returns (names, caseless automaton, case-sensitive automaton,
    skills that have negatives, regex aliases skipped)."""
    names, skipped = [], 0
    ci, cs = ahocorasick.Automaton(), ahocorasick.Automaton()
    has_neg = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line or line[0] in "#@":
                continue
            cols = line.split("\t")
            sid = len(names)
            names.append(cols[0])
            for a in cols[2:]:
                if not a:
                    continue
                neg = a.startswith("!")
                if neg:
                    a = a[1:]
                case = a.startswith("=")
                if case:
                    a = a[1:]
                if len(a) >= 2 and a[0] == "/" and a[-1] == "/":
                    skipped += 1
                    continue
                if neg:
                    has_neg.add(sid)
                entry = (sid, neg, is_word(a[0]), is_word(a[-1]), len(a))
                auto = cs if case else ci
                key = a if case else a.translate(LOWER)
                if key in auto:
                    auto.get(key).append(entry)
                else:
                    auto.add_word(key, [entry])
    for auto in (ci, cs):
        if len(auto):
            auto.make_automaton()
    return names, ci, cs, has_neg, skipped


def scan(text, ci, cs, has_neg, found):
    """Add the skills mentioned in text to the set `found`."""
    n = len(text)
    pos, negs = [], []
    sources = []
    if ci.kind == ahocorasick.AHOCORASICK:
        sources.append(ci.iter(text.translate(LOWER)))
    if cs.kind == ahocorasick.AHOCORASICK:
        sources.append(cs.iter(text))
    for src in sources:
        for end, entries in src:
            for sid, neg, lchk, rchk, ln in entries:
                if not neg and sid in found:
                    continue
                start = end - ln + 1
                if lchk and start > 0 and is_word(text[start - 1]):
                    continue
                if rchk and end + 1 < n and is_word(text[end + 1]):
                    continue
                if neg:
                    negs.append((sid, start, end))
                elif sid in has_neg:
                    pos.append((sid, start, end))
                else:
                    found.add(sid)
    for sid, s, e in pos:
        if sid in found:
            continue
        if not any(ns == sid and a <= s and e <= b for ns, a, b in negs):
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
    """Returns (bytes, lines, skipped, [(key or None, skill ids)])."""
    _, ci, cs, has_neg, _ = G["tax"]
    dedup = G["dedup"]
    zst = path.endswith(".zst")
    if zst:
        proc = subprocess.Popen(["zstd", "-dcq", path], stdout=subprocess.PIPE,
                                bufsize=1 << 20)
        stream = proc.stdout
    else:
        proc = None
        stream = open(path, "rb")
    out, nbytes, lines, skipped = [], 0, 0, 0
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
            scan(title, ci, cs, has_neg, found)
        if desc:
            scan(desc, ci, cs, has_neg, found)
        key = None
        if dedup:
            k = "\x1f".join((norm(title), norm(rec.get("company")),
                             norm(desc)))
            key = hashlib.blake2b(k.encode("utf-8", "surrogatepass"),
                                  digest_size=16).digest()
        out.append((key, tuple(found)))
    stream.close()
    if proc and proc.wait() != 0:
        raise SystemExit("peer_aho: zstd failed on %s" % path)
    return nbytes, lines, skipped, out


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
    ap.add_argument("corpus", nargs="+")
    a = ap.parse_args()
    skills_path = os.path.join(a.taxonomy, "skills.tsv")
    names, _, _, _, skipped_re = load_skills(skills_path)
    if skipped_re:
        print("peer_aho: warning: %d regex aliases skipped" % skipped_re,
              file=sys.stderr)
    shards = list_shards(a.corpus)
    t0 = time.monotonic()
    if a.jobs > 1:
        pool = multiprocessing.Pool(a.jobs, init, (skills_path, not a.no_dedup))
        results = pool.imap(do_shard, shards)
    else:
        init(skills_path, not a.no_dedup)
        results = map(do_shard, shards)
    counts = [0] * len(names)
    seen = set()
    nbytes = lines = skipped = postings = dups = 0
    for b, ln, sk, recs in results:   # in shard order: first copy counts
        nbytes += b
        lines += ln
        skipped += sk
        for key, ids in recs:
            if key is not None:
                if key in seen:
                    dups += 1
                    continue
                seen.add(key)
            postings += 1
            for s in ids:
                counts[s] += 1
    dt = time.monotonic() - t0
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


if __name__ == "__main__":
    main()
