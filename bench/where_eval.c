/*
 * where_eval.c - the cost of one posting-level query in the library: open
 * an index, compile a --where expression, select with a role filter once
 * (cold: the segments' heads and the parts the query uses are read,
 * verified and checked on this first use),
 * then N more times (warm: the evaluation alone). Prints the selected
 * count, the cold time, and the warm best and mean wall time and CPU time
 * per run; exits 2 when a warm run disagrees with the first.
 * usage: skidx-where-bench INDEX EXPR ROLE [RUNS]
 */
#include "skidx.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(clockid_t clk)
{
    struct timespec t;
    clock_gettime(clk, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fputs("usage: skidx-where-bench INDEX EXPR ROLE [RUNS]\n", stderr);
        return 2;
    }
    const int runs = argc > 4 ? atoi(argv[4]) : 50;
    struct skidx_index *idx;
    struct skidx_where *w;
    struct skidx_pset *s;
    struct skidx_error err;
    skidx_error_clear(&err);
    if (skidx_index_open(argv[1], 1, &idx, &err) ||
        skidx_where_compile(idx, argv[2], &w, &err)) {
        fprintf(stderr, "skidx-where-bench: %s\n", err.msg);
        return 1;
    }
    uint32_t role, n;
    skidx_index_lookup(idx, SKIDX_DIM_ROLE, argv[3], &role, 1, &n);
    if (n != 1) {
        fprintf(stderr, "skidx-where-bench: unknown role '%s'\n", argv[3]);
        return 1;
    }
    struct skidx_filter f;
    skidx_filter_init(&f);
    f.role = (int32_t)role;
    const double t0 = now(CLOCK_MONOTONIC);
    if (skidx_select(idx, w, &f, &s, &err)) {
        fprintf(stderr, "skidx-where-bench: %s\n", err.msg);
        return 1;
    }
    const double cold = now(CLOCK_MONOTONIC) - t0;
    const uint64_t count = skidx_pset_count(s);
    skidx_pset_free(s);
    double best = 1e9, sum = 0;
    const double c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    for (int i = 0; i < runs; i++) {
        const double a = now(CLOCK_MONOTONIC);
        if (skidx_select(idx, w, &f, &s, &err))
            return 1;
        const double d = now(CLOCK_MONOTONIC) - a;
        best = d < best ? d : best;
        sum += d;
        const int same = skidx_pset_count(s) == count;
        skidx_pset_free(s);
        if (!same)
            return 2;
    }
    const double cpu = (now(CLOCK_PROCESS_CPUTIME_ID) - c0) / runs;
    printf("postings %llu selected %llu cold %.2f ms warm best %.3f ms "
           "mean %.3f ms cpu %.3f ms\n",
           (unsigned long long)skidx_index_n_postings(idx),
           (unsigned long long)count, cold * 1e3, best * 1e3,
           sum / runs * 1e3, cpu * 1e3);
    skidx_where_free(w);
    skidx_index_close(idx);
    return 0;
}
