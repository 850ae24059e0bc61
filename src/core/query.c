/*
 * query.c - answer the analyst's questions from an open index: salary
 * quartiles from the histogram, skill premiums, rankings, trends by month
 * or quarter, growth between periods, Wilson intervals and tiers.
 *
 * Invariants: every function reads the index through the public accessors
 * only; no hidden state, so concurrent calls on one index are safe. All
 * counts stay integers until a ratio is reported; tiers are decided in
 * integers so that a share of exactly 30 % is "high" on every platform.
 */
#include "core/query.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void skidx_wilson(uint64_t x, uint64_t n, double z, double *lo, double *hi)
{
    if (n == 0) {
        *lo = 0.0;
        *hi = 1.0;
        return;
    }
    /* Wilson (1927): centre (p + z^2/2n) / (1 + z^2/n), half-width
     * z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/4n^2). Unlike p +- z*se it
     * stays inside [0, 1] and is not degenerate at p = 0 or 1. */
    const double nn = (double)n, p = (double)x / nn, z2 = z * z;
    const double denom = 1.0 + z2 / nn;
    const double centre = (p + z2 / (2.0 * nn)) / denom;
    const double half =
        z / denom * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
    double l = centre - half, h = centre + half;
    *lo = l < 0.0 ? 0.0 : l;
    *hi = h > 1.0 ? 1.0 : h;
}

enum skidx_tier skidx_tier_of(uint64_t x, uint64_t n)
{
    if (n == 0)
        return SKIDX_TIER_NICE;
    /* x/n >= t/100 <=> 100*x >= t*n, in 128-bit-safe form: counts are far
     * below 2^57, so 100*x cannot overflow 64 bits in any real index. */
    const unsigned __int128 x100 = (unsigned __int128)x * 100u;
    if (x100 >= (unsigned __int128)n * 60u)
        return SKIDX_TIER_CRITICAL;
    if (x100 >= (unsigned __int128)n * 30u)
        return SKIDX_TIER_HIGH;
    if (x100 >= (unsigned __int128)n * 10u)
        return SKIDX_TIER_MEDIUM;
    return SKIDX_TIER_NICE;
}

const char *skidx_tier_name(enum skidx_tier t)
{
    switch (t) {
    case SKIDX_TIER_CRITICAL: return "critical";
    case SKIDX_TIER_HIGH: return "high";
    case SKIDX_TIER_MEDIUM: return "medium";
    case SKIDX_TIER_NICE: break;
    }
    return "nice-to-have";
}

double skidx_hist_quantile(const uint64_t *bins, uint32_t n_bins,
                           uint32_t width, double q, int *open)
{
    uint64_t total = 0;
    for (uint32_t b = 0; b < n_bins; b++)
        total += bins[b];
    if (open)
        *open = 0;
    if (total == 0)
        return -1.0;
    if (q < 0.0)
        q = 0.0;
    if (q > 1.0)
        q = 1.0;
    const double t = q * (double)total;
    uint64_t before = 0;
    for (uint32_t b = 0; b < n_bins; b++) {
        if (!bins[b])
            continue;
        /* the first non-empty bin whose cumulative count reaches t */
        if ((double)(before + bins[b]) >= t) {
            const double lo = (double)b * (double)width;
            if (b + 1 == n_bins) {
                if (open)
                    *open = 1;
                return lo;
            }
            return lo + (double)width * (t - (double)before) / (double)bins[b];
        }
        before += bins[b];
    }
    return -1.0; /* unreachable: the last non-empty bin reaches total */
}

skidx_status skidx_query_salary(const struct skidx_index *idx, int32_t role,
                                int32_t level, struct skidx_salary *out)
{
    struct skidx_index_meta m;
    struct skidx_cell_stats c;
    memset(out, 0, sizeof(*out));
    out->mean = out->p25 = out->median = out->p75 = -1.0;
    skidx_status st = skidx_index_cell(idx, role, level, &c);
    if (st)
        return st;
    skidx_index_get_meta(idx, &m);
    out->postings = c.postings;
    out->salaried = c.salaried;
    out->salary_sum = c.salary_sum;
    out->other_currency = c.other_currency;
    out->bin_width = m.salary_bin_width;
    out->mean = out->p25 = out->median = out->p75 = -1.0;
    if (!c.salaried)
        return SKIDX_OK;
    out->mean = (double)c.salary_sum / (double)c.salaried;
    uint64_t *bins = calloc(m.salary_bins ? m.salary_bins : 1, sizeof(*bins));
    if (!bins)
        return SKIDX_ERR_NOMEM;
    skidx_index_salary_hist(idx, role, level, bins);
    int o0, o1, o2;
    out->p25 = skidx_hist_quantile(bins, m.salary_bins, m.salary_bin_width,
                                   0.25, &o0);
    out->median = skidx_hist_quantile(bins, m.salary_bins,
                                      m.salary_bin_width, 0.5, &o1);
    out->p75 = skidx_hist_quantile(bins, m.salary_bins, m.salary_bin_width,
                                   0.75, &o2);
    out->open_mask = (unsigned)o0 | (unsigned)o1 << 1 | (unsigned)o2 << 2;
    free(bins);
    return SKIDX_OK;
}

skidx_status skidx_query_premium(const struct skidx_index *idx,
                                 int32_t role, int32_t level, uint32_t k,
                                 struct skidx_premium *out)
{
    struct skidx_cell_stats c;
    struct skidx_skill_stats s;
    memset(out, 0, sizeof(*out));
    skidx_status st = skidx_index_skill(idx, role, level, k, &s);
    if (st || (st = skidx_index_cell(idx, role, level, &c)))
        return st;
    out->with_postings = s.postings;
    out->with_salaried = s.salaried;
    out->with_sum = s.salary_sum;
    /* the skill's postings are a subset of the slice's: never negative
     * in a valid index; clamp anyway, since the file is untrusted */
    out->without_salaried = c.salaried > s.salaried ? c.salaried - s.salaried : 0;
    out->without_sum =
        c.salary_sum > s.salary_sum ? c.salary_sum - s.salary_sum : 0;
    out->mean_with = out->with_salaried
                         ? (double)out->with_sum / (double)out->with_salaried
                         : -1.0;
    out->mean_without =
        out->without_salaried
            ? (double)out->without_sum / (double)out->without_salaried
            : -1.0;
    if (out->with_salaried && out->without_salaried) {
        out->premium = out->mean_with - out->mean_without;
        out->premium_ratio =
            out->mean_without > 0 ? out->premium / out->mean_without : 0.0;
    }
    return SKIDX_OK;
}

static int rank_cmp(const void *a, const void *b)
{
    const struct skidx_rank *x = a, *y = b;
    if (x->postings != y->postings)
        return x->postings > y->postings ? -1 : 1;
    return (x->skill > y->skill) - (x->skill < y->skill);
}

skidx_status skidx_query_rank(const struct skidx_index *idx, int32_t role,
                              int32_t level, struct skidx_rank *out,
                              uint32_t *n_out)
{
    const uint32_t ns = skidx_index_n_skills(idx);
    struct skidx_skill_stats *st = calloc(ns ? ns : 1, sizeof(*st));
    struct skidx_cell_stats c;
    *n_out = 0;
    if (!st)
        return SKIDX_ERR_NOMEM;
    skidx_status e = skidx_index_cell(idx, role, level, &c);
    if (e || (e = skidx_index_slice(idx, role, level, st))) {
        free(st);
        return e;
    }
    uint32_t n = 0;
    for (uint32_t k = 0; k < ns; k++)
        if (st[k].postings)
            out[n++] = (struct skidx_rank){k, st[k].postings, c.postings};
    free(st);
    qsort(out, n, sizeof(*out), rank_cmp);
    *n_out = n;
    return SKIDX_OK;
}

/* ---- periods ---- */

void skidx_month_label(int32_t cal, char *buf, size_t n)
{
    /* floor division: month -1 is December of year -1 (docs/FORMAT.md) */
    const int64_t y = cal >= 0 ? cal / 12 : -((-(int64_t)cal + 11) / 12);
    const int mo = (int)((int64_t)cal - y * 12) + 1;
    if (y < 0)
        snprintf(buf, n, "-%04lld-%02d", (long long)-y, mo);
    else
        snprintf(buf, n, "%04lld-%02d", (long long)y, mo);
}

int skidx_month_parse(const char *s, int32_t *cal)
{
    int y, mo, used = 0;
    if (strlen(s) != 7 || sscanf(s, "%4d-%2d%n", &y, &mo, &used) != 2 ||
        used != 7 || mo < 1 || mo > 12 || y < 0)
        return -1;
    *cal = y * 12 + mo - 1;
    return 0;
}

int skidx_quarter_parse(const char *s, int32_t *quarter)
{
    int y, q, used = 0;
    if (strlen(s) != 7 || sscanf(s, "%4d-Q%1d%n", &y, &q, &used) != 2 ||
        used != 7 || q < 1 || q > 4 || y < 0)
        return -1;
    *quarter = y * 4 + q - 1;
    return 0;
}

uint32_t skidx_period_count(const struct skidx_index *idx,
                            enum skidx_period_unit u)
{
    const uint32_t nm = skidx_index_n_months(idx);
    if (u == SKIDX_PERIOD_MONTH || nm == 0)
        return nm;
    struct skidx_index_meta m;
    skidx_index_get_meta(idx, &m);
    const int32_t first = m.first_month, last = first + (int32_t)nm - 1;
    return (uint32_t)(last / 3 - first / 3 + 1);
}

skidx_status skidx_period_range(const struct skidx_index *idx,
                                enum skidx_period_unit u, uint32_t p,
                                uint32_t *m0, uint32_t *m1)
{
    const uint32_t nm = skidx_index_n_months(idx);
    *m0 = *m1 = 0;
    if ((u != SKIDX_PERIOD_MONTH && u != SKIDX_PERIOD_QUARTER) ||
        p >= skidx_period_count(idx, u))
        return SKIDX_ERR_USAGE;
    if (u == SKIDX_PERIOD_MONTH) {
        *m0 = p;
        *m1 = p + 1;
        return SKIDX_OK;
    }
    struct skidx_index_meta m;
    skidx_index_get_meta(idx, &m);
    /* quarter q covers calendar months 3q .. 3q+2 */
    const int32_t q = m.first_month / 3 + (int32_t)p;
    int64_t lo = (int64_t)q * 3 - m.first_month, hi = lo + 3;
    if (lo < 0)
        lo = 0;
    if (hi > nm)
        hi = nm;
    if (lo > hi)
        lo = hi;
    *m0 = (uint32_t)lo;
    *m1 = (uint32_t)hi;
    return SKIDX_OK;
}

skidx_status skidx_period_label(const struct skidx_index *idx,
                                enum skidx_period_unit u, uint32_t p,
                                char *buf, size_t n)
{
    struct skidx_index_meta m;
    if (n)
        buf[0] = '\0';
    if ((u != SKIDX_PERIOD_MONTH && u != SKIDX_PERIOD_QUARTER) ||
        p >= skidx_period_count(idx, u))
        return SKIDX_ERR_USAGE;
    skidx_index_get_meta(idx, &m);
    if (u == SKIDX_PERIOD_MONTH) {
        skidx_month_label(m.first_month + (int32_t)p, buf, n);
        return SKIDX_OK;
    }
    const int32_t q = m.first_month / 3 + (int32_t)p;
    snprintf(buf, n, "%04d-Q%d", (int)(q / 4), (int)(q % 4 + 1));
    return SKIDX_OK;
}

skidx_status skidx_range_postings(const struct skidx_index *idx, uint32_t m0,
                                  uint32_t m1, uint64_t *out)
{
    uint64_t s = 0, v;
    *out = 0;
    if (m0 > m1 || m1 > skidx_index_n_months(idx))
        return SKIDX_ERR_USAGE;
    for (uint32_t m = m0; m < m1; m++) {
        skidx_index_month_postings(idx, m, &v);
        s += v;
    }
    *out = s;
    return SKIDX_OK;
}

skidx_status skidx_range_skill(const struct skidx_index *idx, uint32_t m0,
                               uint32_t m1, uint32_t k, uint64_t *out)
{
    uint64_t s = 0, v;
    *out = 0;
    if (m0 > m1 || m1 > skidx_index_n_months(idx) ||
        k >= skidx_index_n_skills(idx))
        return SKIDX_ERR_USAGE;
    for (uint32_t m = m0; m < m1; m++) {
        skidx_index_month_skill(idx, m, k, &v);
        s += v;
    }
    *out = s;
    return SKIDX_OK;
}

/* ---- growth ---- */

static int growth_cmp(const void *a, const void *b)
{
    const struct skidx_growth *x = a, *y = b;
    if (x->ranked != y->ranked)
        return x->ranked ? -1 : 1;
    if (x->change != y->change)
        return x->change > y->change ? -1 : 1;
    return (x->skill > y->skill) - (x->skill < y->skill);
}

skidx_status skidx_query_growth(const struct skidx_index *idx, uint32_t a0,
                                uint32_t a1, uint32_t b0, uint32_t b1,
                                uint64_t min_count, struct skidx_growth *out,
                                uint32_t *n_out, uint32_t *n_ranked)
{
    const uint32_t nm = skidx_index_n_months(idx);
    const uint32_t ns = skidx_index_n_skills(idx);
    *n_out = *n_ranked = 0;
    if (a0 >= a1 || b0 >= b1 || a1 > nm || b1 > nm)
        return SKIDX_ERR_USAGE;
    uint64_t na, nb;
    skidx_range_postings(idx, a0, a1, &na);
    skidx_range_postings(idx, b0, b1, &nb);
    uint32_t n = 0, r = 0;
    for (uint32_t k = 0; k < ns; k++) {
        uint64_t ca, cb;
        skidx_range_skill(idx, a0, a1, k, &ca);
        skidx_range_skill(idx, b0, b1, k, &cb);
        if (!ca && !cb)
            continue;
        struct skidx_growth *g = &out[n++];
        g->skill = k;
        g->a_count = ca;
        g->a_total = na;
        g->b_count = cb;
        g->b_total = nb;
        g->share_a = na ? (double)ca / (double)na : 0.0;
        g->share_b = nb ? (double)cb / (double)nb : 0.0;
        g->change = g->share_b - g->share_a;
        if (g->share_a > 0.0)
            g->ratio = g->share_b / g->share_a - 1.0;
        else
            g->ratio = g->share_b > 0.0 ? INFINITY : 0.0;
        g->ranked = ca + cb >= min_count;
        r += (uint32_t)g->ranked;
    }
    qsort(out, n, sizeof(*out), growth_cmp);
    *n_out = n;
    *n_ranked = r;
    return SKIDX_OK;
}
