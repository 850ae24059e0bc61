#!/usr/bin/python3
"""taxonomy_ref.py - independent reference matcher for skidx taxonomies.

Implements the semantics of taxonomy/FORMAT.md in plain Python 3 (standard
library only), independently of the C matcher:

  * literal aliases, caseless (ASCII only) or case-sensitive (`=`), matched
    where their bytes occur, with the word-boundary rule on every side whose
    alias character is a word character (ASCII alnum, '_', and non-ASCII
    letters: code points >= U+00C0 except U+2000-U+206F, U+3000-U+303F,
    U+FE30-U+FE4F);
  * regular-expression aliases (`/re/` caseless, `=/re/` case-sensitive) run
    with Python `re` on the UTF-8 bytes (ASCII \\b, \\w, \\s as in Hyperscan
    without HS_FLAG_UTF8/UCP);
  * negatives (`!...`): a positive hit of an owner is dropped when it lies
    inside a negative hit of the same owner;
  * roles/levels: lowest priority wins, ties go to the rule listed first;
    level-field rules apply when the title names no level; otherwise the
    rule listed with no alias is the fallback.

It checks the format constraints, prints counts, then scores the labelled
data: micro precision/recall on tests/labelled/sentences.tsv and accuracy
(role AND level right) on tests/labelled/titles.tsv, listing every miss.

usage: scripts/taxonomy_ref.py [--taxonomy DIR] [--labelled DIR] [--quiet]
                               [--match TEXT] [--title TITLE]
exit status: 0 when the format is valid and the scores reach the
thresholds (precision 0.97, recall 0.95, title accuracy 0.95), else 1.
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

P_MIN, R_MIN, A_MIN = 0.97, 0.95, 0.95

_LOWER = bytes(range(256)).translate(
    bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz"))


def ascii_lower(b):
    return b.translate(_LOWER)


def is_word_cp(cp):
    if cp < 0x80:
        return (48 <= cp <= 57) or (65 <= cp <= 90) or (97 <= cp <= 122) or cp == 95
    if cp < 0xC0:
        return False
    if 0x2000 <= cp <= 0x206F or 0x3000 <= cp <= 0x303F or 0xFE30 <= cp <= 0xFE4F:
        return False
    return True


def is_word_byte_char(b):
    return (48 <= b <= 57) or (65 <= b <= 90) or (97 <= b <= 122) or b == 95


def cp_before(text, i):
    """Code point of the character ending at byte offset i (None at start)."""
    if i <= 0:
        return None
    j = i - 1
    while j > 0 and 0x80 <= text[j] <= 0xBF:
        j -= 1
    try:
        return ord(text[j:i].decode("utf-8"))
    except (UnicodeDecodeError, TypeError):
        return text[i - 1]


def cp_at(text, i):
    if i >= len(text):
        return None
    b = text[i]
    n = 1 if b < 0x80 else 2 if b < 0xE0 else 3 if b < 0xF0 else 4
    try:
        return ord(text[i:i + n].decode("utf-8"))
    except (UnicodeDecodeError, TypeError):
        return b


class Alias:
    __slots__ = ("raw", "owner", "prio", "neg", "case", "regex", "text", "rx", "line", "order")

    def __init__(self, raw, owner, prio, line, order):
        self.raw, self.owner, self.prio, self.line, self.order = raw, owner, prio, line, order
        s = raw
        self.neg = s.startswith("!")
        if self.neg:
            s = s[1:]
        self.case = s.startswith("=")
        if self.case:
            s = s[1:]
        self.regex = len(s) >= 2 and s.startswith("/") and s.endswith("/")
        if self.regex:
            s = s[1:-1]
        self.text = s
        self.rx = None


LOOKAROUND = re.compile(r"\(\?<?[=!]|\\[1-9]|\(\?P?<\w|\(\?#|\\[AZzG]")


def bad_regex_reason(src):
    if LOOKAROUND.search(src):
        return "lookaround, backreference, named group or unsupported anchor"
    # \b inside a character class
    in_class = False
    i = 0
    while i < len(src):
        c = src[i]
        if c == "\\":
            if in_class and src[i + 1:i + 2] == "b":
                return "\\b inside a character class"
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
            if src[i + 1:i + 2] == "]":
                i += 1
        elif c == "]" and in_class:
            in_class = False
        i += 1
    return None


class AliasSet:
    def __init__(self):
        self.aliases = []

    def add(self, a):
        self.aliases.append(a)

    def compile(self, errors, where):
        for a in self.aliases:
            if a.regex:
                why = bad_regex_reason(a.text)
                if why:
                    errors.append("%s:%d: regex %r: %s" % (where, a.line, a.raw, why))
                try:
                    a.rx = re.compile(a.text.encode("utf-8"), 0 if a.case else re.IGNORECASE)
                except re.error as e:
                    errors.append("%s:%d: regex %r does not compile: %s" % (where, a.line, a.raw, e))
            else:
                if not re.search(r"[A-Za-z0-9]", a.text):
                    errors.append("%s:%d: literal %r has no ASCII letter or digit" % (where, a.line, a.raw))
                a.rx = a.text.encode("utf-8")
                if not a.case:
                    a.rx = ascii_lower(a.rx)

    def hits(self, text_b):
        """All hits (alias, start, end) after negative masking."""
        low = ascii_lower(text_b)
        raw = []
        for a in self.aliases:
            if a.rx is None:
                continue
            if a.regex:
                s = 0
                while s <= len(text_b):
                    m = a.rx.search(text_b, s)
                    if not m:
                        break
                    if m.end() > m.start():
                        raw.append((a, m.start(), m.end()))
                    s = m.start() + 1
            else:
                hay = text_b if a.case else low
                pat = a.rx
                first_w = is_word_byte_char(pat[0]) or pat[0] >= 0xC0
                last_w = is_word_byte_char(pat[-1]) or pat[-1] >= 0x80
                i = hay.find(pat)
                while i >= 0:
                    j = i + len(pat)
                    ok = True
                    if first_w:
                        cp = cp_before(text_b, i)
                        if cp is not None and is_word_cp(cp):
                            ok = False
                    if ok and last_w:
                        cp = cp_at(text_b, j)
                        if cp is not None and is_word_cp(cp):
                            ok = False
                    if ok:
                        raw.append((a, i, j))
                    i = hay.find(pat, i + 1)
        negs = [(h[0].owner, h[1], h[2]) for h in raw if h[0].neg]
        out = []
        for a, s, e in raw:
            if a.neg:
                continue
            if any(o == a.owner and ns <= s and e <= ne for o, ns, ne in negs):
                continue
            out.append((a, s, e))
        return out

    def owners(self, text):
        return {a.owner for a, s, e in self.hits(text.encode("utf-8"))}

    def best(self, text):
        hs = self.hits(text.encode("utf-8"))
        if not hs:
            return None
        a = min((h[0] for h in hs), key=lambda x: (x.prio, x.order))
        return a.owner


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("utf-8")
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        yield n, line


def load_skills(path, errors):
    props, skills, cats = {}, [], []
    aset = AliasSet()
    seen_names = {}
    order = 0
    for n, line in read_lines(path):
        if line.startswith("@"):
            k, _, v = line[1:].partition("\t")
            props[k] = v
            continue
        f = line.split("\t")
        if f and f[-1] == "":
            f = f[:-1]
        if len(f) < 3:
            errors.append("skills.tsv:%d: needs name, category and an alias" % n)
            continue
        name, cat = f[0].strip(), f[1].strip()
        if name.lower() in seen_names:
            errors.append("skills.tsv:%d: duplicate canonical name %r (line %d)" % (n, name, seen_names[name.lower()]))
        seen_names[name.lower()] = n
        sid = len(skills)
        skills.append((name, cat))
        if cat not in cats:
            cats.append(cat)
        npos = 0
        links = False
        for raw in f[2:]:
            if raw == "":
                errors.append("skills.tsv:%d: empty alias" % n)
                continue
            # link columns (@onet:CODE, @esco:URI) come last; not aliases
            r = raw.strip()
            if r.startswith("@"):
                links = True
                code = r[6:]
                if not (r.startswith("@onet:") and len(code) == 8 and code.isdigit()) and \
                        not (r.startswith("@esco:") and code.startswith(("http://", "https://"))
                             and not any(c <= " " for c in code)):
                    errors.append("skills.tsv:%d: bad link %r" % (n, r))
                continue
            if links:
                errors.append("skills.tsv:%d: alias %r after a link column" % (n, raw))
            a = Alias(raw, sid, 0, n, order)
            order += 1
            npos += not a.neg
            aset.add(a)
        if npos == 0:
            errors.append("skills.tsv:%d: %s has no positive alias" % (n, name))
    aset.compile(errors, "skills.tsv")
    check_dup_aliases(aset, [s[0] for s in skills], errors, "skills.tsv")
    return props, skills, cats, aset


def check_dup_aliases(aset, names, errors, where):
    keys = {}
    for a in aset.aliases:
        if a.neg:
            continue
        key = ("r" if a.regex else "l") + (a.text if a.regex else a.text.lower())
        keys.setdefault(key, []).append(a)
    for key, lst in keys.items():
        owners = {a.owner for a in lst}
        if len(owners) < 2:
            continue
        # two case-sensitive aliases that differ in case are distinct
        for i in range(len(lst)):
            for j in range(i + 1, len(lst)):
                a, b = lst[i], lst[j]
                if a.owner == b.owner:
                    continue
                if a.case and b.case and a.text != b.text:
                    continue
                errors.append("%s:%d: alias %r also belongs to %s (line %d)" % (
                    where, b.line, b.raw, names[a.owner], a.line))


def load_roles(path, errors):
    roles, levels = [], []
    rset, lset, fset = AliasSet(), AliasSet(), AliasSet()
    role_fb = level_fb = None
    order = 0
    pending = []
    for n, line in read_lines(path):
        f = line.split("\t")
        if f and f[-1] == "" and len(f) > 3:
            f = f[:-1]
        if len(f) < 3:
            errors.append("roles.tsv:%d: missing column" % n)
            continue
        kind, name, prio = f[0], f[1].strip(), f[2].strip()
        if not prio.isdigit():
            errors.append("roles.tsv:%d: bad priority %r" % (n, prio))
            continue
        prio = int(prio)
        if kind == "role":
            names, aset = roles, rset
        elif kind == "level":
            names, aset = levels, lset
        elif kind == "level-field":
            names, aset = levels, fset
        else:
            errors.append("roles.tsv:%d: unknown kind %r" % (n, kind))
            continue
        if kind == "level-field":
            pending.append((n, name))
            if name not in names:
                # resolved later; must have a level line
                pass
        elif name not in names:
            names.append(name)
        aliases = [x for x in f[3:] if x != ""]
        for raw in aliases:
            a = Alias(raw, name, prio, n, order)
            order += 1
            aset.add(a)
        if not aliases:
            if kind == "role":
                if role_fb not in (None, name):
                    errors.append("roles.tsv:%d: second fallback role %s" % (n, name))
                role_fb = name
            elif kind == "level":
                if level_fb not in (None, name):
                    errors.append("roles.tsv:%d: second default level %s" % (n, name))
                level_fb = name
            else:
                errors.append("roles.tsv:%d: level-field rule with no alias" % n)
    for n, name in pending:
        if name not in levels:
            errors.append("roles.tsv:%d: level-field names unknown level %s" % (n, name))
    if role_fb is None or level_fb is None:
        errors.append("roles.tsv: need one role and one level without alias")
    for s, w in ((rset, "roles.tsv"), (lset, "roles.tsv"), (fset, "roles.tsv")):
        s.compile(errors, w)
        check_dup_aliases(s, {x: x for x in roles + levels}, errors, w)
    return roles, levels, rset, lset, fset, role_fb, level_fb


def classify(title, seniority, tax):
    roles, levels, rset, lset, fset, role_fb, level_fb = tax
    role = rset.best(title) or role_fb
    level = lset.best(title)
    if level is None and seniority:
        level = fset.best(seniority)
    return role, level or level_fb


# level-field values seen in real data sets and what they must map to
LEVEL_FIELD_CASES = [
    ("Internship", "Intern"), ("Entry level", "Entry"), ("Associate", "Entry"),
    ("Mid-Senior level", "Mid"), ("Director", "Manager/Director"),
    ("Executive", "Manager/Director"), ("Not Applicable", "Mid"), ("", "Mid"),
    ("Senior", "Senior"), ("Junior", "Entry"), ("Lead", "Senior"),
    ("Principal", "Staff/Principal"), ("Mid level", "Mid"), ("Intern", "Intern"),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--taxonomy", default=os.path.join(ROOT, "taxonomy"))
    ap.add_argument("--labelled", default=os.path.join(ROOT, "tests", "labelled"))
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--match", help="print the skills found in TEXT and exit")
    ap.add_argument("--title", help="print role and level of TITLE and exit")
    args = ap.parse_args()

    errors = []
    props, skills, cats, sset = load_skills(os.path.join(args.taxonomy, "skills.tsv"), errors)
    tax = load_roles(os.path.join(args.taxonomy, "roles.tsv"), errors)
    names = [s[0] for s in skills]

    if args.match is not None:
        for a, s, e in sorted(sset.hits(args.match.encode()), key=lambda h: h[1]):
            print("%-30s %-25r %d-%d" % (names[a.owner], a.raw, s, e))
        return 0
    if args.title is not None:
        print("%s\t%s" % classify(args.title, "", tax))
        return 0

    npos = sum(1 for a in sset.aliases if not a.neg)
    nneg = sum(1 for a in sset.aliases if a.neg)
    nrx = sum(1 for a in sset.aliases if a.regex)
    ncs = sum(1 for a in sset.aliases if a.case and not a.regex)
    print("taxonomy %s %s" % (props.get("name", "?"), props.get("version", "?")))
    print("skills: %d  positive aliases: %d  negatives: %d  regexes: %d  case-sensitive literals: %d  categories: %d"
          % (len(skills), npos, nneg, nrx, ncs, len(cats)))
    for c in cats:
        k = [i for i, s in enumerate(skills) if s[1] == c]
        na = sum(1 for a in sset.aliases if not a.neg and a.owner in set(k))
        print("  %-32s %4d skills %5d aliases" % (c, len(k), na))
    print("roles: %s" % ", ".join(tax[0]))
    print("levels: %s" % ", ".join(tax[1]))

    ok = True
    # level-field self-check
    for val, want in LEVEL_FIELD_CASES:
        got = classify("Engineer", val, tax)[1]
        if got != want:
            errors.append("level-field %r -> %s, expected %s" % (val, got, want))

    # sentences
    tp = fp = fn = 0
    lines = 0
    path = os.path.join(args.labelled, "sentences.tsv")
    name_set = set(names)
    for n, line in read_lines(path):
        f = line.split("\t")
        if len(f) != 2:
            errors.append("sentences.tsv:%d: expected 2 columns, got %d" % (n, len(f)))
            continue
        lines += 1
        text, lab = f
        want = set(x.strip() for x in lab.split(";") if x.strip())
        for w in want:
            if w not in name_set:
                errors.append("sentences.tsv:%d: unknown skill %r" % (n, w))
        if lab and lab != ";".join(sorted(want)):
            errors.append("sentences.tsv:%d: labels not sorted/unique: %r" % (n, lab))
        got = {names[o] for o in sset.owners(text)}
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
        if got != want and not args.quiet:
            for x in sorted(got - want):
                print("FP sentences.tsv:%d [%s] %s" % (n, x, text))
            for x in sorted(want - got):
                print("FN sentences.tsv:%d [%s] %s" % (n, x, text))
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0

    # titles
    right = tot = 0
    path = os.path.join(args.labelled, "titles.tsv")
    for n, line in read_lines(path):
        f = line.split("\t")
        if len(f) != 3:
            errors.append("titles.tsv:%d: expected 3 columns" % n)
            continue
        title, role, level = f
        if role not in tax[0]:
            errors.append("titles.tsv:%d: unknown role %r" % (n, role))
        if level not in tax[1]:
            errors.append("titles.tsv:%d: unknown level %r" % (n, level))
        tot += 1
        got = classify(title, "", tax)
        if got == (role, level):
            right += 1
        elif not args.quiet:
            print("TITLE titles.tsv:%d %r -> %s / %s, expected %s / %s" % (n, title, got[0], got[1], role, level))
    acc = right / tot if tot else 0.0

    for e in errors:
        print("ERROR " + e)
    print("sentences: %d  tp %d fp %d fn %d  precision %.4f  recall %.4f" % (lines, tp, fp, fn, prec, rec))
    print("titles: %d  accuracy %.4f" % (tot, acc))
    if errors or prec < P_MIN or rec < R_MIN or acc < A_MIN:
        ok = False
    print("OK" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
