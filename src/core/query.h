/*
 * query.h - the query computations of libskidx (salaries from histograms,
 * premiums, rankings, periods, growth, Wilson intervals, tiers).
 *
 * The public declarations live in include/skidx.h; this header adds the
 * calendar helpers shared by the library and the CLI. Everything here is
 * computed from the reader accessors of skidx.h only, never from the file
 * bytes, so core/ stays independent of io/. Nothing prints.
 *
 * Calendar months are counted as year*12 + (month-1) ("cal"), as in the
 * index metadata; quarters as year*4 + (quarter-1).
 */
#ifndef SKIDX_CORE_QUERY_H
#define SKIDX_CORE_QUERY_H

#include "skidx.h"

#include <stddef.h>
#include <stdint.h>

/* "YYYY-MM" of a calendar month into buf (n >= 8). */
void skidx_month_label(int32_t cal, char *buf, size_t n);

/* Parse "YYYY-MM" into a calendar month. Returns 0, or -1 when the text
 * is not exactly that form with 1 <= MM <= 12. */
int skidx_month_parse(const char *s, int32_t *cal);

/* Parse "YYYY-Qn" (n in 1..4) into a calendar quarter. 0 or -1. */
int skidx_quarter_parse(const char *s, int32_t *quarter);

/* The month and range counts as values, for callers that pass only ids
 * they took from the index's own dimensions (the CLI's loops): 0 for an
 * id out of range, as the status-returning functions of skidx.h write. */
static inline uint64_t skidx_month_postings0(const struct skidx_index *x,
                                             uint32_t m)
{
    uint64_t v;
    skidx_index_month_postings(x, m, &v);
    return v;
}
static inline uint64_t skidx_month_cell0(const struct skidx_index *x,
                                         uint32_t m, int32_t r, int32_t l)
{
    uint64_t v;
    skidx_index_month_cell(x, m, r, l, &v);
    return v;
}
static inline uint64_t skidx_month_skill0(const struct skidx_index *x,
                                          uint32_t m, uint32_t k)
{
    uint64_t v;
    skidx_index_month_skill(x, m, k, &v);
    return v;
}
static inline uint64_t skidx_range_postings0(const struct skidx_index *x,
                                             uint32_t m0, uint32_t m1)
{
    uint64_t v;
    skidx_range_postings(x, m0, m1, &v);
    return v;
}
static inline uint64_t skidx_range_skill0(const struct skidx_index *x,
                                          uint32_t m0, uint32_t m1,
                                          uint32_t k)
{
    uint64_t v;
    skidx_range_skill(x, m0, m1, k, &v);
    return v;
}

static inline uint32_t skidx_n_aliases0(const struct skidx_index *x,
                                        enum skidx_dim d, uint32_t id)
{
    uint32_t n;
    skidx_index_n_aliases(x, d, id, &n);
    return n;
}
static inline uint32_t skidx_n_onet0(const struct skidx_index *x, uint32_t k)
{
    uint32_t n;
    skidx_index_skill_n_onet(x, k, &n);
    return n;
}
static inline uint64_t skidx_cause_count0(const struct skidx_index *x,
                                          uint32_t i)
{
    uint64_t v;
    skidx_index_cause_count(x, i, &v);
    return v;
}
static inline uint64_t skidx_lost_records0(const struct skidx_index *x,
                                           uint32_t i)
{
    uint64_t v;
    skidx_index_lost_records(x, i, &v);
    return v;
}
static inline uint64_t skidx_lost_offset0(const struct skidx_index *x,
                                          uint32_t i)
{
    uint64_t v;
    skidx_index_lost_offset(x, i, &v);
    return v;
}

#endif
