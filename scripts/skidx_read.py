#!/usr/bin/env python3
"""skidx_read.py - a small, independent reader of skidx index files.

Written from docs/FORMAT.md (format versions 1 to 4) alone, like zstd's
doc/educational_decoder: it shares no code with the C reader, so a test that
compares the two catches drift between the spec and the code. It checks the
structure as strictly as the spec says a reader must, and with --verify also
the XXH3-64 checksums (implemented below in pure Python; slow, but only the
standard library is needed).

Usage:
  skidx_read.py [--verify] INDEX               JSON dump of everything
  skidx_read.py [--verify] --cell-skill INDEX  tidy TSV: one row per
                                               (role, level, skill) with
                                               postings > 0
  skidx_read.py [--verify] --summary INDEX     "key value" lines (for tests)
  skidx_read.py [--verify] --postings INDEX    versions 2-4: tidy TSV, one
                                               row per posting: its columns,
                                               country (version 4; empty
                                               before) and skills (decoded
                                               from the portable Roaring
                                               bitmaps)

Exit status: 0 on success, 1 if the file breaks the format, 2 on usage.
"""

import json
import struct
import sys

FORMAT_VERSION = 4  # the newest read; versions 1 to 3 are read too
MAGIC = b"\x89SKIDX\r\n"
SEED = 0x736B696478  # "skidx"
HEADER_SIZE = 64
ENTRY_SIZE = 32
MAX_SECTIONS = 64
STAT_NAMES = [
    "shards", "shards_lost", "bytes_compressed", "bytes_uncompressed",
    "lines", "records", "postings", "duplicates", "skipped", "repaired",
    "salaried",
]
SEC = {
    "META": 1, "STRINGS": 2, "CATEGORIES": 3, "SKILLS": 4, "ROLES": 5,
    "LEVELS": 6, "CAUSES": 7, "LOST": 8, "CELLS": 9, "HIST": 10,
    "CELL_SKILL": 11, "MONTHS": 12, "MONTH_CELL": 13, "MONTH_SKILL": 14,
    "LOST_FAULTS": 15, "SKILL_ALIASES": 16, "ROLE_ALIASES": 17,
    "LEVEL_ALIASES": 18, "SKILL_ESCO": 19, "SKILL_ONET": 20,
    "POSTINGS": 21, "SEGMENTS": 22, "SOURCES": 23,
}
REQUIRED_MAX = 14  # sections 1..14 must be present; 15..20 are optional
MAX_ID = {1: 20, 2: 23, 3: 23, 4: 23}  # the ids each version knows
SEG_ROWS = 65536
META_SIZE = 128
INT32_MAX = 2**31 - 1
INT32_MIN = -(2**31)


class Corrupt(Exception):
    pass


class VersionError(Exception):
    pass


# --------------------------------------------------------------------------
# XXH3-64 with a seed (the reference algorithm, xxHash 0.8), pure Python.

M64 = (1 << 64) - 1
P32_1, P32_2, P32_3 = 0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D
P64_1, P64_2, P64_3 = 0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9
P64_4, P64_5 = 0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5
PRIME_MX1, PRIME_MX2 = 0x165667919E3779F9, 0x9FB21C651E98DF25
K_SECRET = bytes.fromhex(
    "b8fe6c3923a44bbe7c01812cf721ad1cded46de9839097db7240a4a4b7b3671f"
    "cb79e64eccc0e578825ad07dccff7221b8084674f743248ee03590e6813a264c"
    "3c2852bb91c300cb88d0658b1b532ea371644897a20df94e3819ef46a9deacd8"
    "a8fa763fe39c343ff9dcbbc7c70b4f1d8a51e04bcdb45931c89f7ec9d9787364"
    "eac5ac8334d3ebc3c581a0fffa1363eb170ddd51b7f0da49d316552629d4689e"
    "2b16be587d47a1fc8ff8b8d17ad031ce45cb3a8f95160428afd7fbcabb4b407e")
STRIPE, ACC_NB, SECRET_CONSUME, MIDSIZE_MAX = 64, 8, 8, 240


def _r32(b, i):
    return int.from_bytes(b[i:i + 4], "little")


def _r64(b, i):
    return int.from_bytes(b[i:i + 8], "little")


def _swap32(x):
    return int.from_bytes(x.to_bytes(4, "little"), "big")


def _swap64(x):
    return int.from_bytes(x.to_bytes(8, "little"), "big")


def _rotl64(x, r):
    return ((x << r) | (x >> (64 - r))) & M64


def _mul128_fold64(a, b):
    p = a * b
    return (p & M64) ^ (p >> 64)


def _xorshift(v, s):
    return v ^ (v >> s)


def _avalanche(h):
    h = _xorshift(h, 37)
    h = (h * PRIME_MX1) & M64
    return _xorshift(h, 32)


def _xxh64_avalanche(h):
    h ^= h >> 33
    h = (h * P64_2) & M64
    h ^= h >> 29
    h = (h * P64_3) & M64
    return h ^ (h >> 32)


def _rrmxmx(h, length):
    h ^= _rotl64(h, 49) ^ _rotl64(h, 24)
    h = (h * PRIME_MX2) & M64
    h ^= (h >> 35) + length
    h = (h * PRIME_MX2) & M64
    return _xorshift(h, 28)


def _mix16(data, i, sec, s, seed):
    lo, hi = _r64(data, i), _r64(data, i + 8)
    return _mul128_fold64(lo ^ ((_r64(sec, s) + seed) & M64),
                          hi ^ ((_r64(sec, s + 8) - seed) & M64))


def _len_1to3(d, sec, seed):
    n = len(d)
    c1, c2, c3 = d[0], d[n >> 1], d[n - 1]
    combined = (c1 << 16) | (c2 << 24) | c3 | (n << 8)
    bitflip = ((_r32(sec, 0) ^ _r32(sec, 4)) + seed) & M64
    return _xxh64_avalanche(combined ^ bitflip)


def _len_4to8(d, sec, seed):
    n = len(d)
    seed ^= _swap32(seed & 0xFFFFFFFF) << 32
    in1, in2 = _r32(d, 0), _r32(d, n - 4)
    bitflip = ((_r64(sec, 8) ^ _r64(sec, 16)) - seed) & M64
    in64 = in2 + (in1 << 32)
    return _rrmxmx(in64 ^ bitflip, n)


def _len_9to16(d, sec, seed):
    n = len(d)
    bf1 = ((_r64(sec, 24) ^ _r64(sec, 32)) + seed) & M64
    bf2 = ((_r64(sec, 40) ^ _r64(sec, 48)) - seed) & M64
    lo = _r64(d, 0) ^ bf1
    hi = _r64(d, n - 8) ^ bf2
    acc = (n + _swap64(lo) + hi + _mul128_fold64(lo, hi)) & M64
    return _avalanche(acc)


def _len_17to128(d, sec, seed):
    n = len(d)
    acc = (n * P64_1) & M64
    if n > 32:
        if n > 64:
            if n > 96:
                acc += _mix16(d, 48, sec, 96, seed)
                acc += _mix16(d, n - 64, sec, 112, seed)
            acc += _mix16(d, 32, sec, 64, seed)
            acc += _mix16(d, n - 48, sec, 80, seed)
        acc += _mix16(d, 16, sec, 32, seed)
        acc += _mix16(d, n - 32, sec, 48, seed)
    acc += _mix16(d, 0, sec, 0, seed)
    acc += _mix16(d, n - 16, sec, 16, seed)
    return _avalanche(acc & M64)


def _len_129to240(d, sec, seed):
    n = len(d)
    acc = (n * P64_1) & M64
    for i in range(8):
        acc += _mix16(d, 16 * i, sec, 16 * i, seed)
    acc = _avalanche(acc & M64)
    for i in range(8, n // 16):
        acc += _mix16(d, 16 * i, sec, 16 * (i - 8) + 3, seed)
    acc += _mix16(d, n - 16, sec, 136 - 17, seed)
    return _avalanche(acc & M64)


def _accumulate_512(acc, d, i, sec, s):
    for j in range(ACC_NB):
        v = _r64(d, i + 8 * j)
        k = v ^ _r64(sec, s + 8 * j)
        acc[j ^ 1] = (acc[j ^ 1] + v) & M64
        acc[j] = (acc[j] + (k & 0xFFFFFFFF) * (k >> 32)) & M64


def _scramble(acc, sec, s):
    for j in range(ACC_NB):
        a = acc[j]
        a ^= a >> 47
        a ^= _r64(sec, s + 8 * j)
        acc[j] = (a * P32_1) & M64


def _merge_accs(acc, sec, s, start):
    r = start
    for j in range(4):
        r += _mul128_fold64(acc[2 * j] ^ _r64(sec, s + 16 * j),
                            acc[2 * j + 1] ^ _r64(sec, s + 16 * j + 8))
    return _avalanche(r & M64)


def _hash_long(d, sec):
    n = len(d)
    acc = [P32_3, P64_1, P64_2, P64_3, P64_4, P32_2, P64_5, P32_1]
    stripes_per_block = (len(sec) - STRIPE) // SECRET_CONSUME
    block_len = STRIPE * stripes_per_block
    nb_blocks = (n - 1) // block_len
    for b in range(nb_blocks):
        for s in range(stripes_per_block):
            _accumulate_512(acc, d, b * block_len + s * STRIPE, sec,
                            s * SECRET_CONSUME)
        _scramble(acc, sec, len(sec) - STRIPE)
    nb_stripes = ((n - 1) - block_len * nb_blocks) // STRIPE
    for s in range(nb_stripes):
        _accumulate_512(acc, d, nb_blocks * block_len + s * STRIPE, sec,
                        s * SECRET_CONSUME)
    _accumulate_512(acc, d, n - STRIPE, sec, len(sec) - STRIPE - 7)
    return _merge_accs(acc, sec, 11, (n * P64_1) & M64)


def _custom_secret(seed):
    out = bytearray(len(K_SECRET))
    for i in range(0, len(K_SECRET), 16):
        lo = (_r64(K_SECRET, i) + seed) & M64
        hi = (_r64(K_SECRET, i + 8) - seed) & M64
        out[i:i + 8] = lo.to_bytes(8, "little")
        out[i + 8:i + 16] = hi.to_bytes(8, "little")
    return bytes(out)


_secret_cache = {}


def xxh3_64(data, seed=0):
    """XXH3_64bits_withSeed(data, len(data), seed)."""
    d = bytes(data)
    n = len(d)
    seed &= M64
    if n <= 16:
        if n > 8:
            return _len_9to16(d, K_SECRET, seed)
        if n >= 4:
            return _len_4to8(d, K_SECRET, seed)
        if n:
            return _len_1to3(d, K_SECRET, seed)
        return _xxh64_avalanche(seed ^ (_r64(K_SECRET, 56) ^ _r64(K_SECRET, 64)))
    if n <= 128:
        return _len_17to128(d, K_SECRET, seed)
    if n <= MIDSIZE_MAX:
        return _len_129to240(d, K_SECRET, seed)
    if seed == 0:
        return _hash_long(d, K_SECRET)
    if seed not in _secret_cache:
        _secret_cache[seed] = _custom_secret(seed)
    return _hash_long(d, _secret_cache[seed])


# --------------------------------------------------------------------------
# The format.

def u32(b, o):
    return struct.unpack_from("<I", b, o)[0]


def i32(b, o):
    return struct.unpack_from("<i", b, o)[0]


def u64(b, o):
    return struct.unpack_from("<Q", b, o)[0]


def need(cond, what):
    if not cond:
        raise Corrupt(what)


def string_list(b, expect, what):
    """A whole string list filling `b`; `expect` names required or None."""
    need(len(b) >= 4, what + ": no count")
    n = u32(b, 0)
    need(expect is None or n == expect, what + ": wrong count")
    need(4 + 4 * (n + 1) <= len(b), what + ": offsets past the end")
    offs = struct.unpack_from("<%dI" % (n + 1), b, 4)
    blob = b[4 + 4 * (n + 1):]
    need(offs[0] == 0, what + ": first offset not 0")
    need(offs[-1] == len(blob), what + ": blob size disagrees")
    out = []
    for i in range(n):
        need(offs[i] <= offs[i + 1], what + ": offsets decrease")
        s = bytes(blob[offs[i]:offs[i + 1]])
        need(b"\0" not in s, what + ": NUL byte in a string")
        out.append(s.decode("utf-8", errors="replace"))
    return out


def counted_strings(b, what, limit):
    """u32 n, u32 0, u64 value[n], string list of n names."""
    need(len(b) >= 8, what)
    n = u32(b, 0)
    need(n <= limit and u32(b, 4) == 0 and len(b) >= 8 + 8 * n, what)
    vals = list(struct.unpack_from("<%dQ" % n, b, 8))
    names = string_list(b[8 + 8 * n:], n, what)
    return list(zip(names, vals))


def owner_table(b, owners, what, max_each=None):
    """u32 n, u32 0, u32 first[n+1], zero pad to 8, string list of
    first[n]; returns one list of strings per owner."""
    head = (8 + 4 * (owners + 1) + 7) // 8 * 8
    need(len(b) >= head and u32(b, 0) == owners and u32(b, 4) == 0, what)
    first = struct.unpack_from("<%dI" % (owners + 1), b, 8)
    need(first[0] == 0, what + ": first[0] not 0")
    for i in range(owners):
        need(first[i] <= first[i + 1], what + ": ranges decrease")
        need(max_each is None or first[i + 1] - first[i] <= max_each,
             what + ": too many for one owner")
    need(not any(b[8 + 4 * (owners + 1):head]), what + ": padding")
    v = string_list(b[head:], first[owners], what)
    return [v[first[i]:first[i + 1]] for i in range(owners)]


def read_index(data, verify):
    size = len(data)
    need(size >= HEADER_SIZE, "file too short for a header")
    need(data[:8] == MAGIC, "wrong magic number")
    version = u32(data, 8)
    if version not in MAX_ID:
        raise VersionError("format version %d" % version)
    need(xxh3_64(data[:40], SEED) == u64(data, 40), "header checksum")
    need(u32(data, 12) == 0, "unknown flags")
    ns = u32(data, 16)
    need(u32(data, 20) == HEADER_SIZE, "header size")
    need(u64(data, 24) == size, "file size disagrees with the header")
    need(data[48:64] == bytes(16), "reserved header bytes")
    need(1 <= ns <= MAX_SECTIONS, "section count")
    tab_end = HEADER_SIZE + ENTRY_SIZE * ns
    need(tab_end <= size, "section table past the end")
    need(xxh3_64(data[HEADER_SIZE:tab_end], SEED) == u64(data, 32),
         "section table checksum")
    secs = {}
    prev_end = tab_end
    for i in range(ns):
        e = HEADER_SIZE + ENTRY_SIZE * i
        sid, res, off, sz, h = struct.unpack_from("<IIQQQ", data, e)
        need(res == 0, "section entry reserved field")
        need(off % 8 == 0 and off >= prev_end and off <= size
             and sz <= size - off, "section %d out of bounds" % sid)
        need(not any(data[prev_end:off]), "non-zero padding")
        prev_end = off + sz
        if verify:
            need(xxh3_64(data[off:off + sz], SEED) == h,
                 "section %d checksum" % sid)
        if 1 <= sid <= MAX_ID[version]:
            need(sid not in secs, "section %d twice" % sid)
            secs[sid] = memoryview(data)[off:off + sz]
    need(not any(data[prev_end:]), "non-zero padding at the end")
    for sid in range(1, REQUIRED_MAX + 1):
        need(sid in secs, "section %d missing" % sid)
    if version >= 2:
        for sid in (21, 22, 23):
            need(sid in secs, "section %d missing" % sid)

    meta = secs[SEC["META"]]
    need(len(meta) == META_SIZE, "META size")
    taxonomy_hash = u64(meta, 0)
    stats = struct.unpack_from("<11Q", meta, 8)
    n_roles, n_levels, n_skills, n_cats, bin_width, bins = \
        struct.unpack_from("<6I", meta, 96)
    first_month = i32(meta, 120)
    n_months = u32(meta, 124)
    need(1 <= n_roles <= 4096 and 1 <= n_levels <= 4096
         and n_roles * n_levels <= 1 << 20
         and 1 <= n_skills <= 1 << 24 and 1 <= n_cats <= 1 << 24
         and 1 <= bins <= 100000 and bin_width >= 1 and n_months <= 12000
         and first_month + n_months <= INT32_MAX
         and (n_months == 0 or first_month != INT32_MIN),
         "META dimensions")
    cells = n_roles * n_levels

    strings = string_list(secs[SEC["STRINGS"]], 4, "STRINGS")
    cats = string_list(secs[SEC["CATEGORIES"]], n_cats, "CATEGORIES")
    roles = string_list(secs[SEC["ROLES"]], n_roles, "ROLES")
    levels = string_list(secs[SEC["LEVELS"]], n_levels, "LEVELS")

    sk = secs[SEC["SKILLS"]]
    head = (4 + 4 * n_skills + 7) // 8 * 8
    need(len(sk) >= head and u32(sk, 0) == n_skills, "SKILLS")
    skill_cat = struct.unpack_from("<%dI" % n_skills, sk, 4)
    need(all(c < n_cats for c in skill_cat), "SKILLS category")
    need(not any(sk[4 + 4 * n_skills:head]), "SKILLS padding")
    skills = string_list(sk[head:], n_skills, "SKILLS")

    causes = counted_strings(secs[SEC["CAUSES"]], "CAUSES", 4096)
    lost = counted_strings(secs[SEC["LOST"]], "LOST", 1 << 24)
    faults = [(None, None)] * len(lost)
    if SEC["LOST_FAULTS"] in secs:
        faults = counted_strings(secs[SEC["LOST_FAULTS"]], "LOST_FAULTS",
                                 1 << 24)
        need(len(faults) == len(lost), "LOST_FAULTS count")

    def optional_table(name, owners, max_each=None):
        if SEC[name] not in secs:
            return None
        return owner_table(secs[SEC[name]], owners, name, max_each)

    skill_aliases = optional_table("SKILL_ALIASES", n_skills)
    role_aliases = optional_table("ROLE_ALIASES", n_roles)
    level_aliases = optional_table("LEVEL_ALIASES", n_levels)
    esco = optional_table("SKILL_ESCO", n_skills, 1)
    onet = optional_table("SKILL_ONET", n_skills)

    def dense(name, count):
        b = secs[SEC[name]]
        need(len(b) == 8 * count, name + " size")
        return struct.unpack_from("<%dQ" % count, b, 0)

    cell = dense("CELLS", cells * 4)
    hist = dense("HIST", cells * bins)
    months = dense("MONTHS", n_months)
    month_cell = dense("MONTH_CELL", n_months * cells)

    def sparse(name, esize, fmt, key_lim):
        b = secs[SEC[name]]
        need(len(b) >= 8, name)
        n = u64(b, 0)
        need(len(b) == 8 + esize * n, name + " count")
        out, prev = [], None
        for i in range(n):
            e = struct.unpack_from(fmt, b, 8 + esize * i)
            key = (e[0], e[1])
            need(e[0] < key_lim[0] and e[1] < key_lim[1] and e[2] > 0
                 and (prev is None or key > prev), name + " entry %d" % i)
            prev = key
            out.append(e)
        return out

    cs = sparse("CELL_SKILL", 32, "<IIQQQ", (cells, n_skills))
    ms = sparse("MONTH_SKILL", 16, "<IIQ", (n_months, n_skills))
    post = None
    if version >= 2:
        post = postings(secs, cells, n_skills, first_month, n_months,
                        version, verify)

    return {
        "format_version": version,
        "meta": {
            "taxonomy_hash": "%016x" % taxonomy_hash,
            "stats": dict(zip(STAT_NAMES, stats)),
            "n_roles": n_roles, "n_levels": n_levels, "n_skills": n_skills,
            "n_categories": n_cats, "salary_bin_width": bin_width,
            "salary_bins": bins, "first_month": first_month,
            "n_months": n_months,
        },
        "strings": dict(zip(["tool_version", "taxonomy_name",
                             "taxonomy_version", "salary_currency"], strings)),
        "categories": cats,
        "skills": [{"name": s, "category": cats[c],
                    "aliases": skill_aliases[k] if skill_aliases else None,
                    "esco": (esco[k] or [""])[0] if esco else "",
                    "onet": onet[k] if onet else []}
                   for k, (s, c) in enumerate(zip(skills, skill_cat))],
        "roles": roles,
        "levels": levels,
        "role_aliases": role_aliases,
        "level_aliases": level_aliases,
        "causes": dict(causes),
        "lost": [{"path": p, "records": r,
                  "byte": None if o is None or o == 2**64 - 1 else o,
                  "fault": f}
                 for (p, r), (f, o) in zip(lost, faults)],
        "cells": [{
            "role": roles[c // n_levels], "level": levels[c % n_levels],
            "postings": cell[4 * c], "salaried": cell[4 * c + 1],
            "salary_sum": cell[4 * c + 2], "other_currency": cell[4 * c + 3],
            "hist": {str(i): hist[c * bins + i] for i in range(bins)
                     if hist[c * bins + i]},
        } for c in range(cells)],
        "cell_skill": [{
            "role": roles[c // n_levels], "level": levels[c % n_levels],
            "skill": skills[k], "postings": p, "salaried": s,
            "salary_sum": t,
        } for c, k, p, s, t in cs],
        "months": [{
            "month": month_name(first_month + m),
            "postings": months[m],
            "cells": list(month_cell[m * cells:(m + 1) * cells]),
            "skills": {skills[k]: v for mo, k, v in ms if mo == m},
        } for m in range(n_months)],
        "postings": None if post is None else {
            "count": post["count"], "segments": len(post["segments"]),
            "sources": post["sources"],
            "skills": {skills[k]: v for k, v in sorted(post["skills"].items())},
            "preferred_only": {skills[k]: v for k, v in
                               sorted(post["preferred"].items())},
        },
        "_postings": post, "_names": (roles, levels, skills, n_levels),
    }


def roaring(b, limit):
    """Decode one portable Roaring bitmap at the start of b (values below
    limit <= 65536: one container, key 0). Returns (values, bytes used)."""
    need(len(b) >= 4, "bitmap: no cookie")
    cookie = u32(b, 0)
    runs = None
    if cookie & 0xFFFF == 12347:
        size = (cookie >> 16) + 1
        runs = b[4:4 + (size + 7) // 8]
        at = 4 + (size + 7) // 8
    else:
        need(cookie == 12346 and len(b) >= 8, "bitmap: bad cookie")
        size = u32(b, 4)
        at = 8
    need(size <= 1 and len(b) >= at + 4 * size, "bitmap: containers")
    hdr = [struct.unpack_from("<HH", b, at + 4 * c) for c in range(size)]
    at += 4 * size
    has_offsets = runs is None or size >= 4
    offs = []
    if has_offsets:
        need(len(b) >= at + 4 * size, "bitmap: offsets")
        offs = struct.unpack_from("<%dI" % size, b, at)
        at += 4 * size
    vals = []
    for c, (key, card1) in enumerate(hdr):
        n = card1 + 1
        need(key == 0, "bitmap: key out of range")
        need(not has_offsets or offs[c] == at, "bitmap: offset")
        if runs is not None and runs[c // 8] >> (c % 8) & 1:
            need(len(b) >= at + 2, "bitmap: run count")
            nr = struct.unpack_from("<H", b, at)[0]
            at += 2
            need(len(b) >= at + 4 * nr, "bitmap: runs")
            prev = -1
            for i in range(nr):
                v0, ln = struct.unpack_from("<HH", b, at + 4 * i)
                need(v0 > prev and v0 + ln < limit, "bitmap: run range")
                prev = v0 + ln
                vals.extend(range(v0, v0 + ln + 1))
            at += 4 * nr
        elif n > 4096:
            need(len(b) >= at + 8192, "bitmap: bitset")
            x = int.from_bytes(bytes(b[at:at + 8192]), "little")
            need(x >> limit == 0, "bitmap: value out of range")
            vals.extend(i for i in range(limit) if x >> i & 1)
            at += 8192
        else:
            need(len(b) >= at + 2 * n, "bitmap: array")
            arr = struct.unpack_from("<%dH" % n, b, at)
            need(all(arr[i] < arr[i + 1] for i in range(n - 1))
                 and arr[-1] < limit, "bitmap: array order")
            vals.extend(arr)
            at += 2 * n
        need(len(vals) == sum(h[1] + 1 for h in hdr[:c + 1]),
             "bitmap: cardinality")
    return vals, at


def postings(secs, cells, n_skills, first_month, n_months, version=2,
             verify=False):
    """Sections POSTINGS, SEGMENTS, SOURCES: every posting's columns and
    skills. Version 3 segments begin with a head of part checksums,
    checked with verify (the head's own checksum always); version 4 ones
    end with the country of each location."""
    sources = string_list(secs[SEC["SOURCES"]], None, "SOURCES")
    d = secs[SEC["POSTINGS"]]
    need(len(d) >= 16, "POSTINGS")
    total, nseg, rows_per = struct.unpack_from("<QII", d, 0)
    need(rows_per == SEG_ROWS and len(d) == 16 + 16 * nseg
         and (nseg == 0 and total == 0 or
              (nseg - 1) * SEG_ROWS < total <= nseg * SEG_ROWS),
         "POSTINGS directory")
    data = secs[SEC["SEGMENTS"]]
    end = 0
    rows_out, by_skill, by_pref, segs = [], {}, {}, []
    for k in range(nseg):
        off, size = struct.unpack_from("<QQ", d, 16 + 16 * k)
        need(off == (end + 7) // 8 * 8 and off + size <= len(data),
             "segment %d placement" % k)
        need(not any(data[end:off]), "segment padding")
        end = off + size
        seg = data[off:off + size]
        n = SEG_ROWS if k + 1 < nseg else total - k * SEG_ROWS
        need(len(seg) >= 16, "segment header")
        rows, ne, nc, nl = struct.unpack_from("<4I", seg, 0)
        need(rows == n, "segment %d rows" % k)
        at = 16
        if version >= 3:
            # head: header, 11 + ne part checksums, the head's checksum
            hl = 16 + 8 * (11 + ne) + 8
            need(hl <= len(seg), "segment %d head" % k)
            need(xxh3_64(seg[:hl - 8], SEED) == u64(seg, hl - 8),
                 "segment %d head checksum" % k)
            sums = struct.unpack_from("<%dQ" % (11 + ne), seg, 16)
            at = hl
            part_at = []  # (start, end) of each part, in Part_Checksums order
        dedup = struct.unpack_from("<%dQ" % n, seg, at)
        line = struct.unpack_from("<%dQ" % n, seg, at + 8 * n)
        c4 = at + 16 * n
        cols = [struct.unpack_from("<%d%s" % (n, "i" if j == 1 else "I"),
                                   seg, c4 + 4 * n * j) for j in range(6)]
        status = seg[c4 + 24 * n:c4 + 25 * n]
        at = (c4 + 25 * n + 3) // 4 * 4
        need(not any(seg[c4 + 25 * n:at]), "segment padding")
        ents = [struct.unpack_from("<4I", seg, at + 16 * e) for e in range(ne)]
        if version >= 3:
            o = hl
            for j, w in enumerate((8, 8, 4, 4, 4, 4, 4, 4)):
                part_at.append((o, o + w * n))
                o += w * n
            part_at.append((o, at))           # Salary_Status and padding
            part_at.append((at, at + 16 * ne))  # the entry table
            o = at + 16 * ne
            bm_parts = []
            for sk, flags, sa, sp in ents:
                bm_parts.append((o, o + sa + sp))
                o += sa + sp
            part_at.append((o, len(seg)))     # the dictionaries
            part_at += bm_parts
            if verify:
                for j, (a, b) in enumerate(part_at):
                    need(b <= len(seg) and xxh3_64(seg[a:b], SEED) == sums[j],
                         "segment %d part %d checksum" % (k, j))
        at += 16 * ne
        skills_of = [[] for _ in range(n)]
        prev = -1
        for sk, flags, sa, sp in ents:
            need(prev < sk < n_skills and flags == 0 and sa > 0,
                 "segment %d skill entry" % k)
            prev = sk
            vals, used = roaring(seg[at:at + sa], n)
            need(used == sa and vals, "segment %d skill %d bitmap" % (k, sk))
            at += sa
            pref = set()
            if sp:
                pv, used = roaring(seg[at:at + sp], n)
                need(used == sp and pv, "preferred bitmap")
                pref = set(pv)
                at += sp
            by_skill[sk] = by_skill.get(sk, 0) + len(vals)
            by_pref[sk] = by_pref.get(sk, 0) + len(pref & set(vals))
            for v in vals:
                skills_of[v].append((sk, v in pref))
        # the two lists (and in version 4 the countries) end the segment
        rest = seg[at:]
        need(len(rest) >= 4 and u32(rest, 0) == nc, "company list")
        clen = 4 + 4 * (nc + 1) + u32(rest, 4 + 4 * nc)
        comps = string_list(rest[:clen], nc, "company list")
        rest = rest[clen:]
        ctys = [None] * nl
        if version >= 4:
            need(len(rest) >= 4 + 4 * (nl + 1) and u32(rest, 0) == nl,
                 "location list")
            llen = 4 + 4 * (nl + 1) + u32(rest, 4 + 4 * nl)
            cc = rest[llen:]
            need(len(cc) == 2 * nl, "segment %d location countries" % k)
            for j in range(nl):
                a, b = cc[2 * j], cc[2 * j + 1]
                need(a == b == 0 or (65 <= a <= 90 and 65 <= b <= 90),
                     "segment %d location %d country" % (k, j))
                ctys[j] = chr(a) + chr(b) if a else None
            rest = rest[:llen]
        locs = string_list(rest, nl, "location list")
        for i in range(n):
            cell, month, salary, comp, loc, shard = (c[i] for c in cols)
            need(cell < cells and shard < len(sources)
                 and (comp == 0xFFFFFFFF or comp < nc)
                 and (loc == 0xFFFFFFFF or loc < nl)
                 and status[i] <= 2 and (status[i] == 0) == (salary == 0)
                 and (month == INT32_MIN or
                      first_month <= month < first_month + n_months),
                 "segment %d row %d" % (k, i))
            rows_out.append({
                "posting": k * SEG_ROWS + i, "shard": sources[shard],
                "line": line[i], "cell": cell,
                "month": None if month == INT32_MIN else month,
                "salary": salary, "status": status[i],
                "company": None if comp == 0xFFFFFFFF else comps[comp],
                "location": None if loc == 0xFFFFFFFF else locs[loc],
                "country": None if loc == 0xFFFFFFFF else ctys[loc],
                "dedup": dedup[i], "skills": skills_of[i]})
        segs.append(n)
    need(end == len(data), "bytes after the last segment")
    return {"count": total, "segments": segs, "sources": sources,
            "rows": rows_out, "skills": by_skill, "preferred": by_pref}


def month_name(m):
    """Calendar month number year*12 + month-1 as YYYY-MM (floor division:
    -1 is -0001-12)."""
    y = m // 12
    return "%s%04d-%02d" % ("-" if y < 0 else "", abs(y), m % 12 + 1)


def main(argv):
    verify = "--verify" in argv
    cell_skill = "--cell-skill" in argv
    summary = "--summary" in argv
    plist = "--postings" in argv
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) != 1 or len(args) + verify + cell_skill + summary + \
            plist != len(argv) - 1 or cell_skill + summary + plist > 1:
        sys.stderr.write(__doc__)
        return 2
    try:
        with open(args[0], "rb") as f:
            data = f.read()
        idx = read_index(data, verify)
    except OSError as e:
        sys.stderr.write("skidx_read: cannot read '%s': %s\n" % (args[0], e))
        return 1
    except (Corrupt, VersionError) as e:
        sys.stderr.write("skidx_read: '%s' is not a valid index: %s\n"
                         % (args[0], e))
        return 1
    out = sys.stdout
    post = idx.pop("_postings")
    roles, levels, skills, n_levels = idx.pop("_names")
    if plist:
        if post is None:
            sys.stderr.write("skidx_read: '%s': format version 1 has no "
                             "posting-level sections\n" % args[0])
            return 1
        out.write("posting\tshard\tline\trole\tlevel\tmonth\tsalary\t"
                  "salary_status\tcompany\tlocation\tcountry\tdedup\tskills\t"
                  "preferred_only\n")
        for r in post["rows"]:
            out.write("\t".join(str(x) for x in (
                r["posting"], r["shard"], r["line"],
                roles[r["cell"] // n_levels], levels[r["cell"] % n_levels],
                "" if r["month"] is None else month_name(r["month"]),
                r["salary"], r["status"], r["company"] or "",
                r["location"] or "", r["country"] or "",
                "%016x" % r["dedup"],
                "|".join(skills[k] for k, _ in r["skills"]),
                "|".join(skills[k] for k, p in r["skills"] if p))) + "\n")
    elif cell_skill:
        out.write("role\tlevel\tskill\tpostings\tsalaried\tsalary_sum\n")
        for r in idx["cell_skill"]:
            out.write("%s\t%s\t%s\t%d\t%d\t%d\n" % (
                r["role"], r["level"], r["skill"], r["postings"],
                r["salaried"], r["salary_sum"]))
    elif summary:
        m = idx["meta"]
        bins = m["salary_bins"]
        rows = [
            ("postings", m["stats"]["postings"]),
            ("salaried", m["stats"]["salaried"]),
            ("salary_sum", sum(c["salary_sum"] for c in idx["cells"])),
            ("first_month", m["first_month"]),
            ("n_months", m["n_months"]),
            ("month_skill_entries",
             sum(len(mo["skills"]) for mo in idx["months"])),
            ("hist_last_bin", sum(c["hist"].get(str(bins - 1), 0)
                                  for c in idx["cells"])),
        ]
        rows += [("cause_" + k, v) for k, v in idx["causes"].items()]
        rows += [
            ("skill_aliases", sum(len(s["aliases"] or [])
                                  for s in idx["skills"])),
            ("role_aliases", sum(map(len, idx["role_aliases"] or []))),
            ("level_aliases", sum(map(len, idx["level_aliases"] or []))),
            ("esco_links", sum(1 for s in idx["skills"] if s["esco"])),
            ("onet_links", sum(len(s["onet"]) for s in idx["skills"])),
        ]
        rows.append(("checksums_verified", 1 if verify else 0))
        for k, v in rows:
            out.write("%s %d\n" % (k, v))
    else:
        json.dump(idx, out, indent=1, ensure_ascii=False)
        out.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
