/*
 * fuzz_index.c - libFuzzer target for the index reader.
 *
 * Each input is opened as an index held in memory, without and with
 * checksum verification (skidx_index_open_mem, verify 0 then 1). Every
 * accessor is then called over its whole range, and a little beyond, and
 * the index is turned back into a model as `skidx merge` does. ASan checks
 * that nothing reads outside the buffer; the target checks that a failure
 * has a message, that verify 1 accepts only what verify 0 accepts, and that
 * names inside the range are non-NULL strings.
 *
 * Mutations rarely survive the header and table checksums, so each input
 * is also tried as a "fixed" copy whose checksums (header, table, and every
 * section that lies inside the file) are recomputed: that lets the fuzzer
 * reach the structural checks behind them. Both buffers are exactly the
 * input's size, so any read past the end is caught.
 *
 * Build and run: scripts/fuzz.sh (see tests/fuzz/README.md).
 */
#include "core/count.h"
#include "core/format.h"
#include "core/hash.h"
#include "core/pmerge.h"
#include "core/query.h"
#include "io/index_read.h"
#include "skidx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static volatile uint64_t sink; /* keeps results alive */

static void walk(const struct skidx_index *x)
{
    const uint32_t ns = skidx_index_n_skills(x), nc = skidx_index_n_categories(x);
    const uint32_t nr = skidx_index_n_roles(x), nl = skidx_index_n_levels(x);
    const uint32_t nm = skidx_index_n_months(x);
    struct skidx_index_meta meta;
    skidx_index_get_meta(x, &meta);
    if (!meta.tool_version || !meta.taxonomy_name ||
        !meta.taxonomy_version || !meta.salary_currency || nc == 0)
        abort();
    for (uint32_t k = 0; k <= ns; k++) {
        const char *n = skidx_index_skill_name(x, k);
        const char *c = skidx_index_skill_category(x, k);
        if ((k < ns) != (n != NULL) || (k < ns) != (c != NULL))
            abort();
        uint32_t id = 0;
        if (n)
            sink += strlen(n) + strlen(c) +
                    (uint64_t)skidx_index_find_skill(x, n, &id) + id;
        for (uint32_t i = 0; n && i < skidx_n_aliases0(x, SKIDX_DIM_SKILL, k) && i < 8; i++)
            sink += strlen(skidx_index_alias(x, SKIDX_DIM_SKILL, k, i));
        if (n)
            sink += strlen(skidx_index_skill_esco(x, k)) +
                    skidx_n_onet0(x, k);
    }
    for (uint32_t r = 0; r <= nr; r++) {
        const char *n = skidx_index_role_name(x, r);
        if ((r < nr) != (n != NULL))
            abort();
        if (n)
            { uint32_t id = 0; sink += (uint64_t)skidx_index_find_role(x, n, &id) + id; }
    }
    for (uint32_t l = 0; l <= nl; l++) {
        const char *n = skidx_index_level_name(x, l);
        if ((l < nl) != (n != NULL))
            abort();
        if (n)
            { uint32_t id = 0; sink += (uint64_t)skidx_index_find_level(x, n, &id) + id; }
    }
    {
        uint32_t id = 0;
        sink += (uint64_t)skidx_index_find_skill(x, "python", &id) + id;
    }
    for (uint32_t i = 0; i <= skidx_index_n_causes(x); i++) {
        const char *n = skidx_index_cause_name(x, i);
        sink += skidx_cause_count0(x, i) + (n ? strlen(n) : 0);
    }
    for (uint32_t i = 0; i <= skidx_index_n_lost(x); i++) {
        const char *p = skidx_index_lost_path(x, i);
        sink += skidx_lost_records0(x, i) + (p ? strlen(p) : 0);
    }

    uint64_t *bins = calloc(meta.salary_bins ? meta.salary_bins : 1, 8);
    struct skidx_skill_stats *slice = calloc(ns ? ns : 1, sizeof(*slice));
    if (!bins || !slice)
        abort();
    struct skidx_cell_stats cs;
    struct skidx_skill_stats ss;
    /* every (role, level) including "any", and one past the end */
    for (int32_t r = -1; r <= (int32_t)nr; r++)
        for (int32_t l = -1; l <= (int32_t)nl; l++) {
            skidx_index_cell(x, r, l, &cs);
            sink += cs.postings + cs.salaried + cs.salary_sum;
            skidx_index_slice(x, r, l, slice);
            skidx_index_salary_hist(x, r, l, bins);
            for (uint32_t m = 0; m <= nm && m < 64; m++) {
                uint64_t v;
                skidx_index_month_cell(x, m, r, l, &v);
                sink += v;
            }
        }
    for (uint32_t k = 0; k <= ns && k < 256; k++) {
        skidx_index_skill(x, -1, -1, k, &ss);
        skidx_index_skill(x, 0, 0, k, &ss);
        sink += ss.postings;
        for (uint32_t m = 0; m <= nm && m < 64; m++) {
            uint64_t v;
            skidx_index_month_skill(x, m, k, &v);
            sink += v;
        }
    }
    for (uint32_t m = 0; m <= nm; m++) {
        uint64_t v;
        skidx_index_month_postings(x, m, &v);
        sink += v;
    }
    free(bins);
    free(slice);

    /* the posting-level sections: every bitmap decoded into a row set */
    const struct skidx_pview *pv = skidx_index_pview(x);
    /* `skidx merge` checks every segment before it merges (they are read
     * when first used); an index that fails is not merged */
    const int checked = pv && !skidx_index_check_postings(x, NULL);
    if (checked) {
        static uint64_t bits[SKIDX_SEG_WORDS];
        for (uint32_t k = 0; k < pv->n_segs; k++) {
            const struct skidx_pseg_view *s = &pv->segs[k];
            for (uint32_t e = 0; e < 2 * s->n_ent; e++) {
                size_t used;
                uint64_t card;
                if (s->bm[e] == UINT64_MAX)
                    continue;
                memset(bits, 0, sizeof(bits));
                if (skidx_roaring_decode(s->base + s->bm[e],
                                         s->size - s->bm[e], s->rows, bits,
                                         &used, &card))
                    abort(); /* checked at open */
                sink += card + bits[0];
            }
        }
    }

    /* back to a model, as `skidx merge` does, postings included (the
     * index merged into its own model: every posting is a repost) */
    struct skidx_model model;
    const skidx_status st = skidx_index_to_model(x, &model);
    if (st == SKIDX_OK) {
        if (checked) {
            struct skidx_pmerge pm;
            skidx_pmerge_init(&pm);
            skidx_status ms = skidx_pmerge_add(&pm, &model, pv);
            if (!ms)
                ms = skidx_pmerge_add(&pm, &model, pv);
            if (!ms)
                ms = skidx_pmerge_finish(&pm, &model);
            if (ms && ms != SKIDX_ERR_NOMEM && ms != SKIDX_ERR_CORRUPT &&
                ms != SKIDX_ERR_LIMIT)
                abort();
            skidx_pmerge_release(&pm);
        }
        skidx_model_release(&model);
    } else if (st != SKIDX_ERR_NOMEM && st != SKIDX_ERR_MISMATCH) {
        abort();
    }
}

/* Recompute every checksum the reader would compare, where it can. */
static void fix_checksums(uint8_t *b, size_t size)
{
    if (size < SKIDX_HEADER_SIZE)
        return;
    const uint32_t ns = skidx_rd32(b + 16);
    if (ns <= SKIDX_MAX_SECTIONS &&
        SKIDX_HEADER_SIZE + (uint64_t)ns * SKIDX_SECTION_ENTRY_SIZE <= size) {
        uint8_t *tab = b + SKIDX_HEADER_SIZE;
        for (uint32_t i = 0; i < ns; i++) {
            uint8_t *e = tab + (size_t)i * SKIDX_SECTION_ENTRY_SIZE;
            const uint64_t off = skidx_rd64(e + 8), sz = skidx_rd64(e + 16);
            if (off <= size && sz <= size - off)
                skidx_wr64(e + 24, skidx_hash64(b + off, (size_t)sz));
        }
        skidx_wr64(b + 32,
                   skidx_hash64(tab, (size_t)ns * SKIDX_SECTION_ENTRY_SIZE));
    }
    skidx_wr64(b + 40, skidx_hash64(b, 40));
}

static void one(const uint8_t *data, size_t size)
{
    skidx_status st[2];
    for (int verify = 0; verify < 2; verify++) {
        struct skidx_index *x = NULL;
        struct skidx_error err;
        skidx_error_clear(&err);
        st[verify] = skidx_index_open_mem(data, size, verify, &x, &err);
        if (st[verify]) {
            if (x || !err.msg[0] || !memchr(err.msg, 0, sizeof(err.msg)))
                abort();
            if (st[verify] != SKIDX_ERR_CORRUPT &&
                st[verify] != SKIDX_ERR_VERSION &&
                st[verify] != SKIDX_ERR_NOMEM)
                abort();
            continue;
        }
        walk(x);
        skidx_index_close(x);
    }
    /* checksums can only reject more */
    if (st[0] && !st[1])
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one(data, size);
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        abort();
    memcpy(copy, data, size);
    fix_checksums(copy, size);
    if (memcmp(copy, data, size))
        one(copy, size);
    free(copy);
    return 0;
}
