/*
 * test_index.c - io/index_write + io/index_read: the index file of
 * docs/FORMAT.md, version 1.
 *
 * A model is built by hand from a small in-memory taxonomy and a fixed
 * list of postings whose every cell, month, salary and skill is known.
 * The expected values come from a naive oracle over that list (not from
 * core/count), so the tests check the whole chain: counts -> writer ->
 * bytes -> reader -> accessors. Then: round trips, merges, and hostile
 * files (every truncation, a bit flip at every byte, and crafted files
 * whose checksums are valid but whose structure is not).
 *
 * Hostile inputs are copied into buffers of exactly their size, so an
 * AddressSanitizer build (SKIDX_SANITIZE=ON) catches any read past them.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/count.h"
#include "core/format.h"
#include "core/pindex.h"
#include "core/taxonomy.h"
#include "io/index_read.h"
#include "io/atomic_file.h"
#include "io/index_write.h"
#include "core/query.h"
#include "skidx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

#define SEED 0x736b696478ull /* "skidx", as docs/FORMAT.md says */

/* The value of a count accessor, whatever its status (the status is
 * checked where it matters, in test_accessors). */
#define GETTER(name)                                                          \
    static uint64_t get_##name(const struct skidx_index *x, uint32_t i)       \
    {                                                                         \
        uint64_t v;                                                           \
        skidx_index_##name(x, i, &v);                                         \
        return v;                                                             \
    }
GETTER(cause_count)
GETTER(lost_records)
GETTER(lost_offset)

/* ---- the fixture: taxonomy and postings ---- */

static const char skills_tsv[] =
    "@name\tunit\n"
    "@version\t7\n"
    "Python\tLanguages\tpython\t@esco:http://data.europa.eu/esco/skill/py\n"
    "PyTorch\tML\tpytorch\ttorch\t!torch light\t/py-?torch2/\n"
    "AWS\tCloud\taws\tAmazon Web Services\n"
    "SQL\tLanguages\tsql\t@onet:43232306\n"
    "Kubernetes\tInfra\tkubernetes\tk8s\t@onet:43233004\t@onet:43232408\n";
/* same shape, other content: another hash */
static const char skills_tsv_v8[] = "@name\tunit\n"
                                    "@version\t8\n"
                                    "Python\tLanguages\tpython\n"
                                    "PyTorch\tML\tpytorch\ttorch\n"
                                    "AWS\tCloud\taws\n"
                                    "SQL\tLanguages\tsql\n"
                                    "Kubernetes\tInfra\tkubernetes\tk8s\n";
static const char roles_tsv[] = "role\tML Engineer\t10\tml engineer\n"
                                "role\tData Scientist\t20\tdata scientist\n"
                                "role\tOther\t99\n"
                                "level\tSenior\t20\tsenior\n"
                                "level\tMid\t50\n";

enum { N_ROLES = 3, N_LEVELS = 2, N_SKILLS = 5, N_CELLS = N_ROLES * N_LEVELS };

#define MONTH(y, m) ((int32_t)((y) * 12 + (m) - 1))
#define NOM SKIDX_NO_MONTH

struct posting {
    uint32_t role, level;
    int32_t month;
    int64_t salary; /* < 0: none */
    int same;       /* salary in the index currency */
    uint32_t n;
    uint32_t skills[N_SKILLS];
};

/* Salaries sit on bin edges (0, 4999, 5000, 999999, 1000000) and beyond
 * the last edge; months span Dec 2023 .. Mar 2024 with a gap in Feb. */
static const struct posting P[] = {
    {0, 0, MONTH(2024, 1), 150000, 1, 2, {0, 1}},
    {0, 0, MONTH(2024, 1), 4999, 1, 3, {0, 1, 2}},
    {0, 0, MONTH(2023, 12), -1, 1, 1, {1}},
    {0, 1, MONTH(2024, 3), 5000, 1, 2, {0, 3}},
    {0, 1, NOM, 0, 1, 0, {0}},
    {1, 0, MONTH(2024, 3), 999999, 1, 2, {3, 4}},
    {1, 0, MONTH(2024, 1), 1000000, 1, 1, {0}},
    {1, 1, MONTH(2023, 12), 5000000, 1, 2, {0, 3}},
    {1, 1, MONTH(2024, 3), 80000, 0, 1, {3}},
    {2, 1, MONTH(2024, 1), 120000, 0, 0, {0}},
    {2, 1, NOM, -1, 0, 1, {2}},
    {2, 0, MONTH(2024, 3), 123456, 1, 3, {1, 2, 4}},
    {0, 0, MONTH(2024, 3), 150001, 1, 2, {1, 4}},
};
#define NP (sizeof(P) / sizeof(P[0]))

static struct skidx_taxonomy *parse_tax(const char *skills)
{
    struct skidx_taxonomy *t = NULL;
    struct skidx_error err;
    skidx_error_clear(&err);
    skidx_status st = skidx_taxonomy_parse("<test>", skills, strlen(skills),
                                           roles_tsv, strlen(roles_tsv), &t,
                                           &err);
    if (st)
        fprintf(stderr, "taxonomy: %s\n", err.msg);
    assert_int_equal(st, SKIDX_OK);
    assert_int_equal(t->n_roles, N_ROLES);
    assert_int_equal(t->n_levels, N_LEVELS);
    assert_int_equal(t->n_skills, N_SKILLS);
    return t;
}

static void add_posting(struct skidx_model *m, const struct posting *p)
{
    assert_int_equal(skidx_counts_add(&m->counts, p->role * N_LEVELS + p->level,
                                      p->month, p->salary, p->same, p->skills,
                                      p->n),
                     SKIDX_OK);
}

/* Provenance that is not derived from postings: part `part` of 2 (or the
 * whole when part < 0), so that the two parts sum to the whole. */
static void add_provenance(struct skidx_model *m, int part)
{
    for (int i = 0; i < SKIDX_STAT_COUNT; i++)
        if (i != SKIDX_STAT_POSTINGS && i != SKIDX_STAT_SALARIED)
            m->counts.stats[i] +=
                part < 0 ? 300u + (uint64_t)i : part ? 100u : 200u + (uint64_t)i;
    for (unsigned i = 0; i < SKIDX_CAUSE_COUNT; i++)
        m->counts.causes[i] +=
            part < 0 ? 10u * i + 1 : part ? 10u * i : 1;
    if (part <= 0)
        assert_int_equal(skidx_model_add_lost(m, "shards/07.jsonl.zst", 1234,
                                              5678, "truncated zstd frame"),
                         SKIDX_OK);
    if (part != 0)
        assert_int_equal(skidx_model_add_lost(m, "shards/x\xc3\xa9.jsonl", 0,
                                              UINT64_MAX, "cannot read: EIO"),
                         SKIDX_OK);
}

/* A model of the postings P[i] for which pick(i) holds. */
static void build(struct skidx_model *m, const struct skidx_taxonomy *t,
                  int (*pick)(size_t), int part)
{
    assert_int_equal(skidx_model_init(m, t, "0.1.0-test", "USD"), SKIDX_OK);
    for (size_t i = 0; i < NP; i++)
        if (!pick || pick(i))
            add_posting(m, &P[i]);
    add_provenance(m, part);
}

static uint8_t *serialize(const struct skidx_model *m, size_t *len)
{
    uint8_t *b = NULL;
    assert_int_equal(skidx_index_serialize(m, &b, len), SKIDX_OK);
    assert_non_null(b);
    return b;
}

static struct skidx_index *open_ok(const uint8_t *b, size_t len)
{
    struct skidx_index *x = NULL;
    struct skidx_error err;
    skidx_error_clear(&err);
    skidx_status st = skidx_index_open_mem(b, len, 1, &x, &err);
    if (st)
        fprintf(stderr, "open: %s\n", err.msg);
    assert_int_equal(st, SKIDX_OK);
    assert_non_null(x);
    return x;
}

/* Open a copy of exactly `len` bytes; return the status (index closed). */
static skidx_status open_status(const uint8_t *b, size_t len, int verify,
                                char *msg, size_t msg_cap)
{
    uint8_t *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len)
        memcpy(copy, b, len);
    struct skidx_index *x = (struct skidx_index *)0x1;
    struct skidx_error err;
    skidx_error_clear(&err);
    skidx_status st = skidx_index_open_mem(copy, len, verify, &x, &err);
    /* the segments are checked when first used: use them all */
    if (!st && (st = skidx_index_check_postings(x, &err))) {
        skidx_index_close(x);
        x = NULL;
    }
    if (st) {
        assert_null(x);
        assert_int_equal(err.status, st);
        assert_true(err.msg[0] != '\0');
    } else {
        skidx_index_close(x);
    }
    if (msg)
        snprintf(msg, msg_cap, "%s", err.msg);
    free(copy);
    return st;
}

/* ---- the oracle ---- */

static int cell_in(const struct posting *p, int32_t role, int32_t level)
{
    return (role < 0 || p->role == (uint32_t)role) &&
           (level < 0 || p->level == (uint32_t)level);
}

static int has_skill(const struct posting *p, uint32_t k)
{
    for (uint32_t i = 0; i < p->n; i++)
        if (p->skills[i] == k)
            return 1;
    return 0;
}

static int salaried(const struct posting *p)
{
    return p->salary >= 0 && p->same;
}

static void check_cell(const struct skidx_index *x, int32_t r, int32_t l)
{
    struct skidx_cell_stats got, want = {0};
    for (size_t i = 0; i < NP; i++) {
        if (!cell_in(&P[i], r, l))
            continue;
        want.postings++;
        if (salaried(&P[i])) {
            want.salaried++;
            want.salary_sum += (uint64_t)P[i].salary;
        }
        if (P[i].salary >= 0 && !P[i].same)
            want.other_currency++;
    }
    memset(&got, 0xa5, sizeof(got));
    skidx_index_cell(x, r, l, &got);
    assert_int_equal(got.postings, want.postings);
    assert_int_equal(got.salaried, want.salaried);
    assert_int_equal(got.salary_sum, want.salary_sum);
    assert_int_equal(got.other_currency, want.other_currency);
}

static void want_skill(int32_t r, int32_t l, uint32_t k,
                       struct skidx_skill_stats *w)
{
    memset(w, 0, sizeof(*w));
    for (size_t i = 0; i < NP; i++) {
        if (!cell_in(&P[i], r, l) || !has_skill(&P[i], k))
            continue;
        w->postings++;
        if (salaried(&P[i])) {
            w->salaried++;
            w->salary_sum += (uint64_t)P[i].salary;
        }
    }
}

static void check_skills(const struct skidx_index *x, int32_t r, int32_t l)
{
    struct skidx_skill_stats slice[N_SKILLS], got, want;
    memset(slice, 0xa5, sizeof(slice));
    skidx_index_slice(x, r, l, slice);
    for (uint32_t k = 0; k < N_SKILLS; k++) {
        want_skill(r, l, k, &want);
        skidx_index_skill(x, r, l, k, &got);
        assert_int_equal(got.postings, want.postings);
        assert_int_equal(got.salaried, want.salaried);
        assert_int_equal(got.salary_sum, want.salary_sum);
        assert_int_equal(slice[k].postings, want.postings);
        assert_int_equal(slice[k].salaried, want.salaried);
        assert_int_equal(slice[k].salary_sum, want.salary_sum);
    }
    skidx_index_skill(x, r, l, N_SKILLS, &got); /* out of range: zeros */
    assert_int_equal(got.postings, 0);
}

static void check_hist(const struct skidx_index *x, int32_t r, int32_t l)
{
    uint64_t got[SKIDX_SALARY_BINS + 1], want[SKIDX_SALARY_BINS + 1];
    memset(got, 0, sizeof(got));
    memset(want, 0, sizeof(want));
    got[SKIDX_SALARY_BINS] = 77; /* guard: must stay untouched */
    want[SKIDX_SALARY_BINS] = 77;
    for (size_t i = 0; i < NP; i++) {
        if (!cell_in(&P[i], r, l) || !salaried(&P[i]))
            continue;
        uint64_t b = (uint64_t)P[i].salary / SKIDX_SALARY_BIN_WIDTH;
        want[b < SKIDX_SALARY_BINS ? b : SKIDX_SALARY_BINS - 1]++;
    }
    skidx_index_salary_hist(x, r, l, got);
    assert_memory_equal(got, want, sizeof(got));
}

static void check_all(const struct skidx_index *x,
                      const struct skidx_taxonomy *t)
{
    /* dimensions and names */
    assert_int_equal(skidx_index_n_roles(x), N_ROLES);
    assert_int_equal(skidx_index_n_levels(x), N_LEVELS);
    assert_int_equal(skidx_index_n_skills(x), N_SKILLS);
    assert_int_equal(skidx_index_n_categories(x), t->n_cats);
    assert_int_equal(t->n_cats, 4);
    for (uint32_t k = 0; k < N_SKILLS; k++) {
        assert_string_equal(skidx_index_skill_name(x, k), t->skill_name[k]);
        assert_string_equal(skidx_index_skill_category(x, k),
                            t->cat_name[t->skill_cat[k]]);
    }
    assert_string_equal(skidx_index_skill_name(x, 1), "PyTorch");
    assert_string_equal(skidx_index_skill_category(x, 3), "Languages");
    assert_null(skidx_index_skill_name(x, N_SKILLS));
    assert_null(skidx_index_skill_category(x, N_SKILLS));
    assert_string_equal(skidx_index_role_name(x, 1), "Data Scientist");
    assert_string_equal(skidx_index_level_name(x, 1), "Mid");
    assert_null(skidx_index_role_name(x, N_ROLES));
    assert_null(skidx_index_level_name(x, N_LEVELS));
    uint32_t id = 77;
    assert_int_equal(skidx_index_find_skill(x, "pytorch", &id), SKIDX_OK);
    assert_int_equal(id, 1);
    assert_int_equal(skidx_index_find_role(x, "OTHER", &id), SKIDX_OK);
    assert_int_equal(id, 2);
    assert_int_equal(skidx_index_find_level(x, "senior", &id), SKIDX_OK);
    assert_int_equal(id, 0);
    /* a failed lookup is a status, and leaves the id alone */
    id = 77;
    assert_int_equal(skidx_index_find_skill(x, "Rust", &id),
                     SKIDX_ERR_NOTFOUND);
    assert_int_equal(skidx_index_find_role(x, "Astronaut", &id),
                     SKIDX_ERR_NOTFOUND);
    assert_int_equal(id, 77);
    /* separators and case fold: "Data-Scientist" is "Data Scientist" */
    assert_int_equal(skidx_index_find_role(x, " data_scientist ", &id),
                     SKIDX_OK);
    assert_int_equal(id, 1);

    /* bad ids are errors, not "any" and not zeros */
    {
        struct skidx_cell_stats cs;
        struct skidx_skill_stats ss;
        uint64_t v, bins[201] = {0};
        assert_int_equal(skidx_index_cell(x, SKIDX_ANY, SKIDX_ANY, &cs),
                         SKIDX_OK);
        assert_true(cs.postings > 0);
        assert_int_equal(skidx_index_cell(x, -7, SKIDX_ANY, &cs),
                         SKIDX_ERR_USAGE);
        assert_int_equal(cs.postings, 0);
        assert_int_equal(skidx_index_cell(x, N_ROLES, 0, &cs),
                         SKIDX_ERR_USAGE);
        assert_int_equal(skidx_index_cell(x, 0, 999, &cs), SKIDX_ERR_USAGE);
        assert_int_equal(skidx_index_skill(x, 0, 0, N_SKILLS, &ss),
                         SKIDX_ERR_USAGE);
        assert_int_equal(skidx_index_skill(x, -2, 0, 0, &ss),
                         SKIDX_ERR_USAGE);
        assert_int_equal(skidx_index_salary_hist(x, 0, -3, bins),
                         SKIDX_ERR_USAGE);
        assert_int_equal(skidx_index_month_postings(x, 4, &v),
                         SKIDX_ERR_USAGE);
        assert_int_equal(skidx_index_month_cell(x, 0, 0, -5, &v),
                         SKIDX_ERR_USAGE);
        assert_int_equal(skidx_index_month_skill(x, 0, N_SKILLS, &v),
                         SKIDX_ERR_USAGE);
        struct skidx_skill_stats *sl = calloc(N_SKILLS, sizeof(*sl));
        assert_non_null(sl);
        assert_int_equal(skidx_index_slice(x, 999, SKIDX_ANY, sl),
                         SKIDX_ERR_USAGE);
        free(sl);
    }

    /* meta */
    struct skidx_index_meta meta;
    skidx_index_get_meta(x, &meta);
    assert_int_equal(meta.format_version, 1);
    assert_string_equal(meta.tool_version, "0.1.0-test");
    assert_string_equal(meta.taxonomy_name, "unit");
    assert_string_equal(meta.taxonomy_version, "7");
    assert_string_equal(meta.salary_currency, "USD");
    assert_int_equal(meta.taxonomy_hash, t->hash);
    assert_int_equal(meta.shards, 300 + SKIDX_STAT_SHARDS);
    assert_int_equal(meta.shards_lost, 300 + SKIDX_STAT_SHARDS_LOST);
    assert_int_equal(meta.bytes_compressed,
                     300 + SKIDX_STAT_BYTES_COMPRESSED);
    assert_int_equal(meta.bytes_uncompressed,
                     300 + SKIDX_STAT_BYTES_UNCOMPRESSED);
    assert_int_equal(meta.lines, 300 + SKIDX_STAT_LINES);
    assert_int_equal(meta.records, 300 + SKIDX_STAT_RECORDS);
    assert_int_equal(meta.duplicates, 300 + SKIDX_STAT_DUPLICATES);
    assert_int_equal(meta.skipped, 300 + SKIDX_STAT_SKIPPED);
    assert_int_equal(meta.repaired, 300 + SKIDX_STAT_REPAIRED);
    assert_int_equal(meta.postings, NP);
    uint64_t n_sal = 0;
    for (size_t i = 0; i < NP; i++)
        n_sal += (uint64_t)salaried(&P[i]);
    assert_int_equal(meta.salaried, n_sal);
    assert_int_equal(meta.salary_bin_width, SKIDX_SALARY_BIN_WIDTH);
    assert_int_equal(meta.salary_bins, SKIDX_SALARY_BINS);
    assert_int_equal(meta.first_month, MONTH(2023, 12));

    /* causes and lost shards */
    assert_int_equal(skidx_index_n_causes(x), SKIDX_CAUSE_COUNT);
    for (uint32_t i = 0; i < SKIDX_CAUSE_COUNT; i++) {
        assert_string_equal(skidx_index_cause_name(x, i), skidx_cause_name(i));
        assert_int_equal(get_cause_count(x, i), 10u * i + 1);
    }
    assert_string_equal(skidx_index_cause_name(x, 0), "not_json");
    assert_null(skidx_index_cause_name(x, SKIDX_CAUSE_COUNT));
    assert_int_equal(get_cause_count(x, SKIDX_CAUSE_COUNT), 0);
    assert_int_equal(skidx_index_n_lost(x), 2);
    assert_string_equal(skidx_index_lost_path(x, 0), "shards/07.jsonl.zst");
    assert_int_equal(get_lost_records(x, 0), 1234);
    assert_string_equal(skidx_index_lost_path(x, 1), "shards/x\xc3\xa9.jsonl");
    assert_int_equal(get_lost_records(x, 1), 0);
    assert_null(skidx_index_lost_path(x, 2));
    /* each lost shard keeps its own fault (LOST_FAULTS) */
    assert_int_equal(get_lost_offset(x, 0), 5678);
    assert_string_equal(skidx_index_lost_cause(x, 0), "truncated zstd frame");
    assert_int_equal(get_lost_offset(x, 1), UINT64_MAX);
    assert_string_equal(skidx_index_lost_cause(x, 1), "cannot read: EIO");
    assert_int_equal(get_lost_offset(x, 2), UINT64_MAX);
    assert_null(skidx_index_lost_cause(x, 2));
    {
        uint64_t v = 7;
        assert_int_equal(skidx_index_lost_records(x, 2, &v), SKIDX_ERR_USAGE);
        assert_int_equal(v, 0);
        assert_int_equal(skidx_index_lost_offset(x, 2, &v), SKIDX_ERR_USAGE);
        assert_int_equal(v, UINT64_MAX);
        assert_int_equal(skidx_index_cause_count(x, SKIDX_CAUSE_COUNT, &v),
                         SKIDX_ERR_USAGE);
        assert_int_equal(skidx_index_cause_count(x, 0, &v), SKIDX_OK);
        assert_int_equal(v, 1);
    }

    /* the cube, for every slice including "any" */
    for (int32_t r = -1; r <= N_ROLES; r++)
        for (int32_t l = -1; l <= N_LEVELS; l++) {
            check_cell(x, r, l);
            check_skills(x, r, l);
            check_hist(x, r, l);
        }
    /* hand-checked spot values */
    struct skidx_cell_stats cs;
    skidx_index_cell(x, 0, 0, &cs);
    assert_int_equal(cs.postings, 4);
    assert_int_equal(cs.salaried, 3);
    assert_int_equal(cs.salary_sum, 150000 + 4999 + 150001);
    struct skidx_skill_stats ss;
    skidx_index_skill(x, -1, -1, 0, &ss); /* Python */
    assert_int_equal(ss.postings, 5); /* P[4] and P[9] name no skill */
    assert_int_equal(ss.salaried, 5);
    assert_int_equal(ss.salary_sum, 150000 + 4999 + 5000 + 1000000 + 5000000);
    uint64_t bins[SKIDX_SALARY_BINS] = {0};
    skidx_index_salary_hist(x, -1, -1, bins);
    assert_int_equal(bins[0], 2);   /* 0 and 4999 */
    assert_int_equal(bins[1], 1);   /* 5000 */
    assert_int_equal(bins[199], 1); /* 999999 */
    assert_int_equal(bins[200], 2); /* 1000000 and 5000000: open-ended */

    /* months: Dec 2023 .. Mar 2024, Feb empty */
    assert_int_equal(skidx_index_n_months(x), 4);
    for (uint32_t m = 0; m < 4; m++) {
        const int32_t cal = MONTH(2023, 12) + (int32_t)m;
        uint64_t want = 0;
        for (size_t i = 0; i < NP; i++)
            want += P[i].month == cal;
        uint64_t v;
        assert_int_equal(skidx_index_month_postings(x, m, &v), SKIDX_OK);
        assert_int_equal(v, want);
        for (int32_t r = -1; r < N_ROLES; r++)
            for (int32_t l = -1; l < N_LEVELS; l++) {
                uint64_t w = 0;
                for (size_t i = 0; i < NP; i++)
                    w += P[i].month == cal && cell_in(&P[i], r, l);
                assert_int_equal(skidx_index_month_cell(x, m, r, l, &v),
                                 SKIDX_OK);
                assert_int_equal(v, w);
            }
        for (uint32_t k = 0; k < N_SKILLS; k++) {
            uint64_t w = 0;
            for (size_t i = 0; i < NP; i++)
                w += P[i].month == cal && has_skill(&P[i], k);
            assert_int_equal(skidx_index_month_skill(x, m, k, &v), SKIDX_OK);
            assert_int_equal(v, w);
        }
    }
    uint64_t v = 9;
    skidx_index_month_postings(x, 2, &v);
    assert_int_equal(v, 0);
    skidx_index_month_postings(x, 3, &v);
    assert_int_equal(v, 5);
    assert_int_equal(skidx_index_month_postings(x, 4, &v), SKIDX_ERR_USAGE);
    assert_int_equal(v, 0);
    assert_int_equal(skidx_index_month_cell(x, 4, SKIDX_ANY, SKIDX_ANY, &v),
                     SKIDX_ERR_USAGE);
    assert_int_equal(skidx_index_month_skill(x, 4, 0, &v), SKIDX_ERR_USAGE);
}

/* ---- group state ---- */

struct fix {
    struct skidx_taxonomy *t;
    struct skidx_model m;
    uint8_t *bytes;
    size_t len;
};

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->t = parse_tax(skills_tsv);
    build(&f->m, f->t, NULL, -1);
    f->bytes = serialize(&f->m, &f->len);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    free(f->bytes);
    skidx_model_release(&f->m);
    skidx_taxonomy_free(f->t);
    free(f);
    return 0;
}

/* ---- byte helpers for crafted files ---- */

static uint8_t *dup_bytes(const uint8_t *b, size_t len)
{
    uint8_t *c = malloc(len);
    assert_non_null(c);
    memcpy(c, b, len);
    return c;
}

static uint64_t h64(const void *p, size_t n)
{
    return XXH3_64bits_withSeed(p, n, SEED);
}

/* Recompute every checksum: the sections that lie inside the file, the
 * table (as far as it fits) and the header. */
static void rehash(uint8_t *b, size_t len)
{
    uint32_t ns = skidx_rd32(b + 16);
    if (ns > (len - 64) / 32)
        ns = (uint32_t)((len - 64) / 32);
    for (uint32_t i = 0; i < ns; i++) {
        uint8_t *e = b + 64 + 32 * (size_t)i;
        const uint64_t off = skidx_rd64(e + 8), size = skidx_rd64(e + 16);
        if (off <= len && size <= len - off && (off >= 64 + 32 * (uint64_t)ns ||
                                                off + size <= 64))
            skidx_wr64(e + 24, h64(b + off, size));
    }
    skidx_wr64(b + 32, h64(b + 64, 32 * (size_t)ns));
    skidx_wr64(b + 40, h64(b, 40));
}

/* Table entry of section `id`. */
static uint8_t *entry(uint8_t *b, uint32_t id)
{
    const uint32_t ns = skidx_rd32(b + 16);
    for (uint32_t i = 0; i < ns; i++)
        if (skidx_rd32(b + 64 + 32 * (size_t)i) == id)
            return b + 64 + 32 * (size_t)i;
    fail_msg("section %u not found", id);
    return NULL;
}

static uint8_t *sec(uint8_t *b, uint32_t id)
{
    return b + skidx_rd64(entry(b, id) + 8);
}

static uint64_t sec_size(uint8_t *b, uint32_t id)
{
    return skidx_rd64(entry(b, id) + 16);
}

/* ---- tests: the happy path ---- */

static void test_accessors(void **state)
{
    struct fix *f = *state;
    struct skidx_index *x = open_ok(f->bytes, f->len);
    check_all(x, f->t);
    skidx_index_close(x);
    /* without checksum verification the same values come back */
    struct skidx_index *y = NULL;
    assert_int_equal(skidx_index_open_mem(f->bytes, f->len, 0, &y, NULL),
                     SKIDX_OK);
    check_all(y, f->t);
    skidx_index_close(y);
    skidx_index_close(NULL);
}

/* sections skidx writes for a model without posting-level sections (a
 * version-1 file): 1..20 */
#define N_SEC SKIDX_SEC_MAX_ID_V1

static void test_layout(void **state)
{
    struct fix *f = *state;
    const uint8_t *b = f->bytes;
    assert_memory_equal(b, "\x89SKIDX\r\n", 8);
    assert_int_equal(skidx_rd32(b + 8), 1);
    assert_int_equal(skidx_rd32(b + 12), 0);
    assert_int_equal(skidx_rd32(b + 16), N_SEC);
    assert_int_equal(skidx_rd32(b + 20), 64);
    assert_int_equal(skidx_rd64(b + 24), f->len);
    assert_int_equal(skidx_rd64(b + 40), h64(b, 40));
    assert_int_equal(skidx_rd64(b + 32), h64(b + 64, N_SEC * 32));
    assert_int_equal(f->len % 8, 0);
    uint64_t prev_end = 64 + N_SEC * 32;
    for (uint32_t i = 0; i < N_SEC; i++) {
        const uint8_t *e = b + 64 + 32 * i;
        const uint64_t off = skidx_rd64(e + 8), size = skidx_rd64(e + 16);
        assert_int_equal(skidx_rd32(e), i + 1); /* id order */
        assert_int_equal(off % 8, 0);
        assert_true(off >= prev_end && off - prev_end < 8);
        for (uint64_t g = prev_end; g < off; g++)
            assert_int_equal(b[g], 0);
        assert_int_equal(skidx_rd64(e + 24), h64(b + off, size));
        prev_end = off + size;
    }
    assert_true(f->len - prev_end < 8);
    /* SKILL_ALIASES: u32 K, u32 0, u32 first[K+1] = 32 bytes, then the
     * literal positive aliases (no negative, no regex), by skill */
    {
        const uint8_t *a = b + skidx_rd64(entry((uint8_t *)b,
                                                SKIDX_SEC_SKILL_ALIASES) + 8);
        static const uint32_t first[N_SKILLS + 1] = {0, 1, 3, 5, 6, 8};
        assert_int_equal(skidx_rd32(a), N_SKILLS);
        assert_int_equal(skidx_rd32(a + 4), 0);
        for (uint32_t i = 0; i <= N_SKILLS; i++)
            assert_int_equal(skidx_rd32(a + 8 + 4 * i), first[i]);
        assert_int_equal(skidx_rd32(a + 32), 8); /* string list count */
        assert_memory_equal(a + 32 + 4 * 10, "pythonpytorchtorchaws", 21);
        const uint8_t *o = b + skidx_rd64(entry((uint8_t *)b,
                                                SKIDX_SEC_SKILL_ONET) + 8);
        assert_int_equal(skidx_rd32(o + 8 + 4 * 3), 0);  /* SQL: from 0 */
        assert_int_equal(skidx_rd32(o + 8 + 4 * 4), 1);  /* K8s: from 1 */
        assert_int_equal(skidx_rd32(o + 8 + 4 * 5), 3);
    }
    /* META */
    uint8_t *c = dup_bytes(b, f->len);
    assert_int_equal(sec_size(c, SKIDX_SEC_META), 128);
    const uint8_t *m = sec(c, SKIDX_SEC_META);
    assert_int_equal(skidx_rd64(m), f->t->hash);
    assert_int_equal(skidx_rd64(m + 8 + 8 * SKIDX_STAT_POSTINGS), NP);
    assert_int_equal(skidx_rd32(m + 96), N_ROLES);
    assert_int_equal(skidx_rd32(m + 100), N_LEVELS);
    assert_int_equal(skidx_rd32(m + 104), N_SKILLS);
    assert_int_equal(skidx_rd32(m + 108), 4);
    assert_int_equal(skidx_rd32(m + 112), 5000);
    assert_int_equal(skidx_rd32(m + 116), 201);
    assert_int_equal((int32_t)skidx_rd32(m + 120), MONTH(2023, 12));
    assert_int_equal(skidx_rd32(m + 124), 4);
    /* SKILLS: u32 n, u32 cat[5] = 24 bytes, already a multiple of 8 */
    const uint8_t *s = sec(c, SKIDX_SEC_SKILLS);
    assert_int_equal(skidx_rd32(s), N_SKILLS);
    assert_int_equal(skidx_rd32(s + 24), N_SKILLS); /* string list count */
    assert_int_equal(skidx_rd32(s + 28), 0);        /* offsets[0] */
    assert_int_equal(skidx_rd32(s + 32), 6);        /* "Python" */
    assert_memory_equal(s + 28 + 4 * (N_SKILLS + 1), "PythonPyTorch", 13);
    /* the sparse sections hold only the non-zero entries */
    const uint8_t *cs = sec(c, SKIDX_SEC_CELL_SKILL);
    uint64_t nz = 0;
    for (uint32_t cell = 0; cell < N_CELLS; cell++)
        for (uint32_t k = 0; k < N_SKILLS; k++) {
            struct skidx_skill_stats w;
            want_skill((int32_t)(cell / N_LEVELS), (int32_t)(cell % N_LEVELS),
                       k, &w);
            nz += w.postings != 0;
        }
    assert_int_equal(skidx_rd64(cs), nz);
    assert_int_equal(sec_size(c, SKIDX_SEC_CELL_SKILL), 8 + 32 * nz);
    free(c);
}

/* A SKILLS category array whose length is not a multiple of 8 is padded
 * with 4 zero bytes before the name list. */
static void test_skills_padding(void **state)
{
    static const char sk[] = "A\tX\ta\nB\tY\tb\n";
    struct skidx_taxonomy *t = NULL;
    assert_int_equal(skidx_taxonomy_parse("<t>", sk, strlen(sk), roles_tsv,
                                          strlen(roles_tsv), &t, NULL),
                     SKIDX_OK);
    struct skidx_model m;
    assert_int_equal(skidx_model_init(&m, t, "v", "EUR"), SKIDX_OK);
    size_t len;
    uint8_t *b = serialize(&m, &len);
    const uint8_t *s = sec(b, SKIDX_SEC_SKILLS);
    assert_int_equal(skidx_rd32(s), 2);
    assert_int_equal(skidx_rd32(s + 4), 0);
    assert_int_equal(skidx_rd32(s + 8), 1);
    assert_int_equal(skidx_rd32(s + 12), 0); /* padding */
    assert_int_equal(skidx_rd32(s + 16), 2); /* string list */
    assert_int_equal(sec_size(b, SKIDX_SEC_SKILLS), 16 + 4 + 12 + 2);
    /* an empty model: no months, first month written as 0 */
    assert_int_equal(skidx_rd32(sec(b, SKIDX_SEC_META) + 124), 0);
    assert_int_equal(skidx_rd32(sec(b, SKIDX_SEC_META) + 120), 0);
    struct skidx_index *x = open_ok(b, len);
    assert_int_equal(skidx_index_n_months(x), 0);
    uint64_t v = 9;
    assert_int_equal(skidx_index_month_postings(x, 0, &v), SKIDX_ERR_USAGE);
    assert_int_equal(v, 0);
    assert_string_equal(skidx_index_skill_name(x, 1), "B");
    assert_string_equal(skidx_index_skill_category(x, 1), "Y");
    skidx_index_close(x);
    /* a non-zero padding byte is rejected even with a fixed-up checksum */
    uint8_t *c = dup_bytes(b, len);
    sec(c, SKIDX_SEC_SKILLS)[13] = 1;
    rehash(c, len);
    assert_int_equal(open_status(c, len, 1, NULL, 0), SKIDX_ERR_CORRUPT);
    free(c);
    free(b);
    skidx_model_release(&m);
    skidx_taxonomy_free(t);
}

static void test_round_trip(void **state)
{
    struct fix *f = *state;
    struct skidx_index *x = open_ok(f->bytes, f->len);
    struct skidx_model m2;
    assert_int_equal(skidx_index_to_model(x, &m2), SKIDX_OK);
    skidx_index_close(x);
    size_t len2;
    uint8_t *b2 = serialize(&m2, &len2);
    assert_int_equal(len2, f->len);
    assert_memory_equal(b2, f->bytes, f->len);
    free(b2);
    skidx_model_release(&m2);

    /* and through a file */
    char path[1024];
    snprintf(path, sizeof(path), "%s/test_index_rt.skidx", SKIDX_BINARY_DIR);
    struct skidx_error err;
    skidx_error_clear(&err);
    assert_int_equal(skidx_index_write(&f->m, path, &err), SKIDX_OK);
    assert_int_equal(skidx_atomic_remove_live(), 0);
    assert_int_equal(skidx_index_open(path, 1, &x, &err), SKIDX_OK);
    check_all(x, f->t);
    skidx_index_close(x);
    unlink(path);
    assert_int_equal(skidx_index_open(path, 1, &x, &err), SKIDX_ERR_IO);
    assert_null(x);
}

/* ---- merge ---- */

static int early(size_t i)
{
    return P[i].month == NOM || P[i].month < MONTH(2024, 2);
}
static int late(size_t i)
{
    return !early(i);
}

static void merged_bytes(const struct skidx_taxonomy *t, int a_first,
                         uint8_t **out, size_t *len)
{
    struct skidx_model a, b;
    build(&a, t, early, 0);
    build(&b, t, late, 1);
    struct skidx_error err;
    skidx_error_clear(&err);
    if (a_first) {
        assert_int_equal(skidx_model_merge(&a, &b, &err), SKIDX_OK);
        *out = serialize(&a, len);
    } else {
        /* counts in the other order (months grow downwards), provenance
         * in the order of the whole model */
        assert_int_equal(skidx_counts_merge(&b.counts, &a.counts), SKIDX_OK);
        struct skidx_counts tmp = a.counts;
        a.counts = b.counts;
        b.counts = tmp;
        assert_int_equal(skidx_model_add_lost(&a, b.lost_paths[0],
                                              b.lost_records[0],
                                              b.lost_offsets[0],
                                              b.lost_causes[0]),
                         SKIDX_OK);
        *out = serialize(&a, len);
    }
    skidx_model_release(&a);
    skidx_model_release(&b);
}

static void test_merge(void **state)
{
    struct fix *f = *state;
    for (int order = 0; order < 2; order++) {
        uint8_t *b;
        size_t len;
        merged_bytes(f->t, order, &b, &len);
        assert_int_equal(len, f->len);
        assert_memory_equal(b, f->bytes, len);
        free(b);
    }
    /* merging through files, as `skidx merge` does */
    struct skidx_model a, b;
    build(&a, f->t, early, 0);
    build(&b, f->t, late, 1);
    size_t la, lb;
    uint8_t *ba = serialize(&a, &la), *bb = serialize(&b, &lb);
    struct skidx_index *xa = open_ok(ba, la), *xb = open_ok(bb, lb);
    struct skidx_model ma, mb;
    assert_int_equal(skidx_index_to_model(xa, &ma), SKIDX_OK);
    assert_int_equal(skidx_index_to_model(xb, &mb), SKIDX_OK);
    assert_int_equal(skidx_model_merge(&ma, &mb, NULL), SKIDX_OK);
    size_t lm;
    uint8_t *bm = serialize(&ma, &lm);
    assert_int_equal(lm, f->len);
    assert_memory_equal(bm, f->bytes, lm);
    free(bm);
    skidx_model_release(&ma);
    skidx_model_release(&mb);
    skidx_index_close(xa);
    skidx_index_close(xb);
    free(ba);
    free(bb);
    skidx_model_release(&a);
    skidx_model_release(&b);
}

static void test_merge_mismatch(void **state)
{
    struct fix *f = *state;
    struct skidx_taxonomy *t8 = parse_tax(skills_tsv_v8);
    assert_true(t8->hash != f->t->hash);
    struct skidx_model a, b;
    build(&a, f->t, early, 0);
    build(&b, t8, late, 1);
    struct skidx_error err;
    skidx_error_clear(&err);
    assert_int_equal(skidx_model_merge(&a, &b, &err), SKIDX_ERR_MISMATCH);
    assert_int_equal(err.status, SKIDX_ERR_MISMATCH);
    assert_non_null(strstr(err.msg, "taxonom"));
    skidx_model_release(&b);

    /* same taxonomy, other currency */
    assert_int_equal(skidx_model_init(&b, f->t, "v", "EUR"), SKIDX_OK);
    assert_int_equal(skidx_model_merge(&a, &b, NULL), SKIDX_ERR_MISMATCH);
    skidx_model_release(&b);

    /* count tables of another shape */
    struct skidx_counts c;
    assert_int_equal(skidx_counts_init(&c, N_ROLES, N_LEVELS, N_SKILLS + 1),
                     SKIDX_OK);
    assert_int_equal(skidx_counts_merge(&a.counts, &c), SKIDX_ERR_MISMATCH);
    skidx_counts_release(&c);
    skidx_model_release(&a);
    skidx_taxonomy_free(t8);
}

/* ---- hostile files ---- */

static void test_truncated(void **state)
{
    struct fix *f = *state;
    for (size_t n = 0; n < f->len; n++)
        for (int verify = 0; verify < 2; verify++)
            if (open_status(f->bytes, n, verify, NULL, 0) !=
                SKIDX_ERR_CORRUPT)
                fail_msg("truncation to %zu bytes accepted or misreported",
                         n);
    /* extended by one zero byte: the header's file size disagrees */
    uint8_t *c = malloc(f->len + 8);
    assert_non_null(c);
    memcpy(c, f->bytes, f->len);
    memset(c + f->len, 0, 8);
    assert_int_equal(open_status(c, f->len + 8, 1, NULL, 0),
                     SKIDX_ERR_CORRUPT);
    free(c);
}

/* One flipped bit anywhere must be caught: header and table bytes get all
 * 8 bits, section and padding bytes 3 (rotating, so every bit position is
 * hit). Only a flip in the version field may read as VERSION. */
static void test_bit_flips(void **state)
{
    struct fix *f = *state;
    uint8_t *c = dup_bytes(f->bytes, f->len);
    for (size_t i = 0; i < f->len; i++) {
        for (int bit = 0; bit < 8; bit += (i < 512 ? 1 : 3)) {
            c[i] ^= (uint8_t)(1u << ((bit + i) % 8));
            const skidx_status st = open_status(c, f->len, 1, NULL, 0);
            c[i] ^= (uint8_t)(1u << ((bit + i) % 8));
            if (st != SKIDX_ERR_CORRUPT &&
                !(st == SKIDX_ERR_VERSION && i >= 8 && i < 12))
                fail_msg("bit %d of byte %zu flipped: status %d", bit, i,
                         (int)st);
        }
    }
    assert_memory_equal(c, f->bytes, f->len);
    free(c);
}

static void expect_corrupt(uint8_t *c, size_t len, const char *what,
                           const char *msg_part)
{
    char msg[512];
    const skidx_status st = open_status(c, len, 1, msg, sizeof(msg));
    if (st != SKIDX_ERR_CORRUPT)
        fail_msg("%s: status %d, expected CORRUPT", what, (int)st);
    if (msg_part && !strstr(msg, msg_part))
        fail_msg("%s: message '%s' lacks '%s'", what, msg, msg_part);
}

static void test_magic_version(void **state)
{
    struct fix *f = *state;
    uint8_t *c = dup_bytes(f->bytes, f->len);
    /* 7-bit transfer: the high bit of 0x89 stripped */
    c[0] = 0x09;
    rehash(c, f->len);
    expect_corrupt(c, f->len, "7-bit magic", "magic");
    memcpy(c, f->bytes, f->len);
    /* text-mode transfer: \r\n -> \n shifts everything by one byte */
    memmove(c + 6, c + 7, f->len - 7);
    expect_corrupt(c, f->len - 1, "CRLF -> LF", "magic");
    memcpy(c, f->bytes, f->len);
    c[1] = 's';
    expect_corrupt(c, f->len, "lowercase magic", "magic");
    memcpy(c, f->bytes, f->len);

    /* a future version: VERSION, checksummed or not */
    skidx_wr32(c + 8, SKIDX_FORMAT_VERSION + 1);
    assert_int_equal(open_status(c, f->len, 1, NULL, 0), SKIDX_ERR_VERSION);
    rehash(c, f->len);
    assert_int_equal(open_status(c, f->len, 0, NULL, 0), SKIDX_ERR_VERSION);
    skidx_wr32(c + 8, 0);
    rehash(c, f->len);
    assert_int_equal(open_status(c, f->len, 1, NULL, 0), SKIDX_ERR_VERSION);
    /* even a future file too short for a v1 table */
    skidx_wr32(c + 8, 0xffffffffu);
    assert_int_equal(open_status(c, 64, 1, NULL, 0), SKIDX_ERR_VERSION);
    free(c);
}

/* Each case patches a fresh copy, fixes the checksums, and must be
 * rejected as CORRUPT (with the message fragment, when given). */
static void test_crafted_header(void **state)
{
    struct fix *f = *state;
    const size_t n = f->len;
    uint8_t *c = dup_bytes(f->bytes, n);
#define RESET() memcpy(c, f->bytes, n)
#define CASE(what, msg, patch)                                                 \
    do {                                                                       \
        RESET();                                                               \
        patch;                                                                 \
        rehash(c, n);                                                          \
        expect_corrupt(c, n, what, msg);                                       \
    } while (0)

    CASE("flags", "flags", skidx_wr32(c + 12, 1));
    CASE("header size", "header size", skidx_wr32(c + 20, 72));
    CASE("file size", "bytes", skidx_wr64(c + 24, n + 8));
    CASE("reserved header", "reserved", c[63] = 1);
    CASE("no sections", "section count", skidx_wr32(c + 16, 0));
    CASE("65 sections", "section count", skidx_wr32(c + 16, 65));
    /* a table of 13 entries leaves entry 14 as a gap of non-zero bytes */
    CASE("13 sections", NULL, skidx_wr32(c + 16, 13));
    /* 64 sections: the table runs over the first sections (its checksum is
     * fixed up, so the overlap itself must be caught) */
    CASE("64 sections", NULL, skidx_wr32(c + 16, 64));

    /* header checksum alone wrong */
    RESET();
    c[40] ^= 1;
    expect_corrupt(c, n, "header checksum", "header checksum");
    RESET();
    c[64 + 8] ^= 1;
    expect_corrupt(c, n, "table checksum", "table checksum");
    RESET();
    sec(c, SKIDX_SEC_HIST)[3] ^= 0x10;
    expect_corrupt(c, n, "section checksum", "checksum mismatch");
    /* ...which only verification notices: the reader stays in bounds */
    assert_int_equal(open_status(c, n, 0, NULL, 0), SKIDX_OK);

    /* section table entries */
    CASE("entry reserved", "reserved", skidx_wr32(entry(c, 5) + 4, 1));
    CASE("offset past the end", "outside",
         skidx_wr64(entry(c, SKIDX_SEC_MONTH_SKILL) + 8, n + 8));
    CASE("size past the end", "outside",
         skidx_wr64(entry(c, SKIDX_SEC_MONTH_SKILL) + 16, n));
    CASE("huge size", "outside",
         skidx_wr64(entry(c, SKIDX_SEC_HIST) + 16, UINT64_MAX - 7));
    CASE("huge offset", "outside",
         skidx_wr64(entry(c, SKIDX_SEC_HIST) + 8, UINT64_MAX - 7));
    CASE("misaligned", "outside",
         skidx_wr64(entry(c, SKIDX_SEC_HIST) + 8,
                    skidx_rd64(entry(c, SKIDX_SEC_HIST) + 8) + 4));
    CASE("overlapping", "overlapping",
         skidx_wr64(entry(c, SKIDX_SEC_CATEGORIES) + 8,
                    skidx_rd64(entry(c, SKIDX_SEC_STRINGS) + 8)));
    CASE("over the table", "overlapping",
         skidx_wr64(entry(c, SKIDX_SEC_META) + 8, 64));
    CASE("grown into the next", "overlapping",
         skidx_wr64(entry(c, SKIDX_SEC_META) + 16, 136));
    CASE("duplicate id", "twice", skidx_wr32(entry(c, 2), 1));
    CASE("missing id", "missing", skidx_wr32(entry(c, 9), 99));
    CASE("id 0: CELLS missing", "missing", skidx_wr32(entry(c, 9), 0));
    /* a section shortened by 8: 8 bytes of non-zero "padding" follow it */
    CASE("shortened", NULL,
         skidx_wr64(entry(c, SKIDX_SEC_HIST) + 16,
                    sec_size(c, SKIDX_SEC_HIST) - 8));
    /* non-zero padding between sections: STRINGS is not a multiple of 8 */
    RESET();
    {
        const uint64_t end = skidx_rd64(entry(c, SKIDX_SEC_STRINGS) + 8) +
                             sec_size(c, SKIDX_SEC_STRINGS);
        assert_true(end % 8 != 0);
        c[end] = 0x20;
        rehash(c, n);
        expect_corrupt(c, n, "padding", "padding");
    }
#undef CASE
#undef RESET
    free(c);
}

static void test_crafted_sections(void **state)
{
    struct fix *f = *state;
    const size_t n = f->len;
    uint8_t *c = dup_bytes(f->bytes, n);
#define RESET() memcpy(c, f->bytes, n)
#define CASE(what, msg, patch)                                                 \
    do {                                                                       \
        RESET();                                                               \
        patch;                                                                 \
        rehash(c, n);                                                          \
        expect_corrupt(c, n, what, msg);                                       \
    } while (0)
    uint8_t *m;
    /* META dimensions */
    CASE("no roles", "META", m = sec(c, 1); skidx_wr32(m + 96, 0));
    CASE("no skills", "META", m = sec(c, 1); skidx_wr32(m + 104, 0));
    CASE("huge skills", "META", m = sec(c, 1); skidx_wr32(m + 104, ~0u));
    CASE("huge cells", "META", m = sec(c, 1); skidx_wr32(m + 96, 4096);
         skidx_wr32(m + 100, 4096));
    CASE("no bins", "META", m = sec(c, 1); skidx_wr32(m + 116, 0));
    CASE("zero bin width", "META", m = sec(c, 1); skidx_wr32(m + 112, 0));
    CASE("no categories", "META", m = sec(c, 1); skidx_wr32(m + 108, 0));
    CASE("too many months", "META", m = sec(c, 1); skidx_wr32(m + 124, 12001));
    CASE("months past INT32_MAX", "META", m = sec(c, 1);
         skidx_wr32(m + 120, (uint32_t)INT32_MAX - 2));
    CASE("months at the no-month sentinel", "META", m = sec(c, 1);
         skidx_wr32(m + 120, 0x80000000u));
    /* dimensions that disagree with the sections */
    CASE("one role more", NULL, m = sec(c, 1); skidx_wr32(m + 96, N_ROLES + 1));
    CASE("one level less", NULL, m = sec(c, 1);
         skidx_wr32(m + 100, N_LEVELS - 1));
    CASE("one skill more", "SKILLS", m = sec(c, 1);
         skidx_wr32(m + 104, N_SKILLS + 1));
    CASE("one category more", "CATEGORIES", m = sec(c, 1);
         skidx_wr32(m + 108, 5));
    CASE("one bin more", "HIST", m = sec(c, 1); skidx_wr32(m + 116, 202));
    CASE("one month more", "MONTHS", m = sec(c, 1); skidx_wr32(m + 124, 5));

    /* string lists (ROLES: 3 names) */
    CASE("string count", "ROLES", skidx_wr32(sec(c, 5), 4));
    CASE("first offset", "ROLES", skidx_wr32(sec(c, 5) + 4, 1));
    CASE("offset past the blob", "ROLES",
         skidx_wr32(sec(c, 5) + 16, skidx_rd32(sec(c, 5) + 16) + 1));
    CASE("huge offset", "ROLES", skidx_wr32(sec(c, 5) + 16, ~0u));
    CASE("decreasing offsets", "ROLES", skidx_wr32(sec(c, 5) + 8, 30));
    CASE("blob longer than the offsets say", "ROLES",
         skidx_wr32(sec(c, 5) + 16, skidx_rd32(sec(c, 5) + 16) - 1));
    CASE("NUL in a name", "ROLES", sec(c, 5)[20] = 0);
    CASE("huge string count", "ROLES",
         m = sec(c, 1); skidx_wr32(m + 96, 4096);
         skidx_wr32(m + 100, 1); skidx_wr32(sec(c, 5), 4096));
    CASE("string count past any limit", "ROLES",
         skidx_wr32(sec(c, 5), 0xfffffffeu));
    CASE("STRINGS count", "STRINGS", skidx_wr32(sec(c, 2), 3));
    /* SKILLS */
    CASE("category out of range", "category",
         skidx_wr32(sec(c, SKIDX_SEC_SKILLS) + 8, 4));
    CASE("SKILLS count", "SKILLS", skidx_wr32(sec(c, SKIDX_SEC_SKILLS), 4));
    /* CAUSES and LOST */
    CASE("CAUSES huge", "CAUSES", skidx_wr32(sec(c, 7), 0x10000000u));
    CASE("CAUSES count", "CAUSES", skidx_wr32(sec(c, 7), SKIDX_CAUSE_COUNT + 1));
    CASE("CAUSES reserved", "CAUSES", skidx_wr32(sec(c, 7) + 4, 1));
    CASE("LOST huge", "LOST", skidx_wr32(sec(c, 8), ~0u));
    CASE("LOST count", "LOST", skidx_wr32(sec(c, 8), 1));
    CASE("LOST_FAULTS count", "LOST_FAULTS", skidx_wr32(sec(c, 15), 1));
    CASE("LOST_FAULTS reserved", "LOST_FAULTS", skidx_wr32(sec(c, 15) + 4, 1));

    /* CELL_SKILL: count, order, range, zero entries */
    uint8_t *e;
    CASE("CELL_SKILL count huge", "CELL_SKILL",
         skidx_wr64(sec(c, 11), (UINT64_MAX >> 5) + 1));
    CASE("CELL_SKILL count max", "CELL_SKILL",
         skidx_wr64(sec(c, 11), UINT64_MAX));
    CASE("CELL_SKILL count + 1", "CELL_SKILL",
         skidx_wr64(sec(c, 11), skidx_rd64(sec(c, 11)) + 1));
    CASE("CELL_SKILL swapped", "CELL_SKILL", e = sec(c, 11) + 8; uint8_t t[32];
         memcpy(t, e, 32); memcpy(e, e + 32, 32); memcpy(e + 32, t, 32));
    CASE("CELL_SKILL repeated", "CELL_SKILL", e = sec(c, 11) + 8;
         memcpy(e + 32, e, 32));
    CASE("CELL_SKILL zero postings", "CELL_SKILL",
         skidx_wr64(sec(c, 11) + 8 + 8, 0));
    CASE("CELL_SKILL cell out of range", "CELL_SKILL",
         e = sec(c, 11) + 8 + 32 * (skidx_rd64(sec(c, 11)) - 1);
         skidx_wr32(e, N_CELLS));
    CASE("CELL_SKILL skill out of range", "CELL_SKILL",
         e = sec(c, 11) + 8 + 32 * (skidx_rd64(sec(c, 11)) - 1);
         skidx_wr32(e + 4, N_SKILLS));
    CASE("CELL_SKILL cell in the high word", "CELL_SKILL",
         e = sec(c, 11) + 8 + 32 * (skidx_rd64(sec(c, 11)) - 1);
         skidx_wr32(e, 0xffffffffu));
    /* MONTH_SKILL */
    CASE("MONTH_SKILL count huge", "MONTH_SKILL",
         skidx_wr64(sec(c, 14), (UINT64_MAX >> 4) + 1));
    CASE("MONTH_SKILL swapped", "MONTH_SKILL", e = sec(c, 14) + 8;
         uint8_t t[16]; memcpy(t, e, 16); memcpy(e, e + 16, 16);
         memcpy(e + 16, t, 16));
    CASE("MONTH_SKILL month out of range", "MONTH_SKILL",
         e = sec(c, 14) + 8 + 16 * (skidx_rd64(sec(c, 14)) - 1);
         skidx_wr32(e, 4));
    CASE("MONTH_SKILL skill out of range", "MONTH_SKILL",
         e = sec(c, 14) + 8; skidx_wr32(e + 4, N_SKILLS));
    CASE("MONTH_SKILL zero", "MONTH_SKILL", skidx_wr64(sec(c, 14) + 16, 0));
#undef CASE
#undef RESET
    free(c);
}

/* Forward compatibility: a section with an unknown id is skipped. The
 * file is rebuilt with one more table entry (every offset moves by 32)
 * and an extra section at the end. */
static void test_unknown_section(void **state)
{
    struct fix *f = *state;
    const size_t n = f->len, extra = 24, len = n + 32 + extra;
    uint8_t *c = calloc(1, len);
    assert_non_null(c);
    memcpy(c, f->bytes, 64 + N_SEC * 32);
    memcpy(c + 64 + (N_SEC + 1) * 32, f->bytes + 64 + N_SEC * 32,
           n - (64 + N_SEC * 32));
    for (uint32_t i = 0; i < N_SEC; i++) {
        uint8_t *e = c + 64 + 32 * i;
        skidx_wr64(e + 8, skidx_rd64(e + 8) + 32);
    }
    uint8_t *e = c + 64 + N_SEC * 32;
    skidx_wr32(e, 200);
    skidx_wr64(e + 8, n + 32);
    skidx_wr64(e + 16, extra - 3); /* 3 bytes of zero padding after it */
    memset(c + n + 32, 0xee, extra - 3);
    skidx_wr32(c + 16, N_SEC + 1);
    skidx_wr64(c + 24, len);
    rehash(c, len);
    uint8_t *exact = dup_bytes(c, len);
    struct skidx_index *x = open_ok(exact, len);
    check_all(x, f->t);
    skidx_index_close(x);
    /* still checksummed */
    exact[n + 40] ^= 4;
    assert_int_equal(open_status(exact, len, 1, NULL, 0), SKIDX_ERR_CORRUPT);
    /* and still bounds-checked */
    memcpy(exact, c, len);
    skidx_wr64(exact + 64 + N_SEC * 32 + 16, extra + 1);
    rehash(exact, len);
    assert_int_equal(open_status(exact, len, 1, NULL, 0), SKIDX_ERR_CORRUPT);
    free(exact);
    free(c);
}

/* Drop the sections from id `from` on (they are the last ones): the file a
 * writer from before they were added would have written. */
static void drop_sections_from(uint8_t *c, size_t len, uint32_t from)
{
    uint32_t n = skidx_rd32(c + 16), keep = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = c + 64 + 32 * i;
        if (skidx_rd32(e) < from) {
            keep++;
            continue;
        }
        memset(c + skidx_rd64(e + 8), 0, skidx_rd64(e + 16));
        memset(e, 0, 32);
    }
    skidx_wr32(c + 16, keep);
    rehash(c, len);
}

/* A file written before LOST_FAULTS and the alias and link sections were
 * added (its 14 sections only) is read all the same; the faults are then
 * unknown, names resolve without aliases, and no skill has links. */
static void test_without_lost_faults(void **state)
{
    struct fix *f = *state;
    uint8_t *c = dup_bytes(f->bytes, f->len);
    assert_int_equal(skidx_rd32(c + 64 + 32 * 14), SKIDX_SEC_LOST_FAULTS);
    drop_sections_from(c, f->len, SKIDX_SEC_LOST_FAULTS);
    assert_int_equal(skidx_rd32(c + 16), 14);
    struct skidx_index *x = open_ok(c, f->len);
    assert_int_equal(skidx_index_n_lost(x), 2);
    assert_int_equal(get_lost_records(x, 0), 1234);
    assert_int_equal(get_lost_offset(x, 0), UINT64_MAX);
    assert_null(skidx_index_lost_cause(x, 0));
    uint32_t id = 9;
    assert_int_equal(skidx_index_find_skill(x, "kubernetes", &id), SKIDX_OK);
    assert_int_equal(id, 4);
    assert_int_equal(skidx_index_find_skill(x, "k8s", &id),
                     SKIDX_ERR_NOTFOUND);
    assert_int_equal(skidx_n_aliases0(x, SKIDX_DIM_SKILL, 4), 0);
    assert_string_equal(skidx_index_skill_esco(x, 0), "");
    assert_int_equal(skidx_n_onet0(x, 4), 0);
    skidx_index_close(x);
    free(c);
}

/* ---- the independent Python reader (scripts/skidx_read.py) ---- */

#define PYTHON "/usr/bin/python3"

static void test_python_reader(void **state)
{
    struct fix *f = *state;
    if (access(PYTHON, X_OK) != 0) {
        skip();
        return;
    }
    char path[1024], cmd[4096], line[1024];
    snprintf(path, sizeof(path), "%s/test_index_py.skidx", SKIDX_BINARY_DIR);
    FILE *o = fopen(path, "wb");
    assert_non_null(o);
    assert_int_equal(fwrite(f->bytes, 1, f->len, o), f->len);
    assert_int_equal(fclose(o), 0);
    struct skidx_index *x = open_ok(f->bytes, f->len);

    /* tidy rows: role, level, skill, postings, salaried, salary_sum */
    snprintf(cmd, sizeof(cmd), "%s %s/scripts/skidx_read.py --cell-skill %s",
             PYTHON, SKIDX_SOURCE_DIR, path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(line, sizeof(line), p));
    assert_string_equal(line,
                        "role\tlevel\tskill\tpostings\tsalaried\tsalary_sum\n");
    size_t rows = 0;
    while (fgets(line, sizeof(line), p)) {
        char role[128], level[128], skill[128];
        unsigned long long post, sal, sum;
        if (sscanf(line, "%127[^\t]\t%127[^\t]\t%127[^\t]\t%llu\t%llu\t%llu",
                   role, level, skill, &post, &sal, &sum) != 6)
            fail_msg("bad row '%s'", line);
        uint32_t r, l, k;
        assert_int_equal(skidx_index_find_role(x, role, &r), SKIDX_OK);
        assert_int_equal(skidx_index_find_level(x, level, &l), SKIDX_OK);
        assert_int_equal(skidx_index_find_skill(x, skill, &k), SKIDX_OK);
        struct skidx_skill_stats s;
        assert_int_equal(skidx_index_skill(x, (int32_t)r, (int32_t)l, k, &s),
                         SKIDX_OK);
        assert_int_equal(s.postings, post);
        assert_int_equal(s.salaried, sal);
        assert_int_equal(s.salary_sum, sum);
        rows++;
    }
    assert_int_equal(pclose(p), 0);
    assert_int_equal(rows, skidx_rd64(f->bytes + skidx_rd64(f->bytes + 64 +
                                                            32 * 10 + 8)));

    /* the JSON dump, with checksums verified in Python */
    snprintf(cmd, sizeof(cmd),
             "%s %s/scripts/skidx_read.py --verify --summary %s", PYTHON,
             SKIDX_SOURCE_DIR, path);
    p = popen(cmd, "r");
    assert_non_null(p);
    struct skidx_index_meta meta;
    skidx_index_get_meta(x, &meta);
    struct skidx_cell_stats all;
    skidx_index_cell(x, -1, -1, &all);
    int seen = 0;
    while (fgets(line, sizeof(line), p)) {
        char key[128];
        long long v;
        if (sscanf(line, "%127s %lld", key, &v) != 2)
            fail_msg("bad summary line '%s'", line);
        uint64_t want;
        if (!strcmp(key, "postings")) {
            want = meta.postings;
        } else if (!strcmp(key, "salary_sum")) {
            want = all.salary_sum;
        } else if (!strcmp(key, "first_month")) {
            want = (uint64_t)(int64_t)meta.first_month;
        } else if (!strcmp(key, "n_months")) {
            want = skidx_index_n_months(x);
        } else if (!strcmp(key, "month_skill_entries")) {
            want = skidx_rd64(f->bytes +
                              skidx_rd64(f->bytes + 64 + 32 * 13 + 8));
        } else if (!strcmp(key, "hist_last_bin")) {
            uint64_t bins[SKIDX_SALARY_BINS] = {0};
            skidx_index_salary_hist(x, -1, -1, bins);
            want = bins[SKIDX_SALARY_BINS - 1];
        } else if (!strcmp(key, "cause_bad_date")) {
            want = get_cause_count(x, SKIDX_FIX_BAD_DATE);
        } else if (!strcmp(key, "checksums_verified")) {
            want = 1;
        } else if (!strcmp(key, "skill_aliases") ||
                   !strcmp(key, "role_aliases") ||
                   !strcmp(key, "level_aliases")) {
            const enum skidx_dim d = key[0] == 's'   ? SKIDX_DIM_SKILL
                                     : key[0] == 'r' ? SKIDX_DIM_ROLE
                                                     : SKIDX_DIM_LEVEL;
            const uint32_t no = d == SKIDX_DIM_SKILL  ? skidx_index_n_skills(x)
                                : d == SKIDX_DIM_ROLE ? skidx_index_n_roles(x)
                                                      : skidx_index_n_levels(x);
            want = 0;
            for (uint32_t i = 0; i < no; i++)
                want += skidx_n_aliases0(x, d, i);
            assert_true(want > 0);
        } else if (!strcmp(key, "esco_links") || !strcmp(key, "onet_links")) {
            want = 0;
            for (uint32_t k = 0; k < skidx_index_n_skills(x); k++)
                want += key[0] == 'e' ? *skidx_index_skill_esco(x, k) != 0
                                      : skidx_n_onet0(x, k);
            assert_true(want > 0);
        } else {
            continue;
        }
        assert_int_equal((uint64_t)v, want);
        seen++;
    }
    assert_int_equal(pclose(p), 0);
    assert_int_equal(seen, 13);

    /* the full JSON dump runs too */
    snprintf(cmd, sizeof(cmd), "%s %s/scripts/skidx_read.py %s >/dev/null",
             PYTHON, SKIDX_SOURCE_DIR, path);
    assert_int_equal(system(cmd), 0);

    /* and the Python reader rejects a corrupt file */
    uint8_t *c = dup_bytes(f->bytes, f->len);
    sec(c, SKIDX_SEC_HIST)[5] ^= 1;
    o = fopen(path, "wb");
    assert_non_null(o);
    assert_int_equal(fwrite(c, 1, f->len, o), f->len);
    assert_int_equal(fclose(o), 0);
    snprintf(cmd, sizeof(cmd),
             "%s %s/scripts/skidx_read.py --verify %s >/dev/null 2>&1", PYTHON,
             SKIDX_SOURCE_DIR, path);
    const int rc = system(cmd);
    assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) != 0);
    free(c);
    unlink(path);
    skidx_index_close(x);
}

/* Names resolve through the stored aliases, caseless and
 * separator-insensitive; an alias of several skills is ambiguous; links
 * come back as written. */
static void test_aliases_and_links(void **state)
{
    struct fix *f = *state;
    struct skidx_index *x = open_ok(f->bytes, f->len);
    uint32_t id = 99, ids[4], n;
    assert_int_equal(skidx_index_find_skill(x, "K8S", &id), SKIDX_OK);
    assert_int_equal(id, 4);
    assert_int_equal(skidx_index_find_skill(x, "amazon-web_services", &id),
                     SKIDX_OK);
    assert_int_equal(id, 2);
    assert_int_equal(skidx_index_find_skill(x, "torch", &id), SKIDX_OK);
    assert_int_equal(id, 1);
    /* negative and regex aliases are not names */
    assert_int_equal(skidx_index_find_skill(x, "torch light", &id),
                     SKIDX_ERR_NOTFOUND);
    assert_int_equal(skidx_index_find_skill(x, "py-?torch2", &id),
                     SKIDX_ERR_NOTFOUND);
    /* role rule words */
    assert_int_equal(skidx_index_find_role(x, "ML-Engineer", &id), SKIDX_OK);
    assert_int_equal(id, 0);
    assert_int_equal(skidx_index_lookup(x, SKIDX_DIM_SKILL, "nothing", ids, 4,
                                        &n),
                     SKIDX_OK);
    assert_int_equal(n, 0);
    assert_int_equal(skidx_n_aliases0(x, SKIDX_DIM_SKILL, 1), 2);
    assert_string_equal(skidx_index_alias(x, SKIDX_DIM_SKILL, 1, 1), "torch");
    assert_null(skidx_index_alias(x, SKIDX_DIM_SKILL, 1, 2));
    assert_null(skidx_index_alias(x, SKIDX_DIM_SKILL, N_SKILLS, 0));
    uint32_t na = 9;
    assert_int_equal(skidx_index_n_aliases(x, SKIDX_DIM_SKILL, N_SKILLS, &na),
                     SKIDX_ERR_USAGE);
    assert_int_equal(na, 0);
    assert_int_equal(skidx_index_n_aliases(x, SKIDX_DIM_ROLE, 0, &na),
                     SKIDX_OK);
    assert_int_equal(na, 1); /* "ml engineer" */
    assert_int_equal(skidx_index_skill_n_onet(x, N_SKILLS, &na),
                     SKIDX_ERR_USAGE);
    assert_string_equal(skidx_index_skill_esco(x, 0),
                        "http://data.europa.eu/esco/skill/py");
    assert_string_equal(skidx_index_skill_esco(x, 1), "");
    assert_null(skidx_index_skill_esco(x, N_SKILLS));
    assert_int_equal(skidx_n_onet0(x, 4), 2);
    assert_string_equal(skidx_index_skill_onet(x, 4, 0), "43233004");
    assert_string_equal(skidx_index_skill_onet(x, 4, 1), "43232408");
    assert_null(skidx_index_skill_onet(x, 4, 2));
    skidx_index_close(x);

    /* "=Go" and "=GO" may belong to two skills (case-sensitive literals);
     * a caseless lookup finds both: ambiguous, with both candidates. A
     * canonical name beats an alias. */
    static const char amb[] = "Go\tLanguages\t=Go\tgolang\n"
                              "Goal\tML\t=GO\n"
                              "AWS\tCloud\taws\n"
                              "SQL\tLanguages\tsql\tci-cd\n"
                              "CI\tInfra\tci cd\n";
    struct skidx_taxonomy *t = parse_tax(amb);
    struct skidx_model m;
    assert_int_equal(skidx_model_init(&m, t, "0", "USD"), SKIDX_OK);
    size_t len;
    uint8_t *b = serialize(&m, &len);
    x = open_ok(b, len);
    id = 99;
    assert_int_equal(skidx_index_find_skill(x, "gO", &id), SKIDX_OK);
    assert_int_equal(id, 0); /* the name Go */
    assert_int_equal(skidx_index_lookup(x, SKIDX_DIM_SKILL, "ci_cd", ids, 4,
                                        &n),
                     SKIDX_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], 3);
    assert_int_equal(ids[1], 4);
    assert_int_equal(skidx_index_find_skill(x, "CI/CD", &id),
                     SKIDX_ERR_AMBIGUOUS);
    assert_int_equal(id, 0);
    skidx_index_close(x);
    free(b);
    skidx_model_release(&m);
    skidx_taxonomy_free(t);
}

#include "resident.h"

#ifdef __linux__


/* A taxonomy of the default's size: writing an index reads the rows of
 * the cell x skill table of the cells that counted something, and no
 * other page of it; what it writes reads back. */
static void test_sparse_write(void **state)
{
    (void)state;
    enum { K = 3286 };
    size_t cap = 64 + (size_t)K * 32, n = 0;
    char *tsv = malloc(cap);
    assert_non_null(tsv);
    n += (size_t)snprintf(tsv, cap, "@name\tbig\n@version\t1\n");
    for (unsigned k = 0; k < K; k++)
        n += (size_t)snprintf(tsv + n, cap - n, "S%u\tCat%u\tskill%u\n", k,
                              k % 7, k);
    struct skidx_taxonomy *t = NULL;
    struct skidx_error err;
    skidx_error_clear(&err);
    assert_int_equal(skidx_taxonomy_parse("<test>", tsv, n, roles_tsv,
                                          strlen(roles_tsv), &t, &err),
                     SKIDX_OK);
    free(tsv);
    struct skidx_model m;
    assert_int_equal(skidx_model_init(&m, t, "v", "USD"), SKIDX_OK);
    const struct skidx_counts *c = &m.counts;
    const size_t row = (size_t)K * 3 * sizeof(uint64_t);
    const size_t all = (size_t)c->n_cells * row;
    const size_t row_pages = row / (size_t)sysconf(_SC_PAGESIZE) + 2;
    if (resident(c->cs, all) == SIZE_MAX)
        skip();
    const uint32_t sk[] = {3, K - 2};
    assert_int_equal(skidx_counts_add(&m.counts, 1 * N_LEVELS + 0, NOM, 70000,
                                      1, sk, 2),
                     SKIDX_OK);
    size_t len;
    uint8_t *b = serialize(&m, &len);
    assert_true(resident(c->cs, all) <= row_pages);
    struct skidx_index *x = open_ok(b, len);
    struct skidx_skill_stats st;
    assert_int_equal(skidx_index_skill(x, 1, 0, K - 2, &st), SKIDX_OK);
    assert_int_equal(st.postings, 1);
    assert_int_equal(st.salary_sum, 70000);
    assert_int_equal(skidx_index_skill(x, 1, 0, 4, &st), SKIDX_OK);
    assert_int_equal(st.postings, 0);
    assert_int_equal(skidx_index_skill(x, 0, 0, 3, &st), SKIDX_OK);
    assert_int_equal(st.postings, 0);
    skidx_index_close(x);
    free(b);
    skidx_model_release(&m);
    skidx_taxonomy_free(t);
}
#endif

/* ---- the posting segments mapped (SKIDX_OPEN_MAP) ---- */

/* The sample corpus indexed by the CLI into `path` (format 3). */
static void index_sample(const char *path)
{
    char cmd[3072];
    snprintf(cmd, sizeof(cmd), "'%s' index -q --threads 1 '%s/corpora/sample' "
             "-o '%s'", SKIDX_CLI, SKIDX_SOURCE_DIR, path);
    assert_int_equal(system(cmd), 0);
}

/* Whether /proc/self/maps lists a mapping of `path`. */
static int mapped(const char *path)
{
    FILE *f = fopen("/proc/self/maps", "r");
    assert_non_null(f);
    char line[4096];
    int found = 0;
    const size_t n = strlen(path);
    while (fgets(line, sizeof(line), f)) {
        size_t l = strlen(line);
        while (l && line[l - 1] == '\n')
            line[--l] = '\0';
        if (l >= n && !strcmp(line + l - n, path))
            found = 1;
    }
    fclose(f);
    return found;
}

/* Where SEGMENTS begins in the file at `path`. */
static uint64_t segments_at(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t b[64 + 32 * 64];
    const size_t got = fread(b, 1, sizeof(b), f);
    fclose(f);
    assert_true(got >= 64);
    const uint32_t ns = skidx_rd32(b + 16);
    for (uint32_t i = 0; i < ns && 64 + 32 * (size_t)(i + 1) <= got; i++)
        if (skidx_rd32(b + 64 + 32 * (size_t)i) == SKIDX_SEC_SEGMENTS)
            return skidx_rd64(b + 64 + 32 * (size_t)i + 8);
    fail_msg("no SEGMENTS section");
    return 0;
}

static void test_mapped(void **state)
{
    (void)state;
    char path[1024], bad[1100];
    snprintf(path, sizeof(path), "%s/test_index_mapped.skidx",
             SKIDX_BINARY_DIR);
    snprintf(bad, sizeof(bad), "%s.bad", path);
    index_sample(path);
    struct skidx_error err;
    skidx_error_clear(&err);
    struct skidx_index *cp, *mp;
    assert_int_equal(skidx_index_open(path, 1, &cp, &err), SKIDX_OK);
    assert_false(mapped(path));
    assert_int_equal(skidx_index_open(path, SKIDX_OPEN_VERIFY |
                                                SKIDX_OPEN_MAP,
                                      &mp, &err),
                     SKIDX_OK);
    /* the segments are read in place: the file is mapped, not copied */
    assert_true(mapped(path));

    /* the same answers from both, every filtered column read */
    static const char *const exprs[] = {
        "Python", "PyTorch AND NOT TensorFlow", "SQL OR (AWS AND Docker)",
        "NOT Python"};
    const uint32_t n_skills = skidx_index_n_skills(cp);
    uint64_t *ca = calloc(n_skills, sizeof(uint64_t));
    uint64_t *cb = calloc(n_skills, sizeof(uint64_t));
    assert_non_null(ca);
    assert_non_null(cb);
    for (size_t e = 0; e < sizeof(exprs) / sizeof(*exprs); e++)
        for (int fi = 0; fi < 3; fi++) {
            struct skidx_filter f;
            skidx_filter_init(&f);
            if (fi == 1)
                f.role = 0, f.level = 1;
            if (fi == 2)
                f.month_from = 2025 * 12, f.required = 1;
            struct skidx_where *wa, *wb;
            struct skidx_pset *sa, *sb;
            assert_int_equal(skidx_where_compile(cp, exprs[e], &wa, &err),
                             SKIDX_OK);
            assert_int_equal(skidx_where_compile(mp, exprs[e], &wb, &err),
                             SKIDX_OK);
            assert_int_equal(skidx_select(cp, wa, &f, &sa, &err), SKIDX_OK);
            assert_int_equal(skidx_select(mp, wb, &f, &sb, &err), SKIDX_OK);
            assert_int_equal(skidx_pset_count(sa), skidx_pset_count(sb));
            assert_int_equal(skidx_pset_skills(cp, sa, 0, ca), SKIDX_OK);
            assert_int_equal(skidx_pset_skills(mp, sb, 0, cb), SKIDX_OK);
            assert_memory_equal(ca, cb, n_skills * sizeof(uint64_t));
            uint64_t cur = 0, p, seen = 0;
            while (skidx_pset_next(sa, &cur, &p) && seen++ < 50) {
                assert_true(skidx_pset_has(sb, p));
                struct skidx_posting_info ia, ib;
                assert_int_equal(skidx_index_posting(cp, p, &ia), SKIDX_OK);
                assert_int_equal(skidx_index_posting(mp, p, &ib), SKIDX_OK);
                assert_int_equal(ia.role * 100 + ia.level,
                                 ib.role * 100 + ib.level);
                assert_int_equal(ia.month, ib.month);
                assert_int_equal(ia.salary, ib.salary);
                assert_string_equal(ia.company, ib.company);
                assert_string_equal(ia.location, ib.location);
                assert_int_equal(ia.line, ib.line);
            }
            assert_true(seen > 0 || skidx_pset_count(sa) == 0);
            skidx_pset_free(sa);
            skidx_pset_free(sb);
            skidx_where_free(wa);
            skidx_where_free(wb);
        }
    free(ca);
    free(cb);
    assert_int_equal(skidx_index_check_postings(mp, &err), SKIDX_OK);
    skidx_index_close(cp);
    skidx_index_close(mp);

    /* a damaged part is found in the mapping as in the copy, and named */
    const uint64_t so = segments_at(path);
    assert_int_equal(skidx_index_open(path, SKIDX_OPEN_MAP | 1, &mp, &err),
                     SKIDX_OK);
    const struct skidx_pview *v = skidx_index_pview(mp);
    const struct skidx_pseg_view *s0;
    assert_int_equal(skidx_index_pseg_head(mp, 0, &s0, &err), SKIDX_OK);
    const uint64_t cell_at = so + (uint64_t)(s0->cell - v->data);
    const uint64_t comp_at = so + (uint64_t)(s0->company - v->data);
    skidx_index_close(mp);
    char cmd[2400];
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", path, bad);
    assert_int_equal(system(cmd), 0);
    FILE *f = fopen(bad, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, (long)cell_at + 4, SEEK_SET), 0);
    assert_int_equal(fputc(0x7f, f), 0x7f);
    fclose(f);
    assert_int_equal(skidx_index_open(bad, SKIDX_OPEN_MAP | 1, &mp, &err),
                     SKIDX_OK);
    struct skidx_filter fr;
    skidx_filter_init(&fr);
    fr.role = 0;
    struct skidx_pset *sel;
    skidx_error_clear(&err);
    assert_int_equal(skidx_select(mp, NULL, &fr, &sel, &err),
                     SKIDX_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "segment 0: column Cell: checksum "
                                    "mismatch"));
    skidx_index_close(mp);

    /* rewritten in place after its check: the values that index arrays
     * are checked again, never used out of range */
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", path, bad);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(skidx_index_open(bad, SKIDX_OPEN_MAP | 1, &mp, &err),
                     SKIDX_OK);
    struct skidx_posting_info pi;
    assert_int_equal(skidx_index_posting(mp, 0, &pi), SKIDX_OK);
    f = fopen(bad, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, (long)comp_at, SEEK_SET), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(fputc(0x7f, f), 0x7f);
    fclose(f);
    assert_int_equal(skidx_index_posting(mp, 0, &pi), SKIDX_ERR_CORRUPT);
    skidx_index_close(mp);
    unlink(bad);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accessors),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_skills_padding),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_merge_mismatch),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_bit_flips),
        cmocka_unit_test(test_magic_version),
        cmocka_unit_test(test_crafted_header),
        cmocka_unit_test(test_crafted_sections),
        cmocka_unit_test(test_unknown_section),
        cmocka_unit_test(test_without_lost_faults),
        cmocka_unit_test(test_python_reader),
        cmocka_unit_test(test_aliases_and_links),
#ifdef __linux__
        cmocka_unit_test(test_sparse_write),
        cmocka_unit_test(test_mapped),
#endif
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
