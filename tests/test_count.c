/*
 * test_count.c - the count tables (src/core/count.c): what one posting
 * adds, the salary histogram's bins and edges, month ranges, and that
 * merging partial tables equals counting everything in one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/count.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NR 2
#define NL 3
#define NS 5
#define YM(y, m) ((int32_t)((y) * 12 + (m) - 1))

static uint64_t rng = 12345;
static uint32_t rndn(uint32_t n)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)((rng >> 33) % n);
}

static void init(struct skidx_counts *c)
{
    assert_int_equal(skidx_counts_init(c, NR, NL, NS), SKIDX_OK);
}

static void expect_equal(const struct skidx_counts *a,
                         const struct skidx_counts *b)
{
    assert_int_equal(a->n_cells, b->n_cells);
    assert_int_equal(a->n_skills, b->n_skills);
    assert_int_equal(a->bins, b->bins);
    size_t cells = a->n_cells;
    assert_memory_equal(a->cell, b->cell, cells * 4 * sizeof(uint64_t));
    assert_memory_equal(a->hist, b->hist, cells * a->bins * sizeof(uint64_t));
    assert_memory_equal(a->cs, b->cs, cells * a->n_skills * 3 * 8);
    assert_int_equal(a->n_months, b->n_months);
    if (a->n_months) {
        assert_int_equal(a->month0, b->month0);
        assert_memory_equal(a->month, b->month, a->n_months * 8);
        assert_memory_equal(a->month_cell, b->month_cell,
                            (size_t)a->n_months * cells * 8);
        assert_memory_equal(a->month_skill, b->month_skill,
                            (size_t)a->n_months * a->n_skills * 8);
    }
    assert_memory_equal(a->stats, b->stats, sizeof(a->stats));
    assert_memory_equal(a->causes, b->causes, sizeof(a->causes));
}

static void test_add_one(void **state)
{
    (void)state;
    struct skidx_counts c;
    init(&c);
    assert_int_equal(c.n_cells, NR * NL);
    assert_int_equal(c.bins, SKIDX_SALARY_BINS);
    assert_int_equal(c.n_months, 0);
    uint32_t sk[] = {1, 4};
    uint32_t cell = 1 * NL + 2;
    assert_int_equal(skidx_counts_add(&c, cell, YM(2025, 3), 123456, 1, sk, 2),
                     SKIDX_OK);
    assert_int_equal(c.cell[cell * 4 + 0], 1);
    assert_int_equal(c.cell[cell * 4 + 1], 1);
    assert_int_equal(c.cell[cell * 4 + 2], 123456);
    assert_int_equal(c.cell[cell * 4 + 3], 0);
    assert_int_equal(c.hist[cell * c.bins + 123456 / 5000], 1);
    assert_int_equal(c.cs[(cell * NS + 1) * 3 + 0], 1);
    assert_int_equal(c.cs[(cell * NS + 1) * 3 + 1], 1);
    assert_int_equal(c.cs[(cell * NS + 1) * 3 + 2], 123456);
    assert_int_equal(c.cs[(cell * NS + 4) * 3 + 2], 123456);
    assert_int_equal(c.cs[(cell * NS + 0) * 3 + 0], 0);
    assert_int_equal(c.n_months, 1);
    assert_int_equal(c.month0, YM(2025, 3));
    assert_int_equal(c.month[0], 1);
    assert_int_equal(c.month_cell[cell], 1);
    assert_int_equal(c.month_skill[4], 1);
    assert_int_equal(c.month_skill[0], 0);
    assert_int_equal(c.stats[SKIDX_STAT_POSTINGS], 1);
    assert_int_equal(c.stats[SKIDX_STAT_SALARIED], 1);

    /* other currency: counted, not summed or binned */
    assert_int_equal(skidx_counts_add(&c, cell, SKIDX_NO_MONTH, 50000, 0, sk, 1),
                     SKIDX_OK);
    assert_int_equal(c.cell[cell * 4 + 0], 2);
    assert_int_equal(c.cell[cell * 4 + 1], 1);
    assert_int_equal(c.cell[cell * 4 + 2], 123456);
    assert_int_equal(c.cell[cell * 4 + 3], 1);
    assert_int_equal(c.hist[cell * c.bins + 10], 0);
    assert_int_equal(c.cs[(cell * NS + 1) * 3 + 0], 2);
    assert_int_equal(c.cs[(cell * NS + 1) * 3 + 1], 1);
    assert_int_equal(c.stats[SKIDX_STAT_SALARIED], 1);
    assert_int_equal(c.n_months, 1);
    assert_int_equal(c.month[0], 1);
    /* no salary, no skills */
    assert_int_equal(skidx_counts_add(&c, 0, YM(2025, 1), -1, 1, NULL, 0),
                     SKIDX_OK);
    assert_int_equal(c.cell[0], 1);
    assert_int_equal(c.cell[1], 0);
    assert_int_equal(c.cell[3], 0);
    assert_int_equal(c.month0, YM(2025, 1));
    assert_int_equal(c.n_months, 3);
    assert_int_equal(c.month[0], 1);
    assert_int_equal(c.month[1], 0);
    assert_int_equal(c.month[2], 1);
    assert_int_equal(c.month_cell[2 * c.n_cells + cell], 1);
    assert_int_equal(c.month_skill[2 * NS + 4], 1);
    skidx_counts_release(&c);
}

static void test_histogram_edges(void **state)
{
    (void)state;
    struct skidx_counts c;
    init(&c);
    static const struct {
        int64_t salary;
        uint32_t bin;
    } cases[] = {
        {0, 0},           {1, 0},           {4999, 0},
        {5000, 1},        {5001, 1},        {9999, 1},
        {10000, 2},       {120000, 24},     {994999, 198},
        {995000, 199},    {999999, 199},    {1000000, 200},
        {1000001, 200},   {1004999, 200},   {1005000, 200},
        {5000000, 200},   {100000000, 200}, {INT64_MAX / 4, 200},
    };
    size_t n = sizeof(cases) / sizeof(cases[0]);
    for (size_t i = 0; i < n; i++) {
        uint32_t cell = (uint32_t)(i % c.n_cells);
        uint64_t before[SKIDX_SALARY_BINS];
        memcpy(before, c.hist + (size_t)cell * c.bins, sizeof(before));
        assert_int_equal(skidx_counts_add(&c, cell, SKIDX_NO_MONTH,
                                          cases[i].salary, 1, NULL, 0),
                         SKIDX_OK);
        for (uint32_t b = 0; b < c.bins; b++) {
            uint64_t want = before[b] + (b == cases[i].bin);
            if (c.hist[(size_t)cell * c.bins + b] != want)
                fprintf(stderr, "salary %lld: bin %u\n",
                        (long long)cases[i].salary, b);
            assert_int_equal(c.hist[(size_t)cell * c.bins + b], want);
        }
    }
    uint64_t total = 0;
    for (size_t i = 0; i < (size_t)c.n_cells * c.bins; i++)
        total += c.hist[i];
    assert_int_equal(total, n);
    assert_int_equal(c.stats[SKIDX_STAT_SALARIED], n);
    skidx_counts_release(&c);
}

/* Add one random posting to `c`. */
static void add_random(struct skidx_counts *c, int32_t m_lo, uint32_t m_n)
{
    uint32_t sk[NS], k = 0;
    for (uint32_t s = 0; s < NS; s++)
        if (rndn(2))
            sk[k++] = s;
    int64_t salary;
    switch (rndn(5)) {
    case 0:
        salary = -1;
        break;
    case 1:
        salary = 1000000 + rndn(3000000);
        break;
    case 2:
        salary = (int64_t)rndn(201) * 5000; /* bin edges */
        break;
    default:
        salary = 20000 + rndn(300000);
    }
    int32_t month = rndn(6) ? m_lo + (int32_t)rndn(m_n) : SKIDX_NO_MONTH;
    assert_int_equal(skidx_counts_add(c, rndn(NR * NL), month, salary,
                                      rndn(4) != 0, sk, k),
                     SKIDX_OK);
}

static void test_merge_halves(void **state)
{
    (void)state;
    for (int round = 0; round < 20; round++) {
        struct skidx_counts all, a, b;
        init(&all);
        init(&a);
        init(&b);
        /* the halves see different (sometimes disjoint) month ranges */
        int32_t lo_a = YM(2023, 1) + (int32_t)rndn(24);
        int32_t lo_b = YM(2023, 1) + (int32_t)rndn(36);
        uint32_t na = 1 + rndn(12), nb = 1 + rndn(12);
        for (int i = 0; i < 500; i++) {
            uint64_t save = rng;
            add_random(&a, lo_a, na);
            rng = save;
            add_random(&all, lo_a, na);
            save = rng;
            add_random(&b, lo_b, nb);
            rng = save;
            add_random(&all, lo_b, nb);
        }
        a.stats[SKIDX_STAT_LINES] = 7;
        b.stats[SKIDX_STAT_LINES] = 5;
        all.stats[SKIDX_STAT_LINES] = 12;
        a.causes[SKIDX_FIX_BAD_DATE] = 2;
        b.causes[SKIDX_FIX_BAD_DATE] = 1;
        all.causes[SKIDX_FIX_BAD_DATE] = 3;
        struct skidx_counts *dst = round % 2 ? &a : &b;
        struct skidx_counts *src = round % 2 ? &b : &a;
        assert_int_equal(skidx_counts_merge(dst, src), SKIDX_OK);
        expect_equal(dst, &all);
        /* merging into empty tables, and merging empty tables, changes
         * nothing else */
        struct skidx_counts e;
        init(&e);
        assert_int_equal(skidx_counts_merge(&e, &all), SKIDX_OK);
        expect_equal(&e, &all);
        struct skidx_counts z;
        init(&z);
        assert_int_equal(skidx_counts_merge(&e, &z), SKIDX_OK);
        expect_equal(&e, &all);
        skidx_counts_release(&z);
        skidx_counts_release(&e);
        skidx_counts_release(&all);
        skidx_counts_release(&a);
        skidx_counts_release(&b);
    }
}

static void test_merge_months(void **state)
{
    (void)state;
    for (int dir = 0; dir < 2; dir++) {
        struct skidx_counts a, b;
        init(&a);
        init(&b);
        uint32_t s1 = 1, s3 = 3;
        for (int m = 1; m <= 3; m++)
            for (int k = 0; k < m; k++)
                assert_int_equal(skidx_counts_add(&a, 0, YM(2024, m), 60000,
                                                  1, &s1, 1),
                                 SKIDX_OK);
        assert_int_equal(skidx_counts_add(&b, 5, YM(2025, 6), 70000, 1, &s3, 1),
                         SKIDX_OK);
        assert_int_equal(a.month0, YM(2024, 1));
        assert_int_equal(a.n_months, 3);
        assert_int_equal(b.month0, YM(2025, 6));
        assert_int_equal(b.n_months, 1);
        struct skidx_counts *dst = dir ? &b : &a, *src = dir ? &a : &b;
        assert_int_equal(skidx_counts_merge(dst, src), SKIDX_OK);
        assert_int_equal(dst->month0, YM(2024, 1));
        assert_int_equal(dst->n_months, 18);
        for (uint32_t i = 0; i < 18; i++) {
            uint64_t want = i < 3 ? i + 1 : i == 17 ? 1 : 0;
            assert_int_equal(dst->month[i], want);
            assert_int_equal(dst->month_cell[i * dst->n_cells + 0],
                             i < 3 ? i + 1 : 0);
            assert_int_equal(dst->month_cell[i * dst->n_cells + 5],
                             i == 17 ? 1 : 0);
            assert_int_equal(dst->month_skill[i * NS + 1], i < 3 ? i + 1 : 0);
            assert_int_equal(dst->month_skill[i * NS + 3], i == 17 ? 1 : 0);
        }
        assert_int_equal(dst->cell[0 * 4 + 0], 6);
        assert_int_equal(dst->cell[0 * 4 + 2], 6 * 60000);
        assert_int_equal(dst->cell[5 * 4 + 2], 70000);
        assert_int_equal(dst->stats[SKIDX_STAT_POSTINGS], 7);
        /* a later month in the middle keeps the range */
        assert_int_equal(skidx_counts_add(dst, 1, YM(2024, 9), -1, 1, NULL, 0),
                         SKIDX_OK);
        assert_int_equal(dst->n_months, 18);
        assert_int_equal(dst->month[8], 1);
        /* and one before it extends it at the front */
        assert_int_equal(skidx_counts_add(dst, 1, YM(2023, 12), -1, 1, NULL, 0),
                         SKIDX_OK);
        assert_int_equal(dst->month0, YM(2023, 12));
        assert_int_equal(dst->n_months, 19);
        assert_int_equal(dst->month[0], 1);
        assert_int_equal(dst->month[1], 1);
        assert_int_equal(dst->month[18], 1);
        skidx_counts_release(&a);
        skidx_counts_release(&b);
    }
}

static void test_mismatch_and_limits(void **state)
{
    (void)state;
    struct skidx_counts a, b;
    init(&a);
    assert_int_equal(skidx_counts_init(&b, NR, NL, NS + 1), SKIDX_OK);
    assert_int_equal(skidx_counts_merge(&a, &b), SKIDX_ERR_MISMATCH);
    skidx_counts_release(&b);
    assert_int_equal(skidx_counts_init(&b, NR + 1, NL, NS), SKIDX_OK);
    assert_int_equal(skidx_counts_merge(&a, &b), SKIDX_ERR_MISMATCH);
    skidx_counts_release(&b);
    assert_int_equal(skidx_counts_init(&b, 0, NL, NS), SKIDX_ERR_LIMIT);
    assert_int_equal(skidx_counts_init(&b, 1u << 20, 1u << 20, 1),
                     SKIDX_ERR_LIMIT);
    /* month ranges are bounded */
    assert_int_equal(skidx_counts_add(&a, 0, YM(1990, 1), -1, 1, NULL, 0),
                     SKIDX_OK);
    assert_int_equal(skidx_counts_add(&a, 0, YM(2100, 12), -1, 1, NULL, 0),
                     SKIDX_OK);
    assert_int_equal(a.n_months, (2100 - 1990) * 12 + 12);
    skidx_counts_release(&a);
    skidx_counts_release(&a); /* release twice is harmless */
}

#include "resident.h"

#ifdef __linux__


/* Tables shaped like the default taxonomy's: counting one posting and
 * merging it touch the pages of its cell's row of the cell x skill table
 * and no other (a thread that counted nothing costs no memory, and a
 * merge never reads the empty rows). */
static void test_sparse_pages(void **state)
{
    (void)state;
    enum { R = 12, L = 6, K = 3286 };
    struct skidx_counts a, b;
    assert_int_equal(skidx_counts_init(&a, R, L, K), SKIDX_OK);
    assert_int_equal(skidx_counts_init(&b, R, L, K), SKIDX_OK);
    const size_t row = (size_t)K * 3 * sizeof(uint64_t);
    const size_t all = (size_t)R * L * row;
    const size_t row_pages = row / (size_t)sysconf(_SC_PAGESIZE) + 2;
    if (resident(a.cs, all) == SIZE_MAX)
        skip();
    assert_int_equal(resident(a.cs, all), 0);
    const uint32_t sk[] = {0, 17, K - 1};
    const uint32_t cell = 4 * L + 5;
    assert_int_equal(skidx_counts_add(&b, cell, SKIDX_NO_MONTH, 90000, 1, sk, 3),
                     SKIDX_OK);
    assert_int_equal(skidx_counts_merge(&a, &b), SKIDX_OK);
    assert_int_equal(skidx_counts_merge(&a, &b), SKIDX_OK);
    assert_true(resident(b.cs, all) <= row_pages);
    assert_true(resident(a.cs, all) <= row_pages);
    for (int i = 0; i < 3; i++) {
        const uint64_t *e = a.cs + ((size_t)cell * K + sk[i]) * 3;
        assert_int_equal(e[0], 2);
        assert_int_equal(e[1], 2);
        assert_int_equal(e[2], 180000);
    }
    assert_int_equal(a.cell[cell * 4], 2);
    /* merging tables that counted nothing changes nothing */
    struct skidx_counts z;
    assert_int_equal(skidx_counts_init(&z, R, L, K), SKIDX_OK);
    assert_int_equal(skidx_counts_merge(&a, &z), SKIDX_OK);
    assert_int_equal(resident(z.cs, all), 0);
    assert_int_equal(a.cs[((size_t)cell * K + 17) * 3], 2);
    skidx_counts_release(&z);
    skidx_counts_release(&a);
    skidx_counts_release(&b);
}

/* A month x skill table the size of the default taxonomy's is mapped:
 * months within ten years either side of the first one never move it
 * (a copy writes every row again, a page fault each 4 KiB), and the
 * room costs no memory until a month in it is counted (then the month's
 * row is faulted in at once: count.c prefault_span). */
static void test_month_room(void **state)
{
    (void)state;
    enum { R = 12, L = 6, K = 3409 };
    struct skidx_counts c;
    assert_int_equal(skidx_counts_init(&c, R, L, K), SKIDX_OK);
    const uint32_t sk[] = {5, 700, K - 1};
    /* the generator's 58 months, 2022-01 to 2026-10, in random order,
     * beginning in the middle as a corpus's first posting may */
    assert_int_equal(skidx_counts_add(&c, 7, YM(2022, 8), -1, 1, sk, 3),
                     SKIDX_OK);
    const uint64_t *mem = c.month_skill_mem;
    if (resident(mem, (size_t)c.mem_n * K * 8) == SIZE_MAX)
        skip();
    uint64_t n[58] = {0};
    n[7] = 1;
    for (int i = 0; i < 2000; i++) {
        const uint32_t m = i < 58 ? (uint32_t)(57 - i) : rndn(58);
        assert_int_equal(skidx_counts_add(&c, m % (R * L), YM(2022, 1) + (int32_t)m,
                                          -1, 1, sk, 3),
                         SKIDX_OK);
        n[m]++;
        assert_ptr_equal(c.month_skill_mem, mem);
    }
    assert_int_equal(c.month0, YM(2022, 1));
    assert_int_equal(c.n_months, 58);
    for (uint32_t m = 0; m < 58; m++) {
        assert_int_equal(c.month[m], n[m]);
        for (int i = 0; i < 3; i++)
            assert_int_equal(c.month_skill[(size_t)m * K + sk[i]], n[m]);
    }
    /* each month wrote three counters: at most its row's pages a month
     * (the room is for mem_n months, more than four times as many) */
    const size_t row_pages = (size_t)K * 8 / (size_t)sysconf(_SC_PAGESIZE) + 2;
    assert_true(c.mem_n > 4 * 58);
    assert_true(resident(mem, (size_t)c.mem_n * K * 8) <= 58 * row_pages);
    skidx_counts_release(&c);
}
#endif

/* Months added one by one: in any order the tables hold what was added,
 * the memory behind them grows geometrically (a few copies, not one a
 * month) and stays within twice the range plus a year. */
static void month_walk(const int32_t *months, size_t n, size_t max_grows)
{
    struct skidx_counts c;
    init(&c);
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    size_t grows = 0;
    for (size_t i = 0; i < n; i++) {
        const uint64_t *mem = c.month_mem;
        const uint32_t sk = (uint32_t)months[i] % NS;
        assert_int_equal(skidx_counts_add(&c, (uint32_t)months[i] % (NR * NL),
                                          months[i], -1, 1, &sk, 1),
                         SKIDX_OK);
        grows += c.month_mem != mem;
        lo = months[i] < lo ? months[i] : lo;
        hi = months[i] > hi ? months[i] : hi;
        assert_int_equal(c.month0, lo);
        assert_int_equal(c.n_months, (uint32_t)(hi - lo + 1));
        assert_true(c.mem0 <= c.month0);
        assert_true((int64_t)c.mem0 + c.mem_n >=
                    (int64_t)c.month0 + c.n_months);
        assert_true(c.mem_n <= 2 * c.n_months + 12);
    }
    assert_true(grows <= max_grows);
    /* every month once, in its cell and skill; nothing else */
    uint64_t seen[12 * 120] = {0};
    assert_true(c.n_months <= 12 * 120);
    for (size_t i = 0; i < n; i++)
        seen[months[i] - lo]++;
    for (uint32_t m = 0; m < c.n_months; m++) {
        const int32_t month = lo + (int32_t)m;
        assert_int_equal(c.month[m], seen[m]);
        for (uint32_t k = 0; k < c.n_cells; k++)
            assert_int_equal(c.month_cell[(size_t)m * c.n_cells + k],
                             (uint32_t)month % (NR * NL) == k ? seen[m] : 0);
        for (uint32_t k = 0; k < NS; k++)
            assert_int_equal(c.month_skill[(size_t)m * NS + k],
                             (uint32_t)month % NS == k ? seen[m] : 0);
    }
    skidx_counts_release(&c);
}

static void test_month_growth(void **state)
{
    (void)state;
    static int32_t m[12 * 111];
    const size_t n = sizeof(m) / sizeof(m[0]);
    /* forwards and backwards over 1990..2100, the parser's whole range */
    for (size_t i = 0; i < n; i++)
        m[i] = YM(1990, 1) + (int32_t)i;
    month_walk(m, n, 20);
    for (size_t i = 0; i < n; i++)
        m[i] = YM(2100, 12) - (int32_t)i;
    month_walk(m, n, 20);
    /* outwards from the middle, both sides in turn */
    for (size_t i = 0; i < n; i++)
        m[i] = YM(2045, 6) + (i % 2 ? -(int32_t)(i / 2) - 1 : (int32_t)(i / 2));
    month_walk(m, n, 20);
    /* random months over ten years, and again with repeats */
    for (size_t i = 0; i < n; i++)
        m[i] = YM(2020, 1) + (int32_t)rndn(120);
    month_walk(m, n, 20);
}

/* Trimmed months are cleared: growing back into them counts from zero. */
static void test_month_trim_regrow(void **state)
{
    (void)state;
    struct skidx_counts c;
    init(&c);
    const uint32_t sk[] = {2};
    for (int32_t m = YM(2024, 1); m <= YM(2024, 12); m++)
        assert_int_equal(skidx_counts_add(&c, 3, m, -1, 1, sk, 1), SKIDX_OK);
    /* take off the first two and the last month's postings, then trim */
    const int32_t gone[] = {YM(2024, 1), YM(2024, 2), YM(2024, 12)};
    for (int i = 0; i < 3; i++)
        assert_int_equal(skidx_counts_sub(&c, 3, gone[i], -1, 1, sk, 1),
                         SKIDX_OK);
    skidx_counts_trim_months(&c);
    assert_int_equal(c.month0, YM(2024, 3));
    assert_int_equal(c.n_months, 9);
    for (int i = 0; i < 3; i++)
        assert_int_equal(skidx_counts_add(&c, 3, gone[i], -1, 1, sk, 1),
                         SKIDX_OK);
    assert_int_equal(c.month0, YM(2024, 1));
    assert_int_equal(c.n_months, 12);
    for (uint32_t m = 0; m < 12; m++) {
        assert_int_equal(c.month[m], 1);
        assert_int_equal(c.month_cell[(size_t)m * c.n_cells + 3], 1);
        assert_int_equal(c.month_skill[(size_t)m * NS + 2], 1);
    }
    /* a range outside the memory: copied, with the counts */
    assert_int_equal(skidx_counts_month_range(&c, YM(2030, 1), 1), SKIDX_OK);
    assert_int_equal(c.n_months, 12 * 7 - 11);
    assert_int_equal(c.month[0], 1);
    assert_int_equal(c.month[11], 1);
    assert_int_equal(c.month[12], 0);
    assert_int_equal(c.month_skill[11 * NS + 2], 1);
    assert_int_equal(c.month[c.n_months - 1], 0);
    /* trimmed to nothing, then a month far away */
    for (int32_t m = YM(2024, 1); m <= YM(2024, 12); m++)
        assert_int_equal(skidx_counts_sub(&c, 3, m, -1, 1, sk, 1), SKIDX_OK);
    skidx_counts_trim_months(&c);
    assert_int_equal(c.n_months, 0);
    assert_int_equal(skidx_counts_add(&c, 3, YM(2024, 6), -1, 1, sk, 1),
                     SKIDX_OK);
    assert_int_equal(c.n_months, 1);
    assert_int_equal(c.month[0], 1);
    assert_int_equal(c.month_cell[3], 1);
    assert_int_equal(c.month_skill[2], 1);
    skidx_counts_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_one),
        cmocka_unit_test(test_histogram_edges),
        cmocka_unit_test(test_merge_halves),
        cmocka_unit_test(test_merge_months),
        cmocka_unit_test(test_mismatch_and_limits),
        cmocka_unit_test(test_month_growth),
        cmocka_unit_test(test_month_trim_regrow),
#ifdef __linux__
        cmocka_unit_test(test_sparse_pages),
        cmocka_unit_test(test_month_room),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
