/*
 * fuzz_match.c - libFuzzer target for the skill matcher with the default
 * taxonomy.
 *
 * An input is a description (its first 8 KiB). The taxonomy is loaded once from
 * $SKIDX_FUZZ_TAXONOMY or ./taxonomy (scripts/fuzz.sh runs from the
 * repository's root). Checked invariants, each the contract the indexer
 * relies on:
 * - the WORDS engine gives the hits and owners of the ORACLE engine (every
 *   alias tried at every word start, every regex over the whole text: the
 *   simple way the word engine and the regex gates must agree with), on
 *   one in ORACLE_ONE inputs of at most MAX_ORACLE bytes;
 * - on every SIMD path (portable, AVX2, the best the CPU has) the same;
 * - with the regex gates off (every negative group on every text, gated
 *   regexes from every word start) the same;
 * - with the sections that do not count (the whole split of the
 *   taxonomy's sections.tsv) as skip ranges, every hit that starts outside
 *   them is the same as without them (skidx_match_scratch.skip).
 *
 * Build and run: scripts/fuzz.sh (see tests/fuzz/README.md).
 */
#include "core/match.h"
#include "core/section.h"
#include "core/simd.h"
#include "core/taxonomy.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TEXT 8192
/* The ORACLE engine tries every literal alias at every word start: some
 * 100 ms a KiB against 0.3 ms for the WORDS engine (measured natively),
 * so it is compared on the shorter inputs and only on one in ORACLE_ONE
 * of them (by a hash of the input, so that a finding replays), or the
 * fuzzer would spend nearly all its time there. */
#define MAX_ORACLE 1024
#define ORACLE_ONE 8

static uint32_t fnv(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static struct skidx_taxonomy *tax;
static struct skidx_matcher *m;
static struct skidx_match_scratch s;
static struct skidx_sections secs;

static void setup(void)
{
    const char *dir = getenv("SKIDX_FUZZ_TAXONOMY");
    struct skidx_error err;
    skidx_error_clear(&err);
    if (skidx_taxonomy_load(dir ? dir : "taxonomy", &tax, &err) ||
        skidx_matcher_create(&tax->skills, tax->n_skills, &m, &err) ||
        skidx_match_scratch_init(&s, m)) {
        fprintf(stderr, "fuzz_match: %s: %s\n", err.path, err.msg);
        abort();
    }
    s.sort_hits = 1;
}

struct result {
    struct skidx_hit *h;
    size_t n;
    uint32_t *own;
    size_t n_own;
};

static int cmp_u32(const void *a, const void *b)
{
    const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Match text (an exact-size copy, so that a read past its end is caught)
 * into r: the hits, and the owners sorted. */
static void run(const char *text, size_t len, enum skidx_engine eng,
                const uint32_t *skip, size_t n_skip, struct result *r)
{
    char *buf = malloc(len ? len : 1);
    if (!buf)
        abort();
    if (len)
        memcpy(buf, text, len);
    skidx_match_reset(&s);
    s.skip = skip;
    s.n_skip = n_skip;
    const skidx_status st = skidx_match_text(m, &s, buf, len, eng);
    s.skip = NULL;
    s.n_skip = 0;
    free(buf);
    if (st)
        abort();
    r->n = s.n_hits;
    r->h = malloc((r->n ? r->n : 1) * sizeof(*r->h));
    r->n_own = s.n_owners;
    r->own = malloc((r->n_own ? r->n_own : 1) * sizeof(*r->own));
    if (!r->h || !r->own)
        abort();
    if (r->n)
        memcpy(r->h, s.hits, r->n * sizeof(*r->h));
    if (r->n_own)
        memcpy(r->own, s.owners, r->n_own * sizeof(*r->own));
    qsort(r->own, r->n_own, sizeof(*r->own), cmp_u32);
}

static void done(struct result *r)
{
    free(r->h);
    free(r->own);
}

static void same(const struct result *a, const struct result *b,
                 const char *what)
{
    if (a->n != b->n || a->n_own != b->n_own ||
        memcmp(a->h, b->h, a->n * sizeof(*a->h)) ||
        memcmp(a->own, b->own, a->n_own * sizeof(*a->own))) {
        fprintf(stderr, "fuzz_match: %s differ (%zu / %zu hits)\n", what,
                a->n, b->n);
        abort();
    }
}

static int in_ranges(const uint32_t *r, size_t n, uint32_t at)
{
    for (size_t i = 0; i < n; i++)
        if (at >= r[2 * i] && at < r[2 * i + 1])
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!m)
        setup();
    const char *text = (const char *)data;
    const size_t len = size < MAX_TEXT ? size : MAX_TEXT;

    struct result best, other;
    skidx_match_set_simd(0);
    run(text, len, SKIDX_ENGINE_WORDS, NULL, 0, &best);
    if (len <= MAX_ORACLE && fnv(data, len) % ORACLE_ONE == 0) {
        run(text, len, SKIDX_ENGINE_ORACLE, NULL, 0, &other);
        same(&best, &other, "WORDS and ORACLE");
        done(&other);
    }
    for (int path = 1; path <= 2; path++) {
        skidx_match_set_simd(path);
        run(text, len, SKIDX_ENGINE_WORDS, NULL, 0, &other);
        same(&best, &other, path == 1 ? "best and portable paths"
                                      : "best and AVX2 paths");
        done(&other);
    }
    skidx_match_set_simd(0);
    skidx_match_set_regex_gate(0);
    run(text, len, SKIDX_ENGINE_WORDS, NULL, 0, &other);
    skidx_match_set_regex_gate(1);
    same(&best, &other, "gated and ungated regexes");
    done(&other);

    /* the sections that do not count as skip ranges */
    if (tax->sections.n) {
        if (skidx_sections_split(&tax->sections, text, len, &secs,
                                 SKIDX_SIMD_BEST))
            abort();
        uint32_t *skip = malloc((secs.n ? secs.n : 1) * 2 * sizeof(*skip));
        if (!skip)
            abort();
        const size_t k = skidx_sections_skip_ranges(&secs, len, skip);
        if (k) {
            run(text, len, SKIDX_ENGINE_WORDS, skip, k, &other);
            size_t a = 0, b = 0;
            for (;;) {
                while (a < best.n && in_ranges(skip, k, best.h[a].start))
                    a++;
                while (b < other.n && in_ranges(skip, k, other.h[b].start))
                    b++;
                if (a == best.n || b == other.n)
                    break;
                if (memcmp(&best.h[a], &other.h[b], sizeof(best.h[a]))) {
                    fprintf(stderr, "fuzz_match: a hit at %u differs with "
                                    "skip ranges\n",
                            best.h[a].start);
                    abort();
                }
                a++;
                b++;
            }
            if (a != best.n || b != other.n) {
                fprintf(stderr, "fuzz_match: skip ranges change the number "
                                "of hits outside them\n");
                abort();
            }
            done(&other);
        }
        free(skip);
    }
    done(&best);
    return 0;
}
