/*
 * fuzz_where.c - libFuzzer target for the --where expression parser and
 * its evaluation (io/pquery.c).
 *
 * An input is an expression (bytes up to the first NUL), compiled against
 * a small index of format 2 (tests/fuzz/corpus_index/e2e_v2.idx, or the
 * file named by FUZZ_WHERE_INDEX), read once. The first byte's low bit
 * also sets the `required` filter. Checked invariants: an error has a
 * message, a known status and a byte offset inside the expression; an
 * expression that compiles selects at most every posting, and it and
 * "NOT (it)" together select every posting exactly once (their counts add
 * up to the postings, and no posting is in both).
 *
 * Build and run: scripts/fuzz.sh (see tests/fuzz/README.md).
 */
#include "skidx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct skidx_index *idx;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *path = getenv("FUZZ_WHERE_INDEX");
    if (!path)
        path = "tests/fuzz/corpus_index/e2e_v2.idx";
    struct skidx_error err;
    skidx_error_clear(&err);
    if (skidx_index_open(path, 1, &idx, &err) ||
        skidx_index_check_postings(idx, &err)) {
        fprintf(stderr, "fuzz_where: cannot open '%s': %s\n", path, err.msg);
        abort();
    }
    return 0;
}

static uint64_t count(const struct skidx_where *w, int required,
                      struct skidx_pset **out)
{
    struct skidx_filter f;
    skidx_filter_init(&f);
    f.required = required;
    if (skidx_select(idx, w, &f, out, NULL))
        abort(); /* a compiled expression on a checked index cannot fail */
    return skidx_pset_count(*out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *e = malloc(size + 16);
    if (!e)
        return 0;
    memcpy(e + 5, data, size);
    e[5 + size] = '\0';
    const char *expr = e + 5;
    const size_t len = strlen(expr);
    const int required = size && (data[0] & 1);
    struct skidx_where *w = NULL;
    struct skidx_error err;
    skidx_error_clear(&err);
    const skidx_status st = skidx_where_compile(idx, expr, &w, &err);
    if (st) {
        if (w || !err.msg[0] || err.status != st ||
            (st != SKIDX_ERR_USAGE && st != SKIDX_ERR_NOTFOUND &&
             st != SKIDX_ERR_AMBIGUOUS && st != SKIDX_ERR_LIMIT &&
             st != SKIDX_ERR_NOMEM) ||
            (st != SKIDX_ERR_NOMEM && err.offset > len))
            abort();
        free(e);
        return 0;
    }
    struct skidx_pset *a, *b;
    const uint64_t n = skidx_index_n_postings(idx);
    const uint64_t ca = count(w, required, &a);
    skidx_where_free(w);
    /* "NOT (expr)": one level deeper, which may pass the nesting limit */
    memcpy(e, "NOT (", 5);
    memcpy(e + 5 + len, ")", 2);
    if (!skidx_where_compile(idx, e, &w, NULL)) {
        const uint64_t cb = count(w, required, &b);
        skidx_where_free(w);
        if (ca + cb != n)
            abort();
        uint64_t cur = 0, p;
        while (skidx_pset_next(a, &cur, &p))
            if (skidx_pset_has(b, p))
                abort();
        skidx_pset_free(b);
    }
    if (ca > n)
        abort();
    skidx_pset_free(a);
    free(e);
    return 0;
}
