/*
 * section.c - sections.tsv parsing and the one-pass section splitter
 * (rules and limits in section.h).
 *
 * Folding: ASCII letters and the Latin-1 capitals U+00C0..U+00DE (not
 * U+00D7) are compared lower-cased, a typographic apostrophe (U+2018,
 * U+2019) or '`' equals "'", and a space in a rule matches a run of
 * spaces, TABs and no-break spaces, or one '-' ("nice-to-have"). Rules are
 * stored folded, so only the text is folded while comparing.
 */
#include "core/section.h"
#include "core/blob.h"
#include "core/error.h"
#include "core/simd.h"
#include "core/utf8.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

typedef unsigned char uc;

#define NOMATCH ((size_t)-1)
#define MAX_HEADING 96  /* bytes of a rule's text */
#define MAX_BACK 64     /* look-back from a colon */
#define MAX_PREFIX 48   /* bullets, numbers and tags before a heading */
#define MAX_TAIL 48     /* the free words of "about *" */
#define LEAD_REACH 60   /* a lead-in's literal starts by q + LEAD_REACH */

static const char *const kind_names[SKIDX_SEC_COUNT] = {
    "none",  "requirements", "preferred", "responsibilities", "other",
    "company", "benefits",   "legal",     "apply"};

const char *skidx_section_name(int kind)
{
    return kind >= 0 && kind < SKIDX_SEC_COUNT ? kind_names[kind] : "?";
}

static inline uc lower(uc c)
{
    return (c >= 'A' && c <= 'Z') ? (uc)(c + 32) : c;
}
static inline int is_alnum(uc c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}
static inline int is_upper(uc c) { return c >= 'A' && c <= 'Z'; }
static inline int is_lower(uc c) { return c >= 'a' && c <= 'z'; }
static inline int is_digit(uc c) { return c >= '0' && c <= '9'; }

/* ---- parsing ---- */

/* Fold a rule's text into out (at least n bytes); returns the length.
 * Runs of spaces become one; U+2018/U+2019/'`' become "'". */
static size_t fold_rule(const char *s, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uc c = (uc)s[i];
        if (c == ' ' || c == '\t') {
            if (k && out[k - 1] != ' ')
                out[k++] = ' ';
            continue;
        }
        if (c == 0xE2 && i + 2 < n && (uc)s[i + 1] == 0x80 &&
            ((uc)s[i + 2] == 0x98 || (uc)s[i + 2] == 0x99)) {
            out[k++] = '\'';
            i += 2;
            continue;
        }
        if (c == '`') {
            out[k++] = '\'';
            continue;
        }
        if (c == 0xC3 && i + 1 < n) {
            uc d = (uc)s[i + 1];
            if (d >= 0x80 && d <= 0x9E && d != 0x97)
                d = (uc)(d + 0x20);
            out[k++] = (char)c;
            out[k++] = (char)d;
            i++;
            continue;
        }
        out[k++] = (char)lower(c);
    }
    while (k && out[k - 1] == ' ')
        k--;
    return k;
}

/* The second byte of a rule or a text, canonical for the index: ASCII
 * lower case, a Latin-1 capital's second byte lowered, '-', TAB and the
 * no-break space's lead byte as ' ', '`' and U+2019's lead byte as "'".
 * Several texts map to one key; lit_match() decides. */
static inline uc canon2(uc b0, uc b1)
{
    if (b1 == '-' || b1 == '\t' || b1 == 0xC2)
        return ' ';
    if (b1 == '`' || b1 == 0xE2)
        return '\'';
    if (b0 == 0xC3 && b1 >= 0x80 && b1 <= 0x9E && b1 != 0x97)
        return (uc)(b1 + 0x20);
    return lower(b1);
}

/* Designated initialisers of a byte table: the ASCII digits, lower-case
 * and capital letters, each set to v. */
#define TAB_DIGITS(v)                                                      \
    ['0'] = v, ['1'] = v, ['2'] = v, ['3'] = v, ['4'] = v, ['5'] = v,      \
    ['6'] = v, ['7'] = v, ['8'] = v, ['9'] = v
#define TAB_LETTERS(A, v)                                                  \
    [A + 0] = v, [A + 1] = v, [A + 2] = v, [A + 3] = v, [A + 4] = v,       \
    [A + 5] = v, [A + 6] = v, [A + 7] = v, [A + 8] = v, [A + 9] = v,       \
    [A + 10] = v, [A + 11] = v, [A + 12] = v, [A + 13] = v, [A + 14] = v,  \
    [A + 15] = v, [A + 16] = v, [A + 17] = v, [A + 18] = v, [A + 19] = v,  \
    [A + 20] = v, [A + 21] = v, [A + 22] = v, [A + 23] = v, [A + 24] = v,  \
    [A + 25] = v

/* 1: a lower-case ASCII letter or a digit, 2: a capital, 0: other. */
static const uint8_t word_class[256] = {
    TAB_DIGITS(1), TAB_LETTERS('a', 1), TAB_LETTERS('A', 2)};

/* 1: an ASCII letter or digit (word_class not 0) */
static const uint8_t word_alnum[256] = {
    TAB_DIGITS(1), TAB_LETTERS('a', 1), TAB_LETTERS('A', 1)};

/* The first word of s (Latin letters and digits, folded as by
 * fold_rule, up to a lower-to-upper case change), hashed; its length in
 * *n (0: s starts otherwise). At most 32 bytes are read. */
static inline uint32_t word_hash(const uc *s, size_t lim, size_t *n)
{
    uint32_t h = 2166136261u;
    size_t i = 0, stop = lim < 32 ? lim : 32;
    while (i < stop) {
        uc c = s[i];
        int k = word_class[c];
        if (k == 1) {
            h = (h ^ c) * 16777619u;
            i++;
        } else if (k == 2) {
            if (i && is_lower(s[i - 1]))
                break; /* "UsWe": a lost line break */
            h = (h ^ (uc)(c + 32)) * 16777619u;
            i++;
        } else if (c == 0xC3 && i + 1 < stop && s[i + 1] >= 0x80 &&
                   s[i + 1] <= 0xBF) {
            uc d = s[i + 1];
            if (d <= 0x9E && d != 0x97)
                d = (uc)(d + 0x20);
            h = (h ^ 0xC3) * 16777619u;
            h = (h ^ d) * 16777619u;
            i += 2;
        } else {
            break;
        }
    }
    *n = i;
    return h | 1; /* 0 marks an empty slot */
}

/* The keys of s: *h1 of its first word, *h2 of its first two words when
 * a separator (a run of spaces, TABs and no-break spaces, or one '-')
 * and a second Latin word follow, else 0. Returns the first word's
 * length (0: s does not start with a Latin word). */
static inline uint32_t second_key(const uc *s, size_t lim, uint32_t h1,
                                  size_t n1);

static inline size_t word_keys(const uc *s, size_t lim, uint32_t *h1,
                               uint32_t *h2)
{
    size_t n1;
    *h1 = word_hash(s, lim, &n1);
    *h2 = n1 ? second_key(s, lim, *h1, n1) : 0;
    return n1;
}

/* *h2 of word_keys() from the first word's hash h1 and length n1 > 0. */
static inline uint32_t second_key(const uc *s, size_t lim, uint32_t h1,
                                  size_t n1)
{
    size_t n2, i = n1;
    if (i < lim && s[i] == '-') {
        i++;
    } else {
        while (i < lim) {
            if (s[i] == ' ' || s[i] == '\t')
                i++;
            else if (i + 1 < lim && s[i] == 0xC2 && s[i + 1] == 0xA0)
                i += 2;
            else
                break;
        }
    }
    if (i == n1 || i >= lim)
        return 0;
    uint32_t w2 = word_hash(s + i, lim - i, &n2);
    return n2 ? ((h1 * 31u) ^ w2 ^ 0x9E3779B9u) | 1 : 0;
}

/* One canonical byte of t at *i (canon3() and canon6() say which), *i
 * moved past what it stands for; after_c3: the previous canonical byte
 * was 0xC3, the first byte of a Latin-1 letter. */
static inline uc canon_next(const uc *t, size_t *ip, size_t lim,
                            int after_c3)
{
    size_t i = *ip;
    uc c = t[i];
    if (c == ' ' || c == '\t' || c == '-' ||
        (c == 0xC2 && i + 1 < lim && t[i + 1] == 0xA0)) {
        i += c == 0xC2 ? 2 : 1;
        if (c != '-')
            while (i < lim && (t[i] == ' ' || t[i] == '\t' ||
                               (t[i] == 0xC2 && i + 1 < lim &&
                                t[i + 1] == 0xA0)))
                i += t[i] == 0xC2 ? 2 : 1;
        c = ' ';
    } else if (c == '`' || (c == 0xE2 && i + 2 < lim && t[i + 1] == 0x80 &&
                            (t[i + 2] == 0x98 || t[i + 2] == 0x99))) {
        i += c == '`' ? 1 : 3;
        c = '\'';
    } else if (after_c3 && i && t[i - 1] == 0xC3) {
        if (c >= 0x80 && c <= 0x9E && c != 0x97)
            c = (uc)(c + 0x20);
        i++;
    } else {
        c = lower(c);
        i++;
    }
    *ip = i;
    return c;
}

/* The first three bytes of t[i..lim) as lit_match() compares them:
 * ASCII lower case, a Latin-1 capital's second byte lowered, a run of
 * spaces, TABs or no-break spaces (or one '-') as one ' ', U+2018/U+2019
 * and '`' as "'". Returns 0 when fewer than three remain. */
static inline int canon3(const uc *t, size_t i, size_t lim, uint32_t *key)
{
    uint32_t k = 0;
    int n = 0;
    if (i + 3 <= lim &&
        (word_alnum[t[i]] & word_alnum[t[i + 1]] & word_alnum[t[i + 2]])) {
        /* three ASCII letters or digits: '|0x20' lowers letters only;
         * the first byte highest */
        uint32_t w;
        if (i + 4 <= lim) {
            memcpy(&w, t + i, 4);
            w = __builtin_bswap32(w) >> 8;
        } else {
            w = (uint32_t)t[i] << 16 | (uint32_t)t[i + 1] << 8 | t[i + 2];
        }
        *key = w | 0x202020u;
        return 1;
    }
    while (n < 3 && i < lim) {
        k = k << 8 | canon_next(t, &i, lim, n && (k & 0xFF) == 0xC3);
        n++;
    }
    *key = k;
    return n == 3;
}

static inline uint32_t pre_slot(uint32_t key)
{
    return (key * 2654435761u) >> 16;
}

/* 1: an ASCII letter or digit, 2: ' ' (canon6()'s fast path) */
static const uint8_t canon_fast[256] = {
    [' '] = 2,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
    ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
    ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
    ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
};

/* canon6()'s fast path: bit w of canon6_ok (w: the canon_fast classes
 * of six bytes, two bits each, the first lowest) is 1 when the first
 * is a letter or digit, the sixth is one or ' ', and each ' ' between
 * comes before a letter or digit: then the six bytes OR 0x20 are the
 * first six canonical bytes (a space before a letter or digit is one
 * canonical ' '). Filled once (init_canon6_ok()). */
static uint8_t canon6_ok[(1u << 12) / 8];

__attribute__((constructor)) static void init_canon6_ok(void)
{
    for (unsigned w = 0; w < 1u << 12; w++) {
        unsigned c[6];
        for (int j = 0; j < 6; j++)
            c[j] = w >> (2 * j) & 3;
        int ok = c[0] == 1 && (c[5] == 1 || c[5] == 2);
        for (int j = 1; j < 5 && ok; j++)
            ok = c[j] == 1 || (c[j] == 2 && c[j + 1] == 1);
        if (ok)
            canon6_ok[w >> 3] |= (uint8_t)(1u << (w & 7));
    }
}

/* canon6() where its fast path applies (i + 6 <= lim), without a branch
 * on the bytes: 1 and the key, else 0. */
static inline int canon6_fast(const uc *t, size_t i, uint64_t *key)
{
    const unsigned w = canon_fast[t[i]] | canon_fast[t[i + 1]] << 2 |
                       canon_fast[t[i + 2]] << 4 | canon_fast[t[i + 3]] << 6 |
                       canon_fast[t[i + 4]] << 8 | canon_fast[t[i + 5]] << 10;
    uint64_t v = 0;
    memcpy(&v, t + i, 6);
    /* little-endian: byte 0 lowest, as canon6() */
    *key = v | 0x202020202020ull;
    return canon6_ok[w >> 3] >> (w & 7) & 1;
}

/* The first six bytes of t[i..lim) as canon3() reads three, in *key;
 * returns how many there are (six, or fewer at lim). */
static inline int canon6(const uc *t, size_t i, size_t lim, uint64_t *key)
{
    if (i + 6 <= lim && canon6_fast(t, i, key))
        return 6;
    uint64_t k = 0;
    int n = 0;
    while (n < 6 && i < lim) {
        const uc c =
            canon_next(t, &i, lim, n && (k >> (8 * (n - 1)) & 0xFF) == 0xC3);
        k |= (uint64_t)c << (8 * n);
        n++;
    }
    *key = k;
    return n;
}

/* canon24() from t[i], the first n canonical bytes already in b. */
static inline int canon24_from(const uc *t, size_t i, size_t lim,
                               uint64_t k[3], uc b[24], int n)
{
    while (n < 24 && i < lim) {
        uc c = t[i];
        unsigned f = canon_fast[c];
        if (f == 1) {
            b[n++] = (uc)(c | 0x20);
            i++;
        } else if (f == 2 && i + 1 < lim && canon_fast[t[i + 1]] == 1) {
            b[n++] = ' ';
            i++;
        } else {
            b[n] = canon_next(t, &i, lim, n && b[n - 1] == 0xC3);
            n++;
        }
    }
    memset(b + n, 0, (size_t)(24 - n));
    memcpy(k, b, 24);
    return n;
}

/* The first canonical bytes of t[i..lim) as canon6() reads six, up to
 * 24, into k[0..3) (zero-padded, little-endian); returns how many (24,
 * or fewer at lim). A rule matches at i only when its own canonical
 * bytes (canon8) are a prefix of these: lit_match() takes a text byte
 * for a rule's byte only where canon_next() reads both alike. */
static inline int canon24(const uc *t, size_t i, size_t lim, uint64_t k[3])
{
    uc b[24];
    return canon24_from(t, i, lim, k, b, 0);
}

/* 1: canon_next() reads this byte alone as itself OR 0x20 (ASCII
 * letters, digits, the punctuation 0x21-0x3F but '-', "{|}~"; a space
 * when no blank follows it) */
static const uint8_t canon_id[256] = {
    [' '] = 1, ['!'] = 1, ['"'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1,
    ['&'] = 1, ['\''] = 1, ['('] = 1, [')'] = 1, ['*'] = 1, ['+'] = 1,
    [','] = 1, ['.'] = 1, ['/'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1,
    ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1,
    ['9'] = 1, [':'] = 1, [';'] = 1, ['<'] = 1, ['='] = 1, ['>'] = 1,
    ['?'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
    ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
    ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1, ['{'] = 1, ['|'] = 1, ['}'] = 1, ['~'] = 1,
};

/* canon24() for most texts: the leading bytes that canon_next() reads
 * as themselves OR 0x20, up to a byte no rule holds (canon_stop: a line
 * break, most often), stand for the canonical bytes as far as a rule
 * can match; canon24() only where another byte comes first. */
#if defined(__x86_64__)
/* canon24_quick()'s leading bytes for AVX2 (q + 33 <= len): the first
 * byte that canon_id does not hold (0x20..0x7E but '-', '@' and
 * 0x5B..0x60), or a space before a blank (' ', TAB, 0xC2), or max. A
 * blank at lim is not looked at: t[lim] is a colon mark or lim is len. */
__attribute__((target("avx2,bmi"))) static size_t
canon_id_run_avx2(const uc *t, size_t q, size_t max)
{
    const __m256i v = _mm256_loadu_si256((const __m256i *)(t + q));
    const __m256i nx = _mm256_loadu_si256((const __m256i *)(t + q + 1));
    __m256i id = _mm256_and_si256(_mm256_cmpgt_epi8(v, _mm256_set1_epi8(0x1F)),
                                  _mm256_cmpgt_epi8(_mm256_set1_epi8(0x7F), v));
    __m256i bad = _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('-')),
                        _mm256_cmpeq_epi8(v, _mm256_set1_epi8('@'))),
        _mm256_and_si256(_mm256_cmpgt_epi8(v, _mm256_set1_epi8(0x5A)),
                         _mm256_cmpgt_epi8(_mm256_set1_epi8(0x61), v)));
    __m256i sp = _mm256_and_si256(
        _mm256_cmpeq_epi8(v, _mm256_set1_epi8(' ')),
        _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(nx, _mm256_set1_epi8(' ')),
                            _mm256_cmpeq_epi8(nx, _mm256_set1_epi8('\t'))),
            _mm256_cmpeq_epi8(nx, _mm256_set1_epi8((char)0xC2))));
    uint64_t stop = (uint32_t)~_mm256_movemask_epi8(
                        _mm256_andnot_si256(_mm256_or_si256(bad, sp), id)) |
                    1ull << max;
    return (size_t)__builtin_ctzll(stop);
}
#endif

static inline int canon24_quick(const uint8_t *canon_stop, const uc *t,
                                size_t q, size_t lim, size_t len,
                                uint64_t k[3], int avx2)
{
    size_t max = lim - q < 24 ? lim - q : 24, n = 0;
#if defined(__x86_64__)
    if (avx2 && q + 33 <= len)
        n = canon_id_run_avx2(t, q, max);
    else
#endif
        while (n < max) {
            uc c = t[q + n];
            if (!canon_id[c] ||
                (c == ' ' && q + n + 1 < lim &&
                 (t[q + n + 1] == ' ' || t[q + n + 1] == '\t' ||
                  t[q + n + 1] == 0xC2)))
                break;
            n++;
        }
    if (n < max && !canon_stop[t[q + n]]) {
        /* the run's bytes OR 0x20 are its canonical bytes (a space in it
         * is one, no blank follows it): go on after them */
        uc b[24];
        for (size_t j = 0; j < n; j++)
            b[j] = (uc)(t[q + j] | 0x20);
        return canon24_from(t, q + n, lim, k, b, (int)n);
    }
    uc b[24];
    if (q + 24 <= len)
        memcpy(b, t + q, 24);
    else
        for (size_t j = 0; j < 24; j++)
            b[j] = q + j < len ? t[q + j] : 0;
    memcpy(k, b, 24);
    for (int w = 0; w < 3; w++) {
        /* 0x20 into the n leading bytes, the rest cleared */
        size_t m = n > 8u * (size_t)w ? n - 8u * (size_t)w : 0;
        uint64_t keep = m >= 8 ? ~0ull : (1ull << (8 * m)) - 1;
        k[w] = (k[w] | 0x2020202020202020ull) & keep;
    }
    return (int)n;
}


/* May a rule's first word (Latin) hash to h1? */
static inline int first_word_may(const struct skidx_section_rules *R,
                                 uint32_t h1)
{
    uint32_t sl = pre_slot(h1);
    return (int)(R->fw[sl >> 6] >> (sl & 63) & 1);
}

/* The prefix filter's word for a text's first three canonical bytes. */
static inline uint32_t pf_slot(uint32_t key)
{
    return (key * 2654435761u) >> (32 - SKIDX_SECTION_PF_BITS);
}

/* The bit of pf_nz for those bytes: the same product, more of its bits
 * (the word's slot is its top SKIDX_SECTION_PF_BITS). */
static inline uint32_t pf_nz_slot(uint32_t key)
{
    return (key * 2654435761u) >> (32 - SKIDX_SECTION_PF_NZ_BITS);
}

static inline int pf_nz_has(const struct skidx_section_rules *R, int set,
                            uint32_t key)
{
    const uint32_t b = pf_nz_slot(key);
    return (int)(R->pf_nz[set][b >> 6] >> (b & 63) & 1);
}

/* The two bits (1..63, perhaps one) of a prefix filter word for a key
 * of canonical bytes (the first six, or all of a shorter rule's), from
 * two parts of one product: a rule sets both, and a text whose key has
 * either one clear matches no rule of that word. Bit 0 marks a word
 * holding a rule shorter than six bytes. */
static inline uint64_t pf_bits(uint64_t key)
{
    const uint64_t p = key * 0x9E3779B97F4A7C15ull;
    const unsigned a = (unsigned)(p >> 58), b = (unsigned)(p >> 52) & 63;
    return 1ull << (a | !a) | 1ull << (b | !b);
}

/* May a rule (set 0: plain, 1: LEAD_WILD) begin at t[i..lim)? The
 * first three bytes only. */
static inline int pre_may(const struct skidx_section_rules *R, int set,
                          const uc *t, size_t i, size_t lim)
{
    uint32_t key;
    if (!canon3(t, i, lim, &key))
        return 0;
    return pf_nz_has(R, set, key);
}

/* May a plain rule of set `set` (not 1) begin at t[i..lim)? One word of
 * the prefix filter, by the first three bytes: none of its bits (most
 * line starts), or both bits of the first six; where the word holds a
 * rule shorter than six bytes (bit 0, a few words), both bits of the
 * first three, four or five (a rule of that many canonical bytes
 * matches only where they are the text's first). Inlined: some 80,000
 * calls on 4,000 postings. */
static inline __attribute__((always_inline)) int
pre_may6(const struct skidx_section_rules *R, int set, const uc *t, size_t i,
         size_t lim)
{
    uint32_t key;
    if (!canon3(t, i, lim, &key) || !pf_nz_has(R, set, key))
        return 0;
    const uint64_t e = R->pf[set][pf_slot(key)];
    uint64_t k6;
    const int n = canon6(t, i, lim, &k6); /* 3 or more: canon3() read 3 */
    uint64_t m = pf_bits(k6);
    if (n == 6 && (e & m) == m)
        return 1;
    if (!(e & 1))
        return 0;
    for (int l = 3; l < 6 && l <= n; l++) {
        m = pf_bits(k6 & ((1ull << (8 * l)) - 1));
        if ((e & m) == m)
            return 1;
    }
    return 0;
}

static int kind_of(const char *s, size_t n)
{
    for (int k = 1; k < SKIDX_SEC_COUNT; k++)
        if (strlen(kind_names[k]) == n && !memcmp(kind_names[k], s, n))
            return k;
    return -1;
}

static skidx_status push_rule(struct skidx_section_rules *R,
                              const struct skidx_section_rule *r)
{
    if (R->n == R->cap) {
        size_t cap = R->cap ? R->cap * 2 : 64;
        struct skidx_section_rule *v = realloc(R->r, cap * sizeof(*v));
        if (!v)
            return SKIDX_ERR_NOMEM;
        R->r = v;
        R->cap = cap;
    }
    R->r[R->n] = *r;
    R->r[R->n].seq = (uint32_t)R->n;
    R->n++;
    return SKIDX_OK;
}

/* LEAD_WILD rules last; others by first byte and canonical second byte
 * (canon2), longest first, explicit
 * before "about *"; then text and flags so duplicates are neighbours. */
static int rule_cmp(const void *x, const void *y)
{
    const struct skidx_section_rule *a = x, *b = y;
    int la = !!(a->flags & SKIDX_SECR_LEAD_WILD);
    int lb = !!(b->flags & SKIDX_SECR_LEAD_WILD);
    if (la != lb)
        return la - lb;
    if ((uc)a->text[0] != (uc)b->text[0])
        return (uc)a->text[0] < (uc)b->text[0] ? -1 : 1;
    uc ca = canon2((uc)a->text[0], (uc)a->text[1]);
    uc cb = canon2((uc)b->text[0], (uc)b->text[1]);
    if (ca != cb)
        return ca < cb ? -1 : 1;
    if (a->len != b->len)
        return a->len > b->len ? -1 : 1;
    int ta = !!(a->flags & SKIDX_SECR_TAIL_WILD);
    int tb = !!(b->flags & SKIDX_SECR_TAIL_WILD);
    if (ta != tb)
        return ta - tb;
    int c = strcmp(a->text, b->text);
    if (c)
        return c;
    if (a->flags != b->flags)
        return a->flags < b->flags ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

static skidx_status parse_heading(struct skidx_section_rules *R,
                                  const char *path, uint32_t line, int kind,
                                  const char *s, size_t n,
                                  struct skidx_error *err)
{
    const char *orig = s;
    size_t orig_n = n;
    struct skidx_section_rule r = {0};
    while (n && (*s == ' '))
        s++, n--;
    while (n && s[n - 1] == ' ')
        n--;
    if (n >= 2 && s[0] == '*' && s[1] == ' ') {
        r.flags |= SKIDX_SECR_LEAD_WILD;
        s += 2, n -= 2;
    }
    if (n >= 3 && !memcmp(s + n - 3, "...", 3)) {
        r.flags |= SKIDX_SECR_SENTENCE;
        n -= 3;
    } else if (n >= 2 && s[n - 2] == ' ' && s[n - 1] == '*') {
        r.flags |= SKIDX_SECR_TAIL_WILD;
        n -= 2;
    }
    while (n && s[n - 1] == ' ')
        n--;
    if ((r.flags & SKIDX_SECR_LEAD_WILD) && !(r.flags & SKIDX_SECR_SENTENCE))
        return skidx_fail(err, SKIDX_ERR_TAXONOMY, path, line, SKIDX_NOOFF,
                          "heading '%.*s': a leading '* ' needs a lead-in "
                          "sentence ending in '...'",
                          (int)orig_n, orig);
    if (!n || memchr(s, '*', n) || n > MAX_HEADING)
        return skidx_fail(err, SKIDX_ERR_TAXONOMY, path, line, SKIDX_NOOFF,
                          "bad heading '%.*s' (empty, longer than %d bytes, "
                          "or '*' other than '* ' first or ' *' last)",
                          (int)orig_n, orig, MAX_HEADING);
    char *t = malloc(n + 1);
    if (!t)
        return SKIDX_ERR_NOMEM;
    r.len = (uint32_t)fold_rule(s, n, t);
    t[r.len] = '\0';
    if (r.len < 2 || t[0] == '\'' || t[0] == ' ') {
        free(t);
        return skidx_fail(err, SKIDX_ERR_TAXONOMY, path, line, SKIDX_NOOFF,
                          "bad heading '%.*s' (shorter than two bytes?)",
                          (int)orig_n, orig);
    }
    r.text = t;
    r.line = line;
    r.kind = (uint8_t)kind;
    skidx_status st = push_rule(R, &r);
    if (st)
        free(t);
    return st;
}

/* Parses and loads so far: each set of rules gets the next as its id. */
static uint64_t rules_made;

skidx_status skidx_section_rules_parse(struct skidx_section_rules *R,
                                       const char *path, const char *buf,
                                       size_t len, struct skidx_error *err)
{
    const char *p = buf, *end = buf + len;
    uint32_t line = 0;
    skidx_status st;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        const char *s = p;
        size_t n = (size_t)(e - p);
        p = nl ? nl + 1 : end;
        line++;
        if (n && s[n - 1] == '\r')
            n--;
        if (line == 1 && n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
            s += 3, n -= 3;
        size_t bad = skidx_utf8_check(s, n);
        if (bad != SIZE_MAX)
            return skidx_fail(err, SKIDX_ERR_TAXONOMY, path, line, bad,
                              "invalid UTF-8 at byte %zu of the line",
                              bad + 1);
        if (!n || s[0] == '#')
            continue;
        if (memchr(s, '\0', n))
            return skidx_fail(err, SKIDX_ERR_TAXONOMY, path, line,
                              SKIDX_NOOFF, "NUL byte in the line");
        const char *tab = memchr(s, '\t', n);
        size_t kl = tab ? (size_t)(tab - s) : n;
        int kind = kind_of(s, kl);
        if (kind < 0)
            return skidx_fail(err, SKIDX_ERR_TAXONOMY, path, line,
                              SKIDX_NOOFF,
                              "unknown section kind '%.*s' (requirements, "
                              "preferred, responsibilities, other, company, "
                              "benefits, legal or apply)",
                              (int)kl, s);
        int any = 0;
        while (tab) {
            const char *f = tab + 1;
            const char *lim = s + n;
            tab = memchr(f, '\t', (size_t)(lim - f));
            size_t fl = (size_t)((tab ? tab : lim) - f);
            if (!fl && !tab)
                break; /* a trailing TAB */
            if ((st = parse_heading(R, path, line, kind, f, fl, err)))
                return st;
            any = 1;
        }
        if (!any)
            return skidx_fail(err, SKIDX_ERR_TAXONOMY, path, line,
                              SKIDX_NOOFF, "section kind '%.*s' with no "
                              "heading", (int)kl, s);
        if (R->n > 60000)
            return skidx_fail(err, SKIDX_ERR_TAXONOMY, path, line,
                              SKIDX_NOOFF, "more than 60000 headings");
    }
    if (R->n)
        qsort(R->r, R->n, sizeof(*R->r), rule_cmp);
    for (size_t i = 0; i + 1 < R->n; i++) {
        const struct skidx_section_rule *a = &R->r[i], *b = &R->r[i + 1];
        if (a->len == b->len && a->flags == b->flags &&
            !strcmp(a->text, b->text)) {
            const struct skidx_section_rule *late = a->line > b->line ? a : b;
            return skidx_fail(err, SKIDX_ERR_TAXONOMY, path, late->line,
                              SKIDX_NOOFF,
                              "heading '%s' is listed twice (line %u)",
                              late->text, a->line < b->line ? a->line
                                                           : b->line);
        }
    }
    for (size_t k = 0; k < R->n; k++) {
        struct skidx_section_rule *r = &R->r[k];
        uint32_t n = 0, f;
        uint8_t text[32] = {0}, fold[32] = {0}, live[32] = {0};
        uint8_t fastl[32] = {0};
#define PLAIN_BYTE(c) ((uc)(c) > ' ' && (uc)(c) < 0x80 && (c) != '\'')
        while (n < r->len && n < 32) {
            uc c = (uc)r->text[n];
            if (!PLAIN_BYTE(c))
                break;
            text[n] = c;
            fold[n] = is_lower(c) ? 0x20 : 0;
            live[n] = fastl[n] = 0xFF;
            n++;
        }
        /* then single spaces: a rule's ' ' takes a run of blanks, which
         * is one ' ' exactly when a plain byte that the text matches
         * follows (lit_match()) */
        for (f = n; f < r->len && f < 32; f++) {
            uc c = (uc)r->text[f];
            if (c == ' ' && f + 1 < r->len && f + 1 < 32 &&
                PLAIN_BYTE(r->text[f + 1]))
                fold[f] = 0;
            else if (PLAIN_BYTE(c))
                fold[f] = is_lower(c) ? 0x20 : 0;
            else
                break;
            text[f] = c;
            fastl[f] = 0xFF;
        }
#undef PLAIN_BYTE
        r->plain = (uint8_t)n;
        r->fast = (uint8_t)f;
        r->fast_words = (uint8_t)((f + 7) / 8);
        memcpy(r->text8, text, 32);
        memcpy(r->fold8, fold, 32);
        memcpy(r->live8, live, 32);
        memcpy(r->fastl8, fastl, 32);
        uint64_t cm[3] = {0};
        r->canon_n = (uint8_t)canon24((const uc *)r->text, 0, r->len,
                                      r->canon8);
        memset(cm, 0xFF, r->canon_n);
        memcpy(r->canonm8, cm, sizeof(cm));
    }
    /* the bytes that end canon24_quick(): canonical as themselves, in
     * no rule */
    for (unsigned c = 0; c < 0x80; c++)
        R->canon_stop[c] = (uint8_t)((c < 0x20 && c != '\t') || c == '@' ||
                                     (c >= '[' && c <= '_' && c != '`'));
    R->lt_free = 1;
    for (size_t k = 0; k < R->n; k++)
        for (uint32_t j = 0; j < R->r[k].len; j++) {
            R->canon_stop[(uc)R->r[k].text[j]] = 0;
            if (R->r[k].text[j] == '<')
                R->lt_free = 0;
        }
    size_t n_plain = 0;
    while (n_plain < R->n && !(R->r[n_plain].flags & SKIDX_SECR_LEAD_WILD))
        n_plain++;
    R->n_lead = (uint16_t)(R->n - n_plain);
    size_t i = 0;
    for (unsigned b = 0; b < 256; b++) {
        R->first[b] = (uint16_t)i;
        while (i < n_plain && (uc)R->r[i].text[0] == b)
            i++;
    }
    R->first[256] = (uint16_t)n_plain;
    /* the first-word table */
    uint32_t size = 64;
    while (size < 2 * n_plain + 16)
        size *= 2;
    R->wtab = calloc(size, sizeof(*R->wtab));
    /* zeroed: the cache image holds every entry, used or not */
    R->widx = calloc(n_plain ? n_plain : 1, sizeof(*R->widx));
    if (!R->wtab || !R->widx)
        return SKIDX_ERR_NOMEM;
    R->wmask = size - 1;
    memset(R->fw, 0, sizeof(R->fw));
    uint32_t *hashes = malloc((n_plain ? n_plain : 1) * sizeof(*hashes));
    if (!hashes)
        return SKIDX_ERR_NOMEM;
    for (size_t k = 0; k < n_plain; k++) {
        uint32_t h1, h2;
        if (!word_keys((const uc *)R->r[k].text, R->r[k].len, &h1, &h2)) {
            hashes[k] = 0;
            continue;
        }
        hashes[k] = h2 ? h2 : h1;
        uint32_t fs = pre_slot(h1);
        R->fw[fs >> 6] |= 1ull << (fs & 63);
        uint32_t slot = hashes[k] & R->wmask;
        while (R->wtab[slot].hash && R->wtab[slot].hash != hashes[k])
            slot = (slot + 1) & R->wmask;
        R->wtab[slot].hash = hashes[k];
        R->wtab[slot].n++;
    }
    uint32_t at = 0;
    for (uint32_t slot = 0; slot < size; slot++) {
        R->wtab[slot].at = at;
        at += R->wtab[slot].n;
        R->wtab[slot].n = 0;
    }
    for (size_t k = 0; k < n_plain; k++) {
        if (!hashes[k])
            continue;
        uint32_t slot = hashes[k] & R->wmask;
        while (R->wtab[slot].hash != hashes[k])
            slot = (slot + 1) & R->wmask;
        struct skidx_section_word *w = &R->wtab[slot];
        /* keep each word's rules longest first (they come sorted, but a
         * one-letter word's rules may differ in their second byte) */
        uint32_t j = w->n++;
        while (j && R->r[R->widx[w->at + j - 1]].len < R->r[k].len) {
            R->widx[w->at + j] = R->widx[w->at + j - 1];
            j--;
        }
        R->widx[w->at + j] = (uint16_t)k;
    }
    free(hashes);
    /* the prefix filter: the first three bytes as canon3() reads them
     * choose a word, the first six (or all of fewer, and bit 0) two bits
     * of it */
    memset(R->pf, 0, sizeof(R->pf));
    memset(R->pf_nz, 0, sizeof(R->pf_nz));
    memset(R->start, 0, sizeof(R->start));
    R->lead_sets = 0;
    for (size_t k = 0; k < R->n; k++) {
        const struct skidx_section_rule *r = &R->r[k];
        if (!(r->flags & SKIDX_SECR_LEAD_WILD)) {
            /* canon3() keeps a text's first byte but for case */
            uc b = (uc)r->text[0];
            R->start[b] = 1;
            if (b >= 'a' && b <= 'z')
                R->start[b - 32] = 1;
        }
        uint32_t key;
        if (!canon3((const uc *)r->text, 0, r->len, &key))
            return skidx_fail(err, SKIDX_ERR_TAXONOMY, path, r->line,
                              SKIDX_NOOFF,
                              "heading '%s' is shorter than three bytes",
                              r->text);
        uint32_t sl = pf_slot(key), nz = pf_nz_slot(key);
        int c = skidx_section_counts(r->kind);
        int pf = r->kind == SKIDX_SEC_PREFERRED;
        unsigned sets = 1u << 0 | 1u << (c ? 3 : 2);
        if (!c || pf)
            sets |= 1u << 4;
        if (!pf)
            sets |= 1u << 5;
        if (r->flags & SKIDX_SECR_LEAD_WILD) {
            R->pf[1][sl] |= 1; /* pre_may(): the three bytes only */
            R->pf_nz[1][nz >> 6] |= 1ull << (nz & 63);
            R->lead_sets |= (uint8_t)(sets | 1u << 1);
            continue;
        }
        /* both bits of the first six canonical bytes, or of all of a
         * shorter rule's (3 to 5: canon3() read three) and bit 0 */
        uint64_t k6;
        const int n6 = canon6((const uc *)r->text, 0, r->len, &k6);
        const uint64_t bit = pf_bits(k6) | (n6 < 6);
        for (int set = 0; set < 6; set++)
            if (sets >> set & 1) {
                R->pf[set][sl] |= bit;
                R->pf_nz[set][nz >> 6] |= 1ull << (nz & 63);
            }
    }
    /* the lead-ins' anchor: the longest word of three or more ASCII
     * letters of the first LEAD_WILD rule that every other one holds */
    R->anchor_len = 0;
    if (R->n_lead) {
        const char *a = R->r[n_plain].text;
        for (size_t w = 0; a[w];) {
            size_t e = w;
            while (is_lower((uc)a[e]))
                e++;
            if (e - w >= 3 && e - w <= sizeof(R->anchor) &&
                e - w > R->anchor_len) {
                int all = 1;
                for (size_t k = n_plain + 1; k < R->n && all; k++) {
                    const char *h = R->r[k].text;
                    size_t hl = R->r[k].len, found = 0;
                    for (size_t o = 0; o + (e - w) <= hl && !found; o++)
                        found = !memcmp(h + o, a + w, e - w);
                    all = (int)found;
                }
                if (all) {
                    memcpy(R->anchor, a + w, e - w);
                    R->anchor_len = (uint8_t)(e - w);
                }
            }
            w = e > w ? e : w + 1;
        }
        /* may a lead-in's literal hold a tag's mark before its anchor? */
        R->anchor_tags = 0;
        for (size_t k = n_plain; k < R->n && R->anchor_len; k++) {
            const char *h = R->r[k].text;
            size_t hl = R->r[k].len, o = 0;
            while (o + R->anchor_len <= hl &&
                   memcmp(h + o, R->anchor, R->anchor_len))
                o++;
            for (size_t j = 0; j < o; j++)
                if (h[j] == '<' || h[j] == '>')
                    R->anchor_tags = 1;
        }
        /* letters, rarest first */
        static const char rare[] = "qjzxkvbpgwyfmculdhrsnioate";
        size_t best = sizeof(rare);
        R->anchor_key = 0;
        for (size_t k = 0; k < R->anchor_len; k++) {
            size_t r = (size_t)(strchr(rare, R->anchor[k]) - rare);
            if (r < best) {
                best = r;
                R->anchor_key = (uint8_t)k;
            }
        }
    }
    for (unsigned b = 0; b < 256; b++)
        R->line_ok[b] = (uint8_t)(R->start[b] ||
                                  (R->n_lead && (is_upper((uc)b) || b >= 0xC0)));
    R->id = __atomic_add_fetch(&rules_made, 1, __ATOMIC_RELAXED);
    return SKIDX_OK;
}

void skidx_section_rules_release(struct skidx_section_rules *R)
{
    if (R->in_image) { /* the image's memory, released with it */
        memset(R, 0, sizeof(*R));
        return;
    }
    free(R->wtab);
    free(R->widx);
    for (size_t i = 0; i < R->n; i++)
        free(R->r[i].text);
    free(R->r);
    memset(R, 0, sizeof(*R));
}

/* ---- the rules in a compiled-taxonomy image ---- */

/* Image layout: u32 1 (0: no rules parsed, nothing follows); the struct
 * itself as one array (its pointers, cap, id and in_image zero); the
 * rules as one array (text pointers zero); each rule's text as a string;
 * wtab (wmask + 1 entries) and widx (its plain rules) as arrays. The
 * image is private to the build that wrote it (tax_cache.c), so the
 * structs go as they lie in memory. */
void skidx_section_rules_put(const struct skidx_section_rules *R,
                             struct skidx_wblob *w)
{
    if (!R->wtab) {
        skidx_wblob_u32(w, 0);
        return;
    }
    skidx_wblob_u32(w, 1);
    struct skidx_section_rules *c = calloc(1, sizeof(*c));
    struct skidx_section_rule *rs =
        calloc(R->n ? R->n : 1, sizeof(*rs));
    if (!c || !rs) {
        free(c);
        free(rs);
        w->oom = 1;
        return;
    }
    memcpy(c, R, sizeof(*c));
    c->r = NULL;
    c->cap = 0;
    c->wtab = NULL;
    c->widx = NULL;
    c->id = 0;
    c->in_image = 0;
    skidx_wblob_array(w, c, sizeof(*c));
    for (size_t i = 0; i < R->n; i++) {
        memcpy(&rs[i], &R->r[i], sizeof(rs[i]));
        rs[i].text = NULL;
    }
    skidx_wblob_array(w, rs, R->n * sizeof(*rs));
    for (size_t i = 0; i < R->n; i++)
        skidx_wblob_str(w, R->r[i].text, R->r[i].len);
    skidx_wblob_array(w, R->wtab, ((size_t)R->wmask + 1) * sizeof(*R->wtab));
    skidx_wblob_array(w, R->widx,
                      ((size_t)R->n - R->n_lead) * sizeof(*R->widx));
    free(c);
    free(rs);
}

skidx_status skidx_section_rules_get(struct skidx_section_rules *R,
                                     struct skidx_rblob *r)
{
    memset(R, 0, sizeof(*R));
    const uint32_t parsed = skidx_rblob_u32(r);
    if (r->bad || parsed > 1)
        return SKIDX_ERR_CORRUPT;
    if (!parsed)
        return SKIDX_OK;
    const struct skidx_section_rules *c =
        skidx_rblob_array(r, 1, sizeof(*c));
    if (!c)
        return SKIDX_ERR_CORRUPT;
    memcpy(R, c, sizeof(*R));
    R->r = NULL;
    R->wtab = NULL;
    R->widx = NULL;
    R->in_image = 1;
    /* the counts every index below is checked against (widx holds
     * uint16_t positions) */
    if (R->n > UINT16_MAX || R->n_lead > R->n ||
        R->wmask > (1u << 24) || (R->wmask & (R->wmask + 1)) ||
        R->first[256] != R->n - R->n_lead || R->anchor_len > 16 ||
        (R->anchor_len && R->anchor_key >= R->anchor_len))
        return SKIDX_ERR_CORRUPT;
    for (int b = 0; b < 256; b++)
        if (R->first[b] > R->first[b + 1])
            return SKIDX_ERR_CORRUPT;
    const size_t n_plain = R->n - R->n_lead;
    struct skidx_section_rule *rs = (struct skidx_section_rule *)
        skidx_rblob_array(r, R->n, sizeof(*rs));
    if (!rs && R->n)
        return SKIDX_ERR_CORRUPT;
    R->r = rs;
    R->cap = R->n;
    /* seq: a permutation of 0..n-1 (the taxonomy hash's order) */
    uint8_t *seen = calloc(R->n ? R->n : 1, 1);
    if (!seen)
        return SKIDX_ERR_NOMEM;
    int perm = 1;
    for (size_t i = 0; i < R->n && perm; i++) {
        perm = rs[i].seq < R->n && !seen[rs[i].seq];
        if (perm)
            seen[rs[i].seq] = 1;
    }
    free(seen);
    if (!perm)
        return SKIDX_ERR_CORRUPT;
    for (size_t i = 0; i < R->n; i++) {
        size_t len;
        char *t = skidx_rblob_str(r, &len);
        struct skidx_section_rule *x = &rs[i];
        if (!t || len != x->len || len < 2 || x->kind == 0 ||
            x->kind >= SKIDX_SEC_COUNT || x->plain > 32 || x->fast > 32 ||
            x->fast_words > 4 || x->canon_n > 24 ||
            (i < n_plain) == !!(x->flags & SKIDX_SECR_LEAD_WILD))
            return SKIDX_ERR_CORRUPT;
        x->text = t;
    }
    R->wtab = (struct skidx_section_word *)skidx_rblob_array(
        r, (size_t)R->wmask + 1, sizeof(*R->wtab));
    R->widx = (uint16_t *)skidx_rblob_array(r, n_plain, sizeof(*R->widx));
    if (!R->wtab || (!R->widx && n_plain))
        return SKIDX_ERR_CORRUPT;
    for (size_t i = 0; i <= R->wmask; i++)
        if (R->wtab[i].at > n_plain || R->wtab[i].n > n_plain - R->wtab[i].at)
            return SKIDX_ERR_CORRUPT;
    for (size_t i = 0; i < n_plain; i++)
        if (R->widx[i] >= n_plain)
            return SKIDX_ERR_CORRUPT;
    R->id = __atomic_add_fetch(&rules_made, 1, __ATOMIC_RELAXED);
    return SKIDX_OK;
}

/* ---- matching one heading ---- */

struct ctx {
    const struct skidx_section_rules *R;
    const uc *t;
    size_t len;
    struct skidx_sections *out;
    size_t last_q; /* the line start tried last ("<br><br>" twice) */
    size_t scan_end; /* candidates are looked for before this byte */
    int all;       /* record every heading, not only what decides counts */
    int mode;      /* as skidx_sections_split_upto()'s `all` */
    int set;       /* prefix filter in use: 0 every rule, else the rules
                      of the kinds that can change the class (counting
                      or not, and preferred or not in mode 2) of the
                      text after the last heading (pf[set]) */
    size_t last_p; /* the line of last_q */
    size_t max_start; /* the last heading recorded, by start */
    size_t skip_to; /* candidates before it are passed over (candidate()) */
    int oom;
    int avx2;      /* the AVX2 path is in use */
    int avx512;    /* and AVX-512 (BW) for the anchor search
                      (SKIDX_SIMD_BEST) */
    int scan512;   /* and VBMI2 too: AVX-512 for the candidate scan */
    size_t anchor_from; /* SIZE_MAX: not looked for yet */
    size_t anchor_next; /* where the lead-ins' anchor first occurs at or
                           after anchor_from and ends by anchor_end
                           (NOMATCH: nowhere) */
    size_t anchor_brk;  /* the last line break ('\n' or '\r') before
                           anchor_next, or a byte before anchor_from - 1
                           when there is none from there on */
    size_t anchor_tag;  /* the last '<' or '>' before anchor_next and
                           after anchor_brk (or at most there) */
    size_t anchor_end;  /* the first line break at or after line_end (or
                           the text's end): no lead-in of a line start
                           before line_end reaches past it */
    size_t line_end;    /* no line start is tried at or after this */
    size_t lead_lo, lead_n; /* the line starts q with q - lead_lo <
                               lead_n hold no lead-in by the anchor
                               (anchor_seek()): the test of
                               try_line_at() in one compare */
};

/* A rule's literal at t[q..lim); the end, or NOMATCH. */
static size_t lit_match(const uc *t, size_t q, size_t lim, size_t len,
                        const struct skidx_section_rule *r)
{
    const uc *rt = (const uc *)r->text;
    size_t i = q;
    uint32_t j = 0;
    /* the leading plain ASCII bytes, eight at a time: a text byte equals
     * a lower-case letter of the rule when it does OR 0x20, any other
     * byte only as itself (as the loop below compares them) */
    if (r->plain && q + r->plain <= lim && q + 8u * r->fast_words <= len) {
        uint64_t m = 0;
        uint32_t w = 0;
        for (; w < r->fast_words; w++) {
            uint64_t a;
            memcpy(&a, t + q + 8 * w, 8);
            uint64_t d = (a | r->fold8[w]) ^ r->text8[w];
            /* a plain byte differs: the loop below would stop there (a
             * plain byte is compared one for one at its own offset) */
            if (d & r->live8[w])
                return NOMATCH;
            if ((m = d & r->fastl8[w]))
                break;
        }
        if (!m && q + r->fast <= lim) {
            /* the single spaces and plain bytes after them: all equal,
             * the slow loop below would take them byte for byte */
            i = q + r->fast;
            j = r->fast;
        } else {
            /* the first byte that differs, k (not a plain one): when it
             * is a plain byte after a space, the loop below takes the
             * bytes before it one for one (the space is one blank when
             * the text's byte at k is not a blank) and stops at k */
            if (m) {
                uint32_t k = 8 * w + (uint32_t)__builtin_ctzll(m) / 8;
                uc tk = t[q + k];
                if (rt[k] != ' ' &&
                    (rt[k - 1] != ' ' || !(tk == ' ' || tk == '\t' || tk == 0xC2)))
                    return NOMATCH;
            }
            i = q + r->plain;
            j = r->plain;
        }
    }
    while (j < r->len) {
        if (i >= lim)
            return NOMATCH;
        uc rc = rt[j], c = t[i];
        if (rc > ' ' && rc < 0x80 && rc != '\'') {
            /* most bytes: ASCII, the rule's already lower-cased */
            if (c != rc && !(is_upper(c) && (uc)(c + 32) == rc))
                return NOMATCH;
            i++;
            j++;
            continue;
        }
        if (rc == ' ') {
            size_t i0 = i;
            if (c == '-') {
                i++;
            } else {
                for (;;) {
                    if (i < lim && (t[i] == ' ' || t[i] == '\t'))
                        i++;
                    else if (i + 1 < lim && t[i] == 0xC2 && t[i + 1] == 0xA0)
                        i += 2;
                    else
                        break;
                }
            }
            if (i == i0)
                return NOMATCH;
            j++;
            continue;
        }
        if (rc == '\'') {
            if (c == '\'' || c == '`')
                i++;
            else if (c == 0xE2 && i + 2 < lim && t[i + 1] == 0x80 &&
                     (t[i + 2] == 0x98 || t[i + 2] == 0x99))
                i += 3;
            else
                return NOMATCH;
            j++;
            continue;
        }
        if (c == 0xC3 && rc == 0xC3 && j + 1 < r->len && i + 1 < lim) {
            uc d = t[i + 1];
            if (d >= 0x80 && d <= 0x9E && d != 0x97)
                d = (uc)(d + 0x20);
            if (d != rt[j + 1])
                return NOMATCH;
            i += 2;
            j += 2;
            continue;
        }
        if ((c < 0x80 ? lower(c) : c) != rc)
            return NOMATCH;
        i++;
        j++;
    }
    return i;
}

/* The free words of "about *": from k (just after the literal), one or
 * more spaces, then 1-5 words, the first starting with a capital or a
 * non-ASCII letter, up to a line end, ':', '：', '<' or '*', within
 * MAX_TAIL bytes. Returns the end or NOMATCH. */
static size_t wild_tail(const uc *t, size_t k, size_t lim)
{
    size_t i = k;
    while (i < lim && t[i] == ' ')
        i++;
    if (i == k || i >= lim || !(is_upper(t[i]) || t[i] >= 0xC0))
        return NOMATCH;
    size_t spaces = 0, stop = i + MAX_TAIL < lim ? i + MAX_TAIL : lim;
    for (; i < stop; i++) {
        uc c = t[i];
        if (c == '\n' || c == '\r' || c == ':' || c == '<' || c == '*' ||
            (c == 0xEF && i + 2 < lim && t[i + 1] == 0xBC &&
             t[i + 2] == 0x9A))
            break;
        if (c == ' ') {
            if (i && t[i - 1] == '.')
                return NOMATCH; /* a sentence, not a name */
            spaces++;
        }
    }
    if (i == stop && stop < lim)
        return NOMATCH;
    while (i > k && (t[i - 1] == ' ' || t[i - 1] == '.'))
        i--;
    return spaces > 4 ? NOMATCH : i;
}

/* After a heading's text ends at k: where its body starts, or NOMATCH.
 * `stop` is SIZE_MAX at a line start, else the colon (or '】') the text
 * must reach, `stop_len` that mark's length. */
static size_t end_ok(const struct ctx *x, size_t k, size_t stop,
                     size_t stop_len, const struct skidx_section_rule *r)
{
    const uc *t = x->t;
    size_t lim = stop == SIZE_MAX ? x->len : stop;
    uc last = (uc)r->text[r->len - 1];
    if (k < lim && is_alnum(t[k]) && is_alnum(last) &&
        !(r->flags & SKIDX_SECR_TAIL_WILD)) {
        /* "About UsWe are ...": glued by a lost line break */
        if (stop == SIZE_MAX && is_lower(t[k - 1]) && is_upper(t[k]) &&
            !(r->flags & SKIDX_SECR_SENTENCE))
            return k;
        return NOMATCH;
    }
    if ((r->flags & SKIDX_SECR_SENTENCE) && stop == SIZE_MAX)
        return k;
    int closed = 0;
    size_t j = k;
    while (j < lim && j < k + 32) {
        uc c = t[j];
        if (c == '*' || c == '_') {
            closed = 1;
            j++;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '#' ||
                   c == '.' || c == '-' || c == ')' || c == ']' ||
                   c == '!') {
            j++;
        } else if (c == '<' && j + 1 < lim && t[j + 1] == '/') {
            size_t g = j + 2;
            while (g < lim && g < j + 16 && t[g] != '>' && t[g] != '<')
                g++;
            if (g >= lim || t[g] != '>')
                break;
            closed = 1;
            j = g + 1;
        } else if (c == 0xC2 && j + 1 < lim && t[j + 1] == 0xA0) {
            j += 2;
        } else if (j + 2 < lim && ((c == 0xEF && t[j + 1] == 0xBC &&
                                    t[j + 2] == 0x89) ||
                                   (c == 0xE3 && t[j + 1] == 0x80 &&
                                    t[j + 2] == 0x91))) {
            j += 3; /* '）' '】' */
        } else {
            break;
        }
    }
    if (stop != SIZE_MAX)
        return j == stop ? stop + stop_len : NOMATCH;
    if (j >= x->len || t[j] == '\n' || t[j] == '<')
        return j;
    if (t[j] == ':')
        return j + 1;
    if (t[j] == 0xEF && j + 2 < x->len && t[j + 1] == 0xBC &&
        t[j + 2] == 0x9A)
        return j + 3;
    if (closed)
        return j;
    if (j == k && last >= 0x80 && is_digit(t[j]))
        return j; /* "岗位职责1.负责..." */
    return NOMATCH;
}

static int try_rule(const struct ctx *x, size_t q, size_t stop,
                    size_t stop_len, uint32_t i, uint32_t *rule, size_t *body)
{
    const struct skidx_section_rule *r = &x->R->r[i];
    size_t lim = stop == SIZE_MAX ? x->len : stop;
    size_t k = lit_match(x->t, q, lim, x->len, r);
    if (k == NOMATCH)
        return 0;
    if ((r->flags & SKIDX_SECR_TAIL_WILD) &&
        (k = wild_tail(x->t, k, lim)) == NOMATCH)
        return 0;
    size_t bd = end_ok(x, k, stop, stop_len, r);
    if (bd == NOMATCH)
        return 0;
    *rule = i;
    *body = bd;
    return 1;
}

/* The best rule starting at q (longest; explicit before "about *"):
 * Latin first words through the word table, others by first byte. */
static int heading_at(const struct ctx *x, size_t q, size_t stop,
                      size_t stop_len, uint32_t *rule, size_t *body)
{
    const struct skidx_section_rules *R = x->R;
    size_t lim = stop == SIZE_MAX ? x->len : stop;
    if (q >= lim)
        return 0;
    uc b = x->t[q];
    b = b < 0x80 ? lower(b) : b;
    uint32_t hs[2];
    size_t n1;
    hs[1] = word_hash(x->t + q, lim - q, &n1);
    if (n1) {
        /* a first word no rule starts with: no Latin rule can match (the
         * table holds no other key), and no other rule is looked at */
        if (!first_word_may(R, hs[1]))
            return 0;
        hs[0] = second_key(x->t + q, lim - q, hs[1], n1);
        uint64_t tc[3] = {0, 0, 0};
        int tn = 0; /* canonical bytes of the text, read at the first rule */
        /* rules of two or more words first: they are the longer */
        for (int pass = 0; pass < 2; pass++) {
            uint32_t h = hs[pass];
            if (!h)
                continue;
            uint32_t slot = h & R->wmask;
            while (R->wtab[slot].hash && R->wtab[slot].hash != h)
                slot = (slot + 1) & R->wmask;
            const struct skidx_section_word *w = &R->wtab[slot];
            if (w->n > 1 && !tn)
                tn = canon24_quick(R->canon_stop, x->t, q, lim, x->len, tc,
                                   x->avx2);
            for (uint32_t k = 0; k < w->n; k++) {
                /* most of a key's rules differ from the text in their
                 * canonical bytes ("what you'll be doing" at "What
                 * You'll Do"), most often in the second eight (the
                 * first eight hold the key's two words): a rule matches
                 * only where its canonical bytes begin the text's */
                uint32_t ri = R->widx[w->at + k];
                const struct skidx_section_rule *r = &R->r[ri];
                if (w->n > 1 &&
                    (((tc[1] ^ r->canon8[1]) & r->canonm8[1]) ||
                     ((tc[0] ^ r->canon8[0]) & r->canonm8[0]) ||
                     ((tc[2] ^ r->canon8[2]) & r->canonm8[2]) ||
                     r->canon_n > tn))
                    continue;
                if (try_rule(x, q, stop, stop_len, ri, rule, body))
                    return 1;
            }
        }
        return 0;
    }
    uc c = canon2(b, q + 1 < lim ? x->t[q + 1] : 0);
    /* the rules of this first byte are sorted by canonical second byte */
    uint32_t lo = R->first[b], hi = R->first[b + 1];
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (canon2(b, (uc)R->r[mid].text[1]) < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (uint32_t i = lo; i < R->first[b + 1] &&
                          canon2(b, (uc)R->r[i].text[1]) == c;
         i++)
        if (try_rule(x, q, stop, stop_len, i, rule, body))
            return 1;
    return 0;
}

/* The headings of short lines, remembered across texts: on a line
 * without '<', a line start's heading_at() (stop SIZE_MAX) reads the
 * text only up to its line's '\n', which no rule, name, free word or
 * closing mark takes (the eight-byte compares of lit_match() and the
 * canonical bytes read further, but a difference there comes after one
 * at the '\n'), so its answer is a function of the bytes from q to that
 * '\n'. (A closing tag's '>' is looked for past a '\n'.) The same holds
 * up to the first '<' that does not open a closing tag ("<br>", "<ul>"),
 * before any '\n', when no rule holds '<' (lt_free): free words stop at
 * any '<', end_ok() passes closing tags ("</strong>") only up to their
 * '>' and stops at a '<' before one, and stops at a '<' after them, so
 * nothing after that '<' is read; HTML postings without line breaks
 * have their headings memoised this way. Postings repeat their headings
 * ("Requirements", "What we offer:"), and lines that pass the prefix
 * filter mostly are headings: a direct-mapped table by the line's
 * bytes (up to MEMO_LINE of them, the '\n' or '<' included), for the
 * rules of one parse. */
#define MEMO_LINE 48
#define MEMO_SLOTS 128

struct skidx_section_memo {
    uint64_t rules; /* the rules' id */
    struct memo_slot {
        uint64_t text[MEMO_LINE / 8]; /* the line, zero-padded */
        uint32_t rule;
        uint8_t len;   /* bytes of the line; 0: an empty slot */
        uint8_t found;
        uint8_t body;  /* body - q */
    } slot[MEMO_SLOTS];
};

static int heading_line(const struct ctx *x, size_t q, uint32_t *rule,
                        size_t *body)
{
    struct skidx_section_memo *m = x->out->memo;
    const uc *t = x->t;
    if (!m || q + MEMO_LINE + 1 > x->len)
        return heading_at(x, q, SIZE_MAX, 0, rule, body);
    /* the first '\n' of the MEMO_LINE bytes (memchr() inline), and the
     * '<' not before '/' (op; none when a rule holds '<') */
    uint64_t nl = 0, op = 0;
#if defined(__x86_64__)
    for (size_t i = 0; i < MEMO_LINE / 16; i++) {
        const __m128i v = _mm_loadu_si128((const __m128i *)(t + q + 16 * i));
        const __m128i v1 =
            _mm_loadu_si128((const __m128i *)(t + q + 1 + 16 * i));
        nl |= (uint64_t)(unsigned)_mm_movemask_epi8(
                  _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')))
              << (16 * i);
        op |= (uint64_t)(unsigned)_mm_movemask_epi8(
                  _mm_andnot_si128(_mm_cmpeq_epi8(v1, _mm_set1_epi8('/')),
                                   _mm_cmpeq_epi8(v, _mm_set1_epi8('<'))))
              << (16 * i);
    }
#else
    for (size_t i = 0; i < MEMO_LINE; i++) {
        nl |= (uint64_t)(t[q + i] == '\n') << i;
        op |= (uint64_t)(t[q + i] == '<' && t[q + i + 1] != '/') << i;
    }
#endif
    op &= x->R->lt_free ? ~0ull : 0;
    if (!(nl | op))
        return heading_at(x, q, SIZE_MAX, 0, rule, body);
    const size_t n = (size_t)__builtin_ctzll(nl | op) + 1;
    /* ended by a '<': the '<' before it are closing tags' */
    const uint64_t lt_ok = op >> (n - 1) & 1;
    uint64_t w[MEMO_LINE / 8], h = n, lt = 0;
    for (size_t i = 0; i < MEMO_LINE / 8; i++) {
        if (8 * i >= n) {
            w[i] = 0;
            continue;
        }
        memcpy(&w[i], t + q + 8 * i, 8);
        if (n - 8 * i < 8)
            w[i] &= (1ull << (8 * (n - 8 * i))) - 1;
        h = (h ^ w[i]) * 0x9E3779B97F4A7C15ull;
        /* a '<' byte (zero after the XOR): a closing tag's '>' is looked
         * for past a line break (end_ok()) */
        const uint64_t v = w[i] ^ 0x3C3C3C3C3C3C3C3Cull;
        lt |= (v - 0x0101010101010101ull) & ~v & 0x8080808080808080ull;
    }
    if (lt && !lt_ok)
        return heading_at(x, q, SIZE_MAX, 0, rule, body);
    struct memo_slot *sl = &m->slot[h >> (64 - 7)];
    if (sl->len == n) {
        uint64_t d = 0;
        for (size_t i = 0; i < MEMO_LINE / 8; i++)
            d |= sl->text[i] ^ w[i];
        if (!d) {
            *rule = sl->rule;
            *body = q + sl->body;
            return sl->found;
        }
    }
    const int found = heading_at(x, q, SIZE_MAX, 0, rule, body);
    memcpy(sl->text, w, sizeof(w));
    sl->len = (uint8_t)n;
    sl->found = (uint8_t)found;
    sl->rule = found ? *rule : 0;
    sl->body = found ? (uint8_t)(*body - q) : 0;
    return found;
}

/* The prefix filter for the text after a heading of this kind. */
static int region_set(int mode, int kind)
{
    if (mode == 2 && kind == SKIDX_SEC_PREFERRED)
        return 5;
    if (skidx_section_counts(kind))
        return mode == 2 ? 4 : 2;
    return 3;
}

static void record(struct ctx *x, size_t start, size_t body, uint32_t rule)
{
    struct skidx_sections *o = x->out;
    /* Every heading found is recorded, in mode 0 too, where those before
     * the first that does not count change nothing (strip_leading()
     * drops them once the split is done), so that a heading holds its
     * start against a colon's look-back that lands there later, as in
     * the whole split. Dropped as they were found, a line's "about..."
     * (preferred) left its start to a look-back's "about *" of another
     * kind at the same start, and the counting split excluded text that
     * the whole split counts (fuzz_sections, tests/fuzz/corpus_sections:
     * about_lead_in_then_colon). */
    if (o->n && o->s[o->n - 1].start >= start) {
        /* a colon's look-back can land on a line start already taken */
        for (size_t i = 0; i < o->n; i++)
            if (o->s[i].start == start)
                return;
    }
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 16;
        struct skidx_section *v = realloc(o->s, cap * sizeof(*v));
        if (!v) {
            x->oom = 1;
            return;
        }
        o->s = v;
        o->cap = cap;
    }
    struct skidx_section *s = &o->s[o->n++];
    s->start = (uint32_t)start;
    s->body = (uint32_t)body;
    s->rule = rule;
    s->kind = x->R->r[rule].kind;
    if (!x->all && start >= x->max_start) {
        /* only a heading of another class (counting or not; preferred
         * or not in mode 2) can change a count after this one: look
         * only for those */
        x->max_start = start;
        x->set = region_set(x->mode, s->kind);
    }
}

/* With a prefix filter of one side (set 2 or 3), a heading of the other
 * side is not looked for. That changes no count, as long as no other
 * heading is taken in its place: before a lead-in, a camel-case or a
 * suffix heading is taken where a filtered heading could begin, the
 * heading at q is looked for with every rule. 1: it was there (and is
 * recorded). */
static int heading_unfiltered(struct ctx *x, size_t q, size_t stop,
                              size_t stop_len)
{
    uint32_t rule;
    size_t body;
    size_t lim = stop == SIZE_MAX ? x->len : stop;
    if (x->set == 0 || q >= lim || !x->R->start[x->t[q]] ||
        !pre_may6(x->R, 0, x->t, q, lim) ||
        !heading_at(x, q, stop, stop_len, &rule, &body))
        return 0;
    record(x, q, body, rule);
    return 1;
}

/* The bytes skip_prefix() passes over alone: blanks, markdown marks. */
static const uint8_t prefix_mark[256] = {
    [' '] = 1, ['\t'] = 1, ['\r'] = 1, ['#'] = 1, ['*'] = 1, ['_'] = 1,
    ['>'] = 1, ['-'] = 1,   ['+'] = 1,  ['|'] = 1, ['['] = 1, ['('] = 1,
    ['='] = 1};

/* Skip bullets, markdown marks, list numbers and inline tags from p,
 * reading below lim. */
static size_t skip_prefix_lim(const uc *t, size_t p, size_t lim)
{
    while (p < lim) {
        uc c = t[p];
        if (prefix_mark[c]) {
            p++;
        } else if (is_digit(c)) {
            size_t d = p;
            while (d < lim && is_digit(t[d]))
                d++;
            if (d < lim && (t[d] == '.' || t[d] == ')'))
                p = d + 1;
            else if (d + 2 < lim && t[d] == 0xE3 && t[d + 1] == 0x80 &&
                     t[d + 2] == 0x81)
                p = d + 3; /* "1、" */
            else
                break;
        } else if (c == '<') {
            size_t g = p + 1;
            while (g < lim && t[g] != '>' && t[g] != '<' && t[g] != '\n')
                g++;
            if (g >= lim || t[g] != '>')
                break;
            p = g + 1;
        } else if (c == 0xC2 && p + 1 < lim &&
                   (t[p + 1] == 0xA0 || t[p + 1] == 0xB7)) {
            p += 2; /* no-break space, '·' */
        } else if (c == 0xE2 && p + 2 < lim &&
                   ((t[p + 1] == 0x80 &&
                     (t[p + 2] == 0xA2 || t[p + 2] == 0x93 ||
                      t[p + 2] == 0x94)) ||
                    t[p + 1] == 0x96 || t[p + 1] == 0x97 ||
                    t[p + 1] == 0x98 || t[p + 1] == 0x9C ||
                    t[p + 1] == 0x9E)) {
            p += 3; /* • – — and the geometric shapes, stars, ticks */
        } else if (c == 0xE3 && p + 2 < lim && t[p + 1] == 0x80 &&
                   (t[p + 2] == 0x90 || t[p + 2] == 0x96)) {
            p += 3; /* '【' '〖' */
        } else if (c == 0xEF && p + 2 < lim && t[p + 1] == 0xBC &&
                   (t[p + 2] == 0x88 || t[p + 2] == 0x89)) {
            p += 3; /* '（' '）' */
        } else if (c >= 0xE4 && c <= 0xE9 && p + 5 < lim &&
                   ((t[p + 3] == 0xE3 && t[p + 4] == 0x80 &&
                     t[p + 5] == 0x81) ||
                    (t[p + 3] == 0xEF && t[p + 4] == 0xBC &&
                     t[p + 5] == 0x89))) {
            p += 6; /* a numeral: "一、", "（三）" (the '（' skipped above) */
        } else if (c == 0xF0 && p + 3 < lim && t[p + 1] == 0x9F) {
            p += 4; /* an emoji or pictograph (U+1F000-U+1FFFF) */
        } else if (c == 0xEF && p + 2 < lim && t[p + 1] == 0xB8 &&
                   t[p + 2] == 0x8F) {
            p += 3; /* the emoji variation selector U+FE0F */
        } else {
            break;
        }
    }
    return p;
}

/* Skip bullets, markdown marks, list numbers and inline tags: at most
 * MAX_PREFIX bytes from p, below len. */
static size_t skip_prefix(const uc *t, size_t p, size_t len)
{
    return skip_prefix_lim(t, p, p + MAX_PREFIX < len ? p + MAX_PREFIX : len);
}

/* The lower-cased name (up to 8 ASCII letters and digits) of the tag at
 * t[i] == '<' packed into an integer, '/' skipped; *end past the name. */
static uint64_t tag_name(const uc *t, size_t i, size_t len, size_t *end)
{
    size_t p = i + 1;
    uint64_t v = 0;
    if (p < len && t[p] == '/')
        p++;
    for (size_t s = p; p < len && p < s + 8 && is_alnum(t[p]); p++)
        v = v << 8 | lower(t[p]);
    *end = p;
    return v;
}

#define TAG2(a, b) ((uint64_t)(a) << 8 | (uint64_t)(b))
#define TAG3(a, b, c) (TAG2(a, b) << 8 | (uint64_t)(c))

/* A block tag (br, p, li, div, ul, ol, tr, td, th, hr, h1-h6, section,
 * article, header) at t[i] == '<': the line start after it, or SIZE_MAX. */
static size_t block_tag_end(const uc *t, size_t i, size_t len)
{
    size_t p;
    uint64_t v = tag_name(t, i, len, &p);
    int ok = v == 'p' || v == TAG2('b', 'r') || v == TAG2('l', 'i') ||
             v == TAG3('d', 'i', 'v') || v == TAG2('u', 'l') ||
             v == TAG2('o', 'l') || v == TAG2('t', 'r') ||
             v == TAG2('t', 'd') || v == TAG2('t', 'h') ||
             v == TAG2('h', 'r') || (v >> 8 == 'h' && (v & 0xFF) >= '1' &&
                                     (v & 0xFF) <= '6');
    if (!ok)
        ok = v == (TAG3('s', 'e', 'c') << 32 | TAG3('t', 'i', 'o') << 8 | 'n') ||
             v == (TAG3('a', 'r', 't') << 32 | TAG3('i', 'c', 'l') << 8 | 'e') ||
             v == (TAG3('h', 'e', 'a') << 24 | TAG3('d', 'e', 'r'));
    if (!ok)
        return SIZE_MAX;
    for (size_t g = p; g < len && g < i + 64; g++) {
        if (t[g] == '>')
            return g + 1;
        if (t[g] == '<')
            break;
    }
    return SIZE_MAX;
}

/* block_tag_end() with the common tags first: "<li>", "<ul>", "<br>",
 * "<p>", "<div>" and their closing tags, the name in either case and
 * followed at once by '>', as block_tag_end() reads them. */
static inline size_t block_tag_quick(const uc *t, size_t i, size_t len)
{
    size_t n = i + 1 + (i + 1 < len && t[i + 1] == '/');
    if (n + 4 <= len) {
        uint32_t w;
        memcpy(&w, t + n, 4);
        /* 0x20 lowers the letters; '>' and '/' stay as they are */
        uint32_t w3 = (w | 0x2020u) & 0xFFFFFFu;
        if (w3 == TAG3('>', 'i', 'l') || w3 == TAG3('>', 'l', 'u') ||
            w3 == TAG3('>', 'r', 'b'))
            return n + 3;
        if (((w | 0x20u) & 0xFFFFu) == TAG2('>', 'p'))
            return n + 2;
        if ((w | 0x202020u) == (TAG2('>', 'v') << 16 | TAG2('i', 'd')))
            return n + 4;
    }
    return block_tag_end(t, i, len);
}

/* Does the line at p start a paragraph: the text start, after a blank
 * line, after "<br><br>", or after <p>, </p>, <div>, </div>? */
static inline int para_start(const uc *t, size_t p)
{
    size_t j = p;
    while (j && (t[j - 1] == ' ' || t[j - 1] == '\t' || t[j - 1] == '\r'))
        j--;
    if (!j)
        return 1;
    if (t[j - 1] == '\n') {
        j--;
        while (j && (t[j - 1] == ' ' || t[j - 1] == '\t' || t[j - 1] == '\r'))
            j--;
        return !j || t[j - 1] == '\n' || t[j - 1] == '>';
    }
    if (t[j - 1] != '>')
        return 0;
    size_t lt = j - 1;
    while (lt && j - lt < 16 && t[lt] != '<')
        lt--;
    if (t[lt] != '<')
        return 0;
    size_t e;
    uint64_t v = tag_name(t, lt, j, &e);
    if (v == 'p' || v == TAG3('d', 'i', 'v'))
        return 1;
    return v == TAG2('b', 'r') && lt && (t[lt - 1] == '>' || t[lt - 1] == '\n');
}

static inline int is_letter(uc c) { return (uc)((c | 0x20) - 'a') < 26; }

/* skip_prefix() with the common line starts first: a letter, an empty
 * line ("\n", "\r\n"), "- ", "* " or "• ", then short tags ("<li>",
 * "<p>"), before a letter. The same result as skip_prefix(): each is
 * one or more of its steps, taken below the same limit, and a letter
 * ends it. */
static inline size_t line_prefix(const uc *t, size_t p, size_t len)
{
    uc c = t[p];
    if (is_letter(c) || c == '\n')
        return p;
    size_t lim = p + MAX_PREFIX < len ? p + MAX_PREFIX : len, s = p;
    if (p + 4 < len) {
        if ((c == '-' || c == '*') && t[p + 1] == ' ')
            s = p + 2;
        else if (c == '\r' && t[p + 1] == '\n')
            return p + 1;
        else if (c == 0xE2 && t[p + 1] == 0x80 && t[p + 2] == 0xA2 &&
                 t[p + 3] == ' ')
            s = p + 4;
    }
    while (s + 4 <= lim && t[s] == '<') {
        /* "<p>", "<li>", "<br>", "<ul>", "<h3>": one or two letters or
         * digits between '<' and '>' */
        if (t[s + 2] == '>' && is_alnum(t[s + 1]))
            s += 3;
        else if (t[s + 3] == '>' && is_alnum(t[s + 1]) && is_alnum(t[s + 2]))
            s += 4;
        else
            break;
    }
    if (s < lim && is_letter(t[s]))
        return s;
    return skip_prefix_lim(t, s, lim);
}

static inline void try_line_at(struct ctx *x, size_t p, size_t q);

/* A line start (text start, after '\n' or a block tag): most are
 * rejected here by the first byte after their prefix. */
static inline void try_line(struct ctx *x, size_t p)
{
    size_t q = line_prefix(x->t, p, x->len);
    x->skip_to = q > x->skip_to ? q : x->skip_to;
    if (q >= x->len || q == x->last_q)
        return;
    x->last_q = q;
    x->last_p = p;
    if (x->R->line_ok[x->t[q]])
        try_line_at(x, p, q);
}

/* Does the anchor (folded ASCII letters) occur at t[k]? */
static inline int anchor_at(const struct skidx_section_rules *R, const uc *t,
                            size_t k)
{
    for (size_t j = 0; j < R->anchor_len; j++)
        if ((t[k + j] | 0x20) != (uc)R->anchor[j])
            return 0;
    return 1;
}

#if defined(__x86_64__)
/* anchor_next() for AVX2: 64 starts a step, by the anchor's rarest
 * letter, its first and its last (each folded with 0x20, exact for
 * letters): the rarest alone ('q' of "equal") is in every "required"
 * and "qualifications", its three in few words but the anchor. */
__attribute__((target("avx2,bmi"))) static size_t
anchor_next_avx2(const struct ctx *x, size_t from)
{
    const struct skidx_section_rules *R = x->R;
    const __m256i f = _mm256_set1_epi8(0x20);
    const size_t kk = R->anchor_key, kl = R->anchor_len - 1u;
    const __m256i a = _mm256_set1_epi8(R->anchor[kk]);
    const __m256i a0 = _mm256_set1_epi8(R->anchor[0]);
    const __m256i al = _mm256_set1_epi8(R->anchor[kl]);
    const uc *t = x->t; /* start s reads t[s + kl] at most */
    size_t end = x->anchor_end - R->anchor_len + 1; /* starts below end */
    size_t s = from;
#define ANCHOR_BYTE(s, k, v)                                                \
    _mm256_cmpeq_epi8(                                                      \
        _mm256_or_si256(                                                    \
            _mm256_loadu_si256((const __m256i *)(t + (s) + (k))), f),       \
        v)
#define ANCHOR_AT(s)                                                        \
    _mm256_and_si256(_mm256_and_si256(ANCHOR_BYTE(s, kk, a),                \
                                      ANCHOR_BYTE(s, 0, a0)),               \
                     ANCHOR_BYTE(s, kl, al))
#define ANCHOR_FIND(b, keep)                                                \
    do {                                                                    \
        __m256i m0_ = ANCHOR_AT(b), m1_ = ANCHOR_AT((b) + 32);              \
        __m256i m_ = _mm256_or_si256(m0_, m1_);                             \
        if (!_mm256_testz_si256(m_, m_)) {                                  \
            uint64_t m = ((uint32_t)_mm256_movemask_epi8(m0_) |             \
                          (uint64_t)(uint32_t)_mm256_movemask_epi8(m1_)     \
                              << 32) &                                      \
                         (keep);                                            \
            for (; m; m &= m - 1) {                                         \
                size_t k = (b) + (size_t)__builtin_ctzll(m);                \
                if (anchor_at(R, x->t, k))                                  \
                    return k;                                               \
            }                                                               \
        }                                                                   \
    } while (0)
    /* starts s..s+63 read their key letter below anchor_end */
    for (; s + 64 <= end; s += 64)
        ANCHOR_FIND(s, ~0ull);
    if (s < end && end >= from + 64) {
        /* the last starts: the 64 before end, those before s masked off */
        ANCHOR_FIND(end - 64, ~0ull << (s - (end - 64)));
        return NOMATCH;
    }
#undef ANCHOR_FIND
#undef ANCHOR_AT
#undef ANCHOR_BYTE
    for (; s < end; s++)
        if (anchor_at(R, x->t, s))
            return s;
    return NOMATCH;
}

/* anchor_next_avx2() with 64 starts a compare (AVX-512 BW: the
 * compares give masks, no movemask), the same starts kept. */
__attribute__((target("avx512f,avx512bw,bmi"))) static size_t
anchor_next_avx512(const struct ctx *x, size_t from)
{
    const struct skidx_section_rules *R = x->R;
    const __m512i f = _mm512_set1_epi8(0x20);
    const size_t kk = R->anchor_key, kl = R->anchor_len - 1u;
    const __m512i a = _mm512_set1_epi8(R->anchor[kk]);
    const __m512i a0 = _mm512_set1_epi8(R->anchor[0]);
    const __m512i al = _mm512_set1_epi8(R->anchor[kl]);
    const uc *t = x->t; /* start s reads t[s + kl] at most */
    size_t end = x->anchor_end - R->anchor_len + 1; /* starts below end */
    size_t s = from;
#define ANCHOR_BYTE(s, k, v)                                                \
    _mm512_cmpeq_epi8_mask(                                                 \
        _mm512_or_si512(_mm512_loadu_si512((const void *)(t + (s) + (k))),  \
                        f),                                                 \
        v)
#define ANCHOR_FIND(b, keep)                                                \
    do {                                                                    \
        uint64_t m = ANCHOR_BYTE(b, kk, a) & ANCHOR_BYTE(b, 0, a0) &        \
                     ANCHOR_BYTE(b, kl, al) & (keep);                       \
        for (; m; m &= m - 1) {                                             \
            size_t k = (b) + (size_t)__builtin_ctzll(m);                    \
            if (anchor_at(R, x->t, k))                                      \
                return k;                                                   \
        }                                                                   \
    } while (0)
    /* starts s..s+63 read their key letter below anchor_end */
    for (; s + 64 <= end; s += 64)
        ANCHOR_FIND(s, ~0ull);
    if (s < end && end >= from + 64) {
        /* the last starts: the 64 before end, those before s masked off */
        ANCHOR_FIND(end - 64, ~0ull << (s - (end - 64)));
        return NOMATCH;
    }
#undef ANCHOR_FIND
#undef ANCHOR_BYTE
    for (; s < end; s++)
        if (anchor_at(R, x->t, s))
            return s;
    return NOMATCH;
}
#endif

/* The first start at `from` or after where the lead-ins' anchor occurs
 * (ASCII case aside) and ends by anchor_end, or NOMATCH. */
static size_t anchor_next(const struct ctx *x, size_t from)
{
    size_t n = x->R->anchor_len;
    if (from >= x->anchor_end || x->anchor_end - from < n)
        return NOMATCH;
#if defined(__x86_64__)
    if (x->avx512)
        return anchor_next_avx512(x, from);
    if (x->avx2)
        return anchor_next_avx2(x, from);
#endif
    for (size_t k = from; k + n <= x->anchor_end; k++)
        if ((x->t[k + x->R->anchor_key] | 0x20) ==
                (uc)x->R->anchor[x->R->anchor_key] &&
            anchor_at(x->R, x->t, k))
            return k;
    return NOMATCH;
}

#if defined(__x86_64__)
/* last_break() for AVX2: 32 bytes a step back from k. */
__attribute__((target("avx2,bmi"))) static size_t
last_break_avx2(const uc *t, size_t from, size_t k, size_t *tag)
{
    const __m256i nl = _mm256_set1_epi8('\n'), cr = _mm256_set1_epi8('\r');
    const __m256i lt = _mm256_set1_epi8('<'), gt = _mm256_set1_epi8('>');
    for (; k >= from + 32; k -= 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(t + k - 32));
        uint32_t m = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(
            _mm256_cmpeq_epi8(v, nl), _mm256_cmpeq_epi8(v, cr)));
        if (*tag == from - 1) {
            uint32_t g = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(
                _mm256_cmpeq_epi8(v, lt), _mm256_cmpeq_epi8(v, gt)));
            if (g)
                *tag = k - 32 + 31 - (size_t)__builtin_clz(g);
        }
        if (m)
            return k - 32 + 31 - (size_t)__builtin_clz(m);
    }
    while (k > from) {
        k--;
        if (*tag == from - 1 && (t[k] == '<' || t[k] == '>'))
            *tag = k;
        if (t[k] == '\n' || t[k] == '\r')
            return k;
    }
    return from - 1;
}
#endif

/* Is there a line break ('\n' or '\r') in t[from..k)? The last one, or
 * from - 1 when there is none (from >= 1). *tag: the last '<' or '>'
 * in t[from..k) (one before the line break or after it; when it is
 * before the break, no later than the break's 32-byte step), or from - 1
 * when there is none from the break on. */
static size_t last_break(const struct ctx *x, size_t from, size_t k,
                         size_t *tag)
{
    *tag = from - 1;
#if defined(__x86_64__)
    if (x->avx2)
        return last_break_avx2(x->t, from, k, tag);
#endif
    while (k > from) {
        k--;
        if (*tag == from - 1 && (x->t[k] == '<' || x->t[k] == '>'))
            *tag = k;
        if (x->t[k] == '\n' || x->t[k] == '\r')
            return k;
    }
    return from - 1;
}

/* Look for the anchor from `from` on (x->anchor_next, anchor_brk). */
static __attribute__((noinline)) void anchor_seek(struct ctx *x, size_t from)
{
    if (x->anchor_from == SIZE_MAX) {
        const void *e = x->line_end < x->len
                            ? memchr(x->t + x->line_end, '\n',
                                     x->len - x->line_end)
                            : NULL;
        x->anchor_end = e ? (size_t)((const uc *)e - x->t) : x->len;
    }
    x->anchor_from = from;
    x->anchor_next = anchor_next(x, from);
    /* try_line_at() returns at once for q from from - 2 on, below
     * line_end, with no anchor from q + 2 on (NOMATCH), or with the
     * anchor from q + 2 on (q + 2 <= anchor_next) and a line break after
     * q before it (q < anchor_brk) or, without anchor_tags, a tag mark
     * LEAD_REACH bytes or more after q before it (q + LEAD_REACH <=
     * anchor_tag: HTML without line breaks, where anchor_brk is below
     * from) */
    size_t hi = x->line_end;
    if (x->anchor_next != NOMATCH) {
        x->anchor_brk = last_break(x, from - 1, x->anchor_next,
                                   &x->anchor_tag);
        size_t brk = x->anchor_brk;
        if (!x->R->anchor_tags && x->anchor_tag + 1 > LEAD_REACH &&
            x->anchor_tag + 1 - LEAD_REACH > brk)
            brk = x->anchor_tag + 1 - LEAD_REACH;
        if (x->anchor_next - 1 < hi)
            hi = x->anchor_next - 1;
        if (brk < hi)
            hi = brk;
    }
    x->lead_lo = from - 2;
    x->lead_n = hi > from - 2 ? hi - (from - 2) : 0;
}

static void lead_in_at(struct ctx *x, size_t p, size_t q);

/* The line at p, its heading text at q: the filters and the anchor
 * inline (most line starts end here), the rest out of line. */
static inline void try_line_at(struct ctx *x, size_t p, size_t q)
{
    const struct skidx_section_rules *R = x->R;
    if (R->start[x->t[q]] && pre_may6(R, x->set, x->t, q, x->len)) {
        uint32_t rule;
        size_t body;
        if (heading_line(x, q, &rule, &body)) {
            record(x, q, body, rule);
            return;
        }
    }
    /* a lead-in of a kind that cannot change a count after the last
     * heading (set 3: a legal lead-in in text that does not count) is
     * not looked for, as the heading filter of that set does not look
     * for such headings */
    if (!(R->lead_sets >> x->set & 1) ||
        !(is_upper(x->t[q]) || x->t[q] >= 0xC0))
        return;
    /* a lead-in holds the anchor after q + 1 on its line (neither its
     * name nor a rule's words take a line break, '\n' or '\r'): none
     * when the anchor's first occurrence from q + 2 on (before
     * anchor_end, the line break after the last line start tried) has a
     * line break before it after q */
    if (q - x->lead_lo < x->lead_n)
        return; /* as below, known from the last anchor_seek() */
    if (R->anchor_len && q < x->line_end) {
        if (x->anchor_from > q + 2 ||
            (x->anchor_next != NOMATCH && x->anchor_next < q + 2))
            anchor_seek(x, q + 2);
        if (x->anchor_next == NOMATCH || x->anchor_brk > q)
            return;
        /* nor when a '<' or '>' lies before the anchor LEAD_REACH bytes
         * or more after q: lead_in_at() tries a lead-in's literal only
         * from q + LEAD_REACH or before, and the literal holds neither
         * before its anchor (anchor_tags 0), so the text from there to
         * the anchor's first occurrence does not either */
        if (x->anchor_tag >= q + LEAD_REACH && !R->anchor_tags)
            return;
    }
    lead_in_at(x, p, q);
}

/* A lead-in at the line at p, its text at q, the anchor found after it. */
static void lead_in_at(struct ctx *x, size_t p, size_t q)
{
    const struct skidx_section_rules *R = x->R;
    if (!(para_start(x->t, p) || (q != p && para_start(x->t, q))))
        return;
    /* "Acme Corp is an equal opportunity employer...": up to five
     * capitalised words (a name) before the lead-in, at a paragraph's
     * start */
    size_t lim = q + LEAD_REACH < x->len ? q + LEAD_REACH : x->len,
           words = 0;
    for (size_t i = q + 1; i < lim && words < 5; i++) {
        uc c = x->t[i];
        if (c > ' ')
            continue; /* most bytes: one compare */
        if (c == '\n' || c == '\r')
            return;
        if (c != ' ' || x->t[i - 1] == ' ')
            continue;
        uc e = x->t[i - 1];
        if (e == '.' || e == ',' || e == ':' || e == '>')
            return; /* a sentence or a clause ended */
        words++;
        if (pre_may(R, 1, x->t, i + 1, x->len))
            for (size_t k = R->n - R->n_lead; k < R->n; k++) {
                size_t m = lit_match(x->t, i + 1, x->len, x->len, &R->r[k]);
                if (m != NOMATCH && (m >= x->len || !is_alnum(x->t[m]))) {
                    if (!heading_unfiltered(x, q, SIZE_MAX, 0))
                        record(x, q, m, (uint32_t)k);
                    return;
                }
            }
        /* a name is capitalised words ("Acme Corp", "Data & AI Ltd") */
        uc w = i + 1 < x->len ? x->t[i + 1] : 0;
        if (!(is_upper(w) || is_digit(w) || w >= 0xC0 || w == '&'))
            return;
    }
}

/* The bytes a boundary mark of is_boundary_back() can end with. */
static const uint8_t boundary_last[256] = {
    ['\n'] = 1, ['.'] = 1, ['!'] = 1, ['?'] = 1, [';'] = 1, ['>'] = 1,
    ['|'] = 1,   [0x81] = 1, [0x82] = 1, [0x89] = 1, [0x8C] = 1, [0x90] = 1,
    [0x91] = 1, [0x9B] = 1, [0x9F] = 1, [0xA2] = 1,
};

/* 1: boundary_last, 2: an ASCII capital */
static uint8_t back_class[256];

__attribute__((constructor)) static void init_back_class(void)
{
    for (unsigned c = 0; c < 256; c++)
        back_class[c] = (uint8_t)(boundary_last[c] | (is_upper((uc)c) << 1));
}

static int is_boundary_back(const uc *t, size_t i, size_t *after)
{
    /* t[i] is the last byte of a possible boundary mark; *after = i + 1 */
    uc c = t[i];
    *after = i + 1;
    if (c == '\n' || c == '.' || c == '!' || c == '?' || c == ';' ||
        c == '>' || c == '|')
        return 1;
    if (i >= 2 && t[i - 2] == 0xE3 && t[i - 1] == 0x80 &&
        (c == 0x82 || c == 0x81 || c == 0x90 || c == 0x91))
        return 1; /* 。、【】 */
    if (i >= 2 && t[i - 2] == 0xEF && t[i - 1] == 0xBC &&
        (c == 0x9B || c == 0x81 || c == 0x9F || c == 0x8C || c == 0x89))
        return 1; /* ；！？，） */
    if (i >= 2 && t[i - 2] == 0xE2 && t[i - 1] == 0x80 && c == 0xA2)
        return 1; /* • */
    return 0;
}

/* A heading found by a colon's look-back starts at the last line start
 * or after, but may start before that line's heading text when the
 * colon is within the line's prefix: then the line's heading, not
 * looked for with a one-sided filter, could follow it and decide the
 * text after it. That line is tried again with every rule. */
static void recheck_line(struct ctx *x, size_t start)
{
    if (x->all || x->last_q == SIZE_MAX || start >= x->last_q)
        return;
    int set = x->set;
    size_t n = x->out->n;
    x->set = 0;
    try_line_at(x, x->last_p, x->last_q);
    if (x->out->n == n)
        x->set = set;
}

static void colon_record(struct ctx *x, size_t start, size_t body,
                         uint32_t rule)
{
    record(x, start, body, rule);
    recheck_line(x, start);
}

/* A colon-like mark at e (length n): the text back to the previous
 * sentence end must be a heading. */
#if defined(__x86_64__)
/* try_colon()'s look-back over the MAX_BACK (64) bytes before e, e >
 * MAX_BACK: the bytes that may end a boundary mark (ASCII marks, and
 * 0x81-0xA2 for the last byte of the wide ones, checked one by one from
 * the last) and the capitals after a lower-case letter, each a mask of
 * the window; the same *s and *camel as the byte loop. */
__attribute__((target("avx2,bmi"))) static void
look_back_avx2(const uc *t, size_t e, size_t *s, size_t *camel)
{
    size_t lo = e - MAX_BACK;
    uint64_t b = 0, c = 0;
    for (int h = 0; h < 2; h++) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(t + lo + 32 * h));
        __m256i pv =
            _mm256_loadu_si256((const __m256i *)(t + lo - 1 + 32 * h));
        __m256i m = _mm256_or_si256(
            _mm256_or_si256(
                _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n')),
                                _mm256_cmpeq_epi8(v, _mm256_set1_epi8('.'))),
                _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('!')),
                                _mm256_cmpeq_epi8(v, _mm256_set1_epi8('?')))),
            _mm256_or_si256(
                _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(';')),
                                _mm256_cmpeq_epi8(v, _mm256_set1_epi8('>'))),
                _mm256_cmpeq_epi8(v, _mm256_set1_epi8('|'))));
        /* 0x81..0xA2: (byte ^ 0x80) in 1..0x22, signed */
        __m256i w = _mm256_xor_si256(v, _mm256_set1_epi8((char)0x80));
        m = _mm256_or_si256(
            m, _mm256_and_si256(
                   _mm256_cmpgt_epi8(w, _mm256_setzero_si256()),
                   _mm256_cmpgt_epi8(_mm256_set1_epi8(0x23), w)));
        /* 'A'..'Z' after 'a'..'z': (byte - 'A') and (prev - 'a') below
         * 26, as signed compares of the bytes offset by 0x80 */
        __m256i up = _mm256_cmpgt_epi8(
            _mm256_set1_epi8((char)(0x80 + 26)),
            _mm256_add_epi8(v, _mm256_set1_epi8((char)(0x80 - 'A'))));
        __m256i low = _mm256_cmpgt_epi8(
            _mm256_set1_epi8((char)(0x80 + 26)),
            _mm256_add_epi8(pv, _mm256_set1_epi8((char)(0x80 - 'a'))));
        b |= (uint64_t)(uint32_t)_mm256_movemask_epi8(m) << (32 * h);
        c |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
                 _mm256_and_si256(up, low))
             << (32 * h);
    }
    size_t after;
    for (; b; b &= ~(1ull << (63 - __builtin_clzll(b)))) {
        size_t i = lo + 63 - (size_t)__builtin_clzll(b);
        if (is_boundary_back(t, i, &after)) {
            *s = after;
            /* the camel-case changes after the mark (none when it
             * ends the window) */
            c = after - lo < 64 ? c & ~0ull << (after - lo) : 0;
            break;
        }
    }
    *camel = c ? lo + 63 - (size_t)__builtin_clzll(c) : SIZE_MAX;
}
#endif

static void try_colon(struct ctx *x, size_t e, size_t n)
{
    const uc *t = x->t;
    size_t lo = e > MAX_BACK ? e - MAX_BACK : 0, s = SIZE_MAX, after;
    /* the look-back also notes the last lower-to-upper case change
     * ("teamRequirements:"), tried below when the whole fails */
    size_t camel = SIZE_MAX;
#if defined(__x86_64__)
    if (x->avx2 && lo)
        look_back_avx2(t, e, &s, &camel);
    else
#endif
        for (size_t i = e; i > lo; i--) {
            uc f = back_class[t[i - 1]];
            if (!f)
                continue;
            if ((f & 1) && is_boundary_back(t, i - 1, &after)) {
                s = after;
                break;
            }
            if ((f & 2) && camel == SIZE_MAX && i > 1 && is_lower(t[i - 2]))
                camel = i - 1;
        }
    if (s == SIZE_MAX) {
        if (lo)
            return; /* no sentence end within reach: not a heading */
        s = 0;
    }
    size_t q = skip_prefix(t, s, e);
    if (q >= e)
        return;
    uint32_t rule;
    size_t body;
    if (pre_may6(x->R, x->set, t, q, e) && heading_at(x, q, e, n, &rule, &body)) {
        colon_record(x, q, body, rule);
        return;
    }
    /* "teamRequirements:": from the last lower-to-upper change */
    if (camel != SIZE_MAX && camel > q) {
        if (heading_unfiltered(x, q, e, n)) {
            recheck_line(x, q);
            return;
        }
        if (pre_may6(x->R, x->set, t, camel, e) &&
            heading_at(x, camel, e, n, &rule, &body))
            colon_record(x, camel, body, rule);
        return;
    }
    /* headings without spaces between words (Chinese): any suffix, each
     * with every rule (the first one found is taken) */
    if (t[e - 1] < 0x80)
        return;
    if (heading_unfiltered(x, q, e, n)) {
        recheck_line(x, q);
        return;
    }
    for (size_t k = q + 1; k < e; k++)
        if (t[k] >= 0xC0 && pre_may6(x->R, 0, t, k, e) &&
            heading_at(x, k, e, n, &rule, &body)) {
            colon_record(x, k, body, rule);
            return;
        }
}

/* A candidate byte, in text order. One before skip_to lies in the prefix
 * of a line start tried already (in a tag, a bullet, a list number):
 * passed over, so that line starts and headings are taken in the order
 * of their starts. A block tag holding a line break or a colon
 * ("<li\n...>", "<p style=\"a:b\">") led to the line start after it
 * before the candidates inside it, which then started a heading before
 * it; the counting split had already chosen its filter by the later
 * heading, and excluded text that the whole split counts
 * (fuzz_sections, tests/fuzz/corpus_sections:
 * block_tag_with_line_break). */
static inline void candidate(struct ctx *x, size_t i)
{
    if (i < x->skip_to)
        return;
    const uc *t = x->t;
    uc c = t[i];
    /* by frequency in postings: line breaks, tags, colons */
    if (c == '\n') {
        /* an empty line ("\n\n", "\n\r\n") starts no heading, and the
         * line after it is tried next, so its try_line() changes
         * nothing: passed over */
        if (i + 1 < x->len && t[i + 1] != '\n' &&
            !(t[i + 1] == '\r' && i + 2 < x->len && t[i + 2] == '\n'))
            try_line(x, i + 1);
    } else if (c == '<') {
        /* (a tag of a line's prefix, "\n<li>", "</li><li>", is before
         * skip_to) */
        size_t g = block_tag_quick(t, i, x->len);
        if (g != SIZE_MAX && g < x->len)
            try_line(x, g);
    } else if (c == ':') {
        try_colon(x, i, 1);
    } else if (c == 0xEF) {
        if (i + 2 < x->len && t[i + 1] == 0xBC && t[i + 2] == 0x9A)
            try_colon(x, i, 3);
    } else if (c == 0xE3) {
        if (i + 2 < x->len && t[i + 1] == 0x80 && t[i + 2] == 0x91)
            try_colon(x, i, 3);
    }
}

static void split_scan_scalar(struct ctx *x, size_t from)
{
    for (size_t i = from; i < x->scan_end; i++) {
        uc c = x->t[i];
        if (c == '\n' || c == ':' || c == '<' || c == 0xEF || c == 0xE3)
            candidate(x, i);
    }
}

#if defined(__x86_64__)
/* The candidate bytes but '\n' by their low nibble: a byte is one when
 * it equals the table's byte for its low nibble (':' 0x3A, '<' 0x3C,
 * 0xE3, 0xEF); the other entries hold a byte of another low nibble, so
 * no byte equals them. '\n' (low nibble 0xA, as ':') is compared apart. */
#define NIBBLES16(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p)          \
    (char)a, (char)b, (char)c, (char)d, (char)e, (char)f, (char)g,        \
        (char)h, (char)i, (char)j, (char)k, (char)l, (char)m, (char)n,    \
        (char)o, (char)p
#define CAND_LO                                                             \
    NIBBLES16(0x01, 0x00, 0x00, 0xE3, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   \
              0x3A, 0x00, 0x3C, 0x00, 0x00, 0xEF)

/* The 64 byte flags of two 32-byte compare results, the first in the
 * low half. */
__attribute__((target("avx2"))) static inline uint64_t mask64(__m256i lo,
                                                              __m256i hi)
{
    return (uint32_t)_mm256_movemask_epi8(lo) |
           (uint64_t)(uint32_t)_mm256_movemask_epi8(hi) << 32;
}

/* The candidate positions of a window are written out first, then taken
 * in order: the scan's branches (is this block empty, was its last
 * candidate taken) held about a fifth of the split's samples and went
 * wrong about once in two blocks; without them the counting split took
 * 6 % less time (BENCHMARKS.md, the seventeenth session). A block's
 * positions go out four or eight at a time past the end of those it has
 * (SCAN_SLACK), the count added after. Candidates change neither the
 * text nor the scan's end, so these are the byte loop's candidates in
 * its order. */
#define SCAN_WINDOW 1024 /* bytes a window, a multiple of 64 */
#define SCAN_SLACK 8

__attribute__((target("bmi,popcnt"))) static inline size_t
flatten(uint64_t b, size_t base, uint32_t *o)
{
    const size_t n = (size_t)__builtin_popcountll(b);
    for (int k = 0; k < 4; k++) {
        o[k] = (uint32_t)(base + (size_t)__builtin_ctzll(b | 1ull << 63));
        b &= b - 1;
    }
    if (n > 4) {
        for (int k = 4; k < 8; k++) {
            o[k] = (uint32_t)(base + (size_t)__builtin_ctzll(b | 1ull << 63));
            b &= b - 1;
        }
        for (size_t k = 8; b; k++) {
            o[k] = (uint32_t)(base + (size_t)__builtin_ctzll(b));
            b &= b - 1;
        }
    }
    return n;
}

__attribute__((target("avx2,bmi,popcnt"))) static void
split_scan_avx2(struct ctx *x)
{
    const __m256i nl = _mm256_set1_epi8('\n');
    const __m256i lo_tab = _mm256_setr_epi8(CAND_LO, CAND_LO);
    const __m256i low4 = _mm256_set1_epi8(0x0F);
#define CANDIDATES(c)                                                       \
    _mm256_or_si256(_mm256_cmpeq_epi8(c, nl),                               \
                    _mm256_cmpeq_epi8(                                      \
                        _mm256_shuffle_epi8(lo_tab,                         \
                                            _mm256_and_si256(c, low4)),     \
                        c))
    /* the text and the scan's end do not change during the scan */
    const uc *const t = x->t;
    const size_t end = x->scan_end;
    uint32_t pos[SCAN_WINDOW + SCAN_SLACK];
    if (end < 64) {
        split_scan_scalar(x, 0);
        return;
    }
    for (size_t w = 0; w < end; w += SCAN_WINDOW) {
        const size_t wend = end - w > SCAN_WINDOW ? w + SCAN_WINDOW : end;
        size_t n = 0, i = w;
        for (; i + 64 <= wend; i += 64) {
            __m256i c0 = _mm256_loadu_si256((const __m256i *)(t + i));
            __m256i c1 = _mm256_loadu_si256((const __m256i *)(t + i + 32));
            uint64_t b = mask64(CANDIDATES(c0), CANDIDATES(c1));
            uint64_t lf = mask64(_mm256_cmpeq_epi8(c0, nl),
                                 _mm256_cmpeq_epi8(c1, nl));
            /* a '\n' before another one (an empty line; 15 % of the
             * candidates) does nothing in candidate(): dropped here,
             * with its unpredictable tests (the last byte's next one is
             * in the next block: that '\n' is kept) */
            n += flatten(b & ~(lf & lf >> 1), i, pos + n);
        }
        if (i < wend) {
            /* the last bytes: the 64 before end, those before i masked
             * off (1 to 63 of them), not a byte loop (only the last
             * window is partial) */
            const size_t base = end - 64;
            __m256i c0 = _mm256_loadu_si256((const __m256i *)(t + base));
            __m256i c1 =
                _mm256_loadu_si256((const __m256i *)(t + base + 32));
            uint64_t b = mask64(CANDIDATES(c0), CANDIDATES(c1)) &
                         (~0ull << (i - base));
            uint64_t lf = mask64(_mm256_cmpeq_epi8(c0, nl),
                                 _mm256_cmpeq_epi8(c1, nl));
            n += flatten(b & ~(lf & lf >> 1), base, pos + n);
        }
        for (size_t k = 0; k < n; k++)
            candidate(x, pos[k]);
    }
#undef CANDIDATES
}

/* flatten() by a byte compress (AVX-512 VBMI2): the indexes of b's bits
 * packed into bytes, widened to base + index 16 at a time. The first 16
 * slots are written whatever the count (most blocks hold fewer than four
 * candidates), the others only as far as the count needs: o needs 16
 * slots of room past the count (SCAN_SLACK512). No step a bit:
 * flatten()'s were some 17 % of split_scan_avx512()'s samples (perf,
 * corpus-ascii2, BENCHMARKS.md "The nineteenth session"). */
__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt"),
               always_inline)) static inline size_t
flatten_vbmi2(uint64_t b, size_t base, uint32_t *o)
{
    const __m512i iota = _mm512_set_epi8(
        63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47,
        46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30,
        29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13,
        12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    const size_t n = (size_t)__builtin_popcountll(b);
    const __m512i idx = _mm512_maskz_compress_epi8(b, iota);
    const __m512i vb = _mm512_set1_epi32((int)base);
    _mm512_storeu_si512(
        (void *)o,
        _mm512_add_epi32(vb, _mm512_cvtepu8_epi32(_mm512_castsi512_si128(idx))));
    if (n > 16)
        for (size_t g = 1; g * 16 < n; g++) {
            const __m128i q = g == 1   ? _mm512_extracti32x4_epi32(idx, 1)
                              : g == 2 ? _mm512_extracti32x4_epi32(idx, 2)
                                       : _mm512_extracti32x4_epi32(idx, 3);
            _mm512_storeu_si512((void *)(o + 16 * g),
                                _mm512_add_epi32(vb, _mm512_cvtepu8_epi32(q)));
        }
    return n;
}

/* split_scan_avx2() with 64 bytes a compare (AVX-512 BW) and the
 * positions written by flatten_vbmi2(): the same candidates in the same
 * order. */
#define SCAN_SLACK512 16
__attribute__((target("avx512f,avx512bw,avx512vbmi2,bmi,popcnt"))) static void
split_scan_avx512(struct ctx *x)
{
    const __m512i nl = _mm512_set1_epi8('\n');
    const __m512i lo_tab = _mm512_broadcast_i32x4(_mm_setr_epi8(CAND_LO));
    const __m512i low4 = _mm512_set1_epi8(0x0F);
#define CANDIDATES(c)                                                       \
    (_mm512_cmpeq_epi8_mask(c, nl) |                                        \
     _mm512_cmpeq_epi8_mask(                                                \
         _mm512_shuffle_epi8(lo_tab, _mm512_and_si512(c, low4)), c))
    const uc *const t = x->t;
    const size_t end = x->scan_end;
    uint32_t pos[SCAN_WINDOW + SCAN_SLACK512];
    if (end < 64) {
        split_scan_scalar(x, 0);
        return;
    }
    for (size_t w = 0; w < end; w += SCAN_WINDOW) {
        const size_t wend = end - w > SCAN_WINDOW ? w + SCAN_WINDOW : end;
        size_t n = 0, i = w;
        for (; i + 64 <= wend; i += 64) {
            const __m512i c = _mm512_loadu_si512((const void *)(t + i));
            const uint64_t lf = _mm512_cmpeq_epi8_mask(c, nl);
            n += flatten_vbmi2(CANDIDATES(c) & ~(lf & lf >> 1), i, pos + n);
        }
        if (i < wend) {
            /* the last bytes, as split_scan_avx2() */
            const size_t base = end - 64;
            const __m512i c = _mm512_loadu_si512((const void *)(t + base));
            const uint64_t lf = _mm512_cmpeq_epi8_mask(c, nl);
            const uint64_t b = CANDIDATES(c) & (~0ull << (i - base));
            n += flatten_vbmi2(b & ~(lf & lf >> 1), base, pos + n);
        }
        for (size_t k = 0; k < n; k++)
            candidate(x, pos[k]);
    }
#undef CANDIDATES
}
#endif

/* Mode 0: the sections (in order) before the first that does not count
 * are dropped; what they hold counts as the text before them does. */
static void strip_leading(struct skidx_sections *out)
{
    size_t k = 0;
    while (k < out->n && skidx_section_counts(out->s[k].kind))
        k++;
    if (k && k < out->n)
        memmove(out->s, out->s + k, (out->n - k) * sizeof(*out->s));
    out->n -= k;
}

skidx_status skidx_sections_split(const struct skidx_section_rules *R,
                                  const char *text, size_t len,
                                  struct skidx_sections *out, int simd)
{
    return skidx_sections_split_mode(R, text, len, out, simd, 1);
}

skidx_status skidx_sections_split_mode(const struct skidx_section_rules *R,
                                       const char *text, size_t len,
                                       struct skidx_sections *out, int simd,
                                       int all)
{
    return skidx_sections_split_upto(R, text, len, out, simd, all, SIZE_MAX);
}

skidx_status skidx_sections_split_upto(const struct skidx_section_rules *R,
                                       const char *text, size_t len,
                                       struct skidx_sections *out, int simd,
                                       int all, size_t upto)
{
    out->n = 0;
    out->excluded = 0;
    if (!R || !R->n || !len)
        return SKIDX_OK;
    if (len >= UINT32_MAX)
        return SKIDX_ERR_LIMIT;
    /* A candidate at byte c starts a heading at c - MAX_BACK or later
     * (a colon's look-back), so those before upto + MAX_BACK + 1 find
     * every heading starting at upto or before. Candidates are taken in
     * text order, so these are the same first steps as a whole scan's. */
    size_t scan_end = len;
    if (upto < len && len - upto > MAX_BACK + 1)
        scan_end = upto + MAX_BACK + 1;
    struct ctx x = {.R = R,
                    .t = (const uc *)text,
                    .len = len,
                    .out = out,
                    .last_q = SIZE_MAX,
                    .scan_end = scan_end,
                    .all = all == 1,
                    .mode = all,
                    .set = region_set(all, SKIDX_SEC_NONE) * (all != 1),
                    .anchor_from = SIZE_MAX,
                    .anchor_next = NOMATCH,
                    .anchor_end = len};
    /* a line start is tried at a candidate's line after a prefix
     * (MAX_PREFIX) or after a block tag ending within 64 bytes */
    x.line_end = scan_end + 64 + MAX_PREFIX + 16;
#if defined(__x86_64__)
    x.avx2 = simd != SKIDX_SIMD_SCALAR && __builtin_cpu_supports("avx2") &&
             __builtin_cpu_supports("popcnt");
    x.avx512 = x.avx2 && simd == SKIDX_SIMD_BEST &&
               __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512bw");
    x.scan512 = x.avx512 && __builtin_cpu_supports("avx512vbmi2");
#endif
    if (!out->memo)
        out->memo = calloc(1, sizeof(*out->memo)); /* none: not used */
    if (out->memo && out->memo->rules != R->id) {
        memset(out->memo, 0, sizeof(*out->memo));
        out->memo->rules = R->id;
    }
    try_line(&x, 0);
#if defined(__x86_64__)
    if (x.scan512)
        split_scan_avx512(&x);
    else if (x.avx2)
        split_scan_avx2(&x);
    else
        split_scan_scalar(&x, 0);
#else
    (void)simd;
    split_scan_scalar(&x, 0);
#endif
    if (x.oom)
        return SKIDX_ERR_NOMEM;
    /* look-backs may record out of order: insertion sort (few items) */
    for (size_t i = 1; i < out->n; i++) {
        struct skidx_section v = out->s[i];
        size_t j = i;
        while (j && out->s[j - 1].start > v.start) {
            out->s[j] = out->s[j - 1];
            j--;
        }
        out->s[j] = v;
    }
    if (x.mode == 0)
        strip_leading(out);
    for (size_t i = 0; i < out->n; i++)
        if (!skidx_section_counts(out->s[i].kind))
            out->excluded = 1;
    return SKIDX_OK;
}

size_t skidx_sections_skip_ranges(const struct skidx_sections *s, size_t len,
                                  uint32_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (skidx_section_counts(s->s[i].kind))
            continue;
        const uint32_t end =
            i + 1 < s->n ? s->s[i + 1].start : (uint32_t)len;
        if (k && out[2 * k - 1] == s->s[i].start) {
            out[2 * k - 1] = end; /* one range with the last */
        } else {
            out[2 * k] = s->s[i].start;
            out[2 * k + 1] = end;
            k++;
        }
    }
    return k;
}

int skidx_sections_kind_at(const struct skidx_sections *s, uint32_t offset)
{
    /* most texts have a few sections: before the first, in the last */
    if (!s->n || offset < s->s[0].start)
        return SKIDX_SEC_NONE;
    if (offset >= s->s[s->n - 1].start)
        return s->s[s->n - 1].kind;
    size_t lo = 1, hi = s->n - 1; /* first section starting after offset */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->s[mid].start <= offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? s->s[lo - 1].kind : SKIDX_SEC_NONE;
}

void skidx_sections_release(struct skidx_sections *s)
{
    free(s->s);
    free(s->memo);
    memset(s, 0, sizeof(*s));
}
