/*
 * pmerge.c - the exact merge of posting-level sections (see pmerge.h).
 *
 * A segment of an input whose rows are all kept and that starts where an
 * output segment starts is copied as it is (only its Shard column moves by
 * the shards of the inputs before it): merging consecutive parts is
 * concatenation. Otherwise its rows are decoded (columns, dictionary
 * strings, skills from the bitmaps) and appended one by one to the open
 * output segment, exactly as the indexer appends them.
 */
#include "core/pmerge.h"
#include "core/error.h"
#include "core/format.h"

#include <stdlib.h>
#include <string.h>

void skidx_pmerge_init(struct skidx_pmerge *pm)
{
    memset(pm, 0, sizeof(*pm));
}

void skidx_pmerge_release(struct skidx_pmerge *pm)
{
    skidx_pseg_raw_free(pm->raw);
    free(pm->keys);
    free(pm->row_first);
    free(pm->pairs);
    free(pm->bits);
    memset(pm, 0, sizeof(*pm));
}

static size_t slot_of(uint64_t k, size_t cap)
{
    return (size_t)(k * 0x9E3779B97F4A7C15ull >> 17) & (cap - 1);
}

/* 1 when k is in the set */
static int key_has(const struct skidx_pmerge *pm, uint64_t k)
{
    if (!k)
        return pm->has_zero;
    if (!pm->cap)
        return 0;
    for (size_t s = slot_of(k, pm->cap); pm->keys[s];
         s = (s + 1) & (pm->cap - 1))
        if (pm->keys[s] == k)
            return 1;
    return 0;
}

static int key_add(struct skidx_pmerge *pm, uint64_t k)
{
    if (!k) {
        pm->has_zero = 1;
        return 0;
    }
    if ((pm->n + 1) * 4 > pm->cap * 3) {
        const size_t cap = pm->cap ? pm->cap * 2 : 1 << 16;
        uint64_t *nk = calloc(cap, sizeof(*nk));
        if (!nk)
            return -1;
        for (size_t i = 0; i < pm->cap; i++)
            if (pm->keys[i]) {
                size_t s = slot_of(pm->keys[i], cap);
                while (nk[s])
                    s = (s + 1) & (cap - 1);
                nk[s] = pm->keys[i];
            }
        free(pm->keys);
        pm->keys = nk;
        pm->cap = cap;
    }
    size_t s = slot_of(k, pm->cap);
    while (pm->keys[s]) {
        if (pm->keys[s] == k)
            return 0;
        s = (s + 1) & (pm->cap - 1);
    }
    pm->keys[s] = k;
    pm->n++;
    return 0;
}

static skidx_status flush(struct skidx_pmerge *pm, struct skidx_model *dst)
{
    uint8_t *bytes;
    size_t len;
    const uint32_t rows = skidx_pseg_raw_rows(pm->raw);
    SKIDX_FORWARD(skidx_pseg_encode(pm->raw, dst->counts.n_skills, &bytes,
                                    &len));
    SKIDX_FORWARD(skidx_pstore_put(&dst->post, pm->next_seg++, bytes, len,
                                   rows));
    skidx_pseg_raw_reset(pm->raw);
    return SKIDX_OK;
}

/* The skills of every row of segment s, in pm->pairs: row i's are
 * pairs[row_first[i] .. row_first[i+1]), each skill << 1 | preferred-only,
 * ascending. */
static skidx_status row_skills(struct skidx_pmerge *pm,
                               const struct skidx_pseg_view *s)
{
    size_t total = 0;
    if (!pm->row_first &&
        !(pm->row_first = malloc((SKIDX_SEG_ROWS + 1) * sizeof(uint32_t))))
        return SKIDX_ERR_NOMEM;
    if (!pm->bits &&
        !(pm->bits = malloc(2 * SKIDX_SEG_WORDS * sizeof(uint64_t))))
        return SKIDX_ERR_NOMEM;
    uint64_t *bits = pm->bits, *pref = pm->bits + SKIDX_SEG_WORDS;
    memset(pm->row_first, 0, (SKIDX_SEG_ROWS + 1) * sizeof(uint32_t));
    /* pass 1: cardinalities per row; pass 2: fill. Bitmaps were checked
     * when the index was opened. */
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            uint32_t at = 0; /* row_first[i + 1] holds row i's count */
            for (uint32_t i = 0; i <= s->rows; i++) {
                at += pm->row_first[i];
                pm->row_first[i] = at; /* the start of row i */
            }
            total = at;
            if (total > pm->cap_pairs) {
                uint32_t *p = realloc(pm->pairs, total * sizeof(*p));
                if (!p)
                    return SKIDX_ERR_NOMEM;
                pm->pairs = p;
                pm->cap_pairs = total;
            }
        }
        for (uint32_t e = 0; e < s->n_ent; e++) {
            const uint32_t sk = skidx_rd32(s->ent + 16 * (size_t)e);
            size_t used;
            memset(bits, 0, SKIDX_SEG_WORDS * sizeof(uint64_t));
            memset(pref, 0, SKIDX_SEG_WORDS * sizeof(uint64_t));
            if (skidx_roaring_decode(s->base + s->bm[2 * e],
                                     s->size - s->bm[2 * e], s->rows, bits,
                                     &used, NULL))
                return SKIDX_ERR_CORRUPT;
            if (s->bm[2 * e + 1] != UINT64_MAX &&
                skidx_roaring_decode(s->base + s->bm[2 * e + 1],
                                     s->size - s->bm[2 * e + 1], s->rows,
                                     pref, &used, NULL))
                return SKIDX_ERR_CORRUPT;
            for (uint32_t w = 0; w < SKIDX_SEG_WORDS; w++)
                for (uint64_t x = bits[w]; x; x &= x - 1) {
                    const uint32_t row = w * 64 + (uint32_t)__builtin_ctzll(x);
                    if (pass == 0)
                        pm->row_first[row + 1]++;
                    else
                        pm->pairs[pm->row_first[row]++] =
                            sk << 1 | (uint32_t)(pref[w] >> (row % 64) & 1);
                }
        }
    }
    /* pass 2 advanced row_first[i] to row i's end: shift back */
    memmove(pm->row_first + 1, pm->row_first, s->rows * sizeof(uint32_t));
    pm->row_first[0] = 0;
    return SKIDX_OK;
}

static skidx_status add_rows(struct skidx_pmerge *pm, struct skidx_model *dst,
                             const struct skidx_pseg_view *s,
                             uint32_t shard_base)
{
    SKIDX_FORWARD(row_skills(pm, s));
    uint32_t skills[1024], prefs[1024];
    uint32_t *sk = skills, *pf = prefs;
    size_t cap = 1024;
    skidx_status st = SKIDX_OK;
    for (uint32_t i = 0; i < s->rows && !st; i++) {
        const uint32_t a = pm->row_first[i], b = pm->row_first[i + 1];
        if (b - a > cap) {
            cap = b - a;
            if (sk != skills) {
                free(sk);
                free(pf);
            }
            sk = malloc(cap * sizeof(*sk));
            pf = malloc(cap * sizeof(*pf));
            if (!sk || !pf) {
                free(sk);
                free(pf);
                return SKIDX_ERR_NOMEM;
            }
        }
        uint32_t n = 0, np = 0;
        for (uint32_t j = a; j < b; j++) {
            sk[n++] = pm->pairs[j] >> 1;
            if (pm->pairs[j] & 1)
                pf[np++] = pm->pairs[j] >> 1;
        }
        struct skidx_prow w;
        w.dedup = skidx_rd64(s->dedup + 8 * (size_t)i);
        w.line = skidx_rd64(s->line + 8 * (size_t)i);
        w.cell = skidx_rd32(s->cell + 4 * (size_t)i);
        w.month = (int32_t)skidx_rd32(s->month + 4 * (size_t)i);
        w.salary = skidx_rd32(s->salary + 4 * (size_t)i);
        w.status = s->status[i];
        w.shard = skidx_rd32(s->shard + 4 * (size_t)i) + shard_base;
        const uint32_t co = skidx_rd32(s->company + 4 * (size_t)i);
        const uint32_t lo = skidx_rd32(s->location + 4 * (size_t)i);
        w.company = co == SKIDX_NO_STRING ? NULL : s->comp[co];
        w.company_len = co == SKIDX_NO_STRING ? SKIDX_NO_STRING
                                              : (uint32_t)strlen(s->comp[co]);
        w.location = lo == SKIDX_NO_STRING ? NULL : s->loc[lo];
        w.location_len = lo == SKIDX_NO_STRING ? SKIDX_NO_STRING
                                               : (uint32_t)strlen(s->loc[lo]);
        w.skills = sk;
        w.n_skills = n;
        w.pref = pf;
        w.n_pref = np;
        if (key_has(pm, w.dedup)) {
            /* a repost of a posting of an earlier input */
            const int64_t sal = w.status == SKIDX_SAL_NONE ? -1 : (int64_t)w.salary;
            st = skidx_counts_sub(&dst->counts, w.cell, w.month, sal,
                                  w.status == SKIDX_SAL_INDEX, sk, n);
            if (!st) {
                dst->counts.stats[SKIDX_STAT_DUPLICATES]++;
                pm->dropped++;
            }
            continue;
        }
        if (key_add(pm, w.dedup)) {
            st = SKIDX_ERR_NOMEM;
            break;
        }
        if (!pm->raw && (st = skidx_pseg_raw_create(&pm->raw)))
            break;
        if ((st = skidx_pseg_raw_add(pm->raw, &w)))
            break;
        if (skidx_pseg_raw_rows(pm->raw) == SKIDX_SEG_ROWS)
            st = flush(pm, dst);
    }
    if (sk != skills) {
        free(sk);
        free(pf);
    }
    return st;
}

/* A copy of segment s with base added to its Shard column. */
static skidx_status copy_seg(struct skidx_pmerge *pm, struct skidx_model *dst,
                             const struct skidx_pseg_view *s,
                             uint32_t shard_base)
{
    uint8_t *p = malloc(s->size ? s->size : 1);
    if (!p)
        return SKIDX_ERR_NOMEM;
    memcpy(p, s->base, s->size);
    uint8_t *col = p + (s->shard - s->base);
    for (uint32_t i = 0; i < s->rows; i++)
        skidx_wr32(col + 4 * (size_t)i,
                   skidx_rd32(col + 4 * (size_t)i) + shard_base);
    /* the Shard column changed: its checksum and the head's */
    const skidx_status st = skidx_pseg_seal(p, s->size);
    if (st) {
        free(p);
        return st;
    }
    return skidx_pstore_put(&dst->post, pm->next_seg++, p, s->size, s->rows);
}

skidx_status skidx_pmerge_add(struct skidx_pmerge *pm, struct skidx_model *dst,
                              const struct skidx_pview *v)
{
    const uint32_t shard_base = dst->post.n_sources;
    if ((uint64_t)shard_base + v->n_sources > UINT32_MAX)
        return SKIDX_ERR_LIMIT;
    for (uint32_t i = 0; i < v->n_sources; i++)
        SKIDX_FORWARD(skidx_pstore_add_source(&dst->post, v->sources[i]));
    dst->post.present = 1;
    for (uint32_t k = 0; k < v->n_segs; k++) {
        const struct skidx_pseg_view *s = &v->segs[k];
        if (s->rows && !s->dedup)
            return SKIDX_ERR_USAGE; /* not checked: see pmerge.h */
        int fresh = 1; /* no repost in it */
        for (uint32_t i = 0; i < s->rows && fresh; i++)
            fresh = !key_has(pm, skidx_rd64(s->dedup + 8 * (size_t)i));
        /* a segment of version 2 or 3 is re-encoded in version 4 row by
         * row (which gives its locations their countries) */
        if (fresh && s->rows == SKIDX_SEG_ROWS &&
            s->version >= SKIDX_FORMAT_VERSION &&
            (!pm->raw || !skidx_pseg_raw_rows(pm->raw))) {
            for (uint32_t i = 0; i < s->rows; i++)
                if (key_add(pm, skidx_rd64(s->dedup + 8 * (size_t)i)))
                    return SKIDX_ERR_NOMEM;
            SKIDX_FORWARD(copy_seg(pm, dst, s, shard_base));
            continue;
        }
        SKIDX_FORWARD(add_rows(pm, dst, s, shard_base));
    }
    return SKIDX_OK;
}

skidx_status skidx_pmerge_finish(struct skidx_pmerge *pm,
                                 struct skidx_model *dst)
{
    if (pm->raw && skidx_pseg_raw_rows(pm->raw))
        SKIDX_FORWARD(flush(pm, dst));
    uint64_t n = 0;
    for (uint32_t k = 0; k < dst->post.n_segs; k++)
        n += dst->post.segs[k].rows;
    dst->post.n_postings = n;
    if (pm->dropped)
        skidx_counts_trim_months(&dst->counts);
    return SKIDX_OK;
}
