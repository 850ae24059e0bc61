/*
 * index_write.c - model -> bytes (docs/FORMAT.md, version 2) -> file.
 *
 * The posting segments are streamed into the temporary file as they
 * complete (a model's store hands them over in order, see
 * skidx_index_out_attach) behind a header and table reserved for the
 * most sections this writer writes; the other sections are built one
 * after another into one buffer at the end, and the header and table
 * written over the reserved bytes last. Sparse sections list only the
 * non-zero entries, in increasing key order, so equal models give equal
 * bytes, streamed or not.
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
    const size_t ends = b->n - 4 * (size_t)n;
    skidx_wr32(p, n);
    for (uint32_t i = 0; i < n; i++) {
        off += (uint32_t)strlen(v[i]);
        skidx_wr32(p + 8 + 4 * (size_t)i, off);
    }
    /* the bytes in one piece, each string's length from the end offsets
     * (strlen once per string: the model's alias tables hold 17,000) */
    if (!skidx_wblob_room(b, off))
        return; /* oom is set */
    uint8_t *q = b->p + b->n; /* filled whole below: not cleared */
    b->n += off;
    const uint8_t *e = b->p + ends;
    for (uint32_t i = 0, prev = 0; i < n; i++) {
        const uint32_t end = skidx_rd32(e + 4 * (size_t)i);
        memcpy(q, v[i], end - prev);
        q += end - prev;
        prev = end;
    }
}

static void wb_u64s(struct skidx_wblob *b, const uint64_t *v, size_t n)
{
    uint8_t *p = skidx_wblob_grow(b, 8 * n);
    for (size_t i = 0; p && i < n; i++)
        skidx_wr64(p + 8 * i, v[i]);
}

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

struct sec {
    uint32_t id;
    uint64_t off, size;
};

/* The sections other than SEGMENTS, in id order, into b, whose byte 0
 * lies at file offset `base` (a multiple of 8): secs[] gets where each
 * one lies in the file. */
static void build_sections(const struct skidx_model *m, uint64_t base,
                           struct skidx_wblob *b, struct sec *secs,
                           uint32_t *n_secs)
{
    const struct skidx_counts *c = &m->counts;
    uint32_t ns = 0;
    size_t cells = c->n_cells;

#define BEGIN(ID)                                                             \
    do {                                                                      \
        skidx_wblob_pad(b, 8);                                                \
        secs[ns].id = (ID);                                                   \
        secs[ns].off = base + b->n;                                           \
    } while (0)
#define END() (secs[ns].size = base + b->n - secs[ns].off, ns++)

    BEGIN(SKIDX_SEC_META);
    {
        uint8_t *p = skidx_wblob_grow(b, SKIDX_META_SIZE);
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
        wb_strings(b, v, 4);
    }
    END();

    BEGIN(SKIDX_SEC_CATEGORIES);
    wb_strings(b, m->cat_names, m->n_cats);
    END();

    BEGIN(SKIDX_SEC_SKILLS);
    skidx_wblob_u32(b, c->n_skills);
    for (uint32_t i = 0; i < c->n_skills; i++)
        skidx_wblob_u32(b, m->skill_cat[i]);
    skidx_wblob_pad(b, 8);
    wb_strings(b, m->skill_names, c->n_skills);
    END();

    BEGIN(SKIDX_SEC_ROLES);
    wb_strings(b, m->role_names, c->n_roles);
    END();

    BEGIN(SKIDX_SEC_LEVELS);
    wb_strings(b, m->level_names, c->n_levels);
    END();

    BEGIN(SKIDX_SEC_CAUSES);
    {
        char *names[SKIDX_CAUSE_COUNT];
        for (unsigned i = 0; i < SKIDX_CAUSE_COUNT; i++)
            names[i] = (char *)skidx_cause_name(i);
        skidx_wblob_u32(b, SKIDX_CAUSE_COUNT);
        skidx_wblob_u32(b, 0);
        wb_u64s(b, c->causes, SKIDX_CAUSE_COUNT);
        wb_strings(b, names, SKIDX_CAUSE_COUNT);
    }
    END();

    BEGIN(SKIDX_SEC_LOST);
    skidx_wblob_u32(b, m->n_lost);
    skidx_wblob_u32(b, 0);
    wb_u64s(b, m->lost_records, m->n_lost);
    wb_strings(b, m->lost_paths, m->n_lost);
    END();

    BEGIN(SKIDX_SEC_CELLS);
    wb_u64s(b, c->cell, cells * 4);
    END();

    BEGIN(SKIDX_SEC_HIST);
    wb_u64s(b, c->hist, cells * c->bins);
    END();

    BEGIN(SKIDX_SEC_CELL_SKILL);
    {
        size_t count_at = b->n;
        uint64_t n = 0;
        skidx_wblob_u64(b, 0);
        for (size_t cell = 0; cell < cells; cell++)
            for (uint32_t k = 0; c->cs_rows[cell] && k < c->n_skills; k++) {
                const uint64_t *e = c->cs + (cell * c->n_skills + k) * 3;
                /* most skills of a cell have no posting: pass over four
                 * at a time while all four are zero */
                if (k + 4 <= c->n_skills && !(e[0] | e[3] | e[6] | e[9])) {
                    k += 3;
                    continue;
                }
                if (!e[0])
                    continue;
                skidx_wblob_u32(b, (uint32_t)cell);
                skidx_wblob_u32(b, k);
                wb_u64s(b, e, 3);
                n++;
            }
        if (!b->oom)
            skidx_wr64(b->p + count_at, n);
    }
    END();

    BEGIN(SKIDX_SEC_MONTHS);
    wb_u64s(b, c->month, c->n_months);
    END();

    BEGIN(SKIDX_SEC_MONTH_CELL);
    wb_u64s(b, c->month_cell, (size_t)c->n_months * cells);
    END();

    BEGIN(SKIDX_SEC_MONTH_SKILL);
    {
        size_t count_at = b->n;
        uint64_t n = 0;
        skidx_wblob_u64(b, 0);
        for (uint32_t mi = 0; mi < c->n_months; mi++)
            for (uint32_t k = 0; k < c->n_skills; k++) {
                const uint64_t *r = c->month_skill + (size_t)mi * c->n_skills;
                if (k + 4 <= c->n_skills &&
                    !(r[k] | r[k + 1] | r[k + 2] | r[k + 3])) {
                    k += 3; /* four skills without a posting this month */
                    continue;
                }
                uint64_t v = r[k];
                if (!v)
                    continue;
                skidx_wblob_u32(b, mi);
                skidx_wblob_u32(b, k);
                skidx_wblob_u64(b, v);
                n++;
            }
        if (!b->oom)
            skidx_wr64(b->p + count_at, n);
    }
    END();

    BEGIN(SKIDX_SEC_LOST_FAULTS);
    skidx_wblob_u32(b, m->n_lost);
    skidx_wblob_u32(b, 0);
    wb_u64s(b, m->lost_offsets, m->n_lost);
    wb_strings(b, m->lost_causes, m->n_lost);
    END();
    for (int i = 0; i < SKIDX_MODEL_TABS; i++) {
        const struct skidx_owner_strings *o = &m->tabs[i];
        if (!o->first)
            continue;
        BEGIN(SKIDX_SEC_SKILL_ALIASES + i);
        skidx_wblob_u32(b, o->n_owners);
        skidx_wblob_u32(b, 0);
        for (uint32_t j = 0; j <= o->n_owners; j++)
            skidx_wblob_u32(b, o->first[j]);
        skidx_wblob_pad(b, 8);
        wb_strings(b, o->v, o->first[o->n_owners]);
        END();
    }
    if (m->post.present) {
        /* the directory of SEGMENTS, which lies before all of these */
        const struct skidx_pstore *ps = &m->post;
        BEGIN(SKIDX_SEC_POSTINGS);
        skidx_wblob_u64(b, ps->n_postings);
        skidx_wblob_u32(b, ps->n_segs);
        skidx_wblob_u32(b, SKIDX_SEG_ROWS);
        uint64_t at = 0;
        for (uint32_t k = 0; k < ps->n_segs; k++) {
            at = (at + 7) & ~(uint64_t)7;
            skidx_wblob_u64(b, at);
            skidx_wblob_u64(b, ps->segs[k].len);
            at += ps->segs[k].len;
        }
        END();
        BEGIN(SKIDX_SEC_SOURCES);
        wb_strings(b, ps->sources, ps->n_sources);
        END();
    }
    skidx_wblob_pad(b, 8);
#undef BEGIN
#undef END
    *n_secs = ns;
}

/* Room for the sections of build_sections at a guess, the strings at 40
 * bytes each and the skill pairs left out: the blob is then allocated
 * once instead of growing from 4 KiB by doubling, with a copy each time
 * (1 MB of copying, a fifth of the CPU time of writing the default
 * taxonomy's empty index). A guess too small only grows as before; room
 * not used is never touched. */
static size_t sections_guess(const struct skidx_model *m)
{
    const struct skidx_counts *c = &m->counts;
    uint64_t strings = 4 + (uint64_t)m->n_cats + c->n_skills + c->n_roles +
                       c->n_levels + SKIDX_CAUSE_COUNT + 2ull * m->n_lost +
                       m->post.n_sources;
    uint64_t bytes = 4096 + 8ull * c->n_skills + 16ull * m->post.n_segs +
                     8ull * c->n_cells * (4ull + c->bins) +
                     8ull * c->n_months * (1ull + c->n_cells);
    for (int i = 0; i < SKIDX_MODEL_TABS; i++)
        if (m->tabs[i].first) {
            bytes += 4ull * (m->tabs[i].n_owners + 1ull);
            strings += m->tabs[i].first[m->tabs[i].n_owners];
        }
    bytes += 40 * strings;
    return bytes < ((uint64_t)1 << 30) ? (size_t)bytes : (size_t)1 << 30;
}

/* ---- the writer: segments streamed, the rest at the end ----
 *
 * A file with posting-level sections is laid out as
 *   header | table (SKIDX_WRITE_SECTIONS entries reserved; the entries not
 *   used are zero padding) | SEGMENTS | the other sections in id order
 * so that each segment is written the moment it is complete and nothing
 * holds more than one: the header and table, which need every size and
 * checksum, are written over the reserved bytes last. A file without them
 * (version 1) is header, table and sections in id order, as before. */

struct skidx_index_out {
    struct skidx_atomic a;
    int to_file;             /* else into mem */
    int postings;            /* the file has posting-level sections */
    struct skidx_wblob mem;  /* the memory target: the whole file */
    uint64_t at;             /* bytes emitted */
    uint64_t seg_off, seg_len;
    uint32_t n_segs;
    XXH3_state_t *h;         /* of SEGMENTS, as it goes */
    skidx_status st;         /* the first failure */
    int err_no;
};

static void emit(struct skidx_index_out *o, const void *p, size_t n)
{
    if (o->st || !n)
        return;
    if (o->to_file) {
        errno = 0;
        if (write_all(o->a.fd, p, n)) {
            o->st = SKIDX_ERR_IO;
            o->err_no = errno ? errno : EIO;
            return;
        }
    } else {
        skidx_wblob_put(&o->mem, p, n);
        if (o->mem.oom) {
            o->st = SKIDX_ERR_NOMEM;
            return;
        }
    }
    o->at += n;
}

static void emit_zeros(struct skidx_index_out *o, size_t n)
{
    static const uint8_t zero[256];
    while (n && !o->st) {
        const size_t k = n < sizeof(zero) ? n : sizeof(zero);
        emit(o, zero, k);
        n -= k;
    }
}

static skidx_status out_begin(struct skidx_index_out *o, int postings)
{
    o->postings = postings;
    if (!postings)
        return SKIDX_OK;
    if (!(o->h = XXH3_createState()) ||
        XXH3_64bits_reset_withSeed(o->h, SKIDX_HASH_SEED) != XXH_OK)
        return SKIDX_ERR_NOMEM;
    emit_zeros(o, SKIDX_HEADER_SIZE +
                      (size_t)SKIDX_WRITE_SECTIONS * SKIDX_SECTION_ENTRY_SIZE);
    o->seg_off = o->at;
    return o->st;
}

skidx_status skidx_index_out_open(const char *path, int postings,
                                  struct skidx_index_out **out,
                                  struct skidx_error *err)
{
    struct skidx_index_out *o = calloc(1, sizeof(*o));
    *out = NULL;
    if (!o)
        return skidx_fail(err, SKIDX_ERR_NOMEM, path, SKIDX_NOLINE,
                          SKIDX_NOOFF, "out of memory");
    skidx_status st = skidx_atomic_open(&o->a, path, 0, err);
    if (st) {
        free(o);
        return st;
    }
    o->to_file = 1;
    if ((st = out_begin(o, postings))) {
        skidx_index_out_error(o, err);
        skidx_index_out_abort(o);
        return st;
    }
    *out = o;
    return SKIDX_OK;
}

skidx_status skidx_index_out_segment(struct skidx_index_out *o,
                                     const uint8_t *p, size_t len)
{
    if (!o->postings)
        return SKIDX_ERR_USAGE;
    const size_t pad = (size_t)((8 - o->seg_len % 8) % 8);
    static const uint8_t zero[8];
    if (!o->st && (XXH3_64bits_update(o->h, zero, pad) != XXH_OK ||
                   XXH3_64bits_update(o->h, p, len) != XXH_OK))
        o->st = SKIDX_ERR_NOMEM;
    emit(o, zero, pad);
    emit(o, p, len);
    o->seg_len += pad + len;
    o->n_segs++;
    return o->st;
}

static skidx_status out_sink(void *arg, const uint8_t *p, size_t len)
{
    return skidx_index_out_segment(arg, p, len);
}

void skidx_index_out_attach(struct skidx_index_out *o,
                            struct skidx_pstore *ps)
{
    ps->sink = out_sink;
    ps->sink_arg = o;
}

skidx_status skidx_index_out_error(const struct skidx_index_out *o,
                                   struct skidx_error *err)
{
    if (!o || !o->st)
        return SKIDX_OK;
    if (o->st == SKIDX_ERR_IO)
        return skidx_fail(err, SKIDX_ERR_IO, o->a.path, SKIDX_NOLINE,
                          SKIDX_NOOFF, "cannot write: %s",
                          strerror(o->err_no));
    return skidx_fail(err, o->st, o->to_file ? o->a.path : NULL,
                      SKIDX_NOLINE, SKIDX_NOOFF, "cannot build the index: %s",
                      skidx_strerror(o->st));
}

void skidx_index_out_abort(struct skidx_index_out *o)
{
    if (!o)
        return;
    if (o->to_file)
        skidx_atomic_abort(&o->a);
    if (o->h)
        XXH3_freeState(o->h);
    free(o->mem.p);
    free(o);
}

/* The rest of the file after the segments; the header and table. */
static skidx_status out_close(struct skidx_index_out *o,
                              const struct skidx_model *m)
{
    const struct skidx_pstore *ps = &m->post;
    if (!!ps->present != o->postings)
        return SKIDX_ERR_USAGE;
    /* the segments the store still holds (all of them without a sink) */
    for (uint32_t k = ps->n_sunk; o->postings && k < ps->n_segs; k++) {
        if (!ps->segs[k].p)
            return SKIDX_ERR_USAGE; /* a hole: never put */
        skidx_index_out_segment(o, ps->segs[k].p, ps->segs[k].len);
    }
    if (o->st)
        return o->st;
    /* what was streamed is what the directory will say */
    uint64_t end = 0;
    for (uint32_t k = 0; o->postings && k < ps->n_segs; k++)
        end = ((end + 7) & ~(uint64_t)7) + ps->segs[k].len;
    if (o->postings && (o->n_segs != ps->n_segs || o->seg_len != end))
        return SKIDX_ERR_USAGE;

    uint32_t want = SKIDX_SEC_LOST_FAULTS + 2 * !!o->postings;
    for (int i = 0; i < SKIDX_MODEL_TABS; i++)
        want += m->tabs[i].first != NULL;
    struct sec secs[SKIDX_WRITE_SECTIONS + 1];
    uint32_t ns = 0;
    uint64_t base;
    if (o->postings) {
        emit_zeros(o, (size_t)((8 - o->at % 8) % 8));
        base = o->at;
        secs[ns++] = (struct sec){SKIDX_SEC_SEGMENTS, o->seg_off, o->seg_len};
    } else {
        base = SKIDX_HEADER_SIZE + (uint64_t)want * SKIDX_SECTION_ENTRY_SIZE;
    }
    struct skidx_wblob b = {0};
    uint32_t nr = 0;
    (void)skidx_wblob_room(&b, sections_guess(m)); /* else oom is set */
    build_sections(m, base, &b, secs + ns, &nr);
    ns += nr;
    const uint32_t room = o->postings ? SKIDX_WRITE_SECTIONS : want;
    /* the table was reserved for this many sections at most */
    if (b.oom || ns != want + !!o->postings || ns > room) {
        free(b.p);
        return b.oom ? SKIDX_ERR_NOMEM : SKIDX_ERR_USAGE;
    }

    uint8_t h[SKIDX_HEADER_SIZE + SKIDX_WRITE_SECTIONS * SKIDX_SECTION_ENTRY_SIZE];
    memset(h, 0, sizeof(h));
    memcpy(h, SKIDX_MAGIC, SKIDX_MAGIC_LEN);
    /* a model without posting-level sections (a merge of version-1
     * indexes, an index --no-postings) is a version-1 file */
    skidx_wr32(h + 8, o->postings ? SKIDX_FORMAT_VERSION : 1);
    skidx_wr32(h + 16, ns);
    skidx_wr32(h + 20, SKIDX_HEADER_SIZE);
    skidx_wr64(h + 24, base + b.n);
    uint8_t *tab = h + SKIDX_HEADER_SIZE;
    for (uint32_t i = 0; i < ns; i++) {
        uint8_t *e = tab + i * SKIDX_SECTION_ENTRY_SIZE;
        skidx_wr32(e, secs[i].id);
        skidx_wr64(e + 8, secs[i].off);
        skidx_wr64(e + 16, secs[i].size);
        skidx_wr64(e + 24,
                   secs[i].id == SKIDX_SEC_SEGMENTS
                       ? XXH3_64bits_digest(o->h)
                       : skidx_hash64(b.p + (secs[i].off - base),
                                      (size_t)secs[i].size));
    }
    skidx_wr64(h + 32, skidx_hash64(tab, (size_t)ns * SKIDX_SECTION_ENTRY_SIZE));
    skidx_wr64(h + 40, skidx_hash64(h, 40));
    const size_t hlen = o->postings
                            ? sizeof(h)
                            : SKIDX_HEADER_SIZE +
                                  (size_t)ns * SKIDX_SECTION_ENTRY_SIZE;
    if (!o->postings)
        emit(o, h, hlen);
    emit(o, b.p, b.n);
    free(b.p);
    if (o->st || !o->postings)
        return o->st;
    /* the header and table over the bytes reserved for them */
    if (!o->to_file) {
        memcpy(o->mem.p, h, hlen);
        return SKIDX_OK;
    }
    for (size_t done = 0; done < hlen;) {
        const ssize_t w = pwrite(o->a.fd, h + done, hlen - done, (off_t)done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            o->st = SKIDX_ERR_IO;
            o->err_no = w < 0 ? errno : EIO;
            return o->st;
        }
        done += (size_t)w;
    }
    return SKIDX_OK;
}

skidx_status skidx_index_out_finish(struct skidx_index_out *o,
                                    const struct skidx_model *m,
                                    struct skidx_error *err)
{
    skidx_status st = skidx_model_check_limits(m, err);
    if (!st && (st = out_close(o, m))) {
        if (o->st)
            skidx_index_out_error(o, err);
        else
            skidx_fail(err, st, o->a.path, SKIDX_NOLINE, SKIDX_NOOFF,
                       "cannot build the index: %s", skidx_strerror(st));
    }
    if (st) {
        skidx_index_out_abort(o);
        return st;
    }
    if (o->h)
        XXH3_freeState(o->h);
    st = skidx_atomic_commit(&o->a, err);
    free(o);
    return st;
}

skidx_status skidx_index_serialize(const struct skidx_model *m, uint8_t **out,
                                   size_t *len)
{
    struct skidx_index_out o;
    memset(&o, 0, sizeof(o));
    *out = NULL;
    *len = 0;
    skidx_status st = out_begin(&o, m->post.present);
    if (!st)
        st = out_close(&o, m);
    if (o.h)
        XXH3_freeState(o.h);
    if (st) {
        free(o.mem.p);
        return st;
    }
    *out = o.mem.p;
    *len = o.mem.n;
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

skidx_status skidx_index_write(const struct skidx_model *m, const char *path,
                               struct skidx_error *err)
{
    SKIDX_FORWARD(skidx_model_check_limits(m, err));
    struct skidx_index_out *o;
    SKIDX_FORWARD(skidx_index_out_open(path, m->post.present, &o, err));
    return skidx_index_out_finish(o, m, err);
}
