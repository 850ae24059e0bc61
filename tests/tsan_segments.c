/*
 * tsan_segments.c - several threads use one index's posting segments at
 * once, from their first use, through the library: the lazy reading and
 * checking of segments and their parts (index_read.c: a mutex, and flags
 * read without it) is what is under test. scripts/tsan-check.sh builds it
 * with ThreadSanitizer and runs it on an index of the sample corpus; a
 * race stops the run. Each thread's answers are compared with those of
 * the same queries on another handle of the same file used by one
 * thread alone, so a wrong number fails too.
 * usage: tsan_segments INDEX [THREADS]
 */
#include "skidx.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_EXPR 4
static const char *const exprs[N_EXPR] = {
    "Python", "PyTorch AND (TensorFlow OR JAX)", "SQL AND NOT Python",
    "AWS OR Kubernetes OR Docker"};

struct answer {
    uint64_t count[N_EXPR], role_count[N_EXPR], skills_sum, posting_sum;
};

static struct skidx_index *shared;

/* The queries one thread runs, in an order that depends on t, so that
 * threads reach different parts of a segment first. 0, or -1. */
static int run(struct skidx_index *idx, unsigned t, struct answer *a)
{
    memset(a, 0, sizeof(*a));
    struct skidx_error err;
    skidx_error_clear(&err);
    const uint32_t ns = skidx_index_n_skills(idx);
    uint64_t *counts = calloc(ns, sizeof(*counts));
    if (!counts)
        return -1;
    for (unsigned i = 0; i < N_EXPR; i++) {
        const unsigned e = (i + t) % N_EXPR;
        struct skidx_where *w;
        if (skidx_where_compile(idx, exprs[e], &w, &err))
            return -1;
        struct skidx_filter f;
        skidx_filter_init(&f);
        struct skidx_pset *s;
        if (skidx_select(idx, w, &f, &s, &err))
            return -1;
        a->count[e] = skidx_pset_count(s);
        if (t % 2 == 0 && e == 0) {
            /* every bitmap of the segments the set touches */
            if (skidx_pset_skills(idx, s, 0, counts))
                return -1;
            for (uint32_t k = 0; k < ns; k++)
                a->skills_sum += counts[k] * (k + 1);
        }
        if (t % 3 == 1 && e == 1) {
            /* every column of the postings listed */
            uint64_t cur = 0, p;
            while (skidx_pset_next(s, &cur, &p)) {
                struct skidx_posting_info pi;
                if (skidx_index_posting(idx, p, &pi))
                    return -1;
                a->posting_sum += pi.role + pi.level + pi.line + pi.salary;
            }
        }
        skidx_pset_free(s);
        f.role = (int32_t)(t % skidx_index_n_roles(idx));
        if (skidx_select(idx, w, &f, &s, &err))
            return -1;
        a->role_count[e] = skidx_pset_count(s);
        skidx_pset_free(s);
        skidx_where_free(w);
    }
    free(counts);
    return 0;
}

struct job {
    unsigned t;
    int rc;
    struct answer a;
};

static void *thread_main(void *arg)
{
    struct job *j = arg;
    j->rc = run(shared, j->t, &j->a);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: tsan_segments INDEX [THREADS [map]]\n");
        return 2;
    }
    const unsigned n = argc > 2 ? (unsigned)atoi(argv[2]) : 6;
    if (n < 2 || n > 64)
        return 2;
    /* "map": the shared handle reads its segments in place
     * (SKIDX_OPEN_MAP); the one-thread handles copy them, as before */
    const int map = argc > 3 && !strcmp(argv[3], "map");
    struct skidx_error err;
    skidx_error_clear(&err);
    if (skidx_index_open(argv[1], map ? SKIDX_OPEN_VERIFY | SKIDX_OPEN_MAP : 1,
                         &shared, &err)) {
        fprintf(stderr, "tsan_segments: %s\n", err.msg);
        return 1;
    }
    struct job *jobs = calloc(n, sizeof(*jobs));
    pthread_t *th = calloc(n, sizeof(*th));
    if (!jobs || !th)
        return 1;
    for (unsigned t = 0; t < n; t++) {
        jobs[t].t = t;
        if (pthread_create(&th[t], NULL, thread_main, &jobs[t]))
            return 1;
    }
    for (unsigned t = 0; t < n; t++)
        pthread_join(th[t], NULL);
    int fail = 0;
    for (unsigned t = 0; t < n; t++) {
        /* the same queries on a handle of its own, one thread */
        struct skidx_index *own;
        struct answer want;
        if (skidx_index_open(argv[1], 1, &own, &err) || run(own, t, &want)) {
            fprintf(stderr, "tsan_segments: %s\n", err.msg);
            return 1;
        }
        skidx_index_close(own);
        if (jobs[t].rc || memcmp(&jobs[t].a, &want, sizeof(want))) {
            fprintf(stderr, "tsan_segments: thread %u: answers differ\n", t);
            fail = 1;
        }
    }
    if (!jobs[0].a.count[0] || !jobs[0].a.skills_sum ||
        !jobs[1].a.posting_sum) {
        fprintf(stderr, "tsan_segments: the index selects nothing\n");
        fail = 1;
    }
    printf("tsan_segments: %u threads, %llu postings of Python: %s\n", n,
           (unsigned long long)jobs[0].a.count[0], fail ? "FAILED" : "ok");
    free(jobs);
    free(th);
    skidx_index_close(shared);
    return fail;
}
