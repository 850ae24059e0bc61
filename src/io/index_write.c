/*
 * index_write.c - model -> bytes (docs/FORMAT.md, version 2) -> file.
 *
 * Sections are built one after another into one growing buffer; the header
 * and section table are filled in last. Sparse sections list only the
 * non-zero entries, in increasing key order, so equal models give equal
 * bytes.
 */
#include "io/index_write.h"
#include "core/blob.h"
#include "core/error.h"
#include "core/format.h"
#include "core/hash.h"
#include "io/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A string list (docs/FORMAT.md): the count, the end offsets, the bytes. */
static void wb_strings(struct skidx_wblob *b, char *const *v, uint32_t n)
{
    uint32_t off = 0;
    uint8_t *p = skidx_wblob_grow(b, 8 + 4 * (size_t)n);
    if (!p)
        return;
    skidx_wr32(p, n);
    for (uint32_t i = 0; i < n; i++) {
        off += (uint32_t)strlen(v[i]);
        skidx_wr32(p + 8 + 4 * (size_t)i, off);
    }
    for (uint32_t i = 0; i < n; i++)
        skidx_wblob_put(b, v[i], strlen(v[i]));
}

static void wb_u64s(struct skidx_wblob *b, const uint64_t *v, size_t n)
{
    uint8_t *p = skidx_wblob_grow(b, 8 * n);
    for (size_t i = 0; p && i < n; i++)
        skidx_wr64(p + 8 * i, v[i]);
}

struct sec {
    uint32_t id;
    size_t off, size;
};

skidx_status skidx_index_serialize(const struct skidx_model *m, uint8_t **out,
                                   size_t *len)
{
    const struct skidx_counts *c = &m->counts;
    struct skidx_wblob b = {0};
    struct sec secs[SKIDX_SEC_MAX_ID];
    uint32_t ns = 0, want = SKIDX_SEC_LOST_FAULTS;
    size_t cells = c->n_cells;

    *out = NULL;
    *len = 0;
    for (int i = 0; i < SKIDX_MODEL_TABS; i++)
        want += m->tabs[i].first != NULL;
    if (m->post.present)
        want += 3;
    skidx_wblob_grow(&b, SKIDX_HEADER_SIZE + want * SKIDX_SECTION_ENTRY_SIZE);

#define BEGIN(ID)                                                             \
    do {                                                                      \
        skidx_wblob_pad(&b, 8);                                                        \
        secs[ns].id = (ID);                                                   \
        secs[ns].off = b.n;                                                 \
    } while (0)
#define END() (secs[ns].size = b.n - secs[ns].off, ns++)

    BEGIN(SKIDX_SEC_META);
    {
        uint8_t *p = skidx_wblob_grow(&b, SKIDX_META_SIZE);
        if (p) {
            skidx_wr64(p + SKIDX_META_TAXONOMY_HASH, m->taxonomy_hash);
            for (int i = 0; i < SKIDX_META_N_STATS; i++)
                skidx_wr64(p + SKIDX_META_STATS + 8 * i, c->stats[i]);
            skidx_wr32(p + SKIDX_META_N_ROLES, c->n_roles);
            skidx_wr32(p + SKIDX_META_N_LEVELS, c->n_levels);
            skidx_wr32(p + SKIDX_META_N_SKILLS, c->n_skills);
            skidx_wr32(p + SKIDX_META_N_CATS, m->n_cats);
            skidx_wr32(p + SKIDX_META_BIN_WIDTH, c->bin_width);
            skidx_wr32(p + SKIDX_META_BINS, c->bins);
            skidx_wr32(p + SKIDX_META_FIRST_MONTH,
                       (uint32_t)(c->n_months ? c->month0 : 0));
            skidx_wr32(p + SKIDX_META_N_MONTHS, c->n_months);
        }
    }
    END();

    BEGIN(SKIDX_SEC_STRINGS);
    {
        char *v[4] = {m->tool_version, m->taxonomy_name, m->taxonomy_version,
                      m->currency};
        wb_strings(&b, v, 4);
    }
    END();

    BEGIN(SKIDX_SEC_CATEGORIES);
    wb_strings(&b, m->cat_names, m->n_cats);
    END();

    BEGIN(SKIDX_SEC_SKILLS);
    skidx_wblob_u32(&b, c->n_skills);
    for (uint32_t i = 0; i < c->n_skills; i++)
        skidx_wblob_u32(&b, m->skill_cat[i]);
    skidx_wblob_pad(&b, 8);
    wb_strings(&b, m->skill_names, c->n_skills);
    END();

    BEGIN(SKIDX_SEC_ROLES);
    wb_strings(&b, m->role_names, c->n_roles);
    END();

    BEGIN(SKIDX_SEC_LEVELS);
    wb_strings(&b, m->level_names, c->n_levels);
    END();

    BEGIN(SKIDX_SEC_CAUSES);
    {
        char *names[SKIDX_CAUSE_COUNT];
        for (unsigned i = 0; i < SKIDX_CAUSE_COUNT; i++)
            names[i] = (char *)skidx_cause_name(i);
        skidx_wblob_u32(&b, SKIDX_CAUSE_COUNT);
        skidx_wblob_u32(&b, 0);
        wb_u64s(&b, c->causes, SKIDX_CAUSE_COUNT);
        wb_strings(&b, names, SKIDX_CAUSE_COUNT);
    }
    END();

    BEGIN(SKIDX_SEC_LOST);
    skidx_wblob_u32(&b, m->n_lost);
    skidx_wblob_u32(&b, 0);
    wb_u64s(&b, m->lost_records, m->n_lost);
    wb_strings(&b, m->lost_paths, m->n_lost);
    END();

    BEGIN(SKIDX_SEC_CELLS);
    wb_u64s(&b, c->cell, cells * 4);
    END();

    BEGIN(SKIDX_SEC_HIST);
    wb_u64s(&b, c->hist, cells * c->bins);
    END();

    BEGIN(SKIDX_SEC_CELL_SKILL);
    {
        size_t count_at = b.n;
        uint64_t n = 0;
        skidx_wblob_u64(&b, 0);
        for (size_t cell = 0; cell < cells; cell++)
            for (uint32_t k = 0; c->cs_rows[cell] && k < c->n_skills; k++) {
                const uint64_t *e = c->cs + (cell * c->n_skills + k) * 3;
                if (!e[0])
                    continue;
                skidx_wblob_u32(&b, (uint32_t)cell);
                skidx_wblob_u32(&b, k);
                wb_u64s(&b, e, 3);
                n++;
            }
        if (!b.oom)
            skidx_wr64(b.p + count_at, n);
    }
    END();

    BEGIN(SKIDX_SEC_MONTHS);
    wb_u64s(&b, c->month, c->n_months);
    END();

    BEGIN(SKIDX_SEC_MONTH_CELL);
    wb_u64s(&b, c->month_cell, (size_t)c->n_months * cells);
    END();

    BEGIN(SKIDX_SEC_MONTH_SKILL);
    {
        size_t count_at = b.n;
        uint64_t n = 0;
        skidx_wblob_u64(&b, 0);
        for (uint32_t mi = 0; mi < c->n_months; mi++)
            for (uint32_t k = 0; k < c->n_skills; k++) {
                uint64_t v = c->month_skill[(size_t)mi * c->n_skills + k];
                if (!v)
                    continue;
                skidx_wblob_u32(&b, mi);
                skidx_wblob_u32(&b, k);
                skidx_wblob_u64(&b, v);
                n++;
            }
        if (!b.oom)
            skidx_wr64(b.p + count_at, n);
    }
    END();

    BEGIN(SKIDX_SEC_LOST_FAULTS);
    skidx_wblob_u32(&b, m->n_lost);
    skidx_wblob_u32(&b, 0);
    wb_u64s(&b, m->lost_offsets, m->n_lost);
    wb_strings(&b, m->lost_causes, m->n_lost);
    END();
    for (int i = 0; i < SKIDX_MODEL_TABS; i++) {
        const struct skidx_owner_strings *o = &m->tabs[i];
        if (!o->first)
            continue;
        BEGIN(SKIDX_SEC_SKILL_ALIASES + i);
        skidx_wblob_u32(&b, o->n_owners);
        skidx_wblob_u32(&b, 0);
        for (uint32_t j = 0; j <= o->n_owners; j++)
            skidx_wblob_u32(&b, o->first[j]);
        skidx_wblob_pad(&b, 8);
        wb_strings(&b, o->v, o->first[o->n_owners]);
        END();
    }
    if (m->post.present) {
        const struct skidx_pstore *ps = &m->post;
        BEGIN(SKIDX_SEC_POSTINGS);
        skidx_wblob_u64(&b, ps->n_postings);
        skidx_wblob_u32(&b, ps->n_segs);
        skidx_wblob_u32(&b, SKIDX_SEG_ROWS);
        uint64_t at = 0;
        for (uint32_t k = 0; k < ps->n_segs; k++) {
            at = (at + 7) & ~(uint64_t)7;
            skidx_wblob_u64(&b, at);
            skidx_wblob_u64(&b, ps->segs[k].len);
            at += ps->segs[k].len;
        }
        END();
        BEGIN(SKIDX_SEC_SEGMENTS);
        for (uint32_t k = 0; k < ps->n_segs; k++) {
            skidx_wblob_pad(&b, 8);
            skidx_wblob_put(&b, ps->segs[k].p, ps->segs[k].len);
        }
        END();
        BEGIN(SKIDX_SEC_SOURCES);
        wb_strings(&b, ps->sources, ps->n_sources);
        END();
    }
    skidx_wblob_pad(&b, 8);
#undef BEGIN
#undef END

    if (b.oom) {
        free(b.p);
        return SKIDX_ERR_NOMEM;
    }
    /* the table was reserved for exactly this many sections */
    if (ns != want) {
        free(b.p);
        return SKIDX_ERR_USAGE;
    }
    uint8_t *h = b.p;
    memcpy(h, SKIDX_MAGIC, SKIDX_MAGIC_LEN);
    /* a model without posting-level sections (a merge of version-1
     * indexes) is a version-1 file */
    skidx_wr32(h + 8, m->post.present ? SKIDX_FORMAT_VERSION : 1);
    skidx_wr32(h + 12, 0);
    skidx_wr32(h + 16, ns);
    skidx_wr32(h + 20, SKIDX_HEADER_SIZE);
    skidx_wr64(h + 24, b.n);
    uint8_t *tab = h + SKIDX_HEADER_SIZE;
    for (uint32_t i = 0; i < ns; i++) {
        uint8_t *e = tab + i * SKIDX_SECTION_ENTRY_SIZE;
        skidx_wr32(e, secs[i].id);
        skidx_wr32(e + 4, 0);
        skidx_wr64(e + 8, secs[i].off);
        skidx_wr64(e + 16, secs[i].size);
        skidx_wr64(e + 24, skidx_hash64(b.p + secs[i].off, secs[i].size));
    }
    skidx_wr64(h + 32, skidx_hash64(tab, (size_t)ns * SKIDX_SECTION_ENTRY_SIZE));
    skidx_wr64(h + 40, skidx_hash64(h, 40));
    *out = b.p;
    *len = b.n;
    return SKIDX_OK;
}

/* ---- limits ---- */

skidx_status skidx_index_check_dims(uint32_t n_roles, uint32_t n_levels,
                                    uint32_t n_skills, uint32_t n_cats,
                                    struct skidx_error *err)
{
#define DIM(cond, ...)                                                        \
    do {                                                                      \
        if (cond)                                                             \
            return skidx_fail(err, SKIDX_ERR_TAXONOMY, NULL, SKIDX_NOLINE,    \
                              SKIDX_NOOFF, __VA_ARGS__);                      \
    } while (0)
    DIM(!n_roles || n_roles > SKIDX_MAX_ROLES,
        "%u roles: an index holds 1 to %u", n_roles, SKIDX_MAX_ROLES);
    DIM(!n_levels || n_levels > SKIDX_MAX_LEVELS,
        "%u seniority levels: an index holds 1 to %u", n_levels,
        SKIDX_MAX_LEVELS);
    DIM((uint64_t)n_roles * n_levels > SKIDX_MAX_CELLS,
        "%u roles x %u levels: an index holds at most %u cells", n_roles,
        n_levels, SKIDX_MAX_CELLS);
    DIM(!n_skills || n_skills > SKIDX_MAX_SKILLS,
        "%u skills: an index holds 1 to %u", n_skills, SKIDX_MAX_SKILLS);
    DIM(!n_cats || n_cats > SKIDX_MAX_CATS,
        "%u categories: an index holds 1 to %u", n_cats, SKIDX_MAX_CATS);
#undef DIM
    return SKIDX_OK;
}

/* a string list's offsets are u32: its bytes must stay under 4 GiB */
static int list_fits(char *const *v, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += strlen(v[i]);
    return n <= SKIDX_MAX_LIST && total <= UINT32_MAX;
}

skidx_status skidx_model_check_limits(const struct skidx_model *m,
                                      struct skidx_error *err)
{
    const struct skidx_counts *c = &m->counts;
    SKIDX_FORWARD(skidx_index_check_dims(c->n_roles, c->n_levels, c->n_skills,
                                         m->n_cats, err));
    char *strings[4] = {m->tool_version, m->taxonomy_name,
                        m->taxonomy_version, m->currency};
    if (!list_fits(m->skill_names, c->n_skills) ||
        !list_fits(m->cat_names, m->n_cats) ||
        !list_fits(m->role_names, c->n_roles) ||
        !list_fits(m->level_names, c->n_levels) || !list_fits(strings, 4))
        return skidx_fail(err, SKIDX_ERR_TAXONOMY, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF, "the names of the taxonomy exceed "
                                       "4 GiB in one list");
    for (int i = 0; i < SKIDX_MODEL_TABS; i++)
        if (m->tabs[i].first &&
            !list_fits(m->tabs[i].v, m->tabs[i].first[m->tabs[i].n_owners]))
        return skidx_fail(err, SKIDX_ERR_TAXONOMY, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF, "the names of the taxonomy exceed "
                                       "4 GiB in one list");
    if (m->post.present && !list_fits(m->post.sources, m->post.n_sources))
        return skidx_fail(err, SKIDX_ERR_USAGE, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF, "%u shards: an index lists at most %u",
                          m->post.n_sources, SKIDX_MAX_LIST);
    if (m->n_lost > SKIDX_MAX_LIST || !list_fits(m->lost_paths, m->n_lost))
        return skidx_fail(err, SKIDX_ERR_USAGE, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF, "%u lost shards: an index lists at "
                                       "most %u",
                          m->n_lost, SKIDX_MAX_LIST);
    if (!c->bins || c->bins > SKIDX_MAX_BINS || !c->bin_width)
        return skidx_fail(err, SKIDX_ERR_USAGE, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF, "%u salary bins of %u: an index holds "
                                       "1 to %u bins of a non-zero width",
                          c->bins, c->bin_width, SKIDX_MAX_BINS);
    if (c->n_months > SKIDX_MAX_MONTHS ||
        (c->n_months &&
         (c->month0 == SKIDX_NO_MONTH ||
          (int64_t)c->month0 + c->n_months > INT32_MAX)))
        return skidx_fail(err, SKIDX_ERR_USAGE, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF, "%u months of postings: an index "
                                       "spans at most %u",
                          c->n_months, SKIDX_MAX_MONTHS);
    return SKIDX_OK;
}

/* ---- atomic write ---- */

static skidx_status write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n > (1u << 30) ? (1u << 30) : n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return SKIDX_ERR_IO;
        }
        p += w;
        n -= (size_t)w;
    }
    return SKIDX_OK;
}

skidx_status skidx_index_write(const struct skidx_model *m, const char *path,
                               struct skidx_error *err)
{
    SKIDX_FORWARD(skidx_model_check_limits(m, err));
    uint8_t *bytes;
    size_t len;
    skidx_status st = skidx_index_serialize(m, &bytes, &len);
    if (st)
        return skidx_fail(err, st, path, SKIDX_NOLINE, SKIDX_NOOFF,
                          "cannot build the index: %s", skidx_strerror(st));
    struct skidx_atomic a;
    st = skidx_atomic_open(&a, path, 0, err);
    if (st) {
        free(bytes);
        return st;
    }
    if (write_all(a.fd, bytes, len) != SKIDX_OK) {
        const int e = errno ? errno : EIO;
        free(bytes);
        skidx_atomic_abort(&a);
        return skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, SKIDX_NOOFF,
                          "cannot write: %s", strerror(e));
    }
    free(bytes);
    return skidx_atomic_commit(&a, err);
}
