/*
 * test_query.c - core/query: the analyst's statistics (Wilson intervals,
 * tiers, histogram quartiles, salaries, premiums, rankings, periods and
 * growth) on the hand-worked corpus of tests/report/.
 *
 * The index is built here from the postings of tests/report/README.md,
 * written out as (cell, month, salary, skills) records and fed straight to
 * the count cube and the writer: no indexer, no matcher. Every expected
 * number is the one worked out by hand in that README, not read back from
 * the code.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "core/count.h"
#include "core/query.h"
#include "core/taxonomy.h"
#include "io/index_write.h"
#include "skidx.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char skills_tsv[] = "@name\treport-test\n@version\t1\n"
                                 "Python\tProgramming Languages\tpython\n"
                                 "PyTorch\tML Frameworks\tpytorch\n"
                                 "TensorFlow\tML Frameworks\ttensorflow\n"
                                 "AWS\tCloud\taws\n"
                                 "Azure\tCloud\tazure\n"
                                 "GCP\tCloud\tgcp\n"
                                 "SQL\tData\tsql\n"
                                 "LoRA\tLLM\tlora\n";
static const char roles_tsv[] = "role\tML Engineer\t10\tml engineer\n"
                                "role\tData Scientist\t20\tdata scientist\n"
                                "role\tOther\t99\n"
                                "level\tSenior\t20\tsenior\n"
                                "level\tMid\t50\n";

enum { PY, PT, TF, AWS, AZ, GCP, SQL, LORA, NS };
enum { MLE, DS, OTH };
enum { SEN, MID };
#define M(mm) ((int32_t)(2025 * 12 + (mm)-1))

struct posting {
    uint32_t role, level;
    int32_t month;
    int64_t salary; /* annual; < 0 none */
    int usd;
    uint32_t n, sk[4];
};

/* the 20 counted postings of tests/report/README.md */
static const struct posting P[] = {
    {MLE, SEN, M(1), 200000, 1, 4, {PY, PT, AWS, LORA}},          /* p01 */
    {MLE, SEN, M(2), 180000, 1, 3, {PY, PT, AWS}},                /* p02 */
    {MLE, SEN, M(3), 160000, 1, 3, {PY, TF, GCP}},                /* p03 */
    {MLE, SEN, M(4), 220000, 1, 3, {PT, AZ, LORA}},               /* p04 */
    {MLE, SEN, M(5), -1, 1, 4, {PY, PT, TF, AWS}},                /* p05 */
    {MLE, SEN, M(6), 170000, 1, 2, {PY, PT}},                     /* p06 */
    {MLE, MID, M(1), 120000, 1, 3, {PY, TF, SQL}},                /* p07 */
    {MLE, MID, M(1), 130000, 1, 2, {PY, TF}},                     /* p08 */
    {MLE, MID, M(4), 140000, 1, 3, {PY, PT, AWS}},                /* p09 */
    {MLE, MID, M(5), 100000, 0, 2, {TF, GCP}},                    /* p10 EUR */
    {MLE, MID, M(6), 150000, 1, 3, {PY, PT, LORA}},               /* p11 */
    {DS, SEN, M(2), 150000, 1, 3, {PY, AWS, SQL}},                /* p12 */
    {DS, SEN, M(3), 140000, 1, 2, {PY, SQL}},                     /* p13 */
    {DS, SEN, M(5), -1, 1, 2, {AZ, SQL}},                         /* p14 */
    {DS, MID, M(1), 100000, 1, 2, {PY, SQL}},                     /* p15 */
    {DS, MID, M(2), 110000, 1, 3, {PY, TF, SQL}},                 /* p16 */
    {DS, MID, M(3), 90000, 1, 1, {SQL}},                          /* p17 */
    {DS, MID, M(6), 120000, 1, 3, {PY, PT, SQL}},                 /* p18 */
    {OTH, MID, M(4), -1, 1, 0, {0}},                              /* p19 */
    {OTH, MID, M(6), 80000, 1, 1, {SQL}},                         /* p20 */
};
#define NP (sizeof(P) / sizeof(P[0]))

struct fixture {
    uint8_t *bytes;
    struct skidx_index *idx;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct skidx_taxonomy *t = NULL;
    struct skidx_model m;
    struct skidx_error err;
    size_t len = 0;
    skidx_error_clear(&err);
    if (!f ||
        skidx_taxonomy_parse("<test>", skills_tsv, strlen(skills_tsv),
                             roles_tsv, strlen(roles_tsv), &t, &err) ||
        skidx_model_init(&m, t, "0.1.0-test", "USD"))
        return -1;
    for (size_t i = 0; i < NP; i++)
        if (skidx_counts_add(&m.counts, P[i].role * 2 + P[i].level,
                             P[i].month, P[i].salary, P[i].usd, P[i].sk,
                             P[i].n))
            return -1;
    if (skidx_index_serialize(&m, &f->bytes, &len) ||
        skidx_index_open_mem(f->bytes, len, 1, &f->idx, &err))
        return -1;
    skidx_model_release(&m);
    skidx_taxonomy_free(t);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    skidx_index_close(f->idx);
    free(f->bytes);
    free(f);
    return 0;
}

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-6 * (1.0 + fabs(b)))

static void test_wilson(void **state)
{
    (void)state;
    double lo, hi;
    /* 14/20, z = 1.959964: centre 0.667774, half-width 0.186748 */
    skidx_wilson(14, 20, SKIDX_Z95, &lo, &hi);
    assert_true(fabs(lo - 0.481026) < 5e-6);
    assert_true(fabs(hi - 0.854522) < 5e-6);
    /* 0/10: [0, z^2/(n+z^2)] = [0, 0.277533] */
    skidx_wilson(0, 10, SKIDX_Z95, &lo, &hi);
    NEAR(lo, 0.0);
    assert_true(fabs(hi - 0.277533) < 5e-6);
    /* 10/10 mirrors it */
    skidx_wilson(10, 10, SKIDX_Z95, &lo, &hi);
    assert_true(fabs(lo - 0.722467) < 5e-6);
    NEAR(hi, 1.0);
    skidx_wilson(0, 0, SKIDX_Z95, &lo, &hi);
    NEAR(lo, 0.0);
    NEAR(hi, 1.0);
}

static void test_tiers(void **state)
{
    (void)state;
    assert_int_equal(skidx_tier_of(60, 100), SKIDX_TIER_CRITICAL);
    assert_int_equal(skidx_tier_of(59, 100), SKIDX_TIER_HIGH);
    assert_int_equal(skidx_tier_of(3, 10), SKIDX_TIER_HIGH);    /* exactly 30 % */
    assert_int_equal(skidx_tier_of(6, 20), SKIDX_TIER_HIGH);    /* TensorFlow */
    assert_int_equal(skidx_tier_of(299, 1000), SKIDX_TIER_MEDIUM);
    assert_int_equal(skidx_tier_of(2, 20), SKIDX_TIER_MEDIUM);  /* exactly 10 % */
    assert_int_equal(skidx_tier_of(1, 11), SKIDX_TIER_NICE);
    assert_int_equal(skidx_tier_of(0, 0), SKIDX_TIER_NICE);
    assert_string_equal(skidx_tier_name(SKIDX_TIER_CRITICAL), "critical");
    assert_string_equal(skidx_tier_name(SKIDX_TIER_NICE), "nice-to-have");
}

static void test_hist_quantile(void **state)
{
    (void)state;
    uint64_t b[5] = {0};
    int open = 7;
    NEAR(skidx_hist_quantile(b, 5, 10, 0.5, &open), -1.0);
    assert_int_equal(open, 0);
    /* 2 in [10,20), 2 in [20,30): median rank 2 reaches the end of bin 1 */
    b[1] = 2;
    b[2] = 2;
    NEAR(skidx_hist_quantile(b, 5, 10, 0.5, NULL), 20.0);
    NEAR(skidx_hist_quantile(b, 5, 10, 0.25, NULL), 15.0);
    NEAR(skidx_hist_quantile(b, 5, 10, 0.75, NULL), 25.0);
    NEAR(skidx_hist_quantile(b, 5, 10, 0.0, NULL), 10.0);
    NEAR(skidx_hist_quantile(b, 5, 10, 1.0, NULL), 30.0);
    /* the open-ended last bin gives its lower bound */
    b[4] = 10;
    NEAR(skidx_hist_quantile(b, 5, 10, 0.9, &open), 40.0);
    assert_int_equal(open, 1);
}

static void test_salary(void **state)
{
    struct fixture *f = *state;
    struct skidx_salary s;
    assert_int_equal(skidx_query_salary(f->idx, MLE, SEN, &s), SKIDX_OK);
    assert_int_equal(s.postings, 6);
    assert_int_equal(s.salaried, 5);
    assert_int_equal(s.salary_sum, 930000);
    NEAR(s.mean, 186000.0);
    NEAR(s.p25, 171250.0);
    NEAR(s.median, 182500.0);
    NEAR(s.p75, 203750.0);
    assert_int_equal(s.bin_width, 5000);
    assert_int_equal(s.open_mask, 0);
    assert_int_equal(skidx_query_salary(f->idx, MLE, MID, &s), SKIDX_OK);
    assert_int_equal(s.salaried, 4);
    assert_int_equal(s.other_currency, 1);
    NEAR(s.mean, 135000.0);
    NEAR(s.p25, 125000.0);
    NEAR(s.median, 135000.0);
    NEAR(s.p75, 145000.0);
    assert_int_equal(skidx_query_salary(f->idx, DS, SEN, &s), SKIDX_OK);
    NEAR(s.mean, 145000.0);
    NEAR(s.p25, 142500.0);
    NEAR(s.median, 145000.0);
    NEAR(s.p75, 152500.0);
    assert_int_equal(skidx_query_salary(f->idx, -1, -1, &s), SKIDX_OK);
    assert_int_equal(s.postings, 20);
    assert_int_equal(s.salaried, 16);
    assert_int_equal(s.salary_sum, 2260000);
    NEAR(s.mean, 141250.0);
    assert_int_equal(skidx_query_salary(f->idx, OTH, SEN, &s), SKIDX_OK);
    assert_int_equal(s.postings, 0);
    NEAR(s.mean, -1.0);
    NEAR(s.median, -1.0);
}

static void test_premium(void **state)
{
    struct fixture *f = *state;
    struct skidx_premium p;
    skidx_query_premium(f->idx, MLE, SEN, PT, &p);
    assert_int_equal(p.with_postings, 5);
    assert_int_equal(p.with_salaried, 4);
    assert_int_equal(p.with_sum, 770000);
    assert_int_equal(p.without_salaried, 1);
    assert_int_equal(p.without_sum, 160000);
    NEAR(p.mean_with, 192500.0);
    NEAR(p.mean_without, 160000.0);
    NEAR(p.premium, 32500.0);
    NEAR(p.premium_ratio, 0.203125);
    skidx_query_premium(f->idx, MLE, SEN, AWS, &p);
    NEAR(p.mean_with, 190000.0);
    NEAR(p.mean_without, 550000.0 / 3.0);
    NEAR(p.premium, 190000.0 - 550000.0 / 3.0);
    skidx_query_premium(f->idx, -1, -1, LORA, &p);
    assert_int_equal(p.with_salaried, 3);
    assert_int_equal(p.without_salaried, 13);
    NEAR(p.premium, 60000.0);
    NEAR(p.premium_ratio, 60000.0 / 130000.0);
    /* no salaried posting with the skill: no premium */
    skidx_query_premium(f->idx, DS, SEN, AZ, &p);
    assert_int_equal(p.with_postings, 1);
    assert_int_equal(p.with_salaried, 0);
    NEAR(p.mean_with, -1.0);
    NEAR(p.premium, 0.0);
}

static void test_rank(void **state)
{
    struct fixture *f = *state;
    struct skidx_rank r[NS];
    uint32_t n = 0;
    static const uint32_t want[NS] = {PY, SQL, PT, TF, AWS, LORA, AZ, GCP};
    static const uint64_t cnt[NS] = {14, 9, 8, 6, 5, 3, 2, 2};
    assert_int_equal(skidx_query_rank(f->idx, -1, -1, r, &n), SKIDX_OK);
    assert_int_equal(n, NS);
    for (uint32_t i = 0; i < NS; i++) {
        assert_int_equal(r[i].skill, want[i]);
        assert_int_equal(r[i].postings, cnt[i]);
        assert_int_equal(r[i].slice, 20);
    }
    /* Other/Mid: SQL only */
    assert_int_equal(skidx_query_rank(f->idx, OTH, MID, r, &n), SKIDX_OK);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].skill, SQL);
    assert_int_equal(r[0].slice, 2);
}

static void test_periods(void **state)
{
    struct fixture *f = *state;
    uint32_t m0, m1;
    char buf[16];
    assert_int_equal(skidx_period_count(f->idx, SKIDX_PERIOD_MONTH), 6);
    assert_int_equal(skidx_period_count(f->idx, SKIDX_PERIOD_QUARTER), 2);
    skidx_period_range(f->idx, SKIDX_PERIOD_QUARTER, 1, &m0, &m1);
    assert_int_equal(m0, 3);
    assert_int_equal(m1, 6);
    skidx_period_label(f->idx, SKIDX_PERIOD_QUARTER, 1, buf, sizeof(buf));
    assert_string_equal(buf, "2025-Q2");
    skidx_period_label(f->idx, SKIDX_PERIOD_MONTH, 5, buf, sizeof(buf));
    assert_string_equal(buf, "2025-06");
    /* months before year 0 (never written by skidx, allowed by the format)
     * divide rounding down: -1 is December of year -1 */
    skidx_month_label(-1, buf, sizeof(buf));
    assert_string_equal(buf, "-0001-12");
    skidx_month_label(-12, buf, sizeof(buf));
    assert_string_equal(buf, "-0001-01");
    skidx_month_label(-13, buf, sizeof(buf));
    assert_string_equal(buf, "-0002-12");
    skidx_month_label(0, buf, sizeof(buf));
    assert_string_equal(buf, "0000-01");
    static const uint64_t per_month[6] = {4, 3, 3, 3, 3, 4};
    static const uint64_t pytorch[6] = {1, 1, 0, 2, 1, 3};
    for (uint32_t m = 0; m < 6; m++) {
        uint64_t v;
        assert_int_equal(skidx_range_postings(f->idx, m, m + 1, &v), SKIDX_OK);
        assert_int_equal(v, per_month[m]);
        assert_int_equal(skidx_range_skill(f->idx, m, m + 1, PT, &v), SKIDX_OK);
        assert_int_equal(v, pytorch[m]);
    }
    uint64_t v;
    skidx_range_postings(f->idx, 0, 3, &v);
    assert_int_equal(v, 10);
    skidx_range_skill(f->idx, 3, 6, PT, &v);
    assert_int_equal(v, 6);
    /* out of range: an error, not a zero */
    const uint32_t nm = skidx_index_n_months(f->idx);
    assert_int_equal(skidx_range_postings(f->idx, 0, nm + 1, &v),
                     SKIDX_ERR_USAGE);
    assert_int_equal(skidx_range_skill(f->idx, 0, 1,
                                       skidx_index_n_skills(f->idx), &v),
                     SKIDX_ERR_USAGE);
    assert_int_equal(skidx_period_range(f->idx, SKIDX_PERIOD_MONTH, nm, &m0,
                                        &m1),
                     SKIDX_ERR_USAGE);
    struct skidx_premium pr;
    assert_int_equal(skidx_query_premium(f->idx, 0, -9, PT, &pr),
                     SKIDX_ERR_USAGE);
    struct skidx_salary sa;
    assert_int_equal(skidx_query_salary(f->idx, 999, SKIDX_ANY, &sa),
                     SKIDX_ERR_USAGE);
    uint32_t nr;
    struct skidx_rank *rk = calloc(skidx_index_n_skills(f->idx), sizeof(*rk));
    assert_non_null(rk);
    assert_int_equal(skidx_query_rank(f->idx, SKIDX_ANY, -2, rk, &nr),
                     SKIDX_ERR_USAGE);
    assert_int_equal(nr, 0);
    free(rk);
    int32_t cal;
    assert_int_equal(skidx_month_parse("2025-06", &cal), 0);
    assert_int_equal(cal, M(6));
    assert_int_equal(skidx_month_parse("2025-13", &cal), -1);
    assert_int_equal(skidx_month_parse("2025-6", &cal), -1);
    assert_int_equal(skidx_quarter_parse("2025-Q2", &cal), 0);
    assert_int_equal(cal, 2025 * 4 + 1);
    assert_int_equal(skidx_quarter_parse("2025-Q5", &cal), -1);
}

static void test_growth(void **state)
{
    struct fixture *f = *state;
    struct skidx_growth g[NS];
    uint32_t n, r;
    assert_int_equal(skidx_query_growth(f->idx, 0, 3, 3, 6, 3, g, &n, &r),
                     SKIDX_OK);
    assert_int_equal(n, NS);
    assert_int_equal(r, 6); /* Azure (0+2) and GCP (1+1) under 3 */
    static const uint32_t order[NS] = {PT, LORA, AWS, TF, SQL, PY, AZ, GCP};
    static const double change[NS] = {0.4, 0.1, -0.1, -0.2, -0.3, -0.4, 0.2, 0.0};
    for (uint32_t i = 0; i < NS; i++) {
        assert_int_equal(g[i].skill, order[i]);
        assert_true(fabs(g[i].change - change[i]) < 1e-12);
        assert_int_equal(g[i].ranked, i < 6);
        assert_int_equal(g[i].a_total, 10);
        assert_int_equal(g[i].b_total, 10);
    }
    NEAR(g[0].ratio, 2.0);      /* PyTorch 20 % -> 60 % */
    NEAR(g[5].ratio, -4.0 / 9); /* Python 90 % -> 50 % */
    assert_true(isinf(g[6].ratio)); /* Azure: from nothing */
    assert_int_equal(skidx_query_growth(f->idx, 0, 0, 3, 6, 3, g, &n, &r),
                     SKIDX_ERR_USAGE);
    assert_int_equal(skidx_query_growth(f->idx, 0, 3, 3, 7, 3, g, &n, &r),
                     SKIDX_ERR_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wilson),
        cmocka_unit_test(test_tiers),
        cmocka_unit_test(test_hist_quantile),
        cmocka_unit_test_setup_teardown(test_salary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_premium, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rank, setup, teardown),
        cmocka_unit_test_setup_teardown(test_periods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_growth, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
