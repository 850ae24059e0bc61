/*
 * taxonomy.c - parse skills.tsv, roles.tsv and the optional sections.tsv
 * (core/section.c parses its lines) into a struct skidx_taxonomy.
 *
 * The parser is strict: every problem is an error that names the file, the
 * line and the alias, and nothing is indexed with a taxonomy that has one.
 * Lines are checked for valid UTF-8 before anything else.
 */
#include "core/taxonomy.h"
#include "core/blob.h"
#include "core/error.h"
#include "core/format.h"
#include "core/hash.h"
#include "core/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- small string helpers ---- */

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static int caseless_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
            return 0;
    return *a == *b;
}

/* A growable array of owned strings with caseless lookup through an
 * open-addressing index (slot = 1 + position, 0 = empty; at most half
 * full). A taxonomy has thousands of skills: a linear search per name
 * made loading quadratic. */
struct name_list {
    char **v;
    uint32_t n, cap;
    uint32_t *slot;
    uint32_t nslot; /* a power of two, or 0 */
};

static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint32_t)ascii_lower((unsigned char)*s)) * 16777619u;
    return h;
}

static int32_t names_find(const struct name_list *l, const char *s)
{
    if (!l->nslot)
        return -1;
    for (uint32_t i = name_hash(s) & (l->nslot - 1);;
         i = (i + 1) & (l->nslot - 1)) {
        uint32_t k = l->slot[i];
        if (!k)
            return -1;
        if (caseless_eq(l->v[k - 1], s))
            return (int32_t)(k - 1);
    }
}

static void names_index(struct name_list *l, uint32_t k)
{
    uint32_t i = name_hash(l->v[k]) & (l->nslot - 1);
    while (l->slot[i])
        i = (i + 1) & (l->nslot - 1);
    l->slot[i] = k + 1;
}

static int names_push(struct name_list *l, const char *s, size_t n)
{
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 16;
        char **v = realloc(l->v, cap * sizeof(*v));
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    if ((l->n + 1) * 2 > l->nslot) {
        uint32_t nslot = l->nslot ? l->nslot * 2 : 32;
        uint32_t *slot = calloc(nslot, sizeof(*slot));
        if (!slot)
            return -1;
        free(l->slot);
        l->slot = slot;
        l->nslot = nslot;
        for (uint32_t k = 0; k < l->n; k++)
            names_index(l, k);
    }
    if (!(l->v[l->n] = dup_n(s, n)))
        return -1;
    names_index(l, l->n);
    l->n++;
    return 0;
}

/* Hand the strings over (the caller owns l->v now) and forget them. */
static void names_disown(struct name_list *l)
{
    free(l->slot);
    memset(l, 0, sizeof(*l));
}

static void names_release(struct name_list *l)
{
    for (uint32_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    free(l->slot);
}

static int alias_push(struct skidx_alias_set *s, const struct skidx_alias *a)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        struct skidx_alias *v = realloc(s->a, cap * sizeof(*v));
        if (!v)
            return -1;
        s->a = v;
        s->cap = cap;
    }
    s->a[s->n++] = *a;
    return 0;
}

static void alias_set_release(struct skidx_alias_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->a[i].text);
    free(s->a);
    memset(s, 0, sizeof(*s));
}

size_t skidx_alias_set_count(const struct skidx_alias_set *s, int negative)
{
    size_t c = 0;
    for (size_t i = 0; i < s->n; i++)
        c += !!(s->a[i].flags & SKIDX_ALIAS_NEG) == !!negative;
    return c;
}

/* ---- strings by owner ---- */

void skidx_owner_strings_release(struct skidx_owner_strings *o)
{
    free(o->first);
    free(o->v); /* and the strings, which live in the same block */
    memset(o, 0, sizeof(*o));
}

/* o->v for n strings of `bytes` bytes in all (NULs included): one block,
 * the pointers then the bytes, so that a table of 15,000 aliases costs
 * one allocation, not 15,000 (skidx_model_init builds three at every
 * `skidx index`). The bytes start at the returned pointer. */
static char *strings_block(struct skidx_owner_strings *o, size_t n,
                           size_t bytes)
{
    if (n > (SIZE_MAX - bytes) / sizeof(*o->v) - 1)
        return NULL;
    o->v = malloc(n * sizeof(*o->v) + (bytes ? bytes : 1));
    return o->v ? (char *)(o->v + n) : NULL;
}

skidx_status skidx_owner_strings_build(struct skidx_owner_strings *o,
                                       uint32_t n_owners,
                                       const uint32_t *owner_of,
                                       const char *const *texts, size_t n)
{
    memset(o, 0, sizeof(*o));
    /* a counting sort by owner, stable; duplicates within an owner are
     * dropped after, by compaction (owners hold a handful of strings) */
    uint32_t *first = calloc((size_t)n_owners + 1, sizeof(*first));
    uint32_t *at = calloc((size_t)n_owners + 1, sizeof(*at));
    const char **tmp = calloc(n ? n : 1, sizeof(*tmp));
    size_t *len = malloc((n ? n : 1) * sizeof(*len));
    if (!first || !at || !tmp || !len) {
        free(first);
        free(at);
        free(tmp);
        free(len);
        return SKIDX_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        at[owner_of[i] + 1]++;
    for (uint32_t i = 0; i < n_owners; i++)
        at[i + 1] += at[i];
    memcpy(first, at, ((size_t)n_owners + 1) * sizeof(*at));
    for (size_t i = 0; i < n; i++) {
        const size_t k = at[owner_of[i]]++;
        tmp[k] = texts[i];
        len[k] = strlen(texts[i]);
    }
    /* duplicates by an open-addressing table of kept strings, keyed by
     * (owner, text): a string compares only with the kept ones of its
     * owner that hash alike (slots of earlier owners are passed over),
     * not with all of them, as it did, which some owners' hundred
     * aliases and more made quadratic (every `skidx index` builds three
     * such tables: 3.6 -> 3.2 M instructions of an empty index's 12.2 M) */
    size_t hcap = 16;
    while (hcap < 2 * n)
        hcap <<= 1;
    uint32_t *slot = malloc(hcap * sizeof(*slot));
    if (!slot) {
        free(first);
        free(at);
        free(tmp);
        free(len);
        return SKIDX_ERR_NOMEM;
    }
    memset(slot, 0xFF, hcap * sizeof(*slot)); /* UINT32_MAX: empty */
    uint32_t out = 0;
    size_t bytes = 0;
    for (uint32_t w = 0; w < n_owners; w++) {
        const uint32_t a = first[w], b = first[w + 1], start = out;
        first[w] = start;
        for (uint32_t i = a; i < b; i++) {
            size_t h = (size_t)((skidx_hash64(tmp[i], len[i]) ^
                                 (uint64_t)w * 0x9E3779B97F4A7C15ull) &
                                (hcap - 1));
            int dup = 0;
            for (; slot[h] != UINT32_MAX && !dup; h = (h + 1) & (hcap - 1)) {
                const uint32_t j = slot[h];
                dup = j >= start && len[j] == len[i] &&
                      !memcmp(tmp[j], tmp[i], len[i]);
            }
            if (dup)
                continue;
            slot[h] = out;
            bytes += len[i] + 1;
            len[out] = len[i];
            tmp[out++] = tmp[i];
        }
    }
    first[n_owners] = out;
    free(slot);
    free(at);
    char *p = strings_block(o, out, bytes);
    if (!p) {
        free(first);
        free(tmp);
        free(len);
        return SKIDX_ERR_NOMEM;
    }
    for (uint32_t i = 0; i < out; i++) {
        o->v[i] = memcpy(p, tmp[i], len[i] + 1);
        p += len[i] + 1;
    }
    free(tmp);
    free(len);
    o->first = first;
    o->n_owners = n_owners;
    return SKIDX_OK;
}

skidx_status skidx_owner_strings_copy(struct skidx_owner_strings *dst,
                                      const struct skidx_owner_strings *src)
{
    memset(dst, 0, sizeof(*dst));
    if (!src->first)
        return SKIDX_OK;
    const uint32_t n = src->first[src->n_owners];
    size_t bytes = 0;
    for (uint32_t i = 0; i < n; i++)
        bytes += strlen(src->v[i]) + 1;
    dst->first = malloc(((size_t)src->n_owners + 1) * sizeof(*dst->first));
    char *p = strings_block(dst, n, bytes);
    if (!dst->first || !p) {
        free(dst->first);
        free(dst->v);
        memset(dst, 0, sizeof(*dst));
        return SKIDX_ERR_NOMEM;
    }
    memcpy(dst->first, src->first,
           ((size_t)src->n_owners + 1) * sizeof(*dst->first));
    dst->n_owners = src->n_owners;
    for (uint32_t i = 0; i < n; i++) {
        const size_t len = strlen(src->v[i]) + 1;
        dst->v[i] = memcpy(p, src->v[i], len);
        p += len;
    }
    return SKIDX_OK;
}

/* ---- line iteration ---- */

struct cursor {
    const char *p, *end;
    uint32_t line;
    const char *path;
};

/* Next line without its '\n' (and '\r'); 0 at the end. */
static int next_line(struct cursor *c, const char **s, size_t *n)
{
    if (c->p >= c->end)
        return 0;
    const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
    const char *e = nl ? nl : c->end;
    *s = c->p;
    *n = (size_t)(e - c->p);
    if (*n && (*s)[*n - 1] == '\r')
        (*n)--;
    c->p = nl ? nl + 1 : c->end;
    c->line++;
    return 1;
}

/* Split a line at TABs into at most `max` fields. Returns the count. */
static size_t split_tabs(const char *s, size_t n, const char **f, size_t *fl,
                         size_t max)
{
    size_t k = 0;
    const char *p = s, *end = s + n;
    while (k < max) {
        const char *t = memchr(p, '\t', (size_t)(end - p));
        const char *e = t ? t : end;
        f[k] = p;
        fl[k] = (size_t)(e - p);
        k++;
        if (!t)
            break;
        p = t + 1;
    }
    return k;
}

static void trim(const char **s, size_t *n)
{
    while (*n && ((*s)[0] == ' '))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' '))
        (*n)--;
}

/* A UTF-8 BOM is accepted at the very start of the file only; one at the
 * start of a later line (files joined with `cat`) would become part of a
 * name, so it is an error naming the line. */
static skidx_status strip_bom(const struct cursor *c, const char **s,
                              size_t *n, struct skidx_error *err)
{
    if (*n < 3 || memcmp(*s, "\xEF\xBB\xBF", 3))
        return SKIDX_OK;
    if (c->line != 1)
        return skidx_fail(err, SKIDX_ERR_TAXONOMY, c->path, c->line,
                          SKIDX_NOOFF,
                          "a UTF-8 BOM (U+FEFF) starts the line: only the "
                          "first line of a file may start with one");
    *s += 3;
    *n -= 3;
    return SKIDX_OK;
}

/* An empty field after the last TAB: the same error as an empty alias
 * elsewhere on the line, saying why. */
static skidx_status trailing_tab(const struct cursor *c,
                                 struct skidx_error *err)
{
    return skidx_fail(err, SKIDX_ERR_TAXONOMY, c->path, c->line, SKIDX_NOOFF,
                      "empty alias '' (a trailing TAB ends the line)");
}

/* ---- alias forms ---- */

static int has_ascii_alnum(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
            (c >= 'A' && c <= 'Z'))
            return 1;
    }
    return 0;
}

int skidx_alias_flexible(const struct skidx_alias *a)
{
    if (a->flags & (SKIDX_ALIAS_REGEX | SKIDX_ALIAS_STRICT))
        return 0;
    return (a->flags & SKIDX_ALIAS_JOINED) || memchr(a->text, ' ', a->len);
}

/* Does s[0..n) (valid UTF-8) hold a letter of a script written without
 * spaces between words: Thai, Lao, Myanmar, Khmer, Kana, Han, Hangul? */
static int has_unspaced_letter(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l;
        if (p[i] < 0x80) {
            i++;
            continue;
        } else if (p[i] < 0xE0) {
            cp = (uint32_t)(p[i] & 0x1F) << 6 | (p[i + 1] & 0x3F);
            l = 2;
        } else if (p[i] < 0xF0) {
            cp = (uint32_t)(p[i] & 0x0F) << 12 |
                 (uint32_t)(p[i + 1] & 0x3F) << 6 | (p[i + 2] & 0x3F);
            l = 3;
        } else {
            cp = (uint32_t)(p[i] & 0x07) << 18 |
                 (uint32_t)(p[i + 1] & 0x3F) << 12 |
                 (uint32_t)(p[i + 2] & 0x3F) << 6 | (p[i + 3] & 0x3F);
            l = 4;
        }
        if (skidx_cp_is_unspaced_letter(cp))
            return 1;
        i += l;
    }
    return 0;
}

/* *s[0..*n) with skidx_fold_wide()'s forms folded to ASCII: when there is
 * one, a copy in *buf (the caller's to free) and *s, *n point at it. */
static skidx_status fold_alias(const char **s, size_t *n, char **buf)
{
    const unsigned char *t = (const unsigned char *)*s;
    size_t i = 0, k;
    while (i < *n && !(t[i] >= 0xC2 && skidx_fold_wide(t, *n, i, &k)))
        i++;
    if (i == *n)
        return SKIDX_OK;
    char *o = malloc(*n);
    if (!o)
        return SKIDX_ERR_NOMEM;
    memcpy(o, t, i); /* the bytes before the first form */
    size_t m = i;
    while (i < *n) {
        const unsigned char f = t[i] >= 0xC2 ? skidx_fold_wide(t, *n, i, &k)
                                             : 0;
        if (f) {
            o[m++] = (char)f;
            i += k;
        } else {
            o[m++] = (char)t[i++];
        }
    }
    *buf = o;
    *s = o;
    *n = m;
    return SKIDX_OK;
}

static skidx_status parse_alias_text(const struct cursor *c, const char *s,
                                     size_t n, const char *orig,
                                     size_t orig_n, struct skidx_alias *a,
                                     struct skidx_error *err);

/* Parse one alias field into `a` (text allocated). */
static skidx_status parse_alias(const struct cursor *c, const char *s,
                                size_t n, uint32_t owner, uint32_t prio,
                                uint8_t file, struct skidx_alias *a,
                                struct skidx_error *err)
{
    const char *orig = s;
    size_t orig_n = n;
    char q[SKIDX_QUOTE];
    trim(&s, &n);
    memset(a, 0, sizeof(*a));
    if (n && s[0] == '!') {
        a->flags |= SKIDX_ALIAS_NEG;
        s++, n--;
    }
    /* '=', '~' and '+' in any order, each at most once */
    for (;;) {
        unsigned f = !n ? 0
                     : s[0] == '=' ? SKIDX_ALIAS_CASE
                     : s[0] == '~' ? SKIDX_ALIAS_STRICT
                     : s[0] == '+' ? SKIDX_ALIAS_JOINED
                                   : 0;
        if (!f || (a->flags & f))
            break;
        a->flags |= (uint8_t)f;
        s++, n--;
    }
    if ((a->flags & SKIDX_ALIAS_STRICT) && (a->flags & SKIDX_ALIAS_JOINED))
        return skidx_fail(err, SKIDX_ERR_TAXONOMY, c->path, c->line,
                          SKIDX_NOOFF,
                          "alias '%s' is marked both '~' (separators as "
                          "written) and '+' (also joined)",
                          skidx_quote(orig, orig_n, q));
    if (n >= 2 && s[0] == '/' && s[n - 1] == '/') {
        a->flags |= SKIDX_ALIAS_REGEX;
        s++, n -= 2;
        if (a->flags & (SKIDX_ALIAS_STRICT | SKIDX_ALIAS_JOINED))
            return skidx_fail(err, SKIDX_ERR_TAXONOMY, c->path, c->line,
                              SKIDX_NOOFF,
                              "alias '%s': '~' and '+' apply to literal "
                              "aliases only",
                              skidx_quote(orig, orig_n, q));
    }
    if (n == 0)
        return skidx_fail(err, SKIDX_ERR_TAXONOMY, c->path, c->line,
                          SKIDX_NOOFF, "empty alias '%.*s'", (int)orig_n,
                          orig);
    if (memchr(s, '\0', n))
        return skidx_fail(err, SKIDX_ERR_TAXONOMY, c->path, c->line,
                          SKIDX_NOOFF, "alias holds a NUL byte");
    /* a literal is read as text is: its full-width forms, ideographic and
     * no-break spaces and U+2010/2011 hyphens folded to ASCII, or it
     * could never match (`lora，` is `lora,` in folded text) */
    char *folded = NULL;
    if (!(a->flags & SKIDX_ALIAS_REGEX)) {
        skidx_status fst = fold_alias(&s, &n, &folded);
        if (fst)
            return fst;
    }
    skidx_status st = parse_alias_text(c, s, n, orig, orig_n, a, err);
    free(folded);
    if (st)
        return st;
    a->owner = owner;
    a->prio = prio;
    a->line = c->line;
    a->file = file;
    return SKIDX_OK;
}

/* parse_alias() from the text after its markers, s[0..n) (folded). */
static skidx_status parse_alias_text(const struct cursor *c, const char *s,
                                     size_t n, const char *orig,
                                     size_t orig_n, struct skidx_alias *a,
                                     struct skidx_error *err)
{
    char q[SKIDX_QUOTE];
    if (!(a->flags & SKIDX_ALIAS_REGEX) && !has_ascii_alnum(s, n)) {
        /* A literal of a script written without spaces (数据分析, データ,
         * 데이터): the word engine has no ASCII word to key it on, so it
         * goes to Hyperscan as an escaped literal. Its ends are no word
         * characters (Han, Kana, Hangul, punctuation are not), so it needs
         * no boundary there; a literal that starts or ends with a letter
         * of a spaced script (Cyrillic, Greek) would, and is refused. */
        if (!has_unspaced_letter(s, n) || skidx_starts_word(s, n) ||
            skidx_ends_word(s, n))
            return skidx_fail(err, SKIDX_ERR_TAXONOMY, c->path, c->line,
                              SKIDX_NOOFF,
                              "alias '%s' has no ASCII letter or digit and "
                              "starts or ends with a letter (write it as a "
                              "/regex/ with its own boundaries)",
                              skidx_quote(orig, orig_n, q));
        if (a->flags & (SKIDX_ALIAS_STRICT | SKIDX_ALIAS_JOINED))
            return skidx_fail(err, SKIDX_ERR_TAXONOMY, c->path, c->line,
                              SKIDX_NOOFF,
                              "alias '%s': '~' and '+' apply to aliases of "
                              "spaced words only",
                              skidx_quote(orig, orig_n, q));
        char *e = malloc(2 * n + 1);
        if (!e)
            return SKIDX_ERR_NOMEM;
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned char ch = (unsigned char)s[i];
            if (ch < 0x80 && !(ch >= '0' && ch <= '9') &&
                !((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z'))
                e[o++] = '\\';
            e[o++] = (char)ch;
        }
        e[o] = '\0';
        a->text = e;
        a->len = (uint32_t)o;
        a->flags |= SKIDX_ALIAS_REGEX | SKIDX_ALIAS_UNSPACED;
    } else {
        if (!(a->text = dup_n(s, n)))
            return SKIDX_ERR_NOMEM;
        a->len = (uint32_t)n;
    }
    return SKIDX_OK;
}

/* ---- duplicate positive aliases across owners ---- */

struct dup_key {
    const struct skidx_alias *a;
    char *folded;
};

static int dup_cmp(const void *x, const void *y)
{
    const struct dup_key *a = x, *b = y;
    int r = strcmp(a->folded, b->folded);
    if (r)
        return r;
    if (a->a->line != b->a->line)
        return a->a->line < b->a->line ? -1 : 1;
    return 0;
}

/* Two positive aliases of different owners that can match the same text:
 * same regex text, or same literal text (caseless unless both are
 * case-sensitive, then exact). */
static skidx_status check_duplicates(const struct skidx_alias_set *s,
                                     const char *kind,
                                     char *const *owner_names,
                                     struct skidx_error *err)
{
    struct dup_key *k = calloc(s->n ? s->n : 1, sizeof(*k));
    size_t m = 0;
    skidx_status st = SKIDX_OK;
    if (!k)
        return SKIDX_ERR_NOMEM;
    for (size_t i = 0; i < s->n; i++) {
        const struct skidx_alias *a = &s->a[i];
        if (a->flags & SKIDX_ALIAS_NEG)
            continue;
        char *f = malloc(a->len + 3);
        if (!f) {
            st = SKIDX_ERR_NOMEM;
            goto out;
        }
        f[0] = (a->flags & SKIDX_ALIAS_REGEX) ? 'r' : 'l';
        for (uint32_t j = 0; j < a->len; j++)
            f[j + 1] = (a->flags & SKIDX_ALIAS_REGEX)
                           ? a->text[j]
                           : (char)ascii_lower((unsigned char)a->text[j]);
        f[a->len + 1] = '\0';
        k[m].a = a;
        k[m].folded = f;
        m++;
    }
    qsort(k, m, sizeof(*k), dup_cmp);
    for (size_t i = 0; i + 1 < m && st == SKIDX_OK; i++) {
        for (size_t j = i + 1; j < m && !strcmp(k[i].folded, k[j].folded);
             j++) {
            const struct skidx_alias *a = k[i].a, *b = k[j].a;
            if (a->owner == b->owner)
                continue;
            if ((a->flags & b->flags & SKIDX_ALIAS_CASE) &&
                strcmp(a->text, b->text))
                continue; /* "Go" vs "GO": both case-sensitive, distinct */
            char q[SKIDX_QUOTE];
            st = skidx_fail(err, SKIDX_ERR_TAXONOMY, s->files[b->file],
                            b->line, SKIDX_NOOFF,
                            "alias '%s' of %s '%s' is also an alias of '%s' "
                            "(line %u)",
                            skidx_quote(b->text, b->len, q), kind,
                            owner_names[b->owner], owner_names[a->owner],
                            a->line);
            break;
        }
    }
out:
    for (size_t i = 0; i < m; i++)
        free(k[i].folded);
    free(k);
    return st;
}

/* ---- skills.tsv ---- */

#define MAX_FIELDS 4096

static skidx_status check_utf8_line(const struct cursor *c, const char *s,
                                    size_t n, struct skidx_error *err)
{
    size_t bad = skidx_utf8_check(s, n);
    if (bad != SIZE_MAX)
        return skidx_fail(err, SKIDX_ERR_TAXONOMY, c->path, c->line, bad,
                          "invalid UTF-8 at byte %zu of the line", bad + 1);
    if (memchr(s, '\0', n))
        return skidx_fail(err, SKIDX_ERR_TAXONOMY, c->path, c->line,
                          SKIDX_NOOFF, "NUL byte in the line");
    return SKIDX_OK;
}

/* "@key<TAB>value" property lines. */
static skidx_status parse_property(struct skidx_taxonomy *t,
                                   const struct cursor *c, const char *s,
                                   size_t n, struct skidx_error *err)
{
    const char *f[3];
    size_t fl[3];
    size_t k = split_tabs(s, n, f, fl, 3);
    if (k != 2)
        return skidx_fail(err, SKIDX_ERR_TAXONOMY, c->path, c->line,
                          SKIDX_NOOFF,
                          "property line needs '@key<TAB>value'");
    char **dst = NULL;
    if (fl[0] == 12 && !memcmp(f[0], "@camel-split", 12)) {
        if ((fl[1] == 2 && !memcmp(f[1], "on", 2)) ||
            (fl[1] == 3 && !memcmp(f[1], "off", 3))) {
            t->skills.camel_split = fl[1] == 2;
            return SKIDX_OK;
        }
        return skidx_fail(err, SKIDX_ERR_TAXONOMY, c->path, c->line,
                          SKIDX_NOOFF, "@camel-split is 'on' or 'off', not "
                          "'%.*s'", (int)fl[1], f[1]);
    }
    if (fl[0] == 5 && !memcmp(f[0], "@name", 5))
        dst = &t->name;
    else if (fl[0] == 8 && !memcmp(f[0], "@version", 8))
        dst = &t->version;
    else
        return skidx_fail(err, SKIDX_ERR_TAXONOMY, c->path, c->line,
                          SKIDX_NOOFF, "unknown property '%.*s'",
                          (int)fl[0], f[0]);
    free(*dst);
    return (*dst = dup_n(f[1], fl[1])) ? SKIDX_OK : SKIDX_ERR_NOMEM;
}

/* Links to standard classifications, gathered while parsing. */
struct links {
    uint32_t *owner;
    char **text;
    size_t n, cap;
};

static void links_release(struct links *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->text[i]);
    free(l->owner);
    free(l->text);
    memset(l, 0, sizeof(*l));
}

static int links_push(struct links *l, uint32_t owner, const char *s, size_t n)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        uint32_t *o = realloc(l->owner, cap * sizeof(*o));
        if (!o)
            return -1;
        l->owner = o;
        char **t = realloc(l->text, cap * sizeof(*t));
        if (!t)
            return -1;
        l->text = t;
        l->cap = cap;
    }
    if (!(l->text[l->n] = dup_n(s, n)))
        return -1;
    l->owner[l->n++] = owner;
    return 0;
}

/* One "@onet:CODE" or "@esco:URI" column of skill `id`. An O*NET code is
 * the 8 digits of a commodity code; an ESCO link is an http(s) URI (no
 * spaces or control characters), at most one per skill. */
static skidx_status parse_link(const struct cursor *c, const char *s,
                               size_t n, uint32_t id, struct links *esco,
                               struct links *onet, struct skidx_error *err)
{
    if (n > 6 && !memcmp(s, "@onet:", 6)) {
        const char *v = s + 6;
        const size_t vn = n - 6;
        int ok = vn == 8;
        for (size_t i = 0; ok && i < vn; i++)
            ok = v[i] >= '0' && v[i] <= '9';
        if (!ok)
            return skidx_fail(err, SKIDX_ERR_TAXONOMY, c->path, c->line,
                              SKIDX_NOOFF,
                              "bad O*NET link '%.*s': @onet: takes the 8 "
                              "digits of a commodity code",
                              (int)n, s);
        for (size_t i = 0; i < onet->n; i++)
            if (onet->owner[i] == id && !strncmp(onet->text[i], v, 8))
                return skidx_fail(err, SKIDX_ERR_TAXONOMY, c->path, c->line,
                                  SKIDX_NOOFF, "O*NET link '%.*s' given twice",
                                  (int)n, s);
        return links_push(onet, id, v, vn) ? SKIDX_ERR_NOMEM : SKIDX_OK;
    }
    if (n > 6 && !memcmp(s, "@esco:", 6)) {
        const char *v = s + 6;
        const size_t vn = n - 6;
        size_t scheme = vn > 7 && !memcmp(v, "http://", 7)    ? 7
                        : vn > 8 && !memcmp(v, "https://", 8) ? 8
                                                               : 0;
        int ok = scheme != 0;
        for (size_t i = 0; ok && i < vn; i++)
            ok = (unsigned char)v[i] > ' ' && v[i] != 0x7f;
        if (!ok)
            return skidx_fail(err, SKIDX_ERR_TAXONOMY, c->path, c->line,
                              SKIDX_NOOFF,
                              "bad ESCO link '%.*s': @esco: takes an http(s) "
                              "URI without spaces",
                              (int)n, s);
        if (esco->n && esco->owner[esco->n - 1] == id)
            return skidx_fail(err, SKIDX_ERR_TAXONOMY, c->path, c->line,
                              SKIDX_NOOFF,
                              "a second ESCO link '%.*s': a skill has at "
                              "most one",
                              (int)n, s);
        return links_push(esco, id, v, vn) ? SKIDX_ERR_NOMEM : SKIDX_OK;
    }
    const char *colon = memchr(s, ':', n);
    return skidx_fail(err, SKIDX_ERR_TAXONOMY, c->path, c->line, SKIDX_NOOFF,
                      "unknown link column '%.*s' (@onet:CODE or @esco:URI)",
                      (int)(colon ? (size_t)(colon - s) + 1 : n), s);
}

static skidx_status parse_skills(struct skidx_taxonomy *t, const char *buf,
                                 size_t len, struct skidx_error *err)
{
    struct links esco = {0}, onet = {0};
    struct cursor c = {buf, buf + len, 0, t->skills_path};
    struct name_list skills = {0}, cats = {0};
    uint32_t *skill_cat = NULL, cat_cap = 0;
    const char **f = malloc(MAX_FIELDS * sizeof(*f));
    size_t *fl = malloc(MAX_FIELDS * sizeof(*fl));
    const char *s;
    size_t n;
    skidx_status st = SKIDX_OK;

    if (!f || !fl) {
        st = SKIDX_ERR_NOMEM;
        goto out;
    }
    t->skills.files[0] = t->skills_path;
    while (next_line(&c, &s, &n)) {
        if ((st = check_utf8_line(&c, s, n, err)))
            goto out;
        if ((st = strip_bom(&c, &s, &n, err)))
            goto out;
        if (n == 0 || s[0] == '#')
            continue;
        if (s[0] == '@') {
            if ((st = parse_property(t, &c, s, n, err)))
                goto out;
            continue;
        }
        size_t k = split_tabs(s, n, f, fl, MAX_FIELDS);
        if (k == MAX_FIELDS) {
            st = skidx_fail(err, SKIDX_ERR_TAXONOMY, c.path, c.line,
                            SKIDX_NOOFF, "more than %d columns",
                            MAX_FIELDS - 1);
            goto out;
        }
        trim(&f[0], &fl[0]);
        if (k >= 2)
            trim(&f[1], &fl[1]);
        if (k < 3 || fl[0] == 0 || fl[1] == 0) {
            st = skidx_fail(err, SKIDX_ERR_TAXONOMY, c.path, c.line,
                            SKIDX_NOOFF,
                            "missing column: a skill line is "
                            "'NAME<TAB>CATEGORY<TAB>ALIAS...'");
            goto out;
        }
        char *name = dup_n(f[0], fl[0]);
        if (!name) {
            st = SKIDX_ERR_NOMEM;
            goto out;
        }
        int32_t prev = names_find(&skills, name);
        free(name);
        if (prev >= 0) {
            st = skidx_fail(err, SKIDX_ERR_TAXONOMY, c.path, c.line,
                            SKIDX_NOOFF, "duplicate skill '%.*s'",
                            (int)fl[0], f[0]);
            goto out;
        }
        char *cat = dup_n(f[1], fl[1]);
        if (!cat) {
            st = SKIDX_ERR_NOMEM;
            goto out;
        }
        int32_t ci = names_find(&cats, cat);
        free(cat);
        if (ci < 0) {
            if (names_push(&cats, f[1], fl[1])) {
                st = SKIDX_ERR_NOMEM;
                goto out;
            }
            ci = (int32_t)cats.n - 1;
        }
        uint32_t id = skills.n;
        if (names_push(&skills, f[0], fl[0])) {
            st = SKIDX_ERR_NOMEM;
            goto out;
        }
        if (id >= cat_cap) {
            cat_cap = cat_cap ? cat_cap * 2 : 256;
            uint32_t *v = realloc(skill_cat, cat_cap * sizeof(*v));
            if (!v) {
                st = SKIDX_ERR_NOMEM;
                goto out;
            }
            skill_cat = v;
        }
        skill_cat[id] = (uint32_t)ci;
        int positive = 0, links = 0;
        for (size_t i = 2; i < k; i++) {
            struct skidx_alias a;
            if (fl[i] == 0 && i + 1 == k) {
                st = trailing_tab(&c, err);
                goto out;
            }
            const char *ls = f[i];
            size_t ln = fl[i];
            trim(&ls, &ln);
            if (ln && ls[0] == '@') {
                /* link columns follow the aliases */
                if ((st = parse_link(&c, ls, ln, id, &esco, &onet, err)))
                    goto out;
                links = 1;
                continue;
            }
            if (links) {
                char q[SKIDX_QUOTE];
                st = skidx_fail(err, SKIDX_ERR_TAXONOMY, c.path, c.line,
                                SKIDX_NOOFF,
                                "alias '%s' after a link column: links "
                                "(@onet:, @esco:) come last",
                                skidx_quote(f[i], fl[i], q));
                goto out;
            }
            if ((st = parse_alias(&c, f[i], fl[i], id, 0, 0, &a, err)))
                goto out;
            positive += !(a.flags & SKIDX_ALIAS_NEG);
            if (alias_push(&t->skills, &a)) {
                free(a.text);
                st = SKIDX_ERR_NOMEM;
                goto out;
            }
        }
        if (!positive) {
            st = skidx_fail(err, SKIDX_ERR_TAXONOMY, c.path, c.line,
                            SKIDX_NOOFF, "skill '%.*s' has no alias",
                            (int)fl[0], f[0]);
            goto out;
        }
    }
    if (skills.n == 0) {
        st = skidx_fail(err, SKIDX_ERR_TAXONOMY, c.path, SKIDX_NOLINE,
                        SKIDX_NOOFF, "no skill defined");
        goto out;
    }
    t->n_skills = skills.n;
    t->skill_name = skills.v;
    t->skill_cat = skill_cat;
    t->n_cats = cats.n;
    t->cat_name = cats.v;
    names_disown(&skills);
    names_disown(&cats);
    skill_cat = NULL;
    if ((st = skidx_owner_strings_build(&t->esco, t->n_skills, esco.owner,
                                        (const char *const *)esco.text,
                                        esco.n)) ||
        (st = skidx_owner_strings_build(&t->onet, t->n_skills, onet.owner,
                                        (const char *const *)onet.text,
                                        onet.n)))
        goto out;
    st = check_duplicates(&t->skills, "skill", t->skill_name, err);
out:
    links_release(&esco);
    links_release(&onet);
    names_release(&skills);
    names_release(&cats);
    free(skill_cat);
    free(f);
    free(fl);
    return st;
}

/* ---- roles.tsv ---- */

enum rule_kind { RULE_ROLE, RULE_LEVEL, RULE_LEVEL_FIELD };

static skidx_status parse_roles(struct skidx_taxonomy *t, const char *buf,
                                size_t len, struct skidx_error *err)
{
    struct cursor c = {buf, buf + len, 0, t->roles_path};
    struct name_list roles = {0}, levels = {0};
    int64_t role_fallback = -1, level_default = -1;
    /* level-field lines may name a level defined later: keep the names */
    struct name_list pending = {0};
    const char **f = malloc(MAX_FIELDS * sizeof(*f));
    size_t *fl = malloc(MAX_FIELDS * sizeof(*fl));
    const char *s;
    size_t n;
    skidx_status st = SKIDX_OK;

    if (!f || !fl) {
        st = SKIDX_ERR_NOMEM;
        goto out;
    }
    t->roles.files[0] = t->levels.files[0] = t->level_fields.files[0] =
        t->roles_path;
    while (next_line(&c, &s, &n)) {
        if ((st = check_utf8_line(&c, s, n, err)))
            goto out;
        if ((st = strip_bom(&c, &s, &n, err)))
            goto out;
        if (n == 0 || s[0] == '#')
            continue;
        size_t k = split_tabs(s, n, f, fl, MAX_FIELDS);
        if (k == MAX_FIELDS || k < 3) {
            st = skidx_fail(err, SKIDX_ERR_TAXONOMY, c.path, c.line,
                            SKIDX_NOOFF,
                            "missing column: a rule line is "
                            "'role|level|level-field<TAB>NAME<TAB>PRIORITY"
                            "<TAB>ALIAS...'");
            goto out;
        }
        enum rule_kind kind;
        if (fl[0] == 4 && !memcmp(f[0], "role", 4))
            kind = RULE_ROLE;
        else if (fl[0] == 5 && !memcmp(f[0], "level", 5))
            kind = RULE_LEVEL;
        else if (fl[0] == 11 && !memcmp(f[0], "level-field", 11))
            kind = RULE_LEVEL_FIELD;
        else {
            st = skidx_fail(err, SKIDX_ERR_TAXONOMY, c.path, c.line,
                            SKIDX_NOOFF,
                            "unknown rule kind '%.*s' (role, level or "
                            "level-field)",
                            (int)fl[0], f[0]);
            goto out;
        }
        trim(&f[1], &fl[1]);
        trim(&f[2], &fl[2]);
        if (fl[1] == 0) {
            st = skidx_fail(err, SKIDX_ERR_TAXONOMY, c.path, c.line,
                            SKIDX_NOOFF, "missing name");
            goto out;
        }
        char num[16];
        char *endp;
        if (fl[2] == 0 || fl[2] >= sizeof(num)) {
            st = skidx_fail(err, SKIDX_ERR_TAXONOMY, c.path, c.line,
                            SKIDX_NOOFF, "bad priority '%.*s'", (int)fl[2],
                            f[2]);
            goto out;
        }
        memcpy(num, f[2], fl[2]);
        num[fl[2]] = '\0';
        errno = 0;
        unsigned long prio = strtoul(num, &endp, 10);
        if (*endp || errno || prio > 1000000 || num[0] == '-') {
            st = skidx_fail(err, SKIDX_ERR_TAXONOMY, c.path, c.line,
                            SKIDX_NOOFF, "bad priority '%s'", num);
            goto out;
        }
        char *name = dup_n(f[1], fl[1]);
        if (!name) {
            st = SKIDX_ERR_NOMEM;
            goto out;
        }
        struct name_list *names = kind == RULE_ROLE ? &roles : &levels;
        struct skidx_alias_set *set =
            kind == RULE_ROLE    ? &t->roles
            : kind == RULE_LEVEL ? &t->levels
                                 : &t->level_fields;
        int32_t id = names_find(names, name);
        if (id < 0 && kind == RULE_LEVEL_FIELD) {
            /* resolved at the end; give it a provisional id */
            int32_t pi = names_find(&pending, name);
            if (pi < 0) {
                if (names_push(&pending, f[1], fl[1])) {
                    free(name);
                    st = SKIDX_ERR_NOMEM;
                    goto out;
                }
                pi = (int32_t)pending.n - 1;
            }
            id = -2 - pi;
        } else if (id < 0) {
            if (names_push(names, f[1], fl[1])) {
                free(name);
                st = SKIDX_ERR_NOMEM;
                goto out;
            }
            id = (int32_t)names->n - 1;
        }
        free(name);
        int any = 0;
        for (size_t i = 3; i < k; i++) {
            struct skidx_alias a;
            if (fl[i] == 0 && i + 1 == k) {
                st = trailing_tab(&c, err);
                goto out;
            }
            if ((st = parse_alias(&c, f[i], fl[i], (uint32_t)id,
                                  (uint32_t)prio, 0, &a, err)))
                goto out;
            any = 1;
            if (alias_push(set, &a)) {
                free(a.text);
                st = SKIDX_ERR_NOMEM;
                goto out;
            }
        }
        if (!any) {
            int64_t *fb = kind == RULE_ROLE    ? &role_fallback
                          : kind == RULE_LEVEL ? &level_default
                                               : NULL;
            if (!fb) {
                st = skidx_fail(err, SKIDX_ERR_TAXONOMY, c.path, c.line,
                                SKIDX_NOOFF, "level-field rule with no alias");
                goto out;
            }
            if (*fb >= 0 && *fb != id) {
                st = skidx_fail(err, SKIDX_ERR_TAXONOMY, c.path, c.line,
                                SKIDX_NOOFF,
                                "second %s without alias ('%s' is already "
                                "the fallback)",
                                kind == RULE_ROLE ? "role" : "level",
                                names->v[*fb]);
                goto out;
            }
            *fb = id;
        }
    }
    /* resolve level-field names */
    for (size_t i = 0; i < t->level_fields.n; i++) {
        struct skidx_alias *a = &t->level_fields.a[i];
        int32_t id = (int32_t)a->owner;
        if (id <= -2) {
            const char *nm = pending.v[-2 - id];
            int32_t real = names_find(&levels, nm);
            if (real < 0) {
                st = skidx_fail(err, SKIDX_ERR_TAXONOMY, c.path, a->line,
                                SKIDX_NOOFF,
                                "level-field rule names level '%s', which "
                                "has no 'level' line",
                                nm);
                goto out;
            }
            a->owner = (uint32_t)real;
        }
    }
    if (role_fallback < 0 || level_default < 0) {
        st = skidx_fail(err, SKIDX_ERR_TAXONOMY, c.path, SKIDX_NOLINE,
                        SKIDX_NOOFF,
                        "no %s without alias: one role (e.g. Other) and "
                        "one level (e.g. Mid) must be listed without alias "
                        "as the fallback",
                        role_fallback < 0 ? "role" : "level");
        goto out;
    }
    t->n_roles = roles.n;
    t->role_name = roles.v;
    t->role_fallback = (uint32_t)role_fallback;
    t->n_levels = levels.n;
    t->level_name = levels.v;
    t->level_default = (uint32_t)level_default;
    names_disown(&roles);
    names_disown(&levels);
    if ((st = check_duplicates(&t->roles, "role", t->role_name, err)))
        goto out;
    if ((st = check_duplicates(&t->levels, "level", t->level_name, err)))
        goto out;
    st = check_duplicates(&t->level_fields, "level", t->level_name, err);
out:
    names_release(&roles);
    names_release(&levels);
    names_release(&pending);
    free(f);
    free(fl);
    return st;
}

/* ---- hash over the parsed content ---- */

static void hash_str(XXH3_state_t *h, const char *s)
{
    XXH3_64bits_update(h, s, strlen(s) + 1);
}

/* Integers enter the hash as little-endian u32, whatever the host, so a
 * taxonomy hashes the same everywhere (docs/FORMAT.md, "Taxonomy_Hash"). */
static void hash_u32s(XXH3_state_t *h, const uint32_t *v, size_t n)
{
    uint8_t b[16];
    for (size_t i = 0; i < n; i++)
        skidx_wr32(b + 4 * i, v[i]);
    XXH3_64bits_update(h, b, 4 * n);
}

static void hash_set(XXH3_state_t *h, const struct skidx_alias_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct skidx_alias *a = &s->a[i];
        const uint32_t v[3] = {a->owner, a->prio, a->flags};
        hash_u32s(h, v, 3);
        hash_str(h, a->text);
    }
    XXH3_64bits_update(h, "|", 1);
}

skidx_status skidx_taxonomy_rehash(const struct skidx_taxonomy *t,
                                   uint64_t *out)
{
    XXH3_state_t *h = XXH3_createState();
    if (!h)
        return SKIDX_ERR_NOMEM;
    XXH3_64bits_reset_withSeed(h, SKIDX_HASH_SEED);
    hash_str(h, "skidx-taxonomy-1");
    hash_str(h, t->name);
    hash_str(h, t->version);
    if (t->skills.camel_split) /* absent when off: hashes stay as they were */
        hash_str(h, "@camel-split on");
    for (uint32_t i = 0; i < t->n_skills; i++) {
        hash_str(h, t->skill_name[i]);
        hash_str(h, t->cat_name[t->skill_cat[i]]);
    }
    hash_set(h, &t->skills);
    for (uint32_t i = 0; i < t->n_roles; i++)
        hash_str(h, t->role_name[i]);
    for (uint32_t i = 0; i < t->n_levels; i++)
        hash_str(h, t->level_name[i]);
    const uint32_t fb[2] = {t->role_fallback, t->level_default};
    hash_u32s(h, fb, 2);
    hash_set(h, &t->roles);
    hash_set(h, &t->levels);
    hash_set(h, &t->level_fields);
    /* a taxonomy without sections.tsv keeps the hash it had before; the
     * rules are kept sorted for lookup, the hash takes them in file order */
    if (t->sections.n) {
        uint32_t *order = malloc(t->sections.n * sizeof(*order));
        if (!order) {
            XXH3_freeState(h);
            return SKIDX_ERR_NOMEM;
        }
        for (size_t i = 0; i < t->sections.n; i++)
            order[t->sections.r[i].seq] = (uint32_t)i;
        for (size_t i = 0; i < t->sections.n; i++) {
            const struct skidx_section_rule *r = &t->sections.r[order[i]];
            uint8_t v[2] = {r->kind, r->flags};
            XXH3_64bits_update(h, v, sizeof(v));
            hash_str(h, r->text);
        }
        free(order);
    }
    /* links: a taxonomy without any keeps the hash it had before them */
    if (t->esco.first[t->n_skills] || t->onet.first[t->n_skills]) {
        hash_str(h, "links");
        for (uint32_t i = 0; i < t->n_skills; i++) {
            const uint32_t v[2] = {i, t->onet.first[i + 1] - t->onet.first[i]};
            hash_u32s(h, v, 2);
            for (uint32_t j = t->esco.first[i]; j < t->esco.first[i + 1]; j++)
                hash_str(h, t->esco.v[j]);
            hash_str(h, "");
            for (uint32_t j = t->onet.first[i]; j < t->onet.first[i + 1]; j++)
                hash_str(h, t->onet.v[j]);
        }
    }
    *out = XXH3_64bits_digest(h);
    XXH3_freeState(h);
    return SKIDX_OK;
}

/* ---- public ---- */

static char *path_join(const char *dir, const char *file)
{
    size_t a = strlen(dir), b = strlen(file);
    char *p = malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, file, b + 1);
    return p;
}

skidx_status skidx_taxonomy_parse(const char *dir, const char *skills,
                                  size_t skills_len, const char *roles,
                                  size_t roles_len,
                                  struct skidx_taxonomy **out,
                                  struct skidx_error *err)
{
    return skidx_taxonomy_parse_all(dir, skills, skills_len, roles,
                                    roles_len, NULL, 0, out, err);
}

skidx_status skidx_taxonomy_parse_all(const char *dir, const char *skills,
                                      size_t skills_len, const char *roles,
                                      size_t roles_len, const char *sections,
                                      size_t sections_len,
                                      struct skidx_taxonomy **out,
                                      struct skidx_error *err)
{
    struct skidx_taxonomy *t = calloc(1, sizeof(*t));
    skidx_status st;
    *out = NULL;
    if (!t)
        return SKIDX_ERR_NOMEM;
    t->dir = dup_n(dir, strlen(dir));
    t->skills_path = path_join(dir, "skills.tsv");
    t->roles_path = path_join(dir, "roles.tsv");
    t->sections_path = path_join(dir, "sections.tsv");
    t->name = dup_n("unnamed", 7);
    t->version = dup_n("", 0);
    if (!t->dir || !t->skills_path || !t->roles_path || !t->sections_path ||
        !t->name || !t->version) {
        skidx_taxonomy_free(t);
        return SKIDX_ERR_NOMEM;
    }
    if ((st = parse_skills(t, skills, skills_len, err)) ||
        (st = parse_roles(t, roles, roles_len, err)) ||
        (sections &&
         (st = skidx_section_rules_parse(&t->sections, t->sections_path,
                                         sections, sections_len, err))) ||
        (st = skidx_taxonomy_rehash(t, &t->hash))) {
        skidx_taxonomy_free(t);
        return st;
    }
    *out = t;
    return SKIDX_OK;
}

/* Read a whole small file (taxonomies are at most a few MB). */
static skidx_status slurp(const char *path, char **buf, size_t *len,
                          struct skidx_error *err)
{
    *buf = NULL;
    *len = 0;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; anything but
     * a regular file (a FIFO, a device, a directory) is refused. */
    const int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, SKIDX_NOOFF,
                          "cannot open: %s", strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        const int e = errno;
        close(fd);
        return skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, SKIDX_NOOFF,
                          "cannot open: %s", strerror(e));
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, SKIDX_NOOFF,
                          "not a regular file (a %s)",
                          S_ISDIR(sb.st_mode)    ? "directory"
                          : S_ISFIFO(sb.st_mode) ? "FIFO"
                          : S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode)
                              ? "device"
                              : "socket or other special file");
    }
    FILE *fp = fdopen(fd, "rb");
    if (!fp) {
        const int e = errno;
        close(fd);
        return skidx_fail(err, SKIDX_ERR_NOMEM, path, SKIDX_NOLINE,
                          SKIDX_NOOFF, "out of memory (%s)", strerror(e));
    }
    /* sized by fstat (+1 to see the end without growing); a large file
     * in huge pages: its 4 KiB pages faulting one by one cost more than
     * reading it (core/blob.h) */
    size_t cap = 1 << 16, n = 0;
    if (sb.st_size >= (off_t)cap && (uint64_t)sb.st_size < ((size_t)64 << 20))
        cap = (size_t)sb.st_size + 1;
    char *b = cap >= ((size_t)256 << 10) ? skidx_bigbuf(cap) : malloc(cap);
    while (b) {
        if (n == cap) {
            if (cap >= ((size_t)64 << 20)) {
                free(b);
                fclose(fp);
                return skidx_fail(err, SKIDX_ERR_LIMIT, path, SKIDX_NOLINE,
                                  SKIDX_NOOFF,
                                  "taxonomy file larger than 64 MiB");
            }
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
        size_t r = fread(b + n, 1, cap - n, fp);
        n += r;
        if (r == 0)
            break;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (!b)
        return SKIDX_ERR_NOMEM;
    if (bad) {
        free(b);
        return skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, SKIDX_NOOFF,
                          "read error");
    }
    *buf = b;
    *len = n;
    return SKIDX_OK;
}

skidx_status skidx_taxonomy_read(const char *dir,
                                 struct skidx_taxonomy_files *f,
                                 struct skidx_error *err)
{
    char *sp = path_join(dir, "skills.tsv"), *rp = path_join(dir, "roles.tsv");
    char *xp = path_join(dir, "sections.tsv");
    skidx_status st = SKIDX_ERR_NOMEM;
    struct stat sbuf;
    memset(f, 0, sizeof(*f));
    if (sp && rp && xp && !(st = slurp(sp, &f->buf[0], &f->len[0], err)) &&
        !(st = slurp(rp, &f->buf[1], &f->len[1], err)) &&
        stat(xp, &sbuf) == 0 &&
        !(st = slurp(xp, &f->buf[2], &f->len[2], err)))
        f->has_sections = 1; /* sections.tsv is optional */
    free(sp);
    free(rp);
    free(xp);
    if (st)
        skidx_taxonomy_files_release(f);
    return st;
}

void skidx_taxonomy_files_release(struct skidx_taxonomy_files *f)
{
    for (int i = 0; i < 3; i++)
        free(f->buf[i]);
    memset(f, 0, sizeof(*f));
}

skidx_status skidx_taxonomy_parse_files(const char *dir,
                                        const struct skidx_taxonomy_files *f,
                                        struct skidx_taxonomy **out,
                                        struct skidx_error *err)
{
    return skidx_taxonomy_parse_all(dir, f->buf[0], f->len[0], f->buf[1],
                                    f->len[1],
                                    f->has_sections ? f->buf[2] : NULL,
                                    f->len[2], out, err);
}

skidx_status skidx_taxonomy_load(const char *dir, struct skidx_taxonomy **out,
                                 struct skidx_error *err)
{
    struct skidx_taxonomy_files f;
    *out = NULL;
    skidx_status st = skidx_taxonomy_read(dir, &f, err);
    if (!st)
        st = skidx_taxonomy_parse_files(dir, &f, out, err);
    skidx_taxonomy_files_release(&f);
    return st;
}

void skidx_taxonomy_free(struct skidx_taxonomy *t)
{
    if (!t)
        return;
    if (t->image) {
        /* everything but the paths and section rules is the image's */
        skidx_tcache_image_free(t->image);
        skidx_section_rules_release(&t->sections);
        free(t->sections_path);
        free(t->dir);
        free(t->skills_path);
        free(t->roles_path);
        free(t);
        return;
    }
    for (uint32_t i = 0; i < t->n_skills; i++)
        free(t->skill_name[i]);
    free(t->skill_name);
    free(t->skill_cat);
    for (uint32_t i = 0; i < t->n_cats; i++)
        free(t->cat_name[i]);
    free(t->cat_name);
    for (uint32_t i = 0; i < t->n_roles; i++)
        free(t->role_name[i]);
    free(t->role_name);
    for (uint32_t i = 0; i < t->n_levels; i++)
        free(t->level_name[i]);
    free(t->level_name);
    alias_set_release(&t->skills);
    skidx_owner_strings_release(&t->esco);
    skidx_owner_strings_release(&t->onet);
    alias_set_release(&t->roles);
    alias_set_release(&t->levels);
    alias_set_release(&t->level_fields);
    skidx_section_rules_release(&t->sections);
    free(t->sections_path);
    free(t->dir);
    free(t->skills_path);
    free(t->roles_path);
    free(t->name);
    free(t->version);
    free(t);
}

const char *skidx_taxonomy_default_dir(void)
{
    const char *env = getenv("SKIDX_TAXONOMY");
    struct stat sb;
    if (env && *env)
        return env;
#ifdef SKIDX_SOURCE_TAXONOMY
    if (stat(SKIDX_SOURCE_TAXONOMY "/skills.tsv", &sb) == 0)
        return SKIDX_SOURCE_TAXONOMY;
#endif
#ifdef SKIDX_DEFAULT_TAXONOMY
    return SKIDX_DEFAULT_TAXONOMY;
#else
    (void)sb;
    return "taxonomy";
#endif
}
