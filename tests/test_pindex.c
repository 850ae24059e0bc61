/*
 * test_pindex.c - the posting-level segments (core/pindex.h): our portable
 * Roaring decoder against CRoaring's serializer on arrays, bitsets and
 * runs; a segment encoded and read back column by column (and, format 4,
 * the country of each location); and hostile bitmaps and segments
 * refused.
 */
#include "core/format.h"
#include "core/pindex.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <roaring/roaring.h>

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Serialise `vals` with CRoaring (run-optimised or not) and decode it
 * with ours: the same values, cardinality and size. */
static void roundtrip(const uint32_t *vals, size_t n, uint32_t limit,
                      int runs)
{
    roaring_bitmap_t *bm = roaring_bitmap_of_ptr(n, vals);
    assert_non_null(bm);
    if (runs)
        roaring_bitmap_run_optimize(bm);
    const size_t sz = roaring_bitmap_portable_size_in_bytes(bm);
    uint8_t *buf = malloc(sz);
    assert_non_null(buf);
    assert_int_equal(roaring_bitmap_portable_serialize(bm, (char *)buf), sz);
    static uint64_t bits[SKIDX_SEG_WORDS];
    memset(bits, 0, sizeof(bits));
    size_t used = 0;
    uint64_t card = 0;
    assert_int_equal(skidx_roaring_decode(buf, sz, limit, bits, &used, &card),
                     0);
    assert_int_equal(used, sz);
    assert_int_equal(card, roaring_bitmap_get_cardinality(bm));
    for (uint32_t v = 0; v < limit; v++)
        assert_int_equal((int)(bits[v / 64] >> (v % 64) & 1),
                         (int)roaring_bitmap_contains(bm, v));
    /* one byte short is never a valid bitmap */
    assert_int_equal(skidx_roaring_decode(buf, sz - 1, limit, NULL, &used,
                                          NULL),
                     -1);
    /* nor is one whose largest value is at the limit */
    if (n) {
        const uint32_t max = roaring_bitmap_maximum(bm);
        assert_int_equal(skidx_roaring_decode(buf, sz, max, NULL, &used,
                                              NULL),
                         -1);
    }
    free(buf);
    roaring_bitmap_free(bm);
}

static void test_roaring_against_croaring(void **state)
{
    (void)state;
    static uint32_t v[SKIDX_SEG_ROWS];
    /* sparse arrays, dense bitsets, runs, single values, the edges */
    for (int round = 0; round < 200; round++) {
        const uint32_t limit = 1 + (uint32_t)(next() % SKIDX_SEG_ROWS);
        const int kind = round % 4;
        size_t n = 0;
        for (uint32_t x = 0; x < limit; x++) {
            int take;
            if (kind == 0)
                take = next() % 97 == 0;
            else if (kind == 1)
                take = next() % 3 == 0;
            else if (kind == 2)
                take = (x / 1000) % 2 == 0; /* long runs */
            else
                take = x == limit - 1 || x == 0;
            if (take)
                v[n++] = x;
        }
        roundtrip(v, n, limit, 0);
        roundtrip(v, n, limit, 1);
    }
    v[0] = SKIDX_SEG_ROWS - 1;
    roundtrip(v, 1, SKIDX_SEG_ROWS, 1);
}

static void test_roaring_hostile(void **state)
{
    (void)state;
    size_t used;
    uint64_t card;
    /* array not increasing */
    const uint8_t a[] = {0x3a, 0x30, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0,
                         16, 0, 0, 0, 5, 0, 5, 0};
    assert_int_equal(skidx_roaring_decode(a, sizeof(a), 100, NULL, &used,
                                          &card),
                     -1);
    /* the same increasing: valid */
    uint8_t b[sizeof(a)];
    memcpy(b, a, sizeof(a));
    b[18] = 6;
    assert_int_equal(skidx_roaring_decode(b, sizeof(b), 100, NULL, &used,
                                          &card),
                     0);
    assert_int_equal(card, 2);
    /* a wrong container offset */
    b[12] = 17;
    assert_int_equal(skidx_roaring_decode(b, sizeof(b), 100, NULL, &used,
                                          &card),
                     -1);
    /* a key other than 0 */
    memcpy(b, a, sizeof(a));
    b[18] = 6;
    b[8] = 1;
    assert_int_equal(skidx_roaring_decode(b, sizeof(b), 100, NULL, &used,
                                          &card),
                     -1);
    /* runs: cookie 12347 with one container, run flag set, 2 runs that
     * overlap */
    const uint8_t r[] = {0x3b, 0x30, 0, 0, 1, 0, 0, 7, 0, 2, 0,
                         0, 0, 3, 0, 2, 0, 3, 0};
    assert_int_equal(skidx_roaring_decode(r, sizeof(r), 100, NULL, &used,
                                          &card),
                     -1);
    uint8_t r2[sizeof(r)];
    memcpy(r2, r, sizeof(r));
    r2[15] = 4; /* runs [0,3] and [4,7]: 8 values */
    assert_int_equal(skidx_roaring_decode(r2, sizeof(r2), 100, NULL, &used,
                                          &card),
                     0);
    assert_int_equal(card, 8);
    r2[7] = 8; /* cardinality 9 disagrees with the runs */
    assert_int_equal(skidx_roaring_decode(r2, sizeof(r2), 100, NULL, &used,
                                          &card),
                     -1);
    /* garbage of every short length never reads past it (ASan) */
    uint8_t g[64];
    for (int round = 0; round < 20000; round++) {
        const size_t n = next() % sizeof(g);
        for (size_t i = 0; i < n; i++)
            g[i] = (uint8_t)next();
        if (n >= 4 && round % 2)
            skidx_wr32(g, round % 4 == 1 ? 12346 : 12347);
        uint8_t *h = malloc(n ? n : 1);
        memcpy(h, g, n);
        (void)skidx_roaring_decode(h, n, 1 + (uint32_t)(next() % 65536),
                                   NULL, &used, &card);
        free(h);
    }
}

/* A full segment of rows like the default taxonomy's (14 skills, some
 * 34 bytes of company and location a row): the skills' and strings'
 * memory grows a few times, not once per doubling from 64 Ki (each
 * growth copies into fresh pages), and a reset segment keeps it. */
static void test_raw_growth(void **state)
{
    (void)state;
    struct skidx_pseg_raw *raw;
    assert_int_equal(skidx_pseg_raw_create(&raw), SKIDX_OK);
    uint32_t sk[14];
    for (uint32_t k = 0; k < 14; k++)
        sk[k] = 3 + 7 * k;
    int growths = 0;
    size_t cap = skidx_pseg_raw_capacity(raw);
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < SKIDX_SEG_ROWS; i++) {
            struct skidx_prow w = {0};
            w.dedup = i + 1;
            w.line = i + 1;
            w.month = INT32_MIN;
            w.company = "Verdant Agritech Ltd";
            w.company_len = 20;
            w.location = "Toronto, ON";
            w.location_len = i % 2 ? 11 : 7 + i % 5;
            w.skills = sk;
            w.n_skills = 12 + i % 3;
            assert_int_equal(skidx_pseg_raw_add(raw, &w), SKIDX_OK);
            const size_t c = skidx_pseg_raw_capacity(raw);
            growths += c != cap;
            cap = c;
        }
        assert_int_equal(skidx_pseg_raw_rows(raw), SKIDX_SEG_ROWS);
        skidx_pseg_raw_reset(raw);
    }
    assert_true(growths <= 4);
    /* and no more than an eighth over the rows' needs, rounded up */
    assert_true(cap <= ((size_t)SKIDX_SEG_ROWS * 14 * 4 +
                        (size_t)SKIDX_SEG_ROWS * 31) * 9 / 8 * 2);
    skidx_pseg_raw_free(raw);
}

/* A segment of `n` rows: encode, wrap in a directory and read back. */
static void test_segment_roundtrip(void **state)
{
    (void)state;
    const uint32_t n = 3000, n_skills = 50, cells = 12;
    struct skidx_pseg_raw *raw;
    assert_int_equal(skidx_pseg_raw_create(&raw), SKIDX_OK);
    static const char *const comps[] = {"Acme", "Globex", "株式会社"};
    static const char *const locs[] = {NULL, "Berlin", "Remote",
                                       "Austin, TX"};
    uint32_t (*sk)[8] = calloc(n, sizeof(*sk));
    uint32_t *nsk = calloc(n, sizeof(*nsk));
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = 0, pref[8], np = 0;
        for (uint32_t s = (uint32_t)(next() % 7); s < n_skills && k < 8;
             s += 1 + (uint32_t)(next() % 9)) {
            sk[i][k++] = s;
            if (s % 5 == 0)
                pref[np++] = s;
        }
        nsk[i] = k;
        struct skidx_prow w = {0};
        w.dedup = next();
        w.line = i + 1;
        w.cell = i % cells;
        w.shard = i % 2;
        w.month = i % 3 ? 24300 + (int32_t)(i % 10) : INT32_MIN;
        w.status = (uint8_t)(i % 3);
        w.salary = w.status ? 50000 + i : 0;
        w.company = i % 4 == 3 ? NULL : comps[i % 3];
        w.company_len = w.company ? (uint32_t)strlen(w.company) : 0;
        w.location = locs[i % 4];
        w.location_len = w.location ? (uint32_t)strlen(w.location) : 0;
        w.skills = sk[i];
        w.n_skills = k;
        w.pref = pref;
        w.n_pref = np;
        assert_int_equal(skidx_pseg_raw_add(raw, &w), SKIDX_OK);
    }
    uint8_t *seg;
    size_t len;
    assert_int_equal(skidx_pseg_encode(raw, n_skills, &seg, &len), SKIDX_OK);
    uint8_t dir[32];
    skidx_wr64(dir, n);
    skidx_wr32(dir + 8, 1);
    skidx_wr32(dir + 12, SKIDX_SEG_ROWS);
    skidx_wr64(dir + 16, 0);
    skidx_wr64(dir + 24, len);
    const uint8_t src[] = {2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0,
                           'a', 'b'};
    struct skidx_pview v;
    char msg[200] = "";
    assert_int_equal(skidx_pview_parse(&v, dir, sizeof(dir), seg, len, src,
                                       sizeof(src), cells, n_skills, 24300,
                                       10, msg, sizeof(msg)),
                     SKIDX_OK);
    assert_int_equal(v.n_postings, n);
    assert_int_equal(v.n_sources, 2);
    const struct skidx_pseg_view *s = &v.segs[0];
    assert_int_equal(s->rows, n);
    assert_int_equal(s->n_comp, 3);
    assert_int_equal(s->n_loc, 3);
    assert_string_equal(s->comp[0], "Acme");
    assert_string_equal(s->comp[2], "株式会社");
    assert_string_equal(s->loc[0], "Berlin");
    assert_string_equal(s->loc[2], "Austin, TX");
    /* Location_Countries ends the segment: DE, none, US */
    assert_non_null(s->loc_cc);
    assert_ptr_equal(s->loc_cc, seg + len - 6);
    assert_memory_equal(s->loc_cc, "DE\0\0US", 6);
    /* columns */
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(skidx_rd64(s->line + 8 * i), i + 1);
        assert_int_equal(skidx_rd32(s->cell + 4 * i), i % cells);
        assert_int_equal(s->status[i], i % 3);
        const uint32_t co = skidx_rd32(s->company + 4 * i);
        if (i % 4 == 3)
            assert_int_equal(co, SKIDX_NO_STRING);
        else
            assert_string_equal(s->comp[co], comps[i % 3]);
    }
    /* bitmaps: skill k's rows are the rows that have it; preferred-only
     * the ones of skills divisible by 5 */
    static uint64_t bits[SKIDX_SEG_WORDS];
    for (uint32_t e = 0; e < s->n_ent; e++) {
        const uint32_t k = skidx_rd32(s->ent + 16 * e);
        size_t used;
        uint64_t card;
        memset(bits, 0, sizeof(bits));
        assert_int_equal(skidx_roaring_decode(s->base + s->bm[2 * e],
                                              s->size - s->bm[2 * e], n,
                                              bits, &used, &card),
                         0);
        for (uint32_t i = 0; i < n; i++) {
            int has = 0;
            for (uint32_t j = 0; j < nsk[i]; j++)
                has |= sk[i][j] == k;
            assert_int_equal((int)(bits[i / 64] >> (i % 64) & 1), has);
        }
        assert_int_equal(s->bm[2 * e + 1] != UINT64_MAX, k % 5 == 0);
    }
    /* one byte changed in a bitmap's values: refused, with a message */
    if (s->n_ent) {
        const uint64_t at = s->bm[0];
        uint8_t *bad = malloc(len);
        memcpy(bad, seg, len);
        skidx_wr32(bad + at, 0x12345);
        struct skidx_pview w;
        /* version 3: the checksum of that skill's bitmaps sees it first */
        assert_int_equal(skidx_pview_parse(&w, dir, sizeof(dir), bad, len, src,
                                           sizeof(src), cells, n_skills,
                                           24300, 10, msg, sizeof(msg)),
                         SKIDX_ERR_CORRUPT);
        char want[80];
        snprintf(want, sizeof(want), "segment 0: bitmaps of skill %u: "
                 "checksum mismatch", skidx_rd32(s->ent));
        assert_string_equal(msg, want);
        skidx_pview_release(&w);
        /* with the checksums made to match, the structural check does */
        assert_int_equal(skidx_pseg_seal(bad, len), SKIDX_OK);
        assert_int_equal(skidx_pview_parse(&w, dir, sizeof(dir), bad, len, src,
                                           sizeof(src), cells, n_skills,
                                           24300, 10, msg, sizeof(msg)),
                         SKIDX_ERR_CORRUPT);
        assert_non_null(strstr(msg, "malformed bitmap"));
        skidx_pview_release(&w);
        /* one byte of the Cell column: that column's checksum */
        memcpy(bad, seg, len);
        bad[s->cell - s->base] ^= 1;
        assert_int_equal(skidx_pview_parse(&w, dir, sizeof(dir), bad, len, src,
                                           sizeof(src), cells, n_skills,
                                           24300, 10, msg, sizeof(msg)),
                         SKIDX_ERR_CORRUPT);
        assert_string_equal(msg, "segment 0: column Cell: checksum mismatch");
        skidx_pview_release(&w);
        /* one byte of the head: the head checksum */
        memcpy(bad, seg, len);
        bad[SKIDX_SEG_HEAD + 3] ^= 1;
        assert_int_equal(skidx_pview_parse(&w, dir, sizeof(dir), bad, len, src,
                                           sizeof(src), cells, n_skills,
                                           24300, 10, msg, sizeof(msg)),
                         SKIDX_ERR_CORRUPT);
        assert_string_equal(msg, "segment 0: head checksum mismatch");
        skidx_pview_release(&w);
        /* a country that is not two capitals: the dictionaries' checksum,
         * then (resealed) the check of Location_Countries */
        memcpy(bad, seg, len);
        bad[len - 1] = 's';
        assert_int_equal(skidx_pview_parse(&w, dir, sizeof(dir), bad, len, src,
                                           sizeof(src), cells, n_skills,
                                           24300, 10, msg, sizeof(msg)),
                         SKIDX_ERR_CORRUPT);
        assert_string_equal(msg, "segment 0: dictionaries: checksum mismatch");
        skidx_pview_release(&w);
        assert_int_equal(skidx_pseg_seal(bad, len), SKIDX_OK);
        assert_int_equal(skidx_pview_parse(&w, dir, sizeof(dir), bad, len, src,
                                           sizeof(src), cells, n_skills,
                                           24300, 10, msg, sizeof(msg)),
                         SKIDX_ERR_CORRUPT);
        assert_string_equal(msg, "segment 0: location 2: country is not two "
                                 "capital letters");
        skidx_pview_release(&w);
        /* a file of version 3 has no countries: the same bytes are two
         * bytes too many after its location list */
        struct skidx_pview v3;
        assert_int_equal(skidx_pview_parse_dir(&v3, dir, sizeof(dir), seg, len,
                                               src, sizeof(src), msg,
                                               sizeof(msg)),
                         SKIDX_OK);
        v3.version = 3;
        assert_int_equal(skidx_pseg_check(&v3, 0, cells, n_skills, 24300, 10,
                                          msg, sizeof(msg)),
                         SKIDX_ERR_CORRUPT);
        assert_string_equal(msg, "segment 0: 6 bytes left after its lists");
        skidx_pview_release(&v3);
        /* every truncation of the segment is refused, never read past */
        for (size_t cut = 0; cut < len; cut += 1 + cut / 8) {
            uint8_t *t = malloc(cut ? cut : 1);
            memcpy(t, seg, cut);
            skidx_wr64(dir + 24, cut);
            assert_int_equal(skidx_pview_parse(&w, dir, sizeof(dir), t, cut,
                                               src, sizeof(src), cells,
                                               n_skills, 24300, 10, msg,
                                               sizeof(msg)),
                             SKIDX_ERR_CORRUPT);
            skidx_pview_release(&w);
            free(t);
        }
        free(bad);
    }
    skidx_pview_release(&v);
    free(seg);
    free(sk);
    free(nsk);
    skidx_pseg_raw_free(raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roaring_against_croaring),
        cmocka_unit_test(test_roaring_hostile),
        cmocka_unit_test(test_raw_growth),
        cmocka_unit_test(test_segment_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
