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

#endif
