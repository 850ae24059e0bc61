/*
 * skidx_bench.c - skidx-bench: one benchmark per stage of the indexing
 * pipeline, each on input loaded into memory before the clock starts.
 *
 *   decompress      ZSTD_decompressStream over each whole shard (the floor)
 *   shard_reader    skidx_shard_reader over each shard file (page cache)
 *   jsonl_parse     skidx_jsonl_parse over every line of the decompressed text
 *   match.*         skidx_match_text on title + description (WORDS engine;
 *                   AVX/portable word mask; default and synthetic taxonomy)
 *   posting.*       skidx_posting_process (classify + skills + dedup key)
 *   counts_add      skidx_counts_add of every posting's result
 *   counts_merge    skidx_counts_merge of one thread's table, 8 times
 *   index_serialize skidx_index_serialize of the model
 *   index_query     skidx_index_open_mem (verified) + skidx_index_slice and
 *                   skidx_index_cell for every role x level
 *
 * Throughput is always MB/s of uncompressed JSON Lines text that the run
 * covers (the shards' decompressed bytes); stages that do not scan the
 * corpus (merge, serialize, query) print no MB/s.
 *
 * usage: skidx-bench [--corpus DIR] [--taxonomy DIR] [--synth DIR]
 *                    [--reps N] [--warmup N] [--json FILE] [--filter NAME]
 *                    [--max-mb N]
 */
#include "harness.h"

#include "core/count.h"
#include "core/match.h"
#include "core/posting.h"
#include "core/section.h"
#include "core/simd.h"
#include "core/taxonomy.h"
#include "io/index_write.h"
#include "io/jsonl.h"
#include "io/shard.h"
#include "skidx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#ifndef SKIDX_SOURCE_DIR
#define SKIDX_SOURCE_DIR "."
#endif

/* io/jsonl.c's test hook: the SIMD mode of the scanners (enum
 * skidx_simd_mode), set before parsing starts */
int skidx_jsonl_simd_mode_(int mode);

/* Two runs of one benchmark by two paths: the best path's speed against
 * the other's ("# WHAT: Nx the OTHER's speed") and a warning when their
 * counters differ (every path must find the same). Nothing when either
 * was not run (--filter) or is broken. */
static void paths_agree(const struct bh_result *best,
                        const struct bh_result *other, const char *what,
                        const char *other_path)
{
    if (!best || !other || best->broken || other->broken)
        return;
    if (best->median > 0)
        printf("# %s: %.2fx the %s's speed\n", what,
               other->median / best->median, other_path);
    if (memcmp(&best->counters, &other->counters, sizeof(best->counters)))
        fprintf(stderr, "skidx-bench: warning: %s: the best path and the %s "
                        "found different results\n",
                what, other_path);
}

static void die(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "skidx-bench: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    exit(2);
}

/* ---- the corpus in memory ---- */

struct shard_mem {
    const char *path;
    uint8_t *comp;    /* file bytes */
    size_t comp_len;
    char *text;       /* decompressed JSON Lines */
    size_t text_len;
    int zstd;
};

struct corpus {
    struct shard_mem *s;
    size_t n;
    uint64_t comp_bytes, text_bytes;
};

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    uint8_t *b = malloc(cap);
    while (b) {
        n += fread(b + n, 1, cap - n, f);
        if (n < cap)
            break;
        uint8_t *nb = realloc(b, cap * 2);
        if (!nb) {
            free(b);
            b = NULL;
            break;
        }
        b = nb;
        cap *= 2;
    }
    if (b && ferror(f)) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = n;
    return b;
}

/* A zstd frame or a skippable frame starts the buffer. */
static int is_zstd(const uint8_t *b, size_t n)
{
    if (n < 4)
        return 0;
    uint32_t m = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                 (uint32_t)b[3] << 24;
    return m == 0xFD2FB528u || (m & 0xFFFFFFF0u) == 0x184D2A50u;
}

/* Decompress a whole (possibly multi-frame) zstd buffer. */
static char *decompress_all(const uint8_t *src, size_t n, size_t *out_len)
{
    ZSTD_DCtx *d = ZSTD_createDCtx();
    size_t cap = n * 8 + 4096, len = 0;
    char *out = malloc(cap);
    ZSTD_inBuffer in = {src, n, 0};
    size_t ret = 1;
    while (out && d) {
        if (len == cap) {
            char *no = realloc(out, cap * 2);
            if (!no) {
                free(out);
                out = NULL;
                break;
            }
            out = no;
            cap *= 2;
        }
        ZSTD_outBuffer o = {out + len, cap - len, 0};
        ret = ZSTD_decompressStream(d, &o, &in);
        len += o.pos;
        if (ZSTD_isError(ret)) {
            free(out);
            out = NULL;
            break;
        }
        if (in.pos == in.size && o.pos < o.size)
            break;
    }
    ZSTD_freeDCtx(d);
    if (out && ret != 0) { /* truncated frame */
        free(out);
        out = NULL;
    }
    *out_len = len;
    return out;
}

static void corpus_load(struct corpus *c, const char *dir, uint64_t max_bytes)
{
    struct skidx_shard_list list = {0};
    struct skidx_error err;
    skidx_error_clear(&err);
    if (skidx_shard_list_add(&list, dir, &err))
        die("cannot list the corpus '%s': %s", dir, err.msg);
    c->s = calloc(list.n, sizeof(*c->s));
    for (size_t i = 0; i < list.n && c->text_bytes < max_bytes; i++) {
        struct shard_mem *m = &c->s[c->n];
        m->path = strdup(list.paths[i]);
        m->comp = read_file(m->path, &m->comp_len);
        if (!m->comp)
            die("cannot read '%s': %s", m->path, strerror(errno));
        m->zstd = is_zstd(m->comp, m->comp_len);
        if (m->zstd) {
            m->text = decompress_all(m->comp, m->comp_len, &m->text_len);
            if (!m->text)
                die("cannot decompress '%s'%s", m->path, "");
        } else {
            m->text = (char *)m->comp;
            m->text_len = m->comp_len;
        }
        c->comp_bytes += m->comp_len;
        c->text_bytes += m->text_len;
        c->n++;
    }
    skidx_shard_list_release(&list);
    if (!c->n)
        die("no shard in '%s'%s", dir, "");
}

/* ---- postings parsed once, with their strings copied out ---- */

struct postings {
    struct skidx_posting *p;
    size_t n;
    char *arena;
    uint64_t lines, bad;
};

static void postings_load(struct postings *P, const struct corpus *c,
                          const struct skidx_jsonl_keys *keys)
{
    size_t cap = 1024, acap = c->text_bytes + 1024, alen = 0;
    P->p = malloc(cap * sizeof(*P->p));
    P->arena = malloc(acap);
    /* offsets into the arena until it stops moving */
    size_t (*off)[SKIDX_P_COUNT] = malloc(cap * sizeof(*off));
    struct skidx_jbuf jb = {0};
    if (!P->p || !P->arena || !off)
        die("out of memory%s%s", "", "");
    for (size_t s = 0; s < c->n; s++) {
        const char *t = c->s[s].text, *end = t + c->s[s].text_len;
        while (t < end) {
            const char *nl = memchr(t, '\n', (size_t)(end - t));
            size_t len = (size_t)((nl ? nl : end) - t);
            const char *line = t;
            t = nl ? nl + 1 : end;
            P->lines++;
            struct skidx_jsonl_record rec;
            if (skidx_jsonl_parse(keys, line, len, &rec, &jb, NULL) !=
                SKIDX_CAUSE_COUNT) {
                P->bad++;
                continue;
            }
            if (P->n == cap) {
                cap *= 2;
                P->p = realloc(P->p, cap * sizeof(*P->p));
                off = realloc(off, cap * sizeof(*off));
                if (!P->p || !off)
                    die("out of memory%s%s", "", "");
            }
            struct skidx_posting *q = &P->p[P->n];
            skidx_jsonl_to_posting(&rec, q);
            for (int i = 0; i < SKIDX_P_COUNT; i++) {
                struct skidx_value *v = &q->v[i];
                off[P->n][i] = SIZE_MAX;
                if (v->type == SKIDX_V_ABSENT ||
                    (v->type == SKIDX_V_OTHER && v->p && !strcmp(v->p, "null")))
                    continue;
                if (alen + v->len + 1 > acap) {
                    acap = (alen + v->len + 1) * 2;
                    P->arena = realloc(P->arena, acap);
                    if (!P->arena)
                        die("out of memory%s%s", "", "");
                }
                if (v->len)
                    memcpy(P->arena + alen, v->p, v->len);
                P->arena[alen + v->len] = 0;
                off[P->n][i] = alen;
                alen += v->len + 1;
            }
            P->n++;
        }
    }
    for (size_t k = 0; k < P->n; k++)
        for (int i = 0; i < SKIDX_P_COUNT; i++)
            if (off[k][i] != SIZE_MAX)
                P->p[k].v[i].p = P->arena + off[k][i];
    free(off);
    skidx_jbuf_release(&jb);
}

/* ---- (a) decompression ---- */

struct dec_ctx {
    const struct corpus *c;
    ZSTD_DCtx *d;
    char *buf;
    size_t cap;
};

static int bench_decompress(void *vctx, struct bh_counters *out)
{
    struct dec_ctx *x = vctx;
    for (size_t s = 0; s < x->c->n; s++) {
        const struct shard_mem *m = &x->c->s[s];
        if (!m->zstd)
            continue;
        ZSTD_DCtx_reset(x->d, ZSTD_reset_session_only);
        ZSTD_inBuffer in = {m->comp, m->comp_len, 0};
        size_t ret = 1;
        for (;;) {
            ZSTD_outBuffer o = {x->buf, x->cap, 0};
            ret = ZSTD_decompressStream(x->d, &o, &in);
            if (ZSTD_isError(ret))
                return -1;
            /* count the records without a second pass over memory */
            for (const char *p = x->buf, *e = x->buf + o.pos;
                 (p = memchr(p, '\n', (size_t)(e - p))); p++)
                out->records++;
            out->matches += o.pos; /* bytes out, checked against the load */
            if (in.pos == in.size && o.pos < o.size)
                break;
        }
        if (ret != 0)
            return -1;
    }
    return 0;
}

/* ---- (b) shard reader ---- */

/* Every shard through next() (copies into a chunk of ours) or through
 * views (what the indexer reads: zstd decoded straight into the reader's
 * buffers, no copy out of a window). */
static int read_shards(const struct corpus *c, int views, void **spare,
                       struct bh_counters *out)
{
    struct skidx_chunk ch = {0};
    struct skidx_error err;
    const struct skidx_reader_opts opts = {0, 0, spare, 0, 0};
    int rc = 0;
    for (size_t s = 0; s < c->n && !rc; s++) {
        struct skidx_shard_reader *r = NULL;
        skidx_error_clear(&err);
        if (skidx_shard_reader_open(c->s[s].path, &opts, &r, &err)) {
            rc = -1;
            break;
        }
        for (;;) {
            if (views ? skidx_shard_reader_view(r, &ch, &err)
                      : skidx_shard_reader_next(r, &ch, &err)) {
                rc = -1;
                break;
            }
            if (!ch.n_lines)
                break;
            out->records += ch.n_lines;
            out->matches += ch.len;
        }
        skidx_shard_reader_close(r);
    }
    skidx_chunk_release(&ch); /* a view releases nothing */
    return rc;
}

/* The view buffers outlive one repetition, as they outlive one shard in
 * the indexer: the timed runs measure reading, not first page faults. */
static void *view_spare;

static int bench_reader(void *vctx, struct bh_counters *out)
{
    return read_shards(vctx, 0, NULL, out);
}

static int bench_view(void *vctx, struct bh_counters *out)
{
    return read_shards(vctx, 1, &view_spare, out);
}

/* ---- (c) record splitting + field extraction ---- */

struct parse_ctx {
    const struct corpus *c;
    const struct skidx_jsonl_keys *keys;
    struct skidx_jbuf jb;
    int first; /* skidx_jsonl_parse_first() where a line starts with a brace */
};

static int bench_parse(void *vctx, struct bh_counters *out)
{
    struct parse_ctx *x = vctx;
    for (size_t s = 0; s < x->c->n; s++) {
        const char *t = x->c->s[s].text, *end = t + x->c->s[s].text_len;
        while (t < end) {
            struct skidx_jsonl_record rec;
            unsigned cause;
            if (x->first && *t == '{') {
                /* the indexer's way: the parse finds the line's end */
                size_t len;
                cause = skidx_jsonl_parse_first(x->keys, t, (size_t)(end - t),
                                                (size_t)1 << 20, &rec, &x->jb,
                                                NULL, &len);
                t = len < (size_t)(end - t) ? t + len + 1 : end;
            } else {
                const char *nl = memchr(t, '\n', (size_t)(end - t));
                size_t len = (size_t)((nl ? nl : end) - t);
                cause = skidx_jsonl_parse(x->keys, t, len, &rec, &x->jb,
                                          NULL);
                t = nl ? nl + 1 : end;
            }
            if (cause > SKIDX_CAUSE_COUNT)
                return -1;
            if (cause < SKIDX_CAUSE_COUNT)
                continue;
            out->records++;
            for (int f = 0; f < SKIDX_F_COUNT; f++)
                out->matches += rec.f[f].type != SKIDX_J_ABSENT;
        }
    }
    return 0;
}

/* ---- (d) matching ---- */

struct match_ctx {
    const struct postings *P;
    const struct skidx_compiled *cp;
    struct skidx_match_scratch s;
    struct skidx_worker w;
    int simd_mode; /* skidx_match_set_simd() argument for the run */
    int sec_mode;  /* skidx_sections_split_mode()'s: 1 whole, 0 counting */
};

static int bench_match_text(void *vctx, struct bh_counters *out)
{
    struct match_ctx *x = vctx;
    skidx_match_set_simd(x->simd_mode);
    for (size_t i = 0; i < x->P->n; i++) {
        const struct skidx_posting *p = &x->P->p[i];
        const struct skidx_value *t = &p->v[SKIDX_P_TITLE],
                                 *d = &p->v[SKIDX_P_DESCRIPTION];
        skidx_match_reset(&x->s);
        if (t->type == SKIDX_V_STRING && t->len &&
            skidx_match_text(x->cp->skills, &x->s, t->p, t->len,
                             SKIDX_ENGINE_WORDS))
            return -1;
        if (d->type == SKIDX_V_STRING && d->len &&
            skidx_match_text(x->cp->skills, &x->s, d->p, d->len,
                             SKIDX_ENGINE_WORDS))
            return -1;
        out->records++;
        out->matches += x->s.n_hits;
        out->skills += x->s.n_owners;
    }
    skidx_match_set_simd(0);
    return 0;
}

/* The duplicate key's normalisation of every description by one SIMD
 * path (enum skidx_simd_mode; matches = bytes written, which every path
 * must agree on). */
struct norm_ctx {
    const struct postings *P;
    char *buf;
    size_t cap;
    int mode;
};

static int bench_norm(void *vctx, struct bh_counters *out)
{
    struct norm_ctx *x = vctx;
    for (size_t i = 0; i < x->P->n; i++) {
        const struct skidx_value *d = &x->P->p[i].v[SKIDX_P_DESCRIPTION];
        if (d->type != SKIDX_V_STRING)
            continue;
        if (d->len + 64 > x->cap) {
            char *b = realloc(x->buf, d->len + 64);
            if (!b)
                return -1;
            x->buf = b;
            x->cap = d->len + 64;
        }
        out->matches += skidx_normalize(d->p, d->len, x->buf, x->mode);
        out->records++;
    }
    return 0;
}

/* norm (the path the indexer takes on this CPU), norm.avx2, norm.scalar;
 * bytes: the descriptions' */
static void run_norm(struct bh_harness *h, const struct postings *P)
{
    static const struct {
        const char *name, *note;
        int mode;
    } paths[] = {
        {"norm", "skidx_normalize of each description, best path",
         SKIDX_SIMD_BEST},
        {"norm.avx2", "the same, AVX2 at most", SKIDX_SIMD_AVX2},
        {"norm.scalar", "the same, portable C", SKIDX_SIMD_SCALAR},
    };
    struct norm_ctx x = {.P = P};
    uint64_t bytes = 0;
    for (size_t i = 0; i < P->n; i++)
        if (P->p[i].v[SKIDX_P_DESCRIPTION].type == SKIDX_V_STRING)
            bytes += P->p[i].v[SKIDX_P_DESCRIPTION].len;
    const struct bh_result *r[3];
    for (size_t k = 0; k < 3; k++) {
        x.mode = paths[k].mode;
        r[k] = bh_run(h, paths[k].name, paths[k].note, bytes,
                      BH_EXPECT_RECORDS | BH_EXPECT_MATCHES, bench_norm, &x);
    }
    paths_agree(r[0], r[1], "norm", "AVX2 path");
    paths_agree(r[0], r[2], "norm", "portable path");
    free(x.buf);
}

/* The section pass alone over every description (matches = headings),
 * whole (sec_mode 1) or as the indexer runs it when it counts (0: only
 * the headings that decide whether text counts). */
static int bench_sections(void *vctx, struct bh_counters *out)
{
    struct match_ctx *x = vctx;
    int mode = x->simd_mode == 1   ? SKIDX_SIMD_SCALAR
               : x->simd_mode == 2 ? SKIDX_SIMD_AVX2
                                   : SKIDX_SIMD_BEST;
    for (size_t i = 0; i < x->P->n; i++) {
        const struct skidx_value *d = &x->P->p[i].v[SKIDX_P_DESCRIPTION];
        if (d->type != SKIDX_V_STRING)
            continue;
        if (skidx_sections_split_mode(&x->cp->tax->sections, d->p, d->len,
                                      &x->w.sections, mode, x->sec_mode))
            return -1;
        out->records++;
        out->matches += x->w.sections.n;
    }
    return 0;
}

static int bench_posting(void *vctx, struct bh_counters *out)
{
    struct match_ctx *x = vctx;
    skidx_match_set_simd(x->simd_mode);
    for (size_t i = 0; i < x->P->n; i++) {
        struct skidx_posting_result pr;
        unsigned skip = 0;
        skidx_status st = skidx_posting_process(x->cp, &x->w, &x->P->p[i],
                                                "USD", 0, SKIDX_ENGINE_WORDS,
                                                &pr, &skip);
        if (st == SKIDX_ERR_CORRUPT)
            continue;
        if (st)
            return -1;
        out->records++; /* hits are not kept (want_hits = 0) */
        out->skills += pr.n_skills;
    }
    skidx_match_set_simd(0);
    return 0;
}

/* ---- (e) accumulators ---- */

struct counted {
    uint32_t cell;
    int32_t month;
    int64_t salary;
    int same_currency;
    size_t first, n; /* into skill ids */
};

struct count_ctx {
    const struct skidx_taxonomy *tax;
    struct counted *r;
    size_t n;
    uint32_t *ids;
    struct skidx_counts src; /* every posting, for merge and write */
    struct skidx_counts dst;
};

static int bench_counts_add(void *vctx, struct bh_counters *out)
{
    struct count_ctx *x = vctx;
    struct skidx_counts c;
    const struct skidx_taxonomy *t = x->tax;
    if (skidx_counts_init(&c, t->n_roles, t->n_levels, t->n_skills))
        return -1;
    for (size_t i = 0; i < x->n; i++) {
        const struct counted *r = &x->r[i];
        if (skidx_counts_add(&c, r->cell, r->month, r->salary,
                             r->same_currency, x->ids + r->first, r->n)) {
            skidx_counts_release(&c);
            return -1;
        }
        out->records++;
        out->skills += r->n;
    }
    skidx_counts_release(&c);
    return 0;
}

#define MERGES 8

static int bench_counts_merge(void *vctx, struct bh_counters *out)
{
    struct count_ctx *x = vctx;
    for (int k = 0; k < MERGES; k++) {
        if (skidx_counts_merge(&x->dst, &x->src))
            return -1;
        out->records += x->n;
    }
    out->matches = MERGES;
    return 0;
}

/* ---- (f) index write, (g) open + query ---- */

struct index_ctx {
    const struct skidx_model *m;
    const uint8_t *bytes;
    size_t len;
    struct skidx_skill_stats *slice;
};

static int bench_serialize(void *vctx, struct bh_counters *out)
{
    struct index_ctx *x = vctx;
    uint8_t *b = NULL;
    size_t len = 0;
    if (skidx_index_serialize(x->m, &b, &len))
        return -1;
    free(b);
    out->records = x->m->counts.stats[SKIDX_STAT_POSTINGS];
    out->matches = len;
    return 0;
}

static int bench_query(void *vctx, struct bh_counters *out)
{
    struct index_ctx *x = vctx;
    struct skidx_index *idx = NULL;
    struct skidx_error err;
    skidx_error_clear(&err);
    if (skidx_index_open_mem(x->bytes, x->len, 1, &idx, &err))
        return -1;
    uint32_t nr = skidx_index_n_roles(idx), nl = skidx_index_n_levels(idx),
             nk = skidx_index_n_skills(idx);
    for (uint32_t r = 0; r < nr; r++)
        for (uint32_t l = 0; l < nl; l++) {
            struct skidx_cell_stats cs;
            skidx_index_cell(idx, (int32_t)r, (int32_t)l, &cs);
            skidx_index_slice(idx, (int32_t)r, (int32_t)l, x->slice);
            out->records += cs.postings;
            for (uint32_t k = 0; k < nk; k++)
                out->skills += x->slice[k].postings;
            out->matches++;
        }
    skidx_index_close(idx);
    return 0;
}

/* ---- taxonomies ---- */

static struct skidx_taxonomy *load_taxonomy(const char *dir,
                                            struct skidx_compiled **cp,
                                            double *compile_s)
{
    struct skidx_taxonomy *t = NULL;
    struct skidx_error err;
    skidx_error_clear(&err);
    if (skidx_taxonomy_load(dir, &t, &err)) {
        fprintf(stderr, "skidx-bench: cannot load the taxonomy '%s': %s\n",
                dir, err.msg[0] ? err.msg : skidx_strerror(err.status));
        return NULL;
    }
    double t0 = bh_now();
    if (skidx_compiled_create(t, cp, &err)) {
        fprintf(stderr, "skidx-bench: cannot compile the taxonomy '%s': %s\n",
                dir, err.msg);
        skidx_taxonomy_free(t);
        return NULL;
    }
    *compile_s = bh_now() - t0;
    return t;
}

static int dir_has_skills(const char *dir)
{
    char p[4096];
    struct stat st;
    snprintf(p, sizeof(p), "%s/skills.tsv", dir);
    return stat(p, &st) == 0;
}

static void run_match_set(struct bh_harness *h, const struct postings *P,
                          uint64_t bytes, const struct skidx_compiled *cp,
                          const char *tag, int with_scalar, double compile_s)
{
    struct match_ctx x = {.P = P, .cp = cp, .sec_mode = 1};
    struct skidx_matcher_stats ms;
    skidx_matcher_get_stats(cp->skills, &ms);
    if (skidx_match_scratch_init(&x.s, cp->skills) ||
        skidx_worker_init(&x.w, cp))
        die("out of memory%s%s", "", "");
    char name[64], note[128];
    snprintf(note, sizeof(note), "%zu literals, %zu regexes, %s, compile %.0f ms",
             ms.literals, ms.regexes, ms.simd, compile_s * 1e3);
    unsigned ex = BH_EXPECT_RECORDS | BH_EXPECT_SKILLS;
    snprintf(name, sizeof(name), "match.%s", tag);
    const struct bh_result *simd = bh_run(h, name, note, bytes, ex,
                                          bench_match_text, &x);
    if (with_scalar) {
        /* the AVX2 path beside the best one (on an AVX-512 CPU the two
         * differ; the best should not be the slower) */
        x.simd_mode = 2;
        snprintf(name, sizeof(name), "match.%s.avx2", tag);
        const struct bh_result *a2 =
            bh_run(h, name, "AVX2 word mask and word loop "
                            "(skidx_match_set_simd(2))",
                   bytes, ex, bench_match_text, &x);
        char what[64];
        snprintf(what, sizeof(what), "%s word loop", ms.simd);
        paths_agree(simd, a2, what, "AVX2 path");
        x.simd_mode = 1;
        snprintf(name, sizeof(name), "match.%s.scalar", tag);
        const struct bh_result *sc =
            bh_run(h, name, "portable word mask (skidx_match_set_simd(1))",
                   bytes, ex, bench_match_text, &x);
        x.simd_mode = 0;
        snprintf(what, sizeof(what), "%s word mask", ms.simd);
        paths_agree(simd, sc, what, "portable mask");
    }
    if (cp->tax->sections.n) {
        snprintf(name, sizeof(name), "sections.%s", tag);
        const struct bh_result *sb =
            bh_run(h, name, "skidx_sections_split over each description",
                   bytes, BH_EXPECT_RECORDS | BH_EXPECT_MATCHES,
                   bench_sections, &x);
        x.simd_mode = 2;
        snprintf(name, sizeof(name), "sections.%s.avx2", tag);
        const struct bh_result *sa =
            bh_run(h, name, "the section pass, AVX2 at most", bytes,
                   BH_EXPECT_RECORDS | BH_EXPECT_MATCHES, bench_sections, &x);
        paths_agree(sb, sa, "sections", "AVX2 path");
        x.simd_mode = 1;
        snprintf(name, sizeof(name), "sections.%s.scalar", tag);
        const struct bh_result *ss =
            bh_run(h, name, "the portable section pass", bytes,
                   BH_EXPECT_RECORDS | BH_EXPECT_MATCHES, bench_sections, &x);
        x.simd_mode = 0;
        paths_agree(sb, ss, "sections", "portable pass");
        snprintf(name, sizeof(name), "sections.count.%s", tag);
        x.sec_mode = 0;
        bh_run(h, name,
               "the section pass when counting (the headings that decide "
               "counts)",
               bytes, BH_EXPECT_RECORDS, bench_sections, &x);
        x.sec_mode = 1;
    }
    snprintf(name, sizeof(name), "posting.%s", tag);
    bh_run(h, name, "skidx_posting_process: classify + skills + dedup key",
           bytes, ex, bench_posting, &x);
    skidx_worker_release(&x.w);
    skidx_match_scratch_release(&x.s);
}

static void usage(FILE *f)
{
    fputs("usage: skidx-bench [--corpus DIR] [--taxonomy DIR] [--synth DIR]\n"
          "                   [--reps N] [--warmup N] [--json FILE]\n"
          "                   [--filter NAME] [--max-mb N]\n"
          "\n"
          "  --corpus DIR    shards to load (default corpora/sample)\n"
          "  --taxonomy DIR  the default taxonomy (default: skidx's own;\n"
          "                  tests/e2e/taxonomy if that does not exist yet)\n"
          "  --synth DIR     the 10,000-alias taxonomy (default: generated\n"
          "                  by scripts/synth_taxonomy.py in a temp dir)\n"
          "  --reps N        timed repetitions (default 5)\n"
          "  --warmup N      untimed runs first (default 1)\n"
          "  --json FILE     write the results as JSON\n"
          "  --filter NAME   run only benchmarks whose name contains NAME\n"
          "  --max-mb N      load at most about N MB of uncompressed text\n"
          "                  (whole shards; default 128)\n"
          "exit status: 0, 1 when a benchmark is BROKEN, 2 on usage errors\n",
          f);
}

int main(int argc, char **argv)
{
    const char *corpus_dir = SKIDX_SOURCE_DIR "/corpora/sample";
    const char *tax_dir = NULL, *synth_dir = NULL, *json = NULL,
               *filter = NULL;
    int reps = 5, warmup = 1;
    double max_mb = 128;
    for (int i = 1; i < argc; i += 2) {
        /* options take a value: each pair at once */
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        if (!v) {
            usage(stderr);
            return 2;
        }
        if (!strcmp(a, "--corpus"))
            corpus_dir = v;
        else if (!strcmp(a, "--taxonomy"))
            tax_dir = v;
        else if (!strcmp(a, "--synth"))
            synth_dir = v;
        else if (!strcmp(a, "--json"))
            json = v;
        else if (!strcmp(a, "--filter"))
            filter = v;
        else if (!strcmp(a, "--reps"))
            reps = atoi(v);
        else if (!strcmp(a, "--warmup"))
            warmup = atoi(v);
        else if (!strcmp(a, "--max-mb"))
            max_mb = atof(v);
        else {
            usage(stderr);
            return 2;
        }
    }
    if (!tax_dir && dir_has_skills(SKIDX_SOURCE_DIR "/taxonomy"))
        tax_dir = SKIDX_SOURCE_DIR "/taxonomy";
    if (!tax_dir) {
        tax_dir = skidx_taxonomy_default_dir();
        if (!dir_has_skills(tax_dir)) {
            fprintf(stderr, "skidx-bench: no default taxonomy in '%s' yet; "
                            "using tests/e2e/taxonomy\n", tax_dir);
            tax_dir = SKIDX_SOURCE_DIR "/tests/e2e/taxonomy";
        }
    }

    struct bh_harness h;
    bh_init(&h, reps, warmup, filter, argc, argv);

    struct corpus c = {0};
    corpus_load(&c, corpus_dir, (uint64_t)(max_mb * 1e6));
    struct skidx_jsonl_keys keys;
    skidx_jsonl_keys_default(&keys);
    struct postings P = {0};
    postings_load(&P, &c, &keys);

    double compile_s = 0;
    struct skidx_compiled *cp = NULL;
    struct skidx_taxonomy *tax = load_taxonomy(tax_dir, &cp, &compile_s);
    if (!tax)
        return 2;

    printf("# corpus: %s: %zu shards, %.1f MB compressed, %.1f MB "
           "uncompressed, %zu postings (%llu unparsable lines)\n",
           corpus_dir, c.n, c.comp_bytes / 1e6, c.text_bytes / 1e6, P.n,
           (unsigned long long)P.bad);
    printf("# taxonomy: %s (%s %s): %u skills, %zu aliases\n", tax_dir,
           tax->name, tax->version, tax->n_skills,
           skidx_alias_set_count(&tax->skills, 0));
    bh_print_header(&h, stdout);

    const uint64_t bytes = c.text_bytes;
    unsigned rec = BH_EXPECT_RECORDS;

    /* (a)-(c): decompression, reader, parsing */
    struct dec_ctx dx = {.c = &c, .d = ZSTD_createDCtx(),
                         .cap = ZSTD_DStreamOutSize()};
    dx.buf = malloc(dx.cap);
    uint64_t zbytes = 0;
    for (size_t s = 0; s < c.n; s++)
        zbytes += c.s[s].zstd ? c.s[s].text_len : 0;
    if (zbytes) {
        const struct bh_result *r = bh_run(
            &h, "decompress", "ZSTD_decompressStream, whole shards, 1 thread",
            zbytes, rec, bench_decompress, &dx);
        if (r && !r->broken && r->counters.matches != zbytes) {
            fprintf(stderr, "skidx-bench: decompress produced %llu bytes, "
                            "expected %llu\n",
                    (unsigned long long)r->counters.matches,
                    (unsigned long long)zbytes);
            h.n_broken++;
        }
    } else {
        bh_skip(&h, "decompress", "no zstd shard in the corpus");
    }
    ZSTD_freeDCtx(dx.d);
    free(dx.buf);
    bh_run(&h, "shard_reader", "skidx_shard_reader, files in page cache",
           bytes, rec, bench_reader, &c);
    bh_run(&h, "shard_view", "skidx_shard_reader_view: no copy (the indexer's)",
           bytes, rec, bench_view, &c);
    skidx_shard_reader_spare_free(view_spare);
    view_spare = NULL;
    struct parse_ctx px = {.c = &c, .keys = &keys};
    const struct bh_result *pb =
        bh_run(&h, "jsonl_parse", "split lines + skidx_jsonl_parse", bytes,
               rec | BH_EXPECT_MATCHES, bench_parse, &px);
    /* the AVX2 scanners beside the best (internal hook, as test_jsonl) */
    skidx_jsonl_simd_mode_(SKIDX_SIMD_AVX2);
    const struct bh_result *pa =
        bh_run(&h, "jsonl_parse.avx2", "the same, AVX2 scanners", bytes,
               rec | BH_EXPECT_MATCHES, bench_parse, &px);
    skidx_jsonl_simd_mode_(SKIDX_SIMD_BEST);
    paths_agree(pb, pa, "jsonl_parse", "AVX2 path");
    px.first = 1;
    const struct bh_result *pf =
        bh_run(&h, "jsonl_parse.first",
               "skidx_jsonl_parse_first: the parse finds each line's end",
               bytes, rec | BH_EXPECT_MATCHES, bench_parse, &px);
    px.first = 0;
    paths_agree(pb, pf, "jsonl_parse", "line end from the parse");
    skidx_jbuf_release(&px.jb);

    /* (c2) the duplicate key's normalisation, each path */
    run_norm(&h, &P);

    /* (d) matching, default taxonomy */
    run_match_set(&h, &P, bytes, cp, "default", 1, compile_s);

    /* (d) matching, synthetic 10,000-alias taxonomy */
    if (bh_selected(&h, "match.synth10k") || bh_selected(&h, "posting.synth10k")) {
        char tmp[] = "/tmp/skidx-bench-synth-XXXXXX";
        int made = 0;
        if (!synth_dir) {
            if (!mkdtemp(tmp))
                die("cannot make a temp dir: %s%s", strerror(errno), "");
            char cmd[8192];
            snprintf(cmd, sizeof(cmd),
                     "/usr/bin/python3 '%s/scripts/synth_taxonomy.py' "
                     "--aliases 10000 --roles '%s/roles.tsv' -o '%s'",
                     SKIDX_SOURCE_DIR, tax_dir, tmp);
            if (system(cmd) == 0) {
                synth_dir = tmp;
                made = 1;
            }
        }
        struct skidx_compiled *scp = NULL;
        double sc_s = 0;
        struct skidx_taxonomy *st =
            synth_dir ? load_taxonomy(synth_dir, &scp, &sc_s) : NULL;
        if (st) {
            run_match_set(&h, &P, bytes, scp, "synth10k", 0, sc_s);
            skidx_compiled_free(scp);
            skidx_taxonomy_free(st);
        } else {
            bh_skip(&h, "match.synth10k",
                    "synthetic taxonomy unavailable (scripts/synth_taxonomy.py)");
            h.n_broken++;
        }
        if (made) {
            char cmd[4200];
            snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
            if (system(cmd) != 0)
                fprintf(stderr, "skidx-bench: cannot remove '%s'\n", tmp);
        }
    }

    /* (e) accumulators: results computed once, untimed */
    struct count_ctx cx = {.tax = tax};
    cx.r = calloc(P.n ? P.n : 1, sizeof(*cx.r));
    size_t ids_cap = 1024, ids_n = 0;
    cx.ids = malloc(ids_cap * sizeof(uint32_t));
    {
        struct skidx_worker w;
        if (!cx.r || !cx.ids || skidx_worker_init(&w, cp))
            die("out of memory%s%s", "", "");
        for (size_t i = 0; i < P.n; i++) {
            struct skidx_posting_result pr;
            unsigned skip = 0;
            if (skidx_posting_process(cp, &w, &P.p[i], "USD", 0,
                                      SKIDX_ENGINE_WORDS, &pr, &skip))
                continue;
            while (ids_n + pr.n_skills > ids_cap) {
                ids_cap *= 2;
                cx.ids = realloc(cx.ids, ids_cap * sizeof(uint32_t));
                if (!cx.ids)
                    die("out of memory%s%s", "", "");
            }
            memcpy(cx.ids + ids_n, pr.skills, pr.n_skills * sizeof(uint32_t));
            cx.r[cx.n++] = (struct counted){
                pr.role * tax->n_levels + pr.level, pr.month, pr.salary,
                pr.same_currency, ids_n, pr.n_skills};
            ids_n += pr.n_skills;
        }
        skidx_worker_release(&w);
    }
    bh_run(&h, "counts_add", "skidx_counts_add per posting (no dedup)", 0,
           rec | BH_EXPECT_SKILLS, bench_counts_add, &cx);

    if (skidx_counts_init(&cx.src, tax->n_roles, tax->n_levels, tax->n_skills) ||
        skidx_counts_init(&cx.dst, tax->n_roles, tax->n_levels, tax->n_skills))
        die("out of memory%s%s", "", "");
    for (size_t i = 0; i < cx.n; i++)
        if (skidx_counts_add(&cx.src, cx.r[i].cell, cx.r[i].month,
                             cx.r[i].salary, cx.r[i].same_currency,
                             cx.ids + cx.r[i].first, cx.r[i].n))
            die("counting failed%s%s", "", "");
    cx.src.stats[SKIDX_STAT_POSTINGS] = cx.n;
    bh_run(&h, "counts_merge", "skidx_counts_merge of a whole table, x8", 0,
           rec, bench_counts_merge, &cx);

    /* (f) serialise, (g) open + role x level query */
    struct skidx_model model;
    if (skidx_model_init(&model, tax, "bench", "USD") ||
        skidx_counts_merge(&model.counts, &cx.src))
        die("cannot build the model%s%s", "", "");
    model.counts.stats[SKIDX_STAT_POSTINGS] = cx.n;
    model.counts.stats[SKIDX_STAT_RECORDS] = P.lines;
    model.counts.stats[SKIDX_STAT_SHARDS] = c.n;
    model.counts.stats[SKIDX_STAT_BYTES_UNCOMPRESSED] = c.text_bytes;
    model.counts.stats[SKIDX_STAT_BYTES_COMPRESSED] = c.comp_bytes;
    struct index_ctx ix = {.m = &model};
    uint8_t *ibytes = NULL;
    if (skidx_index_serialize(&model, &ibytes, &ix.len))
        die("cannot serialise the index%s%s", "", "");
    ix.bytes = ibytes;
    ix.slice = calloc(tax->n_skills ? tax->n_skills : 1, sizeof(*ix.slice));
    char note[128];
    snprintf(note, sizeof(note), "index of %zu bytes", ix.len);
    bh_run(&h, "index_serialize", note, 0, rec | BH_EXPECT_MATCHES,
           bench_serialize, &ix);
    snprintf(note, sizeof(note), "open_mem(verify) + %u role x %u level slices",
             tax->n_roles, tax->n_levels);
    bh_run(&h, "index_query", note, 0, rec | BH_EXPECT_SKILLS, bench_query,
           &ix);

    int status = bh_finish(&h, stdout);
    if (json && bh_write_json(&h, json, corpus_dir, tax_dir)) {
        fprintf(stderr, "skidx-bench: cannot write '%s': %s\n", json,
                strerror(errno));
        status = 2;
    }

    free(ix.slice);
    free(ibytes);
    skidx_model_release(&model);
    skidx_counts_release(&cx.src);
    skidx_counts_release(&cx.dst);
    free(cx.r);
    free(cx.ids);
    skidx_compiled_free(cp);
    skidx_taxonomy_free(tax);
    free(P.p);
    free(P.arena);
    for (size_t s = 0; s < c.n; s++) {
        if (c.s[s].text != (char *)c.s[s].comp)
            free(c.s[s].text);
        free(c.s[s].comp);
        free((char *)c.s[s].path);
    }
    free(c.s);
    bh_release(&h);
    return status;
}
