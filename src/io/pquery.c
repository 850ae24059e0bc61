/*
 * pquery.c - posting-level queries of skidx.h: skill expressions compiled
 * against an index's names, evaluated segment by segment over the
 * posting-level sections (core/pindex.h) into row bitsets, with column
 * filters; sets, columns and per-skill counts.
 *
 * Every segment comes from skidx_index_pseg (all of it) or
 * skidx_index_pseg_head and _part (the head, then the columns and bitmaps
 * a query reads), which check what they hand out on first use
 * (index_read.c): nothing here reads a part of a segment before that
 * succeeded.
 *
 * A set keeps one bitset of 65,536 bits per segment (8 KiB): a million
 * postings take 128 KiB. Evaluation decodes each bitmap a term names into
 * a bitset and combines them word by word: a segment costs a few
 * microseconds per term.
 */
#include "core/error.h"
#include "core/format.h"
#include "core/pindex.h"
#include "io/index_read.h"
#include "skidx.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define W SKIDX_SEG_WORDS
#define MAX_DEPTH 64
#define MAX_NODES 4096

enum { N_SKILL, N_AND, N_OR, N_NOT };

/* Does a segment's row set (W words) hold any row? */
static int seg_any(const uint64_t *in)
{
    for (uint32_t j = 0; j < W; j++)
        if (in[j])
            return 1;
    return 0;
}

struct node {
    int op;
    uint32_t skill; /* N_SKILL */
    int a, b;       /* children */
};

struct skidx_where {
    struct node *n;
    int n_nodes, root;
};

struct skidx_pset {
    uint32_t n_segs;
    uint64_t n_postings;
    uint64_t count;
    uint64_t *bits; /* n_segs x W */
};

uint64_t skidx_index_n_postings(const struct skidx_index *idx)
{
    const struct skidx_pview *v = skidx_index_pview(idx);
    return v ? v->n_postings : 0;
}

/* ---- compiling ---- */

struct parser {
    const struct skidx_index *idx;
    const char *s;
    size_t at;
    struct skidx_where *w;
    struct skidx_error *err;
    skidx_status st;
    int depth;
};

static int fail_at(struct parser *p, skidx_status st, size_t at,
                   const char *what, const char *name)
{
    if (p->st)
        return -1;
    p->st = st;
    if (p->err) {
        skidx_fail(p->err, st, NULL, SKIDX_NOLINE, at, "%s%s%s (at byte %zu)",
                   what, name ? " " : "", name ? name : "", at + 1);
    }
    return -1;
}

static void skip_space(struct parser *p)
{
    while (p->s[p->at] == ' ' || p->s[p->at] == '\t' || p->s[p->at] == '\n' ||
           p->s[p->at] == '\r')
        p->at++;
}

/* The operator word at `at` (AND, OR, NOT, any case, followed by a space,
 * parenthesis, quote or the end): its length, else 0. */
static size_t keyword(const char *s, size_t at, int *op)
{
    static const struct { const char *w; int op; } k[] = {
        {"and", N_AND}, {"or", N_OR}, {"not", N_NOT}};
    for (size_t i = 0; i < 3; i++) {
        const size_t n = strlen(k[i].w);
        if (!strncasecmp(s + at, k[i].w, n)) {
            const char c = s[at + n];
            if (c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
                c == '(' || c == ')' || c == '"') {
                *op = k[i].op;
                return n;
            }
        }
    }
    return 0;
}

static int add_node(struct parser *p, int op, uint32_t skill, int a, int b)
{
    if (p->w->n_nodes >= MAX_NODES)
        return fail_at(p, SKIDX_ERR_LIMIT, p->at, "expression too long",
                       NULL);
    p->w->n[p->w->n_nodes] = (struct node){op, skill, a, b};
    return p->w->n_nodes++;
}

static int parse_or(struct parser *p);

/* The longest run of words from `start` (up to a parenthesis, a quote
 * or the end, operator words included) that names a skill, in out; 0
 * when none that holds an operator word does. */
static int longer_name(const struct parser *p, size_t start, char *out,
                       size_t cap)
{
    size_t end = start;
    while (p->s[end] && p->s[end] != '(' && p->s[end] != ')' &&
           p->s[end] != '"')
        end++;
    /* from the whole run down to its shorter word-ends */
    while (end > start) {
        size_t e = end;
        while (e > start && (p->s[e - 1] == ' ' || p->s[e - 1] == '\t' ||
                             p->s[e - 1] == '\n' || p->s[e - 1] == '\r'))
            e--;
        if (e > start && e - start < cap) {
            int op, has_op = 0;
            for (size_t i = start + 1; i < e; i++)
                if ((p->s[i - 1] == ' ' || p->s[i - 1] == '\t') &&
                    keyword(p->s, i, &op))
                    has_op = 1;
            memcpy(out, p->s + start, e - start);
            out[e - start] = '\0';
            uint32_t ids[2], m = 0;
            if (has_op) {
                skidx_index_lookup(p->idx, SKIDX_DIM_SKILL, out, ids, 2, &m);
                if (m)
                    return 1;
            }
        }
        /* the next shorter run ends before this one's last word */
        end = e;
        while (end > start && p->s[end - 1] != ' ' && p->s[end - 1] != '\t' &&
               p->s[end - 1] != '\n' && p->s[end - 1] != '\r')
            end--;
    }
    return 0;
}

static int parse_name(struct parser *p)
{
    const size_t start = p->at;
    char buf[512];
    size_t n = 0;
    if (p->s[p->at] == '"') {
        p->at++;
        while (p->s[p->at] && p->s[p->at] != '"') {
            if (n + 1 < sizeof(buf))
                buf[n++] = p->s[p->at];
            p->at++;
        }
        if (p->s[p->at] != '"')
            return fail_at(p, SKIDX_ERR_USAGE, start, "unclosed quote", NULL);
        p->at++;
    } else {
        /* words up to an operator, a parenthesis, a quote or the end */
        size_t end = p->at;
        for (;;) {
            const char c = p->s[end];
            int op;
            if (!c || c == '(' || c == ')' || c == '"')
                break;
            if ((end == start || p->s[end - 1] == ' ' || p->s[end - 1] == '\t') &&
                keyword(p->s, end, &op))
                break;
            end++;
        }
        while (end > start && (p->s[end - 1] == ' ' || p->s[end - 1] == '\t' ||
                               p->s[end - 1] == '\n' || p->s[end - 1] == '\r'))
            end--;
        for (size_t i = start; i < end; i++)
            if (n + 1 < sizeof(buf))
                buf[n++] = p->s[i];
        p->at = end;
    }
    buf[n] = '\0';
    if (!n) {
        if (!p->s[start])
            return fail_at(p, SKIDX_ERR_USAGE, start,
                           "a skill name is missing at the end", NULL);
        char what[64];
        snprintf(what, sizeof(what), "a skill name is expected, not '%c'",
                 p->s[start]);
        return fail_at(p, SKIDX_ERR_USAGE, start, what, NULL);
    }
    uint32_t ids[8], m = 0;
    skidx_index_lookup(p->idx, SKIDX_DIM_SKILL, buf, ids, 8, &m);
    if (m == 0) {
        char q[1200];
        const int k = snprintf(q, sizeof(q), "'%s'", buf);
        /* "Data structures and algorithms" unquoted reads as "Data
         * structures" AND "algorithms": when a longer run of the words
         * from here, operator words and all, is a skill, say so */
        char whole[512];
        if (p->s[start] != '"' && k > 0 && (size_t)k < sizeof(q) &&
            longer_name(p, start, whole, sizeof(whole)))
            snprintf(q + k, sizeof(q) - (size_t)k,
                     " ('%s' is a skill: quote a name that holds AND, OR "
                     "or NOT, \"%s\")",
                     whole, whole);
        return fail_at(p, SKIDX_ERR_NOTFOUND, start, "unknown skill", q);
    }
    if (m > 1) {
        char q[1400];
        size_t o = (size_t)snprintf(q, sizeof(q), "'%s' (it names", buf);
        for (uint32_t i = 0; i < m && i < 8 && o < sizeof(q); i++)
            o += (size_t)snprintf(q + o, sizeof(q) - o, "%s '%s'",
                                  i ? (i + 1 == m ? " and" : ",") : "",
                                  skidx_index_skill_name(p->idx, ids[i]));
        if (o < sizeof(q))
            snprintf(q + o, sizeof(q) - o, "%s; give the full name)",
                     m > 8 ? " and more" : "");
        return fail_at(p, SKIDX_ERR_AMBIGUOUS, start, "ambiguous skill", q);
    }
    return add_node(p, N_SKILL, ids[0], -1, -1);
}

static int parse_factor(struct parser *p)
{
    skip_space(p);
    if (++p->depth > MAX_DEPTH)
        return fail_at(p, SKIDX_ERR_LIMIT, p->at, "expression nested too deep",
                       NULL);
    int r, op;
    size_t k;
    if (p->s[p->at] == '(') {
        const size_t open = p->at++;
        r = parse_or(p);
        skip_space(p);
        if (r >= 0 && p->s[p->at] != ')')
            r = fail_at(p, SKIDX_ERR_USAGE, p->s[p->at] ? p->at : open,
                        p->s[p->at] ? "')' expected" : "unclosed '('", NULL);
        else if (r >= 0)
            p->at++;
    } else if ((k = keyword(p->s, p->at, &op)) && op == N_NOT) {
        p->at += k;
        const int a = parse_factor(p);
        r = a < 0 ? -1 : add_node(p, N_NOT, 0, a, -1);
    } else if (k) {
        r = fail_at(p, SKIDX_ERR_USAGE, p->at,
                    op == N_AND ? "a skill name is expected before AND"
                                : "a skill name is expected before OR",
                    NULL);
    } else if (p->s[p->at] == ')') {
        r = fail_at(p, SKIDX_ERR_USAGE, p->at, "unexpected ')'", NULL);
    } else {
        r = parse_name(p);
    }
    p->depth--;
    return r;
}

static int parse_bin(struct parser *p, int op)
{
    int a = op == N_OR ? parse_bin(p, N_AND) : parse_factor(p);
    while (a >= 0) {
        skip_space(p);
        int o;
        const size_t k = keyword(p->s, p->at, &o);
        if (!k || o != op)
            break;
        p->at += k;
        const int b = op == N_OR ? parse_bin(p, N_AND) : parse_factor(p);
        if (b < 0)
            return -1;
        a = add_node(p, op, 0, a, b);
    }
    return a;
}

static int parse_or(struct parser *p)
{
    return parse_bin(p, N_OR);
}

skidx_status skidx_where_compile(const struct skidx_index *idx,
                                 const char *expr, struct skidx_where **out,
                                 struct skidx_error *err)
{
    *out = NULL;
    struct skidx_where *w = calloc(1, sizeof(*w));
    if (w)
        w->n = calloc(MAX_NODES, sizeof(*w->n));
    if (!w || !w->n) {
        skidx_where_free(w);
        return skidx_fail(err, SKIDX_ERR_NOMEM, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF, "out of memory");
    }
    struct parser p = {idx, expr, 0, w, err, SKIDX_OK, 0};
    skip_space(&p);
    if (!expr[p.at]) {
        skidx_where_free(w);
        return skidx_fail(err, SKIDX_ERR_USAGE, NULL, SKIDX_NOLINE, 0,
                          "empty expression");
    }
    w->root = parse_or(&p);
    skip_space(&p);
    if (w->root >= 0 && expr[p.at]) {
        int op;
        fail_at(&p, SKIDX_ERR_USAGE, p.at,
                expr[p.at] == ')' ? "unexpected ')'"
                : keyword(expr, p.at, &op)
                    ? "AND or OR expected between terms, not NOT"
                    : "AND or OR expected between terms",
                NULL);
    }
    if (p.st) {
        skidx_where_free(w);
        return p.st;
    }
    *out = w;
    return SKIDX_OK;
}

void skidx_where_free(struct skidx_where *w)
{
    if (!w)
        return;
    free(w->n);
    free(w);
}

void skidx_filter_init(struct skidx_filter *f)
{
    memset(f, 0, sizeof(*f));
    f->role = f->level = SKIDX_ANY;
    f->month_from = INT32_MIN;
    f->month_to = INT32_MAX;
}

int skidx_index_has_countries(const struct skidx_index *idx)
{
    const struct skidx_pview *v = skidx_index_pview(idx);
    return v && v->version >= 4;
}

/* ---- evaluating ---- */

/* The entry of skill k in segment s, or -1. */
static int64_t entry_of(const struct skidx_pseg_view *s, uint32_t k)
{
    uint32_t lo = 0, hi = s->n_ent;
    while (lo < hi) {
        const uint32_t mid = lo + (hi - lo) / 2;
        const uint32_t x = skidx_rd32(s->ent + 16 * (size_t)mid);
        if (x < k)
            lo = mid + 1;
        else if (x > k)
            hi = mid;
        else
            return mid;
    }
    return -1;
}

/* The rows of skill k in s into out (W words); with required, minus the
 * preferred-only rows (tmp: W words of scratch). */
static void skill_rows(const struct skidx_pseg_view *s, uint32_t k,
                       int required, uint64_t *out, uint64_t *tmp)
{
    memset(out, 0, W * sizeof(uint64_t));
    const int64_t e = entry_of(s, k);
    if (e < 0)
        return;
    size_t used;
    /* checked before the segment was handed out: cannot fail */
    (void)skidx_roaring_decode(s->base + s->bm[2 * e], s->size - s->bm[2 * e],
                               s->rows, out, &used, NULL);
    if (required && s->bm[2 * e + 1] != UINT64_MAX) {
        memset(tmp, 0, W * sizeof(uint64_t));
        (void)skidx_roaring_decode(s->base + s->bm[2 * e + 1],
                                   s->size - s->bm[2 * e + 1], s->rows, tmp,
                                   &used, NULL);
        for (uint32_t i = 0; i < W; i++)
            out[i] &= ~tmp[i];
    }
}

static void all_rows(uint64_t *out, uint32_t rows)
{
    memset(out, 0, W * sizeof(uint64_t));
    for (uint32_t i = 0; i < rows / 64; i++)
        out[i] = ~0ull;
    if (rows % 64)
        out[rows / 64] = (1ull << (rows % 64)) - 1;
}

/* Node i of w over segment s into out; scratch has (depth + 2) x W words
 * free after out. */
static void eval(const struct skidx_where *w, int i,
                 const struct skidx_pseg_view *s, int required, uint64_t *out,
                 uint64_t *scratch)
{
    const struct node *n = &w->n[i];
    switch (n->op) {
    case N_SKILL:
        skill_rows(s, n->skill, required, out, scratch);
        return;
    case N_NOT: {
        eval(w, n->a, s, required, out, scratch);
        uint64_t *m = scratch;
        all_rows(m, s->rows);
        for (uint32_t j = 0; j < W; j++)
            out[j] = ~out[j] & m[j];
        return;
    }
    default: {
        eval(w, n->a, s, required, out, scratch);
        uint64_t *b = scratch;
        eval(w, n->b, s, required, b, scratch + W);
        if (n->op == N_AND)
            for (uint32_t j = 0; j < W; j++)
                out[j] &= b[j];
        else
            for (uint32_t j = 0; j < W; j++)
                out[j] |= b[j];
        return;
    }
    }
}

static int depth_of(const struct skidx_where *w, int i)
{
    const struct node *n = &w->n[i];
    if (n->op == N_SKILL)
        return 1;
    const int a = depth_of(w, n->a);
    const int b = n->op == N_NOT ? 0 : depth_of(w, n->b);
    return 1 + (a > b ? a : b);
}

static int str_eq(const char *a, const char *b)
{
    return !strcasecmp(a, b);
}

/* Rows of s whose columns pass f: cleared in out. */
static void filter_rows(const struct skidx_pseg_view *s,
                        const struct skidx_filter *f, uint32_t n_levels,
                        uint64_t *out)
{
    /* company and location: the dictionary ids that match */
    int64_t comp = -2, loc = -2; /* -2: any; -1: none matches */
    if (f->company) {
        comp = -1;
        for (uint32_t i = 0; i < s->n_comp && comp < 0; i++)
            if (str_eq(s->comp[i], f->company))
                comp = i;
    }
    if (f->location) {
        loc = -1;
        for (uint32_t i = 0; i < s->n_loc && loc < 0; i++)
            if (str_eq(s->loc[i], f->location))
                loc = i;
    }
    /* country (version 4): some location of the segment must have it */
    const char *cc = f->country;
    int cty = 0;
    for (uint32_t i = 0; cc && s->loc_cc && i < s->n_loc && !cty; i++)
        cty = s->loc_cc[2 * (size_t)i] == (uint8_t)cc[0] &&
              s->loc_cc[2 * (size_t)i + 1] == (uint8_t)cc[1];
    if (comp == -1 || loc == -1 || (cc && !cty)) {
        memset(out, 0, W * sizeof(uint64_t));
        return;
    }
    const int months = f->month_from != INT32_MIN || f->month_to != INT32_MAX;
    const int cells = f->role != SKIDX_ANY || f->level != SKIDX_ANY;
    if (f->role == SKIDX_ANY && f->level == SKIDX_ANY && !months &&
        comp == -2 && loc == -2 && !cc)
        return;
    for (uint32_t wi = 0; wi < W; wi++)
        for (uint64_t x = out[wi]; x; x &= x - 1) {
            const uint32_t r = wi * 64 + (uint32_t)__builtin_ctzll(x);
            /* only the columns need_parts read: the others were never
             * read from the file (their pages of the copy are untouched) */
            int ok = 1;
            if (cells) {
                const uint32_t cell = skidx_rd32(s->cell + 4 * (size_t)r);
                ok = (f->role == SKIDX_ANY ||
                      cell / n_levels == (uint32_t)f->role) &&
                     (f->level == SKIDX_ANY ||
                      cell % n_levels == (uint32_t)f->level);
            }
            if (ok && months) {
                const int32_t m =
                    (int32_t)skidx_rd32(s->month + 4 * (size_t)r);
                ok = m != INT32_MIN && m >= f->month_from && m <= f->month_to;
            }
            if (ok && comp >= 0)
                ok = skidx_rd32(s->company + 4 * (size_t)r) == (uint32_t)comp;
            if (ok && loc >= 0)
                ok = skidx_rd32(s->location + 4 * (size_t)r) == (uint32_t)loc;
            if (ok && cc) {
                const uint32_t lo = skidx_rd32(s->location + 4 * (size_t)r);
                ok = lo != SKIDX_NO_STRING &&
                     s->loc_cc[2 * (size_t)lo] == (uint8_t)cc[0] &&
                     s->loc_cc[2 * (size_t)lo + 1] == (uint8_t)cc[1];
            }
            if (!ok)
                out[wi] &= ~(1ull << (r % 64));
        }
}

/* The parts of segment k (its head checked) that evaluating w and
 * filtering by f read: each skill's bitmaps, the filtered columns. */
static skidx_status need_parts(const struct skidx_index *idx, uint32_t k,
                               const struct skidx_pseg_view *s,
                               const struct skidx_where *w,
                               const struct skidx_filter *f,
                               struct skidx_error *err)
{
    for (int i = 0; w && i < w->n_nodes; i++) {
        if (w->n[i].op != N_SKILL)
            continue;
        const int64_t e = entry_of(s, w->n[i].skill);
        if (e >= 0)
            SKIDX_FORWARD(skidx_index_pseg_part(
                idx, k, SKIDX_PART_BITMAP + (uint32_t)e, err));
    }
    if (f->role != SKIDX_ANY || f->level != SKIDX_ANY)
        SKIDX_FORWARD(skidx_index_pseg_part(idx, k, SKIDX_PART_CELL, err));
    if (f->month_from != INT32_MIN || f->month_to != INT32_MAX)
        SKIDX_FORWARD(skidx_index_pseg_part(idx, k, SKIDX_PART_MONTH, err));
    if (f->company)
        SKIDX_FORWARD(skidx_index_pseg_part(idx, k, SKIDX_PART_COMPANY, err));
    if (f->location || f->country)
        SKIDX_FORWARD(skidx_index_pseg_part(idx, k, SKIDX_PART_LOCATION, err));
    if (f->company || f->location || f->country)
        SKIDX_FORWARD(skidx_index_pseg_part(idx, k, SKIDX_PART_DICTS, err));
    return SKIDX_OK;
}

/* Segment k's head and the bitmaps of skill sk in it. */
static skidx_status need_skill(const struct skidx_index *idx, uint32_t k,
                               uint32_t sk,
                               const struct skidx_pseg_view **seg,
                               struct skidx_error *err)
{
    SKIDX_FORWARD(skidx_index_pseg_head(idx, k, seg, err));
    const int64_t e = entry_of(*seg, sk);
    return e < 0 ? SKIDX_OK
                 : skidx_index_pseg_part(idx, k,
                                         SKIDX_PART_BITMAP + (uint32_t)e, err);
}

static skidx_status need_v2(const struct skidx_index *idx,
                            const struct skidx_pview **v,
                            struct skidx_error *err)
{
    *v = skidx_index_pview(idx);
    if (!*v)
        return skidx_fail(err, SKIDX_ERR_VERSION, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF,
                          "the index is of format version 1, without "
                          "posting-level sections (written by 'skidx index "
                          "--no-postings' or an older skidx): re-index the "
                          "corpus without --no-postings");
    return SKIDX_OK;
}

/* An empty posting set over n_segs segments; NULL when out of memory. */
static struct skidx_pset *pset_new(uint32_t n_segs)
{
    struct skidx_pset *s = calloc(1, sizeof(*s));
    if (s && !(s->bits = calloc(n_segs ? (size_t)n_segs * W : 1,
                                sizeof(uint64_t)))) {
        free(s);
        return NULL;
    }
    if (s)
        s->n_segs = n_segs;
    return s;
}

skidx_status skidx_select(const struct skidx_index *idx,
                          const struct skidx_where *w,
                          const struct skidx_filter *fi,
                          struct skidx_pset **out, struct skidx_error *err)
{
    *out = NULL;
    const struct skidx_pview *v;
    SKIDX_FORWARD(need_v2(idx, &v, err));
    struct skidx_filter any;
    if (!fi) {
        skidx_filter_init(&any);
        fi = &any;
    }
    if ((fi->role != SKIDX_ANY &&
         (fi->role < 0 || (uint32_t)fi->role >= skidx_index_n_roles(idx))) ||
        (fi->level != SKIDX_ANY &&
         (fi->level < 0 || (uint32_t)fi->level >= skidx_index_n_levels(idx))) ||
        fi->month_from > fi->month_to)
        return skidx_fail(err, SKIDX_ERR_USAGE, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF, "a filter out of range");
    /* the country as the file has it: two capitals */
    char cc[3] = {0};
    if (fi->country) {
        const char *c = fi->country;
        if (strlen(c) != 2 || !isalpha((unsigned char)c[0]) ||
            !isalpha((unsigned char)c[1]) || (c[0] & 0x80) || (c[1] & 0x80))
            return skidx_fail(err, SKIDX_ERR_USAGE, NULL, SKIDX_NOLINE,
                              SKIDX_NOOFF,
                              "country '%s' is not an ISO 3166-1 alpha-2 "
                              "code", c);
        if (!skidx_index_has_countries(idx))
            return skidx_fail(err, SKIDX_ERR_VERSION, NULL, SKIDX_NOLINE,
                              SKIDX_NOOFF,
                              "the index is of format version %u, which "
                              "has no country column: re-index the corpus "
                              "with this skidx (or 'skidx merge' the index "
                              "into a new one) to add it",
                              v->version);
        cc[0] = (char)toupper((unsigned char)c[0]);
        cc[1] = (char)toupper((unsigned char)c[1]);
        any = *fi;
        any.country = cc;
        fi = &any;
    }
    struct skidx_pset *s = pset_new(v->n_segs);
    const int depth = w ? depth_of(w, w->root) : 0;
    uint64_t *scratch = malloc((size_t)(depth + 2) * W * sizeof(uint64_t));
    if (!s || !scratch) {
        free(scratch);
        skidx_pset_free(s);
        return skidx_fail(err, SKIDX_ERR_NOMEM, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF, "out of memory");
    }
    s->n_postings = v->n_postings;
    const uint32_t nl = skidx_index_n_levels(idx);
    for (uint32_t k = 0; k < v->n_segs; k++) {
        uint64_t *o = s->bits + (size_t)k * W;
        const struct skidx_pseg_view *seg;
        skidx_status st = skidx_index_pseg_head(idx, k, &seg, err);
        if (!st)
            st = need_parts(idx, k, seg, w, fi, err);
        if (st) {
            free(scratch);
            skidx_pset_free(s);
            return st;
        }
        if (w)
            eval(w, w->root, seg, fi->required, o, scratch);
        else
            all_rows(o, seg->rows);
        filter_rows(seg, fi, nl, o);
        for (uint32_t j = 0; j < W; j++)
            s->count += (uint64_t)__builtin_popcountll(o[j]);
    }
    free(scratch);
    *out = s;
    return SKIDX_OK;
}

uint64_t skidx_pset_count(const struct skidx_pset *s)
{
    return s ? s->count : 0;
}

int skidx_pset_next(const struct skidx_pset *s, uint64_t *cursor,
                    uint64_t *posting)
{
    for (uint64_t p = *cursor; p < s->n_postings;) {
        const uint64_t word = s->bits[p / 64] >> (p % 64);
        if (word) {
            p += (uint64_t)__builtin_ctzll(word);
            *posting = p;
            *cursor = p + 1;
            return 1;
        }
        p = (p / 64 + 1) * 64;
    }
    *cursor = s->n_postings;
    return 0;
}

int skidx_pset_has(const struct skidx_pset *s, uint64_t p)
{
    return p < s->n_postings && (s->bits[p / 64] >> (p % 64) & 1);
}

void skidx_pset_free(struct skidx_pset *s)
{
    if (!s)
        return;
    free(s->bits);
    free(s);
}

skidx_status skidx_pset_skills(const struct skidx_index *idx,
                               const struct skidx_pset *set, int required,
                               uint64_t *counts)
{
    const struct skidx_pview *v;
    SKIDX_FORWARD(need_v2(idx, &v, NULL));
    memset(counts, 0, skidx_index_n_skills(idx) * sizeof(uint64_t));
    uint64_t *b = malloc(2 * W * sizeof(uint64_t));
    if (!b)
        return SKIDX_ERR_NOMEM;
    for (uint32_t k = 0; k < v->n_segs && k < set->n_segs; k++) {
        const uint64_t *in = set->bits + (size_t)k * W;
        if (!seg_any(in))
            continue;
        const struct skidx_pseg_view *seg;
        skidx_status st = skidx_index_pseg_head(idx, k, &seg, NULL);
        for (uint32_t e = 0; !st && e < seg->n_ent; e++)
            st = skidx_index_pseg_part(idx, k, SKIDX_PART_BITMAP + e, NULL);
        if (st) {
            free(b);
            return st;
        }
        for (uint32_t e = 0; e < seg->n_ent; e++) {
            const uint32_t sk = skidx_rd32(seg->ent + 16 * (size_t)e);
            skill_rows(seg, sk, required, b, b + W);
            uint64_t c = 0;
            for (uint32_t j = 0; j < W; j++)
                c += (uint64_t)__builtin_popcountll(b[j] & in[j]);
            counts[sk] += c;
        }
    }
    free(b);
    return SKIDX_OK;
}

skidx_status skidx_pset_with_skill(const struct skidx_index *idx,
                                   const struct skidx_pset *set, uint32_t k,
                                   int required, struct skidx_pset **out)
{
    *out = NULL;
    const struct skidx_pview *v;
    SKIDX_FORWARD(need_v2(idx, &v, NULL));
    if (k >= skidx_index_n_skills(idx))
        return SKIDX_ERR_USAGE;
    struct skidx_pset *s = pset_new(set->n_segs);
    uint64_t *tmp = malloc(W * sizeof(uint64_t));
    if (!s || !tmp) {
        free(tmp);
        skidx_pset_free(s);
        return SKIDX_ERR_NOMEM;
    }
    s->n_postings = set->n_postings;
    for (uint32_t g = 0; g < v->n_segs && g < set->n_segs; g++) {
        const uint64_t *in = set->bits + (size_t)g * W;
        uint64_t *o = s->bits + (size_t)g * W;
        if (!seg_any(in))
            continue;
        const struct skidx_pseg_view *seg;
        const skidx_status st = need_skill(idx, g, k, &seg, NULL);
        if (st) {
            free(tmp);
            skidx_pset_free(s);
            return st;
        }
        skill_rows(seg, k, required, o, tmp);
        for (uint32_t j = 0; j < W; j++) {
            o[j] &= in[j];
            s->count += (uint64_t)__builtin_popcountll(o[j]);
        }
    }
    free(tmp);
    *out = s;
    return SKIDX_OK;
}

skidx_status skidx_pset_related(const struct skidx_index *idx,
                                const struct skidx_pset *set, uint32_t k,
                                uint64_t *both, uint64_t *each,
                                uint64_t *with_k)
{
    struct skidx_pset *sk;
    SKIDX_FORWARD(skidx_pset_with_skill(idx, set, k, 0, &sk));
    skidx_status st = skidx_pset_skills(idx, sk, 0, both);
    if (!st)
        st = skidx_pset_skills(idx, set, 0, each);
    *with_k = skidx_pset_count(sk);
    skidx_pset_free(sk);
    return st;
}

static skidx_status locate(const struct skidx_index *idx, uint64_t p,
                           const struct skidx_pseg_view **seg, uint32_t *row)
{
    const struct skidx_pview *v;
    SKIDX_FORWARD(need_v2(idx, &v, NULL));
    if (p >= v->n_postings)
        return SKIDX_ERR_USAGE;
    *row = (uint32_t)(p % SKIDX_SEG_ROWS);
    return skidx_index_pseg(idx, (uint32_t)(p / SKIDX_SEG_ROWS), seg, NULL);
}

skidx_status skidx_index_posting(const struct skidx_index *idx, uint64_t p,
                                 struct skidx_posting_info *o)
{
    const struct skidx_pseg_view *s;
    uint32_t r;
    memset(o, 0, sizeof(*o));
    SKIDX_FORWARD(locate(idx, p, &s, &r));
    const uint32_t nl = skidx_index_n_levels(idx);
    const uint32_t cell = skidx_rd32(s->cell + 4 * (size_t)r);
    const int32_t month = (int32_t)skidx_rd32(s->month + 4 * (size_t)r);
    const uint8_t status = s->status[r];
    const uint32_t co = skidx_rd32(s->company + 4 * (size_t)r);
    const uint32_t lo = skidx_rd32(s->location + 4 * (size_t)r);
    const uint32_t sh = skidx_rd32(s->shard + 4 * (size_t)r);
    const struct skidx_pview *v = skidx_index_pview(idx);
    int32_t m0;
    uint32_t nm;
    skidx_index_month_range(idx, &m0, &nm);
    /* checked when the segment was; again here, because a mapped file
     * (SKIDX_OPEN_MAP) rewritten in place since could say otherwise, and
     * these values index arrays */
    if (cell >= nl * skidx_index_n_roles(idx) ||
        (month != INT32_MIN &&
         (month < m0 || (int64_t)month - m0 >= (int64_t)nm)) ||
        status > SKIDX_SAL_OTHER ||
        (co != SKIDX_NO_STRING && co >= s->n_comp) ||
        (lo != SKIDX_NO_STRING && lo >= s->n_loc) || sh >= v->n_sources)
        return SKIDX_ERR_CORRUPT;
    o->role = cell / nl;
    o->level = cell % nl;
    o->month = month;
    o->salary = skidx_rd32(s->salary + 4 * (size_t)r);
    o->salary_status = status;
    o->company = co == SKIDX_NO_STRING ? "" : s->comp[co];
    o->location = lo == SKIDX_NO_STRING ? "" : s->loc[lo];
    if (lo != SKIDX_NO_STRING && s->loc_cc && s->loc_cc[2 * (size_t)lo]) {
        o->country[0] = (char)s->loc_cc[2 * (size_t)lo];
        o->country[1] = (char)s->loc_cc[2 * (size_t)lo + 1];
    }
    o->shard = v->sources[sh];
    o->line = skidx_rd64(s->line + 8 * (size_t)r);
    o->dedup = skidx_rd64(s->dedup + 8 * (size_t)r);
    return SKIDX_OK;
}

skidx_status skidx_index_posting_skill(const struct skidx_index *idx,
                                       uint64_t p, uint32_t k, int *out,
                                       int *pref_only)
{
    const struct skidx_pseg_view *s;
    uint32_t r;
    *out = 0;
    if (pref_only)
        *pref_only = 0;
    const struct skidx_pview *v;
    SKIDX_FORWARD(need_v2(idx, &v, NULL));
    if (p >= v->n_postings || k >= skidx_index_n_skills(idx))
        return SKIDX_ERR_USAGE;
    r = (uint32_t)(p % SKIDX_SEG_ROWS);
    SKIDX_FORWARD(need_skill(idx, (uint32_t)(p / SKIDX_SEG_ROWS), k, &s,
                             NULL));
    uint64_t *b = malloc(2 * W * sizeof(uint64_t));
    if (!b)
        return SKIDX_ERR_NOMEM;
    skill_rows(s, k, 0, b, b + W);
    *out = (int)(b[r / 64] >> (r % 64) & 1);
    if (*out && pref_only) {
        skill_rows(s, k, 1, b, b + W);
        *pref_only = !(b[r / 64] >> (r % 64) & 1);
    }
    free(b);
    return SKIDX_OK;
}
