/*
 * pindex.c - posting-level segments: the model's store and the checked
 * view of a file's segments (see pindex.h; the layout is docs/FORMAT.md's).
 * Building them is pindex_build.c's, the one user of CRoaring: a program
 * that only reads indexes does not link it.
 */
#include "core/pindex.h"
#include "core/error.h"
#include "core/format.h"
#include "core/hash.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- store ---- */

skidx_status skidx_pstore_put(struct skidx_pstore *s, uint32_t k, uint8_t *p,
                              size_t len, uint32_t rows)
{
    if (k >= s->cap_segs) {
        uint32_t cap = s->cap_segs ? s->cap_segs * 2 : 16;
        while (cap <= k)
            cap *= 2;
        struct skidx_pseg_bytes *v = realloc(s->segs, cap * sizeof(*v));
        if (!v) {
            free(p);
            return SKIDX_ERR_NOMEM;
        }
        memset(v + s->cap_segs, 0, (cap - s->cap_segs) * sizeof(*v));
        s->segs = v;
        s->cap_segs = cap;
    }
    if (s->sink && k < s->n_sunk) {
        free(p);
        return SKIDX_ERR_USAGE;
    }
    free(s->segs[k].p);
    s->segs[k] = (struct skidx_pseg_bytes){p, len, rows};
    if (k >= s->n_segs)
        s->n_segs = k + 1;
    s->present = 1;
    /* hand on every segment whose turn has come */
    while (s->sink && s->n_sunk < s->n_segs && s->segs[s->n_sunk].p) {
        struct skidx_pseg_bytes *g = &s->segs[s->n_sunk];
        SKIDX_FORWARD(s->sink(s->sink_arg, g->p, g->len));
        free(g->p);
        g->p = NULL;
        s->n_sunk++;
    }
    return SKIDX_OK;
}

skidx_status skidx_pstore_add_source(struct skidx_pstore *s, const char *path)
{
    char **v = realloc(s->sources, ((size_t)s->n_sources + 1) * sizeof(*v));
    if (!v)
        return SKIDX_ERR_NOMEM;
    s->sources = v;
    if (!(v[s->n_sources] = strdup(path)))
        return SKIDX_ERR_NOMEM;
    s->n_sources++;
    s->present = 1;
    return SKIDX_OK;
}

void skidx_pstore_release(struct skidx_pstore *s)
{
    for (uint32_t i = 0; i < s->cap_segs; i++)
        free(s->segs[i].p);
    free(s->segs);
    for (uint32_t i = 0; i < s->n_sources; i++)
        free(s->sources[i]);
    free(s->sources);
    memset(s, 0, sizeof(*s));
}

/* ---- reading ---- */

int skidx_roaring_decode(const uint8_t *p, size_t avail, uint32_t limit,
                         uint64_t *bits, size_t *used, uint64_t *card)
{
    if (avail < 4)
        return -1;
    const uint32_t cookie = skidx_rd32(p);
    uint32_t size;
    size_t at;
    const uint8_t *runs = NULL;
    if ((cookie & 0xFFFF) == 12347) {
        size = (cookie >> 16) + 1;
        runs = p + 4;
        at = 4 + (size_t)(size + 7) / 8;
    } else if (cookie == 12346) {
        if (avail < 8)
            return -1;
        size = skidx_rd32(p + 4);
        at = 8;
    } else {
        return -1;
    }
    /* values below limit <= 65536: only the container of key 0 */
    if (size > 1 || at > avail || avail - at < 4 * (size_t)size)
        return -1;
    const uint8_t *hdr = p + at;
    at += 4 * (size_t)size;
    const int offsets = !runs || size >= 4;
    const uint8_t *offs = p + at;
    if (offsets) {
        if (avail - at < 4 * (size_t)size)
            return -1;
        at += 4 * (size_t)size;
    }
    uint64_t total = 0;
    for (uint32_t c = 0; c < size; c++) {
        const uint32_t key = hdr[4 * c] | (uint32_t)hdr[4 * c + 1] << 8;
        const uint32_t n = (hdr[4 * c + 2] | (uint32_t)hdr[4 * c + 3] << 8) + 1;
        if (key != 0)
            return -1;
        if (offsets && skidx_rd32(offs + 4 * c) != at)
            return -1;
        if (runs && (runs[c / 8] >> (c % 8) & 1)) {
            if (avail - at < 2)
                return -1;
            const uint32_t nr = p[at] | (uint32_t)p[at + 1] << 8;
            at += 2;
            if (avail - at < 4 * (size_t)nr)
                return -1;
            uint64_t sum = 0;
            int64_t prev_end = -1;
            for (uint32_t i = 0; i < nr; i++) {
                const uint32_t v0 = p[at] | (uint32_t)p[at + 1] << 8;
                const uint32_t ln = p[at + 2] | (uint32_t)p[at + 3] << 8;
                at += 4;
                if ((int64_t)v0 <= prev_end || v0 + ln >= limit)
                    return -1;
                prev_end = v0 + ln;
                sum += ln + 1;
                if (bits)
                    for (uint32_t v = v0; v <= v0 + ln; v++)
                        bits[v >> 6] |= 1ull << (v & 63);
            }
            if (sum != n)
                return -1;
        } else if (n > 4096) {
            if (avail - at < 8192)
                return -1;
            uint64_t pop = 0;
            for (uint32_t w = 0; w < 1024; w++) {
                const uint64_t x = skidx_rd64(p + at + 8 * (size_t)w);
                if (x && (uint64_t)w * 64 + 63 - __builtin_clzll(x) >= limit)
                    return -1;
                pop += (uint64_t)__builtin_popcountll(x);
                if (bits)
                    bits[w] |= x;
            }
            at += 8192;
            if (pop != n)
                return -1;
        } else {
            if (avail - at < 2 * (size_t)n)
                return -1;
            int64_t prev = -1;
            for (uint32_t i = 0; i < n; i++) {
                const uint32_t v = p[at + 2 * i] | (uint32_t)p[at + 2 * i + 1] << 8;
                if ((int64_t)v <= prev || v >= limit)
                    return -1;
                prev = v;
                if (bits)
                    bits[v >> 6] |= 1ull << (v & 63);
            }
            at += 2 * (size_t)n;
        }
        total += n;
    }
    *used = at;
    if (card)
        *card = total;
    return 0;
}

/* A string list at p[0..avail) of `expect` strings, copied with NULs into
 * one blob (*blob, strings *v); *used = its bytes. 0, -1 corrupt, -2 nomem. */
static int strlist(const uint8_t *p, uint64_t avail, uint32_t expect,
                   char ***v, char **blob, uint64_t *used)
{
    *v = NULL;
    *blob = NULL;
    if (avail < 4 || skidx_rd32(p) != expect || expect > (1u << 24) ||
        (uint64_t)(expect + 1) * 4 > avail - 4)
        return -1;
    const uint8_t *offs = p + 4;
    const uint64_t blob_at = 4 + 4 * ((uint64_t)expect + 1);
    const uint32_t last = skidx_rd32(offs + 4 * (size_t)expect);
    if (skidx_rd32(offs) != 0 || last > avail - blob_at)
        return -1;
    if (memchr(p + blob_at, '\0', last))
        return -1;
    *v = calloc(expect ? expect : 1, sizeof(char *));
    *blob = malloc((size_t)last + expect + 1);
    if (!*v || !*blob)
        return -2;
    char *d = *blob;
    for (uint32_t i = 0; i < expect; i++) {
        const uint32_t a = skidx_rd32(offs + 4 * (size_t)i);
        const uint32_t b = skidx_rd32(offs + 4 * (size_t)i + 4);
        if (b < a || b > last)
            return -1;
        (*v)[i] = d;
        memcpy(d, p + blob_at + a, b - a);
        d += b - a;
        *d++ = '\0';
    }
    *used = blob_at + last;
    return 0;
}

static skidx_status bad(char *msg, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static skidx_status bad(char *msg, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, n, fmt, ap);
    va_end(ap);
    return SKIDX_ERR_CORRUPT;
}

static skidx_status parse_seg(struct skidx_pseg_view *s, uint32_t k,
                              uint32_t n_cells, uint32_t n_skills,
                              int32_t first_month, uint32_t n_months,
                              uint32_t n_sources, char *msg, size_t ml)
{
    const uint8_t *p = s->base;
    const uint64_t size = s->size;
    if (size < SKIDX_SEG_HEAD)
        return bad(msg, ml, "segment %u: shorter than its header", k);
    const uint32_t n = skidx_rd32(p), ne = skidx_rd32(p + 4);
    s->n_comp = skidx_rd32(p + 8);
    s->n_loc = skidx_rd32(p + 12);
    if (n != s->rows)
        return bad(msg, ml, "segment %u: %u rows, the directory says %u", k,
                   n, s->rows);
    uint64_t at = SKIDX_SEG_HEAD;
    const uint64_t cols = (uint64_t)n * 41;
    const uint64_t ent_at = (at + cols + 3) & ~(uint64_t)3;
    if (ne > n_skills || ent_at > size || (size - ent_at) / 16 < ne)
        return bad(msg, ml, "segment %u: columns or skill entries run past "
                            "its end", k);
    for (uint64_t g = at + cols; g < ent_at; g++)
        if (p[g])
            return bad(msg, ml, "segment %u: padding not zero", k);
    s->dedup = p + at;
    s->line = p + at + 8 * (uint64_t)n;
    s->cell = p + at + 16 * (uint64_t)n;
    s->month = s->cell + 4 * (uint64_t)n;
    s->salary = s->month + 4 * (uint64_t)n;
    s->company = s->salary + 4 * (uint64_t)n;
    s->location = s->company + 4 * (uint64_t)n;
    s->shard = s->location + 4 * (uint64_t)n;
    s->status = s->shard + 4 * (uint64_t)n;
    s->ent = p + ent_at;
    s->n_ent = ne;
    for (uint32_t i = 0; i < n; i++) {
        const uint32_t c = skidx_rd32(s->cell + 4 * (size_t)i);
        const int32_t m = (int32_t)skidx_rd32(s->month + 4 * (size_t)i);
        const uint32_t sal = skidx_rd32(s->salary + 4 * (size_t)i);
        const uint32_t co = skidx_rd32(s->company + 4 * (size_t)i);
        const uint32_t lo = skidx_rd32(s->location + 4 * (size_t)i);
        const uint8_t stt = s->status[i];
        if (c >= n_cells)
            return bad(msg, ml, "segment %u row %u: cell %u out of range", k,
                       i, c);
        if (m != INT32_MIN &&
            (m < first_month || (int64_t)m - first_month >= n_months))
            return bad(msg, ml, "segment %u row %u: month out of the "
                                "index's range", k, i);
        if (stt > SKIDX_SAL_OTHER || (stt == SKIDX_SAL_NONE) != (sal == 0))
            return bad(msg, ml, "segment %u row %u: bad salary status", k,
                       i);
        if ((co != SKIDX_NO_STRING && co >= s->n_comp) ||
            (lo != SKIDX_NO_STRING && lo >= s->n_loc))
            return bad(msg, ml, "segment %u row %u: string id out of range",
                       k, i);
        if (skidx_rd32(s->shard + 4 * (size_t)i) >= n_sources)
            return bad(msg, ml, "segment %u row %u: shard out of range", k,
                       i);
    }
    s->bm = malloc(((size_t)ne * 2 + 1) * sizeof(*s->bm));
    if (!s->bm)
        return SKIDX_ERR_NOMEM;
    at = ent_at + 16 * (uint64_t)ne;
    int64_t prev = -1;
    for (uint32_t e = 0; e < ne; e++) {
        const uint8_t *en = s->ent + 16 * (size_t)e;
        const uint32_t sk = skidx_rd32(en), sa = skidx_rd32(en + 8),
                       sp = skidx_rd32(en + 12);
        if ((int64_t)sk <= prev || sk >= n_skills || skidx_rd32(en + 4) ||
            sa == 0)
            return bad(msg, ml, "segment %u: skill entry %u out of order or "
                                "out of range", k, e);
        prev = sk;
        size_t used;
        uint64_t ca, cp = 0;
        if (sa > size - at ||
            skidx_roaring_decode(p + at, sa, n, NULL, &used, &ca) ||
            used != sa || ca == 0)
            return bad(msg, ml, "segment %u: skill %u: malformed bitmap", k,
                       sk);
        s->bm[2 * e] = at;
        at += sa;
        s->bm[2 * e + 1] = UINT64_MAX;
        if (sp) {
            if (sp > size - at ||
                skidx_roaring_decode(p + at, sp, n, NULL, &used, &cp) ||
                used != sp || cp == 0)
                return bad(msg, ml, "segment %u: skill %u: malformed "
                                    "preferred bitmap", k, sk);
            s->bm[2 * e + 1] = at;
            at += sp;
        }
    }
    /* the preferred-only rows must be a subset of the rows: checked when
     * evaluated would cost each query; a superset is harmless (it is
     * intersected), so it is not checked here */
    uint64_t u1, u2;
    int r = strlist(p + at, size - at, s->n_comp, &s->comp, &s->blob, &u1);
    if (r == -2)
        return SKIDX_ERR_NOMEM;
    if (r)
        return bad(msg, ml, "segment %u: malformed company list", k);
    at += u1;
    r = strlist(p + at, size - at, s->n_loc, &s->loc, &s->blob_loc, &u2);
    if (r == -2)
        return SKIDX_ERR_NOMEM;
    if (r)
        return bad(msg, ml, "segment %u: malformed location list", k);
    at += u2;
    if (at != size)
        return bad(msg, ml, "segment %u: %llu bytes left after its lists", k,
                   (unsigned long long)(size - at));
    return SKIDX_OK;
}

skidx_status skidx_pview_parse_dir(struct skidx_pview *v, const uint8_t *dir,
                                   uint64_t dir_size, const uint8_t *data,
                                   uint64_t data_size, const uint8_t *src,
                                   uint64_t src_size, char *msg, size_t ml)
{
    memset(v, 0, sizeof(*v));
    uint64_t used;
    if (src_size < 4)
        return bad(msg, ml, "malformed SOURCES section");
    int r = strlist(src, src_size, skidx_rd32(src), &v->sources,
                    &v->sources_blob, &used);
    if (r == -2)
        return SKIDX_ERR_NOMEM;
    if (r || used != src_size)
        return bad(msg, ml, "malformed SOURCES section");
    v->n_sources = skidx_rd32(src);
    if (dir_size < 16)
        return bad(msg, ml, "malformed POSTINGS section");
    v->n_postings = skidx_rd64(dir);
    v->n_segs = skidx_rd32(dir + 8);
    v->seg_rows = skidx_rd32(dir + 12);
    if (v->seg_rows != SKIDX_SEG_ROWS ||
        dir_size != 16 + 16 * (uint64_t)v->n_segs ||
        v->n_postings > (uint64_t)v->n_segs * SKIDX_SEG_ROWS ||
        (v->n_segs &&
         v->n_postings <= (uint64_t)(v->n_segs - 1) * SKIDX_SEG_ROWS) ||
        (!v->n_segs && v->n_postings))
        return bad(msg, ml, "POSTINGS: %llu postings in %u segments of %u "
                            "do not add up",
                   (unsigned long long)v->n_postings, v->n_segs, v->seg_rows);
    v->segs = calloc(v->n_segs ? v->n_segs : 1, sizeof(*v->segs));
    if (!v->segs)
        return SKIDX_ERR_NOMEM;
    v->data = data;
    v->version = SKIDX_FORMAT_VERSION;
    uint64_t end = 0;
    for (uint32_t k = 0; k < v->n_segs; k++) {
        struct skidx_pseg_view *s = &v->segs[k];
        const uint64_t off = skidx_rd64(dir + 16 + 16 * (size_t)k);
        const uint64_t sz = skidx_rd64(dir + 24 + 16 * (size_t)k);
        if (off != ((end + 7) & ~(uint64_t)7) || off > data_size ||
            sz > data_size - off)
            return bad(msg, ml, "segment %u: offset %llu size %llu outside "
                                "SEGMENTS or not where the previous one ends",
                       k, (unsigned long long)off, (unsigned long long)sz);
        s->gap = off - end;
        end = off + sz;
        s->base = data + off;
        s->size = sz;
        s->first = (uint64_t)k * SKIDX_SEG_ROWS;
        s->rows = k + 1 < v->n_segs
                      ? SKIDX_SEG_ROWS
                      : (uint32_t)(v->n_postings - s->first);
    }
    if (end != data_size)
        return bad(msg, ml, "SEGMENTS: %llu bytes after the last segment",
                   (unsigned long long)(data_size - end));
    return SKIDX_OK;
}

skidx_status skidx_pseg_check(struct skidx_pview *v, uint32_t k,
                              uint32_t n_cells, uint32_t n_skills,
                              int32_t first_month, uint32_t n_months,
                              char *msg, size_t ml)
{
    struct skidx_pseg_view *s = &v->segs[k];
    /* no checksum covers the padding: it must be zero */
    for (uint64_t g = 1; g <= s->gap; g++)
        if (s->base[-(int64_t)g])
            return bad(msg, ml, "padding before segment %u not zero", k);
    /* a failed check may have left allocations: start clean */
    free(s->bm);
    free(s->comp);
    free(s->loc);
    free(s->blob);
    free(s->blob_loc);
    free(s->bm_end);
    free(s->ok);
    s->bm = s->bm_end = NULL;
    s->ok = NULL;
    s->loc_cc = NULL;
    s->head_ok = 0;
    s->comp = s->loc = NULL;
    s->blob = s->blob_loc = NULL;
    s->version = v->version;
    if (v->version < 3)
        return parse_seg(s, k, n_cells, n_skills, first_month, n_months,
                         v->n_sources, msg, ml);
    SKIDX_FORWARD(skidx_pseg_head(v, k, n_skills, 1, msg, ml));
    /* Salary is checked against Salary_Status: that first */
    SKIDX_FORWARD(skidx_pseg_part_check(v, k, SKIDX_PART_STATUS, n_cells,
                                        first_month, n_months, 1, NULL, msg,
                                        ml));
    for (uint32_t p = 0; p < SKIDX_PART_BITMAP + s->n_ent; p++)
        if (!s->ok[p])
            SKIDX_FORWARD(skidx_pseg_part_check(v, k, p, n_cells, first_month,
                                                n_months, 1, NULL, msg, ml));
    return SKIDX_OK;
}

skidx_status skidx_pview_parse(struct skidx_pview *v, const uint8_t *dir,
                               uint64_t dir_size, const uint8_t *data,
                               uint64_t data_size, const uint8_t *src,
                               uint64_t src_size, uint32_t n_cells,
                               uint32_t n_skills, int32_t first_month,
                               uint32_t n_months, char *msg, size_t ml)
{
    SKIDX_FORWARD(skidx_pview_parse_dir(v, dir, dir_size, data, data_size,
                                        src, src_size, msg, ml));
    for (uint32_t k = 0; k < v->n_segs; k++)
        SKIDX_FORWARD(skidx_pseg_check(v, k, n_cells, n_skills, first_month,
                                       n_months, msg, ml));
    return SKIDX_OK;
}

void skidx_pview_release(struct skidx_pview *v)
{
    for (uint32_t k = 0; v->segs && k < v->n_segs; k++) {
        free(v->segs[k].bm);
        free(v->segs[k].comp);
        free(v->segs[k].loc);
        free(v->segs[k].blob);
        free(v->segs[k].blob_loc);
        free(v->segs[k].bm_end);
        free(v->segs[k].ok);
        free(v->segs[k].ent_own);
    }
    free(v->segs);
    free(v->sources);
    free(v->sources_blob);
    memset(v, 0, sizeof(*v));
}

/* ---- version 3: parts ---- */

static const char *const part_names[SKIDX_PART_BITMAP] = {
    "column Dedup_Key", "column Line",     "column Cell",
    "column Month",     "column Salary",   "column Company",
    "column Location",  "column Shard",    "column Salary_Status",
    "skill entry table", "dictionaries",
};

const char *skidx_pseg_part_name(uint32_t part)
{
    return part < SKIDX_PART_BITMAP ? part_names[part] : "skill bitmaps";
}

/* Where the parts of a version-3 segment of n rows lie, from its header
 * and entry table (p[0..size), those bytes present); only bounds are
 * checked here. at/len: SKIDX_PART_BITMAP each; bm: 2 per entry (All,
 * Preferred or UINT64_MAX), bm_end: 1 per entry. -1 when a part runs
 * past the end. */
static int layout(const uint8_t *p, uint64_t size, uint32_t n, uint32_t ne,
                  uint64_t *at, uint64_t *len, uint64_t *bm, uint64_t *bm_end)
{
    if (size < SKIDX_SEG_HEAD)
        return -1;
    const uint64_t hl = skidx_seg_head_len(3, ne);
    const uint64_t ent_at = (hl + 41 * (uint64_t)n + 3) & ~(uint64_t)3;
    if (hl > size || ent_at > size || (size - ent_at) / 16 < ne)
        return -1;
    static const uint8_t width[SKIDX_PART_STATUS] = {8, 8, 4, 4, 4, 4, 4, 4};
    uint64_t o = hl;
    for (int c = 0; c < SKIDX_PART_STATUS; c++) {
        at[c] = o;
        len[c] = width[c] * (uint64_t)n;
        o += len[c];
    }
    at[SKIDX_PART_STATUS] = o;
    len[SKIDX_PART_STATUS] = ent_at - o;
    at[SKIDX_PART_ENTRIES] = ent_at;
    len[SKIDX_PART_ENTRIES] = 16 * (uint64_t)ne;
    o = ent_at + 16 * (uint64_t)ne;
    for (uint32_t e = 0; e < ne; e++) {
        const uint8_t *en = p + ent_at + 16 * (size_t)e;
        const uint32_t sa = skidx_rd32(en + 8), sp = skidx_rd32(en + 12);
        if (sa > size - o || sp > size - o - sa)
            return -1;
        bm[2 * e] = o;
        bm[2 * e + 1] = sp ? o + sa : UINT64_MAX;
        o += (uint64_t)sa + sp;
        bm_end[e] = o;
    }
    at[SKIDX_PART_DICTS] = o;
    len[SKIDX_PART_DICTS] = size - o;
    return 0;
}

skidx_status skidx_pseg_head_span(const struct skidx_pview *v, uint32_t k,
                                  uint64_t *head_len, uint64_t *ent_at,
                                  uint64_t *ent_len, char *msg, size_t ml)
{
    const struct skidx_pseg_view *s = &v->segs[k];
    if (s->size < SKIDX_SEG_HEAD)
        return bad(msg, ml, "segment %u: shorter than its header", k);
    const uint32_t ne = skidx_rd32(s->base + 4);
    const uint64_t hl = skidx_seg_head_len(3, ne);
    const uint64_t ea = (hl + 41 * (uint64_t)s->rows + 3) & ~(uint64_t)3;
    if (hl > s->size || ea > s->size || (s->size - ea) / 16 < ne)
        return bad(msg, ml, "segment %u: its head, columns or skill entries "
                            "run past its end", k);
    *head_len = hl;
    *ent_at = ea;
    *ent_len = 16 * (uint64_t)ne;
    return SKIDX_OK;
}

skidx_status skidx_pseg_head(struct skidx_pview *v, uint32_t k,
                             uint32_t n_skills, int verify, char *msg,
                             size_t ml)
{
    struct skidx_pseg_view *s = &v->segs[k];
    s->version = v->version;
    for (uint64_t g = 1; g <= s->gap; g++)
        if (s->base[-(int64_t)g])
            return bad(msg, ml, "padding before segment %u not zero", k);
    uint64_t hl, ea, el;
    SKIDX_FORWARD(skidx_pseg_head_span(v, k, &hl, &ea, &el, msg, ml));
    const uint8_t *p = s->base;
    if (verify && skidx_hash64(p, (size_t)hl - 8) != skidx_rd64(p + hl - 8))
        return bad(msg, ml, "segment %u: head checksum mismatch", k);
    const uint32_t n = skidx_rd32(p), ne = skidx_rd32(p + 4);
    if (n != s->rows)
        return bad(msg, ml, "segment %u: %u rows, the directory says %u", k,
                   n, s->rows);
    if (ne > n_skills)
        return bad(msg, ml, "segment %u: %u skill entries, more than the "
                            "%u skills", k, ne, n_skills);
    if (16 * (uint64_t)ne != el) /* read twice: the bytes changed */
        return bad(msg, ml, "segment %u: header changed while read", k);
    /* the table is copied first and checked in the copy: what is
     * checked is what is used */
    free(s->ent_own);
    s->ent_own = malloc(el ? (size_t)el : 1);
    if (!s->ent_own)
        return SKIDX_ERR_NOMEM;
    memcpy(s->ent_own, p + ea, (size_t)el);
    const uint8_t *et = s->ent_own;
    if (verify && skidx_hash64(et, (size_t)el) !=
                      skidx_rd64(p + SKIDX_SEG_HEAD + 8 * SKIDX_PART_ENTRIES))
        return bad(msg, ml, "segment %u: skill entry table: checksum "
                            "mismatch", k);
    free(s->bm);
    free(s->bm_end);
    free(s->ok);
    s->bm = malloc(((size_t)ne * 2 + 1) * sizeof(*s->bm));
    s->bm_end = malloc(((size_t)ne + 1) * sizeof(*s->bm_end));
    s->ok = calloc((size_t)SKIDX_PART_BITMAP + ne, 1);
    if (!s->bm || !s->bm_end || !s->ok)
        return SKIDX_ERR_NOMEM;
    int64_t prev = -1;
    for (uint32_t e = 0; e < ne; e++) {
        const uint8_t *en = et + 16 * (size_t)e;
        const uint32_t sk = skidx_rd32(en);
        if ((int64_t)sk <= prev || sk >= n_skills || skidx_rd32(en + 4) ||
            skidx_rd32(en + 8) == 0)
            return bad(msg, ml, "segment %u: skill entry %u out of order or "
                                "out of range", k, e);
        prev = sk;
    }
    if (layout(p, s->size, n, ne, s->part_at, s->part_len, s->bm, s->bm_end))
        return bad(msg, ml, "segment %u: its bitmaps run past its end", k);
    s->n_ent = ne;
    s->n_comp = skidx_rd32(p + 8);
    s->n_loc = skidx_rd32(p + 12);
    s->dedup = p + s->part_at[SKIDX_PART_DEDUP];
    s->line = p + s->part_at[SKIDX_PART_LINE];
    s->cell = p + s->part_at[SKIDX_PART_CELL];
    s->month = p + s->part_at[SKIDX_PART_MONTH];
    s->salary = p + s->part_at[SKIDX_PART_SALARY];
    s->company = p + s->part_at[SKIDX_PART_COMPANY];
    s->location = p + s->part_at[SKIDX_PART_LOCATION];
    s->shard = p + s->part_at[SKIDX_PART_SHARD];
    s->status = p + s->part_at[SKIDX_PART_STATUS];
    s->ent = et;
    s->ok[SKIDX_PART_ENTRIES] = 1;
    __atomic_store_n(&s->head_ok, 1, __ATOMIC_RELEASE);
    return SKIDX_OK;
}

void skidx_pseg_part_span(const struct skidx_pseg_view *s, uint32_t part,
                          uint64_t *at, uint64_t *len)
{
    if (part < SKIDX_PART_BITMAP) {
        *at = s->part_at[part];
        *len = s->part_len[part];
    } else {
        const uint32_t e = part - SKIDX_PART_BITMAP;
        *at = s->bm[2 * e];
        *len = s->bm_end[e] - s->bm[2 * e];
    }
}

/* The largest of n little-endian u32 at c. */
static uint32_t col_max(const uint8_t *c, uint32_t n)
{
    uint32_t mx = 0;
    for (uint32_t i = 0; i < n; i++) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        uint32_t x;
        memcpy(&x, c + 4 * (size_t)i, 4); /* the same, in one load */
#else
        const uint32_t x = skidx_rd32(c + 4 * (size_t)i);
#endif
        mx = x > mx ? x : mx;
    }
    return mx;
}

skidx_status skidx_pseg_part_check(struct skidx_pview *v, uint32_t k,
                                   uint32_t part, uint32_t n_cells,
                                   int32_t first_month, uint32_t n_months,
                                   int verify,
                                   const char *const *skill_names, char *msg,
                                   size_t ml)
{
    struct skidx_pseg_view *s = &v->segs[k];
    if (!s->head_ok || part >= SKIDX_PART_BITMAP + s->n_ent)
        return SKIDX_ERR_USAGE;
    const uint32_t n = s->rows;
    char what[160];
    if (part < SKIDX_PART_BITMAP) {
        snprintf(what, sizeof(what), "%s", part_names[part]);
    } else {
        const uint32_t sk =
            skidx_rd32(s->ent + 16 * (size_t)(part - SKIDX_PART_BITMAP));
        if (skill_names)
            snprintf(what, sizeof(what), "bitmaps of skill '%s' (id %u)",
                     skill_names[sk], sk);
        else
            snprintf(what, sizeof(what), "bitmaps of skill %u", sk);
    }
    uint64_t at, len;
    skidx_pseg_part_span(s, part, &at, &len);
    if (verify && skidx_hash64(s->base + at, (size_t)len) !=
                      skidx_rd64(s->base + SKIDX_SEG_HEAD + 8 * (size_t)part))
        return bad(msg, ml, "segment %u: %s: checksum mismatch", k, what);
    const uint8_t *c = s->base + at;
    switch (part) {
    case SKIDX_PART_CELL:
        /* the largest value first (a loop the compiler vectorises: a
         * query with a role filter checks a million of them), then the
         * row that is out of range, if any */
        if (col_max(c, n) < n_cells)
            break;
        for (uint32_t i = 0; i < n; i++)
            if (skidx_rd32(c + 4 * (size_t)i) >= n_cells)
                return bad(msg, ml, "segment %u row %u: %s: cell %u out of "
                                    "range", k, i, what,
                           skidx_rd32(c + 4 * (size_t)i));
        break;
    case SKIDX_PART_MONTH:
        for (uint32_t i = 0; i < n; i++) {
            const int32_t m = (int32_t)skidx_rd32(c + 4 * (size_t)i);
            if (m != INT32_MIN &&
                (m < first_month || (int64_t)m - first_month >= n_months))
                return bad(msg, ml, "segment %u row %u: %s: month out of the "
                                    "index's range", k, i, what);
        }
        break;
    case SKIDX_PART_SALARY:
        /* checked against Salary_Status, which the caller checked first */
        if (!s->ok[SKIDX_PART_STATUS])
            return SKIDX_ERR_USAGE;
        for (uint32_t i = 0; i < n; i++)
            if ((s->status[i] == SKIDX_SAL_NONE) !=
                (skidx_rd32(c + 4 * (size_t)i) == 0))
                return bad(msg, ml, "segment %u row %u: bad salary status",
                           k, i);
        break;
    case SKIDX_PART_STATUS:
        for (uint64_t i = 0; i < len; i++)
            if (i < n ? c[i] > SKIDX_SAL_OTHER : c[i] != 0)
                return bad(msg, ml, i < n ? "segment %u row %llu: bad salary "
                                            "status"
                                          : "segment %u: padding not zero "
                                            "(byte %llu of the status column)",
                           k, (unsigned long long)i);
        break;
    case SKIDX_PART_COMPANY:
    case SKIDX_PART_LOCATION: {
        const uint32_t lim =
            part == SKIDX_PART_COMPANY ? s->n_comp : s->n_loc;
        for (uint32_t i = 0; i < n; i++) {
            const uint32_t x = skidx_rd32(c + 4 * (size_t)i);
            if (x != SKIDX_NO_STRING && x >= lim)
                return bad(msg, ml, "segment %u row %u: %s: string id out of "
                                    "range", k, i, what);
        }
        break;
    }
    case SKIDX_PART_SHARD:
        for (uint32_t i = 0; i < n; i++)
            if (skidx_rd32(c + 4 * (size_t)i) >= v->n_sources)
                return bad(msg, ml, "segment %u row %u: shard out of range",
                           k, i);
        break;
    case SKIDX_PART_DICTS: {
        free(s->comp);
        free(s->blob);
        free(s->loc);
        free(s->blob_loc);
        s->comp = s->loc = NULL;
        s->blob = s->blob_loc = NULL;
        s->loc_cc = NULL;
        uint64_t u1, u2;
        int r = strlist(c, len, s->n_comp, &s->comp, &s->blob, &u1);
        if (r == -2)
            return SKIDX_ERR_NOMEM;
        if (r)
            return bad(msg, ml, "segment %u: malformed company list", k);
        r = strlist(c + u1, len - u1, s->n_loc, &s->loc, &s->blob_loc, &u2);
        if (r == -2)
            return SKIDX_ERR_NOMEM;
        if (r)
            return bad(msg, ml, "segment %u: malformed location list", k);
        uint64_t u3 = 0;
        if (s->version >= 4) {
            /* Location_Countries: per location two capitals or 0 0 */
            const uint8_t *cc = c + u1 + u2;
            u3 = 2 * (uint64_t)s->n_loc;
            if (u3 > len - u1 - u2)
                return bad(msg, ml, "segment %u: its location countries run "
                                    "past its end", k);
            for (uint32_t i = 0; i < s->n_loc; i++) {
                const uint8_t a = cc[2 * (size_t)i], b = cc[2 * (size_t)i + 1];
                if (!(a == 0 && b == 0) &&
                    !(a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z'))
                    return bad(msg, ml, "segment %u: location %u: country "
                                        "is not two capital letters", k, i);
            }
            s->loc_cc = cc;
        }
        if (u1 + u2 + u3 != len)
            return bad(msg, ml, "segment %u: %llu bytes left after its lists",
                       k, (unsigned long long)(len - u1 - u2 - u3));
        break;
    }
    case SKIDX_PART_DEDUP:
    case SKIDX_PART_LINE:
    case SKIDX_PART_ENTRIES:
        break;
    default: {
        const uint32_t e = part - SKIDX_PART_BITMAP;
        const uint8_t *en = s->ent + 16 * (size_t)e;
        const uint32_t sa = skidx_rd32(en + 8), sp = skidx_rd32(en + 12);
        size_t used;
        uint64_t card;
        if (skidx_roaring_decode(c, sa, n, NULL, &used, &card) ||
            used != sa || card == 0)
            return bad(msg, ml, "segment %u: %s: malformed bitmap", k, what);
        if (sp && (skidx_roaring_decode(c + sa, sp, n, NULL, &used, &card) ||
                   used != sp || card == 0))
            return bad(msg, ml, "segment %u: %s: malformed preferred bitmap",
                       k, what);
        break;
    }
    }
    __atomic_store_n(&s->ok[part], 1, __ATOMIC_RELEASE);
    return SKIDX_OK;
}

skidx_status skidx_pseg_seal(uint8_t *p, size_t len)
{
    if (len < SKIDX_SEG_HEAD)
        return SKIDX_ERR_USAGE;
    const uint32_t n = skidx_rd32(p), ne = skidx_rd32(p + 4);
    uint64_t at[SKIDX_PART_BITMAP], ln[SKIDX_PART_BITMAP];
    uint64_t *bm = malloc(((size_t)ne * 2 + 1) * sizeof(*bm));
    uint64_t *be = malloc(((size_t)ne + 1) * sizeof(*be));
    skidx_status st = SKIDX_OK;
    if (!bm || !be)
        st = SKIDX_ERR_NOMEM;
    else if (layout(p, len, n, ne, at, ln, bm, be))
        st = SKIDX_ERR_USAGE;
    else {
        uint8_t *sums = p + SKIDX_SEG_HEAD;
        for (uint32_t i = 0; i < SKIDX_PART_BITMAP; i++)
            skidx_wr64(sums + 8 * (size_t)i,
                       skidx_hash64(p + at[i], (size_t)ln[i]));
        for (uint32_t e = 0; e < ne; e++)
            skidx_wr64(sums + 8 * ((size_t)SKIDX_PART_BITMAP + e),
                       skidx_hash64(p + bm[2 * e], (size_t)(be[e] - bm[2 * e])));
        const uint64_t hl = skidx_seg_head_len(3, ne);
        skidx_wr64(p + hl - 8, skidx_hash64(p, (size_t)hl - 8));
    }
    free(bm);
    free(be);
    return st;
}
