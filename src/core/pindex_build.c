/*
 * pindex_build.c - posting-level segments: raw rows -> the bytes of one
 * segment, bitmaps built by CRoaring in its portable serialization (see
 * pindex.h; the layout is docs/FORMAT.md's).
 *
 * Invariants: a raw segment's rows are in corpus order and its (skill,
 * row) pairs in row order, so a stable counting sort by skill gives each
 * skill's rows ascending; dictionaries list strings in order of first
 * use. So equal rows give equal bytes. Each location's country (format 4,
 * Location_Countries) is skidx_location_country's, so a function of the
 * string and the compiled-in table alone.
 */
#include "core/pindex.h"
#include "core/blob.h"
#include "core/format.h"
#include "core/hash.h"

#include <roaring/roaring.h>
#include <stdlib.h>
#include <string.h>

#define R SKIDX_SEG_ROWS
#define MAX_STR (1u << 20) /* a company or location is cut at 1 MiB */

struct skidx_pseg_raw {
    uint32_t rows;
    uint64_t dedup[R], line[R];
    uint32_t cell[R], month[R], salary[R], shard[R];
    uint32_t comp_off[R], comp_len[R], loc_off[R], loc_len[R];
    uint8_t status[R];
    char *str;
    size_t str_len, str_cap;
    /* the rows' skills, row by row: skill | preferred-only << 24 (a
     * skill id is below SKIDX_MAX_SKILLS, 2^24); row i's end at
     * pair_end[i]. Four bytes a pair, not eight with the row in it: the
     * pairs are most of a raw segment's memory. */
    uint32_t *pairs;
    size_t n_pairs, cap_pairs;
    uint32_t pair_end[R];
};

skidx_status skidx_pseg_raw_create(struct skidx_pseg_raw **out)
{
    *out = malloc(sizeof(**out));
    if (!*out)
        return SKIDX_ERR_NOMEM;
    (*out)->rows = 0;
    (*out)->str = NULL;
    (*out)->str_len = (*out)->str_cap = 0;
    (*out)->pairs = NULL;
    (*out)->n_pairs = (*out)->cap_pairs = 0;
    return SKIDX_OK;
}

void skidx_pseg_raw_free(struct skidx_pseg_raw *r)
{
    if (!r)
        return;
    free(r->str);
    free(r->pairs);
    free(r);
}

void skidx_pseg_raw_reset(struct skidx_pseg_raw *r)
{
    r->rows = 0;
    r->str_len = 0;
    r->n_pairs = 0;
}

uint32_t skidx_pseg_raw_rows(const struct skidx_pseg_raw *r)
{
    return r->rows;
}

size_t skidx_pseg_raw_capacity(const struct skidx_pseg_raw *r)
{
    return r->cap_pairs * sizeof(*r->pairs) + r->str_cap;
}

/* The capacity for `need` items of an array that holds `cap` after
 * `rows` rows of a segment: at least twice as many, and once the rate
 * is known (a thousand rows), enough for the whole segment at that rate
 * and an eighth more, up to 2^24 items. A segment's skills and strings
 * run to megabytes; doubling from 64 Ki copied each of them four to six
 * times into fresh pages (a page fault each 4 KiB); this sizes them at
 * the first growth. A raw segment is reused with what it grew to. */
static size_t grown(size_t cap, size_t need, uint32_t rows)
{
    size_t c = cap ? cap * 2 : 1 << 16;
    if (cap && rows >= 1024) {
        const size_t est = need * R / rows + need * R / rows / 8;
        if (est > c && est <= (size_t)1 << 24)
            c = est;
    }
    while (c < need)
        c *= 2;
    return c;
}

static int add_str(struct skidx_pseg_raw *r, const char *s, uint32_t n,
                   uint32_t *off, uint32_t *len)
{
    if (!s) {
        *off = 0;
        *len = SKIDX_NO_STRING;
        return 0;
    }
    if (n > MAX_STR)
        n = MAX_STR;
    if (r->str_len + n > UINT32_MAX)
        return -1;
    if (r->str_len + n > r->str_cap) {
        const size_t cap = grown(r->str_cap, r->str_len + n, r->rows);
        char *p = realloc(r->str, cap);
        if (!p)
            return -2;
        r->str = p;
        r->str_cap = cap;
    }
    if (n)
        memcpy(r->str + r->str_len, s, n);
    *off = (uint32_t)r->str_len;
    *len = n;
    r->str_len += n;
    return 0;
}

skidx_status skidx_pseg_raw_add(struct skidx_pseg_raw *r,
                                const struct skidx_prow *w)
{
    if (r->rows >= R)
        return SKIDX_ERR_LIMIT;
    const uint32_t i = r->rows;
    size_t need = r->n_pairs + w->n_skills;
    if (need > UINT32_MAX)
        return SKIDX_ERR_LIMIT;
    if (need > r->cap_pairs) {
        const size_t cap = grown(r->cap_pairs, need, i);
        uint32_t *p = realloc(r->pairs, cap * sizeof(*p));
        if (!p)
            return SKIDX_ERR_NOMEM;
        r->pairs = p;
        r->cap_pairs = cap;
    }
    int e;
    if ((e = add_str(r, w->company, w->company_len, &r->comp_off[i],
                     &r->comp_len[i])) ||
        (e = add_str(r, w->location, w->location_len, &r->loc_off[i],
                     &r->loc_len[i])))
        return e == -2 ? SKIDX_ERR_NOMEM : SKIDX_ERR_LIMIT;
    r->dedup[i] = w->dedup;
    r->line[i] = w->line;
    r->cell[i] = w->cell;
    r->month[i] = (uint32_t)w->month;
    r->salary[i] = w->salary;
    r->shard[i] = w->shard;
    r->status[i] = w->status;
    /* both lists are sorted: walk them together */
    uint32_t j = 0;
    for (uint32_t k = 0; k < w->n_skills; k++) {
        const uint32_t s = w->skills[k];
        while (j < w->n_pref && w->pref[j] < s)
            j++;
        const uint32_t pref = j < w->n_pref && w->pref[j] == s;
        r->pairs[r->n_pairs++] = s | pref << 24;
    }
    r->pair_end[i] = (uint32_t)r->n_pairs;
    r->rows++;
    return SKIDX_OK;
}

/* ---- encoding ---- */

/* A dictionary of one segment's strings, in order of first use. */
struct dict {
    uint32_t *slot; /* id + 1, 0 = empty */
    uint32_t mask;
    uint32_t n;
    uint32_t *off, *len; /* of id, in the raw arena */
};

/* Where a string's search begins (ids go by first use, never by the
 * hash): XXH3 reads a company or location some 16 bytes a step, where a
 * byte at a time cost some 300 instructions a row. */
static uint64_t str_hash(const char *s, uint32_t n)
{
    return skidx_hash64(s, n);
}

/* A dictionary for up to `rows` strings (one a row at most): twice as
 * many slots, a power of two. Sized by the segment's rows, not by the
 * most a segment holds: the last, partial segment of a run (all of a
 * small one) cleared 512 KiB of slots per dictionary for a few
 * thousand rows. */
static int dict_init(struct dict *d, uint32_t rows)
{
    uint32_t slots = 16;
    while (slots < 2 * rows)
        slots *= 2;
    d->mask = slots - 1;
    d->n = 0;
    d->slot = calloc(slots, sizeof(*d->slot));
    d->off = malloc((size_t)(rows ? rows : 1) * sizeof(*d->off));
    d->len = malloc((size_t)(rows ? rows : 1) * sizeof(*d->len));
    return d->slot && d->off && d->len ? 0 : -1;
}

static void dict_free(struct dict *d)
{
    free(d->slot);
    free(d->off);
    free(d->len);
}

static uint32_t dict_id(struct dict *d, const char *arena, uint32_t off,
                        uint32_t len)
{
    if (len == SKIDX_NO_STRING)
        return SKIDX_NO_STRING;
    uint32_t s = (uint32_t)str_hash(arena + off, len) & d->mask;
    while (d->slot[s]) {
        const uint32_t id = d->slot[s] - 1;
        if (d->len[id] == len && !memcmp(arena + d->off[id], arena + off, len))
            return id;
        s = (s + 1) & d->mask;
    }
    d->off[d->n] = off;
    d->len[d->n] = len;
    d->slot[s] = ++d->n;
    return d->n - 1;
}

static void put_strings(struct skidx_wblob *b, const struct dict *d,
                        const char *arena)
{
    uint8_t *h = skidx_wblob_grow(b, 4 + 4 * ((size_t)d->n + 1));
    if (!h)
        return;
    skidx_wr32(h, d->n);
    uint32_t at = 0;
    skidx_wr32(h + 4, 0);
    for (uint32_t i = 0; i < d->n; i++) {
        at += d->len[i];
        skidx_wr32(h + 8 + 4 * (size_t)i, at);
    }
    for (uint32_t i = 0; i < d->n; i++) {
        uint8_t *p = skidx_wblob_grow(b, d->len[i]);
        if (p && d->len[i])
            memcpy(p, arena + d->off[i], d->len[i]);
    }
}

/* The country of each location of d (Location_Countries): two capitals,
 * or two zero bytes for none. */
static void put_countries(struct skidx_wblob *b, const struct dict *d,
                          const char *arena)
{
    uint8_t *p = skidx_wblob_grow(b, 2 * (size_t)d->n);
    if (!p)
        return;
    for (uint32_t i = 0; i < d->n; i++) {
        char cc[3];
        skidx_location_country(arena + d->off[i], d->len[i], cc);
        p[2 * (size_t)i] = (uint8_t)cc[0];
        p[2 * (size_t)i + 1] = (uint8_t)(cc[0] ? cc[1] : 0);
    }
}

/* Serialise rows[0..n) as a portable Roaring bitmap at the end of b;
 * returns its size (0 for n == 0: nothing written). */
static size_t put_bitmap(struct skidx_wblob *b, const uint32_t *rows, size_t n)
{
    if (!n)
        return 0;
    roaring_bitmap_t *bm = roaring_bitmap_of_ptr(n, rows);
    if (!bm) {
        b->oom = 1;
        return 0;
    }
    roaring_bitmap_run_optimize(bm);
    const size_t sz = roaring_bitmap_portable_size_in_bytes(bm);
    uint8_t *p = skidx_wblob_grow(b, sz);
    if (p)
        roaring_bitmap_portable_serialize(bm, (char *)p);
    roaring_bitmap_free(bm);
    return p ? sz : 0;
}

skidx_status skidx_pseg_encode(const struct skidx_pseg_raw *r,
                               uint32_t n_skills, uint8_t **out, size_t *len)
{
    const uint32_t n = r->rows;
    struct skidx_wblob b = {0};
    struct dict dc = {0}, dl = {0};
    uint32_t *count = calloc((size_t)n_skills + 1, sizeof(*count));
    /* row | preferred-only << 16, by skill */
    uint32_t *sorted = malloc((r->n_pairs ? r->n_pairs : 1) * sizeof(*sorted));
    uint32_t *rows_all = malloc((size_t)n * sizeof(*rows_all) + 4);
    uint32_t *rows_pref = malloc((size_t)n * sizeof(*rows_pref) + 4);
    skidx_status st = SKIDX_OK;
    *out = NULL;
    *len = 0;
    if (!n || n > R) {
        st = SKIDX_ERR_USAGE;
        goto done;
    }
    if (!count || !sorted || !rows_all || !rows_pref || dict_init(&dc, n) ||
        dict_init(&dl, n)) {
        st = SKIDX_ERR_NOMEM;
        goto done;
    }
    /* stable counting sort of the pairs by skill */
    for (size_t i = 0; i < r->n_pairs; i++) {
        const uint32_t s = r->pairs[i] & 0xFFFFFFu;
        if (s >= n_skills) {
            st = SKIDX_ERR_USAGE;
            goto done;
        }
        count[s + 1]++;
    }
    uint32_t n_ent = 0;
    for (uint32_t s = 0; s < n_skills; s++) {
        n_ent += count[s + 1] != 0;
        count[s + 1] += count[s];
    }
    for (uint32_t row = 0, k = 0; row < n; row++)
        for (; k < r->pair_end[row]; k++) {
            const uint32_t v = r->pairs[k];
            sorted[count[v & 0xFFFFFFu]++] = (v >> 24) << 16 | row;
        }
    /* count[s] is now the end of skill s's pairs */

    /* the columns take 41 bytes a row: room for them at once */
    /* the head (header, part checksums, head checksum) is sealed last */
    const size_t head = (size_t)skidx_seg_head_len(3, n_ent);
    skidx_wblob_room(&b, head + (size_t)n * (8 + 8 + 6 * 4 + 1) + 3);
    uint8_t *h = skidx_wblob_grow(&b, head);
    const size_t col = b.n;
    skidx_wblob_grow(&b, (size_t)n * (8 + 8 + 6 * 4 + 1));
    skidx_wblob_grow(&b, (4 - b.n % 4) % 4);
    if (b.oom) {
        st = SKIDX_ERR_NOMEM;
        goto done;
    }
    h = b.p;
    {
        uint8_t *c = b.p + col;
        for (uint32_t i = 0; i < n; i++) {
            skidx_wr64(c + 8 * (size_t)i, r->dedup[i]);
            skidx_wr64(c + 8 * ((size_t)n + i), r->line[i]);
            uint8_t *c4 = c + 16 * (size_t)n;
            skidx_wr32(c4 + 4 * (size_t)i, r->cell[i]);
            skidx_wr32(c4 + 4 * ((size_t)n + i), r->month[i]);
            skidx_wr32(c4 + 4 * (2 * (size_t)n + i), r->salary[i]);
            skidx_wr32(c4 + 4 * (3 * (size_t)n + i),
                       dict_id(&dc, r->str, r->comp_off[i], r->comp_len[i]));
            skidx_wr32(c4 + 4 * (4 * (size_t)n + i),
                       dict_id(&dl, r->str, r->loc_off[i], r->loc_len[i]));
            skidx_wr32(c4 + 4 * (5 * (size_t)n + i), r->shard[i]);
            c4[24 * (size_t)n + i] = r->status[i];
        }
    }
    skidx_wr32(h, n);
    skidx_wr32(h + 4, n_ent);
    skidx_wr32(h + 8, dc.n);
    skidx_wr32(h + 12, dl.n);
    const size_t ent_at = b.n;
    skidx_wblob_grow(&b, 16 * (size_t)n_ent);
    uint32_t e = 0, start = 0;
    for (uint32_t s = 0; s < n_skills && !b.oom; s++) {
        const uint32_t end = count[s];
        if (end == start)
            continue;
        size_t na = 0, np = 0;
        for (uint32_t i = start; i < end; i++) {
            const uint32_t row = (uint32_t)(sorted[i] & 0xFFFF);
            rows_all[na++] = row;
            if (sorted[i] >> 16 & 1)
                rows_pref[np++] = row;
        }
        const size_t sa = put_bitmap(&b, rows_all, na);
        const size_t sp = put_bitmap(&b, rows_pref, np);
        if (b.oom)
            break;
        uint8_t *en = b.p + ent_at + 16 * (size_t)e;
        skidx_wr32(en, s);
        skidx_wr32(en + 4, 0);
        skidx_wr32(en + 8, (uint32_t)sa);
        skidx_wr32(en + 12, (uint32_t)sp);
        e++;
        start = end;
    }
    put_strings(&b, &dc, r->str);
    put_strings(&b, &dl, r->str);
    put_countries(&b, &dl, r->str);
    if (b.oom) {
        st = SKIDX_ERR_NOMEM;
        goto done;
    }
    if ((st = skidx_pseg_seal(b.p, b.n)))
        goto done;
    /* the segment is kept until the file is written: no spare capacity */
    uint8_t *fit = realloc(b.p, b.n);
    *out = fit ? fit : b.p;
    *len = b.n;
    b.p = NULL;
done:
    free(b.p);
    free(count);
    free(sorted);
    free(rows_all);
    free(rows_pref);
    dict_free(&dc);
    dict_free(&dl);
    return st;
}

