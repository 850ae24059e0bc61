/*
 * test_posting.c - what skidx derives from one posting (src/core/posting.c):
 * role and level classification, dates, salaries, wrong types, the skip
 * for postings without text, the duplicate key, and skills counted once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "build/indexer.h"
#include "core/causes.h"
#include "core/count.h"
#include "core/hash.h"
#include "core/hash_fast.h"
#include "core/posting.h"
#include "core/simd.h"
#include "core/taxonomy.h"
#include "io/index_write.h"
#include "io/shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char SKILLS[] =
    "Python\tlang\tpython\tpy\n"
    "AWS\tcloud\taws\tamazon web services\n"
    "Go\tlang\t=Go\tgolang\n"
    "SQL\tdata\tsql\n";

static const char ROLES[] =
    "role\tML Engineer\t10\tml engineer\tmachine learning engineer\n"
    "role\tData Scientist\t20\tdata scientist\n"
    "role\tData Engineer\t20\tdata engineer\n"
    "role\tEngineer\t50\tengineer\tdeveloper\n"
    "role\tOther\t99\n"
    "level-field\tEntry\t1\tentry level\tinternship\n"
    "level\tIntern\t10\tintern\n"
    "level\tSenior\t20\tsenior\tsr\n"
    "level\tStaff\t15\tstaff\tprincipal\n"
    "level\tLead\t20\tlead\n"
    "level\tEntry\t30\tjunior\n"
    "level\tMid\t99\n"
    "level-field\tSenior\t1\tmid-senior\t/\\bsenior\\b/\n";

enum { R_ML, R_DS, R_DE, R_ENG, R_OTHER };
enum { L_INTERN, L_SENIOR, L_STAFF, L_LEAD, L_ENTRY, L_MID };
enum { S_PYTHON, S_AWS, S_GO, S_SQL };

static struct skidx_taxonomy *T;
static struct skidx_compiled *C;
static struct skidx_worker W;

static int setup(void **state)
{
    (void)state;
    struct skidx_error err;
    skidx_error_clear(&err);
    if (skidx_taxonomy_parse("mem", SKILLS, strlen(SKILLS), ROLES,
                             strlen(ROLES), &T, &err) ||
        skidx_compiled_create(T, &C, &err) || skidx_worker_init(&W, C)) {
        fprintf(stderr, "setup: %s:%llu: %s\n", err.path,
                (unsigned long long)err.line, err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    skidx_worker_release(&W);
    skidx_compiled_free(C);
    skidx_taxonomy_free(T);
    return 0;
}

static void classify(const char *title, const char *sen, uint32_t *role,
                     uint32_t *level)
{
    assert_int_equal(skidx_classify(C, &W, title, strlen(title), sen,
                                    sen ? strlen(sen) : 0, role, level),
                     SKIDX_OK);
}

#define EXPECT_CLASS(title, sen, r, l)                                        \
    do {                                                                      \
        uint32_t r_, l_;                                                      \
        classify(title, sen, &r_, &l_);                                       \
        if (r_ != (uint32_t)(r) || l_ != (uint32_t)(l))                       \
            fprintf(stderr, "'%s' / '%s': %s %s\n", title, sen ? sen : "-",   \
                    T->role_name[r_], T->level_name[l_]);                     \
        assert_int_equal(r_, r);                                              \
        assert_int_equal(l_, l);                                              \
    } while (0)

/* XXH3 on each vector path (core/hash_fast.h) gives the portable
 * build's value: unseeded (the duplicate key, the title memo) and seeded
 * over two buffers (the cache's checksums), every length to 4,100 bytes
 * that crosses a block or stripe edge, at every start alignment mod 64;
 * and on a CPU with AVX2 the paths are not all the same function. */
static void test_hash_paths(void **state)
{
    (void)state;
    enum { MAXN = 4100 };
    unsigned char *buf = malloc(MAXN + 64);
    assert_non_null(buf);
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < MAXN + 64; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        buf[i] = (unsigned char)x;
    }
    const int modes[3] = {SKIDX_SIMD_SCALAR, SKIDX_SIMD_AVX2,
                          SKIDX_SIMD_BEST};
    skidx_xxh3_fn f[3];
    for (int k = 0; k < 3; k++)
        f[k] = skidx_xxh3_pick(modes[k]);
    if (__builtin_cpu_supports("avx2") && !getenv("SKIDX_SIMD"))
        assert_true(f[1] != f[0]);
    for (size_t n = 0; n <= MAXN; n += n < 300 ? 1 : n < 1100 ? 7 : 61)
        for (size_t al = 0; al < 64; al += n < 300 ? 21 : 1) {
            const unsigned char *p = buf + al;
            const uint64_t want = XXH3_64bits(p, n);
            const uint64_t seeded = skidx_hash64(p, n);
            const size_t cut = n / 3;
            for (int k = 0; k < 3; k++) {
                assert_true(f[k](p, n) == want);
                assert_true(skidx_xxh3_sum2_on(modes[k], p, n, NULL, 0) ==
                            seeded);
                assert_true(skidx_xxh3_sum2_on(modes[k], p, cut, p + cut,
                                               n - cut) == seeded);
            }
        }
    free(buf);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(T->role_name[R_DE], "Data Engineer");
    assert_int_equal(T->role_fallback, R_OTHER);
    assert_string_equal(T->level_name[L_ENTRY], "Entry");
    assert_int_equal(T->level_default, L_MID);
    assert_int_equal(T->n_levels, 6);
}

static void test_classify(void **state)
{
    (void)state;
    /* lowest priority wins */
    EXPECT_CLASS("Senior ML Engineer", NULL, R_ML, L_SENIOR);
    EXPECT_CLASS("Engineer (Machine Learning Engineer)", NULL, R_ML, L_MID);
    /* a title listing several openings: the first one named */
    EXPECT_CLASS("Engineer, Machine Learning Engineer", NULL, R_ENG, L_MID);
    EXPECT_CLASS("Acme | Senior Data Engineer | Remote", NULL, R_DE, L_SENIOR);
    EXPECT_CLASS("Junior/Senior Data Scientist", NULL, R_DS, L_ENTRY);
    EXPECT_CLASS("Senior/Staff Data Engineer", NULL, R_DE, L_SENIOR);
    EXPECT_CLASS("Data Scientist, Senior Data Engineer", NULL, R_DS, L_MID);
    EXPECT_CLASS("Data Scientist, Senior", NULL, R_DS, L_SENIOR);
    EXPECT_CLASS("Python Developer", NULL, R_ENG, L_MID);
    /* ties: the role listed first, whatever the order in the title's
     * opening; two openings: the first */
    EXPECT_CLASS("Data Scientist (Data Engineer)", NULL, R_DS, L_MID);
    EXPECT_CLASS("Data Engineer (Data Scientist)", NULL, R_DS, L_MID);
    EXPECT_CLASS("Data Engineer / Data Scientist", NULL, R_DE, L_MID);
    EXPECT_CLASS("Data Engineer", NULL, R_DE, L_MID);
    EXPECT_CLASS("Lead / Senior Engineer", NULL, R_ENG, L_LEAD);
    EXPECT_CLASS("Lead Senior Engineer", NULL, R_ENG, L_SENIOR);
    EXPECT_CLASS("Senior Lead Engineer", NULL, R_ENG, L_SENIOR);
    EXPECT_CLASS("Lead Engineer", NULL, R_ENG, L_LEAD);
    /* priorities among levels */
    EXPECT_CLASS("Senior Staff Engineer", NULL, R_ENG, L_STAFF);
    EXPECT_CLASS("Principal Data Scientist (Intern)", NULL, R_DS, L_INTERN);
    /* fallbacks */
    EXPECT_CLASS("Barista", NULL, R_OTHER, L_MID);
    EXPECT_CLASS("", NULL, R_OTHER, L_MID);
    EXPECT_CLASS("Engineering Manager", NULL, R_OTHER, L_MID);
    /* the title's level beats the seniority field */
    EXPECT_CLASS("Senior ML Engineer", "Entry level", R_ML, L_SENIOR);
    EXPECT_CLASS("Junior Developer", "mid-senior", R_ENG, L_ENTRY);
    /* the field decides when the title names no level, and only when
     * the whole field (trimmed, caseless) is one of its aliases */
    EXPECT_CLASS("ML Engineer", "mid-senior", R_ML, L_SENIOR);
    EXPECT_CLASS("ML Engineer", "  Mid-Senior\t", R_ML, L_SENIOR);
    EXPECT_CLASS("ML Engineer", "Entry level", R_ML, L_ENTRY);
    EXPECT_CLASS("ML Engineer", "ENTRY LEVEL", R_ML, L_ENTRY);
    EXPECT_CLASS("ML Engineer", "Internship", R_ML, L_ENTRY);
    EXPECT_CLASS("ML Engineer", "senior", R_ML, L_SENIOR);
    EXPECT_CLASS("ML Engineer", "Mid-Senior level", R_ML, L_MID);
    EXPECT_CLASS("ML Engineer", "senior developer needed", R_ML, L_MID);
    EXPECT_CLASS("ML Engineer", "Entry level or Senior", R_ML, L_MID);
    EXPECT_CLASS("ML Engineer", "internships", R_ML, L_MID);
    /* field rules are not title rules, and the default stays */
    EXPECT_CLASS("ML Engineer", "Director", R_ML, L_MID);
    EXPECT_CLASS("ML Engineer", "", R_ML, L_MID);
    EXPECT_CLASS("Mid-Senior ML Engineer", NULL, R_ML, L_SENIOR);
    EXPECT_CLASS("Entry level ML Engineer", NULL, R_ML, L_MID);
    /* state does not leak from one call to the next */
    EXPECT_CLASS("Senior Data Engineer", NULL, R_DE, L_SENIOR);
    EXPECT_CLASS("Barista", "nothing", R_OTHER, L_MID);
}

/* ---- dates ---- */

static int month_of(int type, const char *s, int32_t *m)
{
    struct skidx_value v = {s, strlen(s), type};
    *m = -1;
    return skidx_parse_month(&v, m);
}

#define YM(y, m) ((y) * 12 + (m) - 1)

static void expect_month(int type, const char *s, int32_t want)
{
    int32_t m;
    int r = month_of(type, s, &m);
    if (r != 0 || m != want)
        fprintf(stderr, "'%s': r=%d m=%d want %d\n", s, r, m, want);
    assert_int_equal(r, 0);
    assert_int_equal(m, want);
}

static void expect_no_month(int type, const char *s)
{
    int32_t m;
    if (month_of(type, s, &m) == 0)
        fprintf(stderr, "'%s' parsed as %d\n", s, m);
    assert_int_equal(month_of(type, s, &m), -1);
}

/* A title of fewer than max_parts of parts[0..np), drawn with the LCG
 * *seed, into buf (cap bytes, not NUL-terminated); returns its length. */
static size_t random_title(const char *const *parts, size_t np,
                           size_t max_parts, uint32_t *seed, char *buf,
                           size_t cap)
{
    size_t n = 0;
    *seed = *seed * 1103515245u + 12345u;
    size_t k = (*seed >> 16) % max_parts;
    for (size_t j = 0; j < k; j++) {
        *seed = *seed * 1103515245u + 12345u;
        const char *q = parts[(*seed >> 16) % np];
        size_t m = strlen(q);
        if (n + m >= cap)
            break;
        memcpy(buf + n, q, m);
        n += m;
    }
    return n;
}

/* Titles made of separators, brackets, cut UTF-8 and long items: the
 * reading of multi-opening titles stays in bounds and gives a role and a
 * level (run under ASan in the sanitizer build). */
static void test_classify_hostile(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "engineer", "Senior", "data scientist", "/", ",", ";", "|", "(",
        ")", " & ", " and ", "-to-", " ", "\xef\xbc\x8c", "\xe3\x80\x81",
        "\xef\xbc\x88", "\xef\xbc\x89", "\xef\xbc", "\xef", "AI", "ML",
        "\n", "1,000", "s", "developers", "Entwickler", "x"};
    const size_t np = sizeof(parts) / sizeof(parts[0]);
    char title[4096];
    uint32_t seed = 12345;
    for (int it = 0; it < 20000; it++) {
        size_t n = random_title(parts, np, 40, &seed, title, sizeof(title));
        uint32_t r, l, r2, l2;
        assert_int_equal(skidx_classify(C, &W, title, n, NULL, 0, &r, &l),
                         SKIDX_OK);
        assert_true(r < T->n_roles && l < T->n_levels);
        assert_int_equal(skidx_classify(C, &W, title, n, NULL, 0, &r2, &l2),
                         SKIDX_OK);
        assert_int_equal(r, r2);
        assert_int_equal(l, l2);
    }
    /* a first item too long to share the next item's noun: read whole */
    memset(title, 'a', 600);
    strcpy(title + 600, "/Senior Data Engineer");
    EXPECT_CLASS(title, NULL, R_DE, L_SENIOR);
    /* separators only, brackets never closed or never opened */
    EXPECT_CLASS(";;|,//", NULL, R_OTHER, L_MID);
    EXPECT_CLASS("((Data Scientist, Senior Data Engineer", NULL, R_DS,
                 L_SENIOR);
    EXPECT_CLASS("))Data Scientist, Senior Data Engineer", NULL, R_DS, L_MID);
}

/* The memo of recent titles: the same answers as a worker that has not
 * seen the title, over titles and seniority fields that share bytes and
 * slots; a title seen before is answered without matching. */
static void test_classify_memo(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "engineer", "Senior ", "data scientist", "/", ",", " ", "Intern",
        "ML ", "Staff ", "junior ", "x", "Lead ", "developer", "Data "};
    static const char *const fields[] = {NULL, "", "entry level",
                                         "Mid-Senior", "internship",
                                         "senior", " lead"};
    const size_t np = sizeof(parts) / sizeof(parts[0]);
    const size_t nf = sizeof(fields) / sizeof(fields[0]);
    char title[128];
    uint32_t seed = 777;
    for (int it = 0; it < 3000; it++) {
        size_t n = random_title(parts, np, 6, &seed, title, sizeof(title));
        seed = seed * 1103515245u + 12345u;
        const char *f = fields[(seed >> 16) % nf];
        size_t fl = f ? strlen(f) : 0;
        uint32_t r, l, r2, l2;
        assert_int_equal(skidx_classify(C, &W, title, n, f, fl, &r, &l),
                         SKIDX_OK);
        struct skidx_worker w2;
        assert_int_equal(skidx_worker_init(&w2, C), SKIDX_OK);
        assert_int_equal(skidx_classify(C, &w2, title, n, f, fl, &r2, &l2),
                         SKIDX_OK);
        skidx_worker_release(&w2);
        assert_int_equal(r, r2);
        assert_int_equal(l, l2);
    }
    /* the field is part of the key, and where the title ends in it */
    EXPECT_CLASS("Data Engineer", "internship", R_DE, L_ENTRY);
    EXPECT_CLASS("Data Engineer", NULL, R_DE, L_MID);
    EXPECT_CLASS("Data Engineer", "internship", R_DE, L_ENTRY);
    EXPECT_CLASS("Data Engineerinternship", NULL, R_OTHER, L_MID);
    /* seen before: no word is matched again */
    uint32_t r, l;
    classify("Senior Data Scientist", NULL, &r, &l);
    const uint64_t words = W.roles.words + W.levels.words;
    assert_true(words > 0);
    EXPECT_CLASS("Senior Data Scientist", NULL, R_DS, L_SENIOR);
    assert_true(W.roles.words + W.levels.words == words);
    /* too long for the memo: matched each time, the same answer */
    memset(title, 'a', 90);
    strcpy(title + 90, " Senior Data Scientist");
    EXPECT_CLASS(title, NULL, R_DS, L_SENIOR);
    const uint64_t words2 = W.roles.words + W.levels.words;
    EXPECT_CLASS(title, NULL, R_DS, L_SENIOR);
    assert_true(W.roles.words + W.levels.words > words2);
}

static uint64_t same_hash(const void *p, size_t n)
{
    (void)p;
    (void)n;
    return 42; /* every title and field in one place of the memo */
}

static uint64_t classify_words(const struct skidx_worker *w)
{
    return w->roles.words + w->levels.words + w->level_fields.words;
}

static void classify_w(struct skidx_worker *w, const char *title,
                       const char *sen, uint32_t *role, uint32_t *level)
{
    assert_int_equal(skidx_classify(C, w, title, strlen(title), sen,
                                    sen ? strlen(sen) : 0, role, level),
                     SKIDX_OK);
}

/* The memo's room: 3,000 distinct short titles read twice, the second
 * time newest first; it finds most of them without matching (more than
 * the 2,048 a memo of one table of long entries held), with the answers
 * of the first; a title longer than a short entry is kept too. */
static void test_classify_memo_room(void **state)
{
    (void)state;
    enum { N = 3000 };
    static uint32_t role[N], level[N];
    struct skidx_worker w;
    assert_int_equal(skidx_worker_init(&w, C), SKIDX_OK);
    char title[64];
    for (int pass = 0, found = 0; pass < 2; pass++) {
        for (int k = 0; k < N; k++) {
            const int i = pass ? N - 1 - k : k;
            snprintf(title, sizeof(title), "Senior Data Engineer %d", i);
            uint64_t before = classify_words(&w);
            uint32_t r, l;
            classify_w(&w, title, NULL, &r, &l);
            if (!pass) {
                role[i] = r;
                level[i] = l;
                continue;
            }
            assert_int_equal(r, role[i]);
            assert_int_equal(l, level[i]);
            found += classify_words(&w) == before;
        }
        if (pass)
            assert_true(found > 2048);
    }
    /* 60 bytes: kept in the table of long entries */
    memset(title, 'a', 38);
    strcpy(title + 38, " Senior Data Scientist");
    uint32_t r, l;
    classify_w(&w, title, NULL, &r, &l);
    assert_int_equal(r, R_DS);
    assert_int_equal(l, L_SENIOR);
    const uint64_t before = classify_words(&w);
    classify_w(&w, title, NULL, &r, &l);
    assert_int_equal(r, R_DS);
    assert_int_equal(l, L_SENIOR);
    assert_true(classify_words(&w) == before);
    skidx_worker_release(&w);
}

/* The memo keeps a title's answer apart from the field's: a title seen
 * with one field is not read again with another, nor a field with
 * another title, and what the field decides is not kept with the title.
 * Titles and fields whose hashes are all equal share one set of the memo
 * and still get their own answers. */
static void test_classify_memo_parts(void **state)
{
    (void)state;
    for (int h = 0; h < 2; h++) {
        struct skidx_worker w;
        assert_int_equal(skidx_worker_init(&w, C), SKIDX_OK);
        if (h)
            w.hash_fn = same_hash;
        uint32_t r, l;
        classify_w(&w, "Data Engineer", "internship", &r, &l);
        assert_int_equal(r, R_DE);
        assert_int_equal(l, L_ENTRY);
        uint64_t before = w.roles.words + w.levels.words;
        classify_w(&w, "Data Engineer", "Mid-Senior", &r, &l);
        assert_int_equal(r, R_DE);
        assert_int_equal(l, L_SENIOR);
        classify_w(&w, "Data Engineer", NULL, &r, &l);
        assert_int_equal(r, R_DE);
        assert_int_equal(l, L_MID);
        /* the title was read once */
        assert_int_equal(w.roles.words + w.levels.words, before);
        /* a field seen before, with a new title: only the title is read */
        before = w.level_fields.words;
        classify_w(&w, "ML Engineer", "internship", &r, &l);
        assert_int_equal(r, R_ML);
        assert_int_equal(l, L_ENTRY);
        assert_int_equal(w.level_fields.words, before);
        /* a title that names its level: the field is not read */
        classify_w(&w, "Senior Data Scientist", "an unseen field", &r, &l);
        assert_int_equal(r, R_DS);
        assert_int_equal(l, L_SENIOR);
        assert_int_equal(w.level_fields.words, before);
        /* four titles in one set (with equal hashes): all kept, each with
         * its own answer; a fifth replaces the oldest */
        skidx_worker_release(&w);
        assert_int_equal(skidx_worker_init(&w, C), SKIDX_OK);
        if (h)
            w.hash_fn = same_hash;
        static const char *const t4[] = {"Data Scientist", "Data Engineer",
                                         "Staff ML Engineer",
                                         "Intern Data Engineer"};
        static const uint32_t r4[] = {R_DS, R_DE, R_ML, R_DE};
        static const uint32_t l4[] = {L_MID, L_MID, L_STAFF, L_INTERN};
        for (int round = 0; round < 3; round++) {
            const uint64_t at = classify_words(&w);
            for (int i = 0; i < 4; i++) {
                classify_w(&w, t4[i], NULL, &r, &l);
                assert_int_equal(r, r4[i]);
                assert_int_equal(l, l4[i]);
            }
            if (round && h)
                assert_int_equal(classify_words(&w), at);
        }
        classify_w(&w, "Junior Data Analyst", NULL, &r, &l);
        assert_int_equal(l, L_ENTRY);
        for (int i = 0; i < 4; i++) {
            classify_w(&w, t4[i], NULL, &r, &l);
            assert_int_equal(r, r4[i]);
            assert_int_equal(l, l4[i]);
        }
        /* fields with equal hashes share one place: the right level */
        static const char *const f3[] = {"internship", "Mid-Senior",
                                         "entry level", "senior"};
        static const uint32_t fl3[] = {L_ENTRY, L_SENIOR, L_ENTRY, L_SENIOR};
        for (int round = 0; round < 2; round++)
            for (int i = 0; i < 4; i++) {
                classify_w(&w, "Data Engineer", f3[i], &r, &l);
                assert_int_equal(r, R_DE);
                assert_int_equal(l, fl3[i]);
            }
        skidx_worker_release(&w);
    }
}

static void test_dates(void **state)
{
    (void)state;
    const int S = SKIDX_V_STRING, N = SKIDX_V_NUMBER;
    expect_month(S, "2025-03-14", YM(2025, 3));
    expect_month(S, "2025-03", YM(2025, 3));
    expect_month(S, "2025-12-31T23:59:59Z", YM(2025, 12));
    expect_month(S, "2024-02-29T10:00:00+05:00", YM(2024, 2));
    expect_month(S, "1990-01-01", YM(1990, 1));
    expect_month(S, "2100-12-31", YM(2100, 12));
    /* epoch seconds and milliseconds, as numbers or numeric strings */
    expect_month(N, "1700000000", YM(2023, 11));     /* 2023-11-14 */
    expect_month(N, "1700000000000", YM(2023, 11));
    expect_month(S, "1700000000", YM(2023, 11));
    expect_month(S, "1700000000000", YM(2023, 11));
    expect_month(N, "1700000000.5", YM(2023, 11));
    expect_month(N, "631152000", YM(1990, 1));       /* 1990-01-01T00:00Z */
    expect_month(N, "1706745599", YM(2024, 1));      /* 2024-01-31T23:59:59 */
    expect_month(N, "1706745600", YM(2024, 2));      /* 2024-02-01T00:00:00 */
    expect_month(N, "1706745600000", YM(2024, 2));
    expect_month(N, "4133980799", YM(2100, 12));     /* 2100-12-31T23:59:59 */
    /* out of range */
    expect_no_month(N, "631151999");                 /* 1989-12-31 */
    expect_no_month(N, "4133980800");                /* 2101-01-01 */
    expect_no_month(N, "0");
    expect_no_month(N, "-86400");
    expect_no_month(N, "1e16");
    expect_no_month(S, "1989-12-31");
    expect_no_month(S, "2101-01-01");
    expect_no_month(S, "0000-01-01");
    /* malformed */
    expect_no_month(S, "2025-13-01");
    expect_no_month(S, "2025-00-10");
    expect_no_month(S, "2025/03/14");
    expect_no_month(S, "2025-3-14");
    expect_no_month(S, "2025-03x");
    expect_no_month(S, "25-03-14");
    expect_no_month(S, "March 2025");
    expect_no_month(S, "garbage");
    expect_no_month(S, "");
    expect_no_month(S, " ");
    expect_no_month(S, "abcd-ef");
    expect_no_month(N, "nan");
    expect_no_month(N, "inf");
    expect_no_month(SKIDX_V_OTHER, "true");
    expect_no_month(SKIDX_V_ABSENT, "");
}

/* ---- whole postings ---- */

static void pset(struct skidx_posting *p, int f, int type, const char *s)
{
    p->v[f].type = type;
    p->v[f].p = s;
    p->v[f].len = s ? strlen(s) : 0;
}

static skidx_status process(const struct skidx_posting *p,
                            struct skidx_posting_result *r, unsigned *skip,
                            enum skidx_engine eng, int want_hits)
{
    *skip = SKIDX_CAUSE_COUNT;
    return skidx_posting_process(C, &W, p, "USD", want_hits, eng, r, skip);
}

/* A whole posting is classified through the memo too (its lines
 * prefetched and the title's hash taken once, before the title's
 * skills are matched): the role and level of a worker that has not seen
 * the title, over 2,000 postings of random titles (many repeated, some
 * empty or longer than the memo keeps) and seniority fields. */
static void test_posting_classify_memo(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "engineer", "Senior ", "data scientist", "/", " ", "Intern", "ML ",
        "Staff ", "junior ", "Lead ", "developer", "Data ", "Python "};
    static const char *const fields[] = {NULL, "entry level", "senior"};
    char title[160];
    uint32_t seed = 4242;
    for (int it = 0; it < 2000; it++) {
        size_t n = random_title(parts, sizeof(parts) / sizeof(parts[0]), 4,
                                &seed, title, sizeof(title) - 1);
        title[n] = '\0';
        seed = seed * 1103515245u + 12345u;
        if ((seed >> 16) % 50 == 0) { /* longer than the memo keeps */
            memset(title, 'a', 120);
            strcpy(title + 120, " Senior Data Engineer");
            n = strlen(title);
        }
        const char *f = fields[(seed >> 20) % 3];
        struct skidx_posting p;
        memset(&p, 0, sizeof(p));
        pset(&p, SKIDX_P_TITLE, SKIDX_V_STRING, title);
        pset(&p, SKIDX_P_DESCRIPTION, SKIDX_V_STRING,
             "We use Python and SQL.");
        if (f)
            pset(&p, SKIDX_P_SENIORITY, SKIDX_V_STRING, f);
        struct skidx_posting_result r;
        unsigned skip;
        assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 0),
                         SKIDX_OK);
        struct skidx_worker w2;
        uint32_t r2, l2;
        assert_int_equal(skidx_worker_init(&w2, C), SKIDX_OK);
        assert_int_equal(skidx_classify(C, &w2, title, n, f,
                                        f ? strlen(f) : 0, &r2, &l2),
                         SKIDX_OK);
        skidx_worker_release(&w2);
        if (r.role != r2 || r.level != l2)
            fail_msg("'%.*s': role %u level %u, alone %u %u", (int)n, title,
                     r.role, r.level, r2, l2);
    }
}

/* A posting with a title and a salary; returns the result. */
static struct skidx_posting_result salary(int tmin, const char *min, int tmax,
                                          const char *max, const char *period,
                                          const char *currency)
{
    struct skidx_posting p;
    struct skidx_posting_result r;
    unsigned skip;
    memset(&p, 0, sizeof(p));
    pset(&p, SKIDX_P_TITLE, SKIDX_V_STRING, "Engineer");
    if (min)
        pset(&p, SKIDX_P_SALARY_MIN, tmin, min);
    if (max)
        pset(&p, SKIDX_P_SALARY_MAX, tmax, max);
    if (period)
        pset(&p, SKIDX_P_SALARY_PERIOD, SKIDX_V_STRING, period);
    if (currency)
        pset(&p, SKIDX_P_CURRENCY, SKIDX_V_STRING, currency);
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 0), SKIDX_OK);
    return r;
}

#define NUM SKIDX_V_NUMBER
#define STR SKIDX_V_STRING
#define BAD_SALARY (1u << SKIDX_FIX_BAD_SALARY)

#define EXPECT_SALARY(want, ...)                                              \
    do {                                                                      \
        struct skidx_posting_result r_ = salary(__VA_ARGS__);                 \
        assert_int_equal(r_.salary, want);                                    \
        assert_int_equal(r_.fixes & BAD_SALARY, 0);                           \
    } while (0)

#define EXPECT_BAD_SALARY(...)                                                \
    do {                                                                      \
        struct skidx_posting_result r_ = salary(__VA_ARGS__);                 \
        assert_int_equal(r_.salary, -1);                                      \
        assert_int_equal(r_.fixes & BAD_SALARY, BAD_SALARY);                  \
    } while (0)

static void test_salaries(void **state)
{
    (void)state;
    /* periods */
    EXPECT_SALARY(50 * 2080, NUM, "50", 0, NULL, "hour", NULL);
    EXPECT_SALARY(50 * 2080, NUM, "50", 0, NULL, "hourly", NULL);
    EXPECT_SALARY(50 * 2080, NUM, "50", 0, NULL, "HOUR", NULL);
    EXPECT_SALARY(400 * 260, NUM, "400", 0, NULL, "day", NULL);
    EXPECT_SALARY(2000 * 52, NUM, "2000", 0, NULL, "week", NULL);
    EXPECT_SALARY(10000 * 12, NUM, "10000", 0, NULL, "month", NULL);
    EXPECT_SALARY(120000, NUM, "120000", 0, NULL, "year", NULL);
    EXPECT_SALARY(120000, NUM, "120000", 0, NULL, "annual", NULL);
    EXPECT_SALARY(120000, NUM, "120000", 0, NULL, NULL, NULL);
    EXPECT_SALARY(120000, NUM, "120000", 0, NULL, "", NULL);
    /* ranges at the midpoint; one bound alone as given */
    EXPECT_SALARY(110000, NUM, "100000", NUM, "120000", NULL, NULL);
    EXPECT_SALARY(55 * 2080, NUM, "50", NUM, "60", "hour", NULL);
    EXPECT_SALARY(90000, 0, NULL, NUM, "90000", NULL, NULL);
    EXPECT_SALARY(80000, NUM, "80000", 0, NULL, NULL, NULL);
    EXPECT_SALARY(80000, NUM, "80000", STR, "", NULL, NULL);
    EXPECT_SALARY(80000, NUM, "80000", SKIDX_V_OTHER, "null", NULL, NULL);
    EXPECT_SALARY(100001, NUM, "100000.5", 0, NULL, NULL, NULL); /* rounded */
    EXPECT_SALARY(99999, NUM, "99999.4", 0, NULL, NULL, NULL);
    /* strings holding numbers, commas as thousands separators */
    EXPECT_SALARY(120000, STR, "120,000", 0, NULL, NULL, NULL);
    EXPECT_SALARY(120000, STR, " 120000 ", 0, NULL, NULL, NULL);
    EXPECT_SALARY(125000, STR, "120,000", STR, "130,000.00", NULL, NULL);
    EXPECT_SALARY(120000, NUM, "1.2e5", 0, NULL, NULL, NULL);
    /* range limits [1,000, 100,000,000] */
    EXPECT_SALARY(1000, NUM, "1000", 0, NULL, NULL, NULL);
    EXPECT_SALARY(100000000, NUM, "100000000", 0, NULL, NULL, NULL);
    EXPECT_SALARY(1040, NUM, "0.5", 0, NULL, "hour", NULL);
    EXPECT_BAD_SALARY(NUM, "999", 0, NULL, NULL, NULL);
    EXPECT_BAD_SALARY(NUM, "100000001", 0, NULL, NULL, NULL);
    EXPECT_BAD_SALARY(NUM, "100000", 0, NULL, "hour", NULL);
    EXPECT_BAD_SALARY(NUM, "0", 0, NULL, NULL, NULL);
    EXPECT_BAD_SALARY(NUM, "-50000", 0, NULL, NULL, NULL);
    EXPECT_BAD_SALARY(NUM, "1e300", 0, NULL, NULL, NULL);
    /* unparseable */
    EXPECT_BAD_SALARY(STR, "120k", 0, NULL, NULL, NULL);
    EXPECT_BAD_SALARY(STR, "$120,000", 0, NULL, NULL, NULL);
    EXPECT_BAD_SALARY(STR, "competitive", 0, NULL, NULL, NULL);
    EXPECT_BAD_SALARY(STR, ",", 0, NULL, NULL, NULL);
    EXPECT_BAD_SALARY(NUM, "100000", STR, "lots", NULL, NULL);
    EXPECT_BAD_SALARY(SKIDX_V_OTHER, "true", 0, NULL, NULL, NULL);
    EXPECT_BAD_SALARY(SKIDX_V_OTHER, "{}", NUM, "100000", NULL, NULL);
    /* unknown periods */
    EXPECT_BAD_SALARY(NUM, "100000", 0, NULL, "fortnight", NULL);
    EXPECT_BAD_SALARY(NUM, "100000", 0, NULL, "years", NULL);
    EXPECT_BAD_SALARY(NUM, "100000", 0, NULL, "yearX", NULL);
    /* nothing given: no salary, no fix */
    {
        struct skidx_posting_result r = salary(0, NULL, 0, NULL, "hour", NULL);
        assert_int_equal(r.salary, -1);
        assert_int_equal(r.fixes, 0);
        r = salary(SKIDX_V_OTHER, "null", SKIDX_V_OTHER, "null", NULL, NULL);
        assert_int_equal(r.salary, -1);
        assert_int_equal(r.fixes, 0);
    }
    /* currencies */
    struct skidx_posting_result r;
    r = salary(NUM, "100000", 0, NULL, NULL, NULL);
    assert_int_equal(r.same_currency, 1);
    r = salary(NUM, "100000", 0, NULL, NULL, "USD");
    assert_int_equal(r.same_currency, 1);
    r = salary(NUM, "100000", 0, NULL, NULL, " usd ");
    assert_int_equal(r.same_currency, 1);
    r = salary(NUM, "100000", 0, NULL, NULL, "");
    assert_int_equal(r.same_currency, 1);
    r = salary(NUM, "100000", 0, NULL, NULL, "EUR");
    assert_int_equal(r.same_currency, 0);
    assert_int_equal(r.salary, 100000);
    r = salary(NUM, "100000", 0, NULL, NULL, "USDT");
    assert_int_equal(r.same_currency, 0);
    r = salary(NUM, "100000", 0, NULL, NULL, "US");
    assert_int_equal(r.same_currency, 0);
}

static void test_types_and_skips(void **state)
{
    (void)state;
    struct skidx_posting p;
    struct skidx_posting_result r;
    unsigned skip;
    const uint32_t WRONG = 1u << SKIDX_FIX_WRONG_TYPE;

    /* title as a number: ignored, fixed; the description still counts */
    memset(&p, 0, sizeof(p));
    pset(&p, SKIDX_P_TITLE, SKIDX_V_NUMBER, "42");
    pset(&p, SKIDX_P_DESCRIPTION, SKIDX_V_STRING, "Senior Python role");
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 0), SKIDX_OK);
    assert_int_equal(r.fixes & WRONG, WRONG);
    assert_int_equal(r.role, R_OTHER); /* the title is gone */
    assert_int_equal(r.level, L_MID);
    assert_int_equal(r.n_skills, 1);
    assert_int_equal(r.skills[0], S_PYTHON);

    /* null is absence, not a wrong type */
    pset(&p, SKIDX_P_TITLE, SKIDX_V_OTHER, "null");
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 0), SKIDX_OK);
    assert_int_equal(r.fixes & WRONG, 0);

    /* other fields of the wrong type */
    pset(&p, SKIDX_P_TITLE, SKIDX_V_STRING, "Data Engineer");
    pset(&p, SKIDX_P_COMPANY, SKIDX_V_OTHER, "[1,2]");
    pset(&p, SKIDX_P_SENIORITY, SKIDX_V_NUMBER, "3");
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 0), SKIDX_OK);
    assert_int_equal(r.fixes & WRONG, WRONG);
    assert_int_equal(r.role, R_DE);

    /* a bad date is undated and fixed; null is undated, not fixed */
    memset(&p, 0, sizeof(p));
    pset(&p, SKIDX_P_TITLE, SKIDX_V_STRING, "x");
    pset(&p, SKIDX_P_POSTED, SKIDX_V_STRING, "2025-13-01");
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 0), SKIDX_OK);
    assert_int_equal(r.month, SKIDX_NO_MONTH);
    assert_int_equal(r.fixes, 1u << SKIDX_FIX_BAD_DATE);
    pset(&p, SKIDX_P_POSTED, SKIDX_V_OTHER, "null");
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 0), SKIDX_OK);
    assert_int_equal(r.month, SKIDX_NO_MONTH);
    assert_int_equal(r.fixes, 0);
    pset(&p, SKIDX_P_POSTED, SKIDX_V_OTHER, "false");
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 0), SKIDX_OK);
    assert_int_equal(r.fixes, 1u << SKIDX_FIX_BAD_DATE);
    pset(&p, SKIDX_P_POSTED, SKIDX_V_NUMBER, "1700000000000");
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 0), SKIDX_OK);
    assert_int_equal(r.month, YM(2023, 11));
    assert_int_equal(r.fixes, 0);
    pset(&p, SKIDX_P_POSTED, SKIDX_V_ABSENT, NULL);
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 0), SKIDX_OK);
    assert_int_equal(r.month, SKIDX_NO_MONTH);
    assert_int_equal(r.fixes, 0);

    /* no title and no description: skipped */
    memset(&p, 0, sizeof(p));
    pset(&p, SKIDX_P_COMPANY, SKIDX_V_STRING, "ACME");
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 0),
                     SKIDX_ERR_CORRUPT);
    assert_int_equal(skip, SKIDX_SKIP_NO_TEXT);
    pset(&p, SKIDX_P_TITLE, SKIDX_V_STRING, "");
    pset(&p, SKIDX_P_DESCRIPTION, SKIDX_V_STRING, "");
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 0),
                     SKIDX_ERR_CORRUPT);
    assert_int_equal(skip, SKIDX_SKIP_NO_TEXT);
    pset(&p, SKIDX_P_TITLE, SKIDX_V_NUMBER, "7");
    pset(&p, SKIDX_P_DESCRIPTION, SKIDX_V_OTHER, "null");
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 0),
                     SKIDX_ERR_CORRUPT);
    assert_int_equal(skip, SKIDX_SKIP_NO_TEXT);
    /* a description alone is enough */
    pset(&p, SKIDX_P_TITLE, SKIDX_V_ABSENT, NULL);
    pset(&p, SKIDX_P_DESCRIPTION, SKIDX_V_STRING, "d");
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 0), SKIDX_OK);
    assert_int_equal(r.role, R_OTHER);
    assert_int_equal(r.n_skills, 0);
}

/* ---- duplicate key ---- */

/* skidx_normalize() of in[0..n) into out (n bytes of room) on the
 * portable path, checked equal on the best and the AVX2 paths: the
 * length. */
static size_t normalize_all_paths(const char *in, size_t n, char *out)
{
    static char b[1024], c[1024];
    assert_true(n < sizeof(b));
    size_t la = skidx_normalize(in, n, out, SKIDX_SIMD_SCALAR);
    size_t lb = skidx_normalize(in, n, b, SKIDX_SIMD_BEST);
    size_t lc = skidx_normalize(in, n, c, SKIDX_SIMD_AVX2);
    assert_int_equal(la, lb);
    assert_memory_equal(out, b, la);
    assert_int_equal(la, lc);
    assert_memory_equal(out, c, la);
    return la;
}

static uint64_t dedup(const char *title, const char *company,
                      const char *desc)
{
    struct skidx_posting p;
    struct skidx_posting_result r;
    unsigned skip;
    memset(&p, 0, sizeof(p));
    if (title)
        pset(&p, SKIDX_P_TITLE, SKIDX_V_STRING, title);
    if (company)
        pset(&p, SKIDX_P_COMPANY, SKIDX_V_STRING, company);
    if (desc)
        pset(&p, SKIDX_P_DESCRIPTION, SKIDX_V_STRING, desc);
    /* fields that are not part of the key */
    pset(&p, SKIDX_P_POSTED, SKIDX_V_STRING, title && strlen(title) % 2
                                                 ? "2025-01-01"
                                                 : "2024-06-01");
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 0), SKIDX_OK);
    return r.dedup;
}

/* A posting whose key the worker's dup_seen holds is not matched: no
 * skills, role and level 0, known_dup set, and still its month, salary
 * and fixes (they count for every record read); with want_hits it is
 * matched as always; a table without the key changes nothing. */
static void test_known_dup(void **state)
{
    (void)state;
    struct skidx_posting p;
    struct skidx_posting_result r, base;
    unsigned skip;
    memset(&p, 0, sizeof(p));
    pset(&p, SKIDX_P_TITLE, SKIDX_V_STRING, "Senior Data Engineer");
    pset(&p, SKIDX_P_DESCRIPTION, SKIDX_V_STRING, "Python, AWS and SQL.");
    pset(&p, SKIDX_P_POSTED, SKIDX_V_STRING, "2025-03-04");
    pset(&p, SKIDX_P_SALARY_MIN, SKIDX_V_STRING, "lots");
    assert_int_equal(process(&p, &base, &skip, SKIDX_ENGINE_WORDS, 0),
                     SKIDX_OK);
    assert_int_equal(base.known_dup, 0);
    assert_int_equal(base.n_skills, 3);
    assert_int_equal(base.role, R_DE);
    assert_int_equal(base.level, L_SENIOR);
    assert_true(base.fixes & 1u << SKIDX_FIX_BAD_SALARY);
    uint64_t seen[8] = {0};
    W.dup_seen = seen;
    W.dup_mask = 7;
    /* another key in the slot: matched */
    seen[skidx_dup_slot(base.dedup, 7)] = base.dedup ^ 1;
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 0), SKIDX_OK);
    assert_int_equal(r.known_dup, 0);
    assert_int_equal(r.n_skills, 3);
    /* the key: not matched, the rest found */
    seen[skidx_dup_slot(base.dedup, 7)] = base.dedup;
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 0), SKIDX_OK);
    assert_int_equal(r.known_dup, 1);
    assert_int_equal(r.n_skills, 0);
    assert_int_equal(r.n_pref, 0);
    assert_int_equal(r.role, 0);
    assert_int_equal(r.level, 0);
    assert_true(r.dedup == base.dedup);
    assert_int_equal(r.month, base.month);
    assert_int_equal(r.salary, base.salary);
    assert_int_equal(r.fixes, base.fixes);
    /* hits wanted (skidx match): matched all the same */
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 1), SKIDX_OK);
    assert_int_equal(r.known_dup, 0);
    assert_int_equal(r.n_skills, 3);
    /* no text: skipped before any key */
    struct skidx_posting e;
    memset(&e, 0, sizeof(e));
    pset(&e, SKIDX_P_POSTED, SKIDX_V_STRING, "2025-03-04");
    assert_int_equal(process(&e, &r, &skip, SKIDX_ENGINE_WORDS, 0),
                     SKIDX_ERR_CORRUPT);
    assert_int_equal(skip, SKIDX_SKIP_NO_TEXT);
    W.dup_seen = NULL;
    W.dup_mask = 0;
}

static void test_dedup(void **state)
{
    (void)state;
    uint64_t k = dedup("Senior ML Engineer", "ACME Corp",
                       "We use Python and AWS.\nApply now.");
    assert_true(dedup("senior ml engineer", "acme corp",
                      "we use python and aws.\napply now.") == k);
    assert_true(dedup("  Senior   ML\tEngineer ", "\nACME  Corp\r\n",
                      "We use Python and AWS. \n\n Apply   now.  ") == k);
    assert_true(dedup("SENIOR ML ENGINEER", "ACME CORP",
                      "WE USE PYTHON AND AWS. APPLY NOW.") == k);
    /* different content */
    assert_true(dedup("Senior ML Engineer", "ACME Inc",
                      "We use Python and AWS.\nApply now.") != k);
    assert_true(dedup("Staff ML Engineer", "ACME Corp",
                      "We use Python and AWS.\nApply now.") != k);
    assert_true(dedup("Senior ML Engineer", "ACME Corp",
                      "We use Python and AWS. Apply now!") != k);
    assert_true(dedup("SeniorML Engineer", "ACME Corp",
                      "We use Python and AWS.\nApply now.") != k);
    /* text moved between fields is a different posting */
    assert_true(dedup("a", "b", "c d") != dedup("a", "b c", "d"));
    assert_true(dedup("a b", NULL, "c") != dedup("a", NULL, "b c"));
    assert_true(dedup("a", "", "b") != dedup("a b", "", ""));
    assert_true(dedup("a", NULL, "b") == dedup("a", "", "b"));
    /* non-ASCII letters are not folded */
    assert_true(dedup("M\xC3\xBCller", NULL, "x") !=
                dedup("M\xC3\x9Cller", NULL, "x"));
    /* the SIMD and scalar normalisers agree (best path and AVX2) */
    static char in[1000], a[1000];
    uint64_t s = 99;
    for (int rep = 0; rep < 4000; rep++) {
        size_t n = (size_t)(rep % 300);
        for (size_t i = 0; i < n; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            static const char pool[] = "  \t\n\rAZaz09_-.\x80\xC3\xFF";
            /* every other text mostly letters: long runs without spaces */
            size_t span = rep & 1 ? sizeof(pool) - 1 : 6;
            in[i] = pool[(s >> 33) % span + (rep & 1 ? 0 : 5)];
        }
        size_t la = normalize_all_paths(in, n, a);
        assert_true(la == 0 || (a[0] != ' ' && a[la - 1] != ' '));
    }
    /* every byte value, whitespace often in runs: the bytes that share a
     * low nibble with a whitespace byte (0x00, 0x29, 0x2D, 0x89, 0xA0...)
     * and those at the edges of A..Z (0x40, 0x5B, 0x60, 0x7B) */
    for (int rep = 0; rep < 4000; rep++) {
        size_t n = (size_t)(rep % 400);
        for (size_t i = 0; i < n; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            const unsigned r = (unsigned)(s >> 33);
            static const char ws[] = " \t\n\r";
            in[i] = (char)(r % 4 == 0 ? (unsigned char)ws[(r >> 8) % 4]
                                      : (r >> 8) & 0xFF);
        }
        normalize_all_paths(in, n, a);
    }
    for (unsigned v = 0; v < 256; v++) {
        for (size_t i = 0; i < 96; i++)
            in[i] = (char)(i % 3 == 2 ? ' ' : (int)v);
        size_t la = normalize_all_paths(in, 96, a);
        for (size_t i = 0; i < la; i++)
            assert_int_equal((unsigned char)a[i],
                             a[i] == ' ' ? 0x20
                             : v >= 'A' && v <= 'Z' ? v + 32 : v);
    }
}

/* ---- skills ---- */

static void test_skills_once(void **state)
{
    (void)state;
    struct skidx_posting p;
    struct skidx_posting_result r;
    unsigned skip;
    memset(&p, 0, sizeof(p));
    pset(&p, SKIDX_P_TITLE, SKIDX_V_STRING, "Python / SQL Developer");
    pset(&p, SKIDX_P_DESCRIPTION, SKIDX_V_STRING,
         "Python, python, PY and amazon web services (AWS); sql. Golang, go.");
    for (int eng = 0; eng < 2; eng++)
        for (int want = 0; want < 2; want++) {
            assert_int_equal(process(&p, &r, &skip, (enum skidx_engine)eng,
                                     want), SKIDX_OK);
            assert_int_equal(r.n_skills, 4);
            assert_int_equal(r.skills[0], S_PYTHON);
            assert_int_equal(r.skills[1], S_AWS);
            assert_int_equal(r.skills[2], S_GO);
            assert_int_equal(r.skills[3], S_SQL);
            assert_int_equal(r.role, R_ENG);
            if (want) {
                /* hits kept, title first, each field sorted */
                assert_int_equal(r.title_hits, 2);
                assert_int_equal(W.skills.n_hits, 2 + 7);
                assert_int_equal(W.skills.hits[0].start, 0);
                assert_int_equal(W.skills.hits[1].start, 9);
                for (size_t i = 3; i < W.skills.n_hits; i++)
                    assert_true(W.skills.hits[i - 1].start <=
                                W.skills.hits[i].start);
            }
        }
    /* title only, description only */
    memset(&p, 0, sizeof(p));
    pset(&p, SKIDX_P_TITLE, SKIDX_V_STRING, "Go Developer (golang)");
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 1), SKIDX_OK);
    assert_int_equal(r.n_skills, 1);
    assert_int_equal(r.skills[0], S_GO);
    assert_int_equal(r.title_hits, 2);
    /* the next posting starts afresh */
    pset(&p, SKIDX_P_TITLE, SKIDX_V_STRING, "Barista");
    assert_int_equal(process(&p, &r, &skip, SKIDX_ENGINE_WORDS, 0), SKIDX_OK);
    assert_int_equal(r.n_skills, 0);
}

/* A taxonomy of the given skills.tsv and sections.tsv text (ROLES for
 * roles), compiled, and a worker for it; model_close() frees them. */
static void model_open(const char *skills, size_t n, const char *sections,
                       struct skidx_taxonomy **t, struct skidx_compiled **c,
                       struct skidx_worker *w)
{
    struct skidx_error err;
    skidx_error_clear(&err);
    assert_int_equal(skidx_taxonomy_parse_all("mem", skills, n, ROLES,
                                              strlen(ROLES), sections,
                                              strlen(sections), t, &err),
                     SKIDX_OK);
    assert_int_equal(skidx_compiled_create(*t, c, &err), SKIDX_OK);
    assert_int_equal(skidx_worker_init(w, *c), SKIDX_OK);
}

static void model_close(struct skidx_taxonomy *t, struct skidx_compiled *c,
                        struct skidx_worker *w)
{
    skidx_worker_release(w);
    skidx_compiled_free(c);
    skidx_taxonomy_free(t);
}

/* The bytes of the file at path (freed by the caller), in *n. */
static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    const long len = ftell(f);
    assert_true(len > 0);
    rewind(f);
    unsigned char *b = malloc((size_t)len);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return b;
}

/* The indexer passes over the text of a posting that repeats one
 * already decided (skidx_worker.dup_seen): the index is byte for byte
 * the one of a run that matches every posting, at 1 and 3 threads,
 * in whole shards and small chunks, on a corpus where a fifth of the
 * postings repeat one before them (right before, or thousands of
 * postings back; in other case and spacing; with another date and a
 * salary that needs a fix), with sections that do not count. */
static void test_index_repeats(void **state)
{
    (void)state;
    static const char SECTIONS[] = "requirements\trequirements\n"
                                   "company\tabout us\n"
                                   "benefits\tbenefits\n";
    static const char *const titles[] = {
        "Senior Data Engineer", "ML Engineer", "Data Scientist",
        "Junior Developer", "Staff Engineer", "Barista"};
    static const char *const parts[] = {
        "We use Python. ", "AWS and SQL daily. ", "golang services. ",
        "\\nRequirements\\n", "\\nAbout us\\nWe sell SQL tools. ",
        "\\nBenefits\\nFree AWS credits. ", "Amazon Web Services. ",
        "Nothing technical here. ", "Go is a plus. "};
    struct skidx_taxonomy *t;
    struct skidx_compiled *c;
    struct skidx_worker w;
    model_open(SKILLS, strlen(SKILLS), SECTIONS, &t, &c, &w);
    char corpus[] = "repeats-XXXXXX.jsonl";
    const int fd = mkstemps(corpus, 6);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    enum { N = 4000 };
    static char desc[N][400];
    static int title_of[N], comp_of[N];
    uint64_t seed = 2026;
    size_t repeats = 0;
    for (int i = 0; i < N; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        const int rep = i > 0 && (seed >> 40) % 5 == 0;
        if (rep) {
            /* a posting before: right before, or anywhere back */
            const int back = (seed >> 20) % 3 == 0
                                 ? 1
                                 : 1 + (int)((seed >> 8) % (uint64_t)i);
            const int j = i - back < 0 ? 0 : i - back;
            title_of[i] = title_of[j];
            comp_of[i] = comp_of[j];
            memcpy(desc[i], desc[j], sizeof(desc[i]));
            repeats++;
        } else {
            title_of[i] = (int)((seed >> 33) % 6);
            comp_of[i] = (int)((seed >> 45) % 7);
            size_t n = 0;
            const int k = 1 + (int)((seed >> 50) % 8);
            for (int q = 0; q < k; q++) {
                seed = seed * 6364136223846793005ull + 1ull;
                const char *pt = parts[(seed >> 33) % 9];
                const size_t l = strlen(pt);
                memcpy(desc[i] + n, pt, l);
                n += l;
            }
            snprintf(desc[i] + n, sizeof(desc[i]) - n, "Ref %d.", i);
        }
        /* a repeat in capitals or with doubled spaces has the same key */
        char d[800], title[64];
        const char *src = desc[i];
        size_t n = 0;
        for (size_t q = 0; src[q]; q++) {
            char ch = src[q];
            if (rep && (seed >> 12) % 2 && ch >= 'a' && ch <= 'z' &&
                (q == 0 || src[q - 1] != '\\'))
                ch = (char)(ch - 32);
            d[n++] = ch;
            if (rep && ch == ' ' && (seed >> 14) % 2)
                d[n++] = ' ';
        }
        d[n] = '\0';
        snprintf(title, sizeof(title), "%s", titles[title_of[i]]);
        fprintf(f,
                "{\"title\":\"%s\",\"company\":\"Co %d\",\"description\":"
                "\"%s\",\"posted\":\"2025-%02d-01\",\"salary_min\":%s}\n",
                title, comp_of[i], d, 1 + (int)((seed >> 30) % 12),
                (seed >> 36) % 7 == 0 ? "\"lots\"" : "90000");
    }
    fclose(f);
    assert_true(repeats > N / 8);
    unsigned char *ref = NULL;
    size_t ref_len = 0;
    uint64_t passed_any = 0, passed_one = 0;
    for (int run = 0; run < 6; run++) {
        const int threads = run % 2 ? 3 : 1, small = run / 2 == 1,
                  match_all = run / 2 == 2;
        struct skidx_index_opts o;
        memset(&o, 0, sizeof(o));
        o.threads = threads;
        o.chunk_bytes = small ? 4096 : 0;
        o.currency = "USD";
        o.format = -1;
        o.max_examples = 5;
        o.match_duplicates = match_all;
        skidx_jsonl_keys_default(&o.keys);
        struct skidx_shard_list sl = {0};
        struct skidx_error err;
        struct skidx_model m;
        struct skidx_index_summary sum;
        skidx_error_clear(&err);
        assert_int_equal(skidx_shard_list_add(&sl, corpus, &err), SKIDX_OK);
        assert_int_equal(skidx_model_init(&m, t, "test", "USD"), SKIDX_OK);
        assert_int_equal(skidx_run_index(&sl, c, &o, &m, &sum, &err),
                         SKIDX_OK);
        assert_true(m.counts.stats[SKIDX_STAT_DUPLICATES] >= repeats);
        if (match_all)
            assert_int_equal(sum.repeats_passed, 0);
        else
            assert_true(sum.repeats_passed <=
                        m.counts.stats[SKIDX_STAT_DUPLICATES]);
        passed_any += sum.repeats_passed;
        if (threads == 1 && small) /* one thread, its chunks in order */
            passed_one = sum.repeats_passed;
        char out[] = "repeats-XXXXXX.skidx";
        const int ofd = mkstemps(out, 6);
        assert_true(ofd >= 0);
        close(ofd);
        assert_int_equal(skidx_index_write(&m, out, &err), SKIDX_OK);
        size_t len;
        unsigned char *b = slurp(out, &len);
        unlink(out);
        if (!ref) {
            ref = b;
            ref_len = len;
        } else {
            assert_int_equal(len, ref_len);
            assert_memory_equal(b, ref, len);
            free(b);
        }
        skidx_model_release(&m);
        skidx_shard_list_release(&sl);
    }
    printf("%zu repeats of %d postings; %llu passed over by one thread in "
           "4 KB chunks, %llu in the 4 runs that may\n",
           repeats, N, (unsigned long long)passed_one,
           (unsigned long long)passed_any);
    /* one thread commits each chunk before it reads the next: every
     * repeat of a posting in an earlier chunk is passed over (513 of the
     * 830; a third come right after their first, mostly in its chunk) */
    assert_true(passed_one > repeats / 2);
    free(ref);
    unlink(corpus);
    model_close(t, c, &w);
}

/* Skills named only in the company's, benefits', legal or application
 * sections do not count; the title and the other sections do; every hit
 * reports its section. Same on both engines, with or without hits. */
static void test_sections(void **state)
{
    (void)state;
    static const char SECTIONS[] =
        "requirements\trequirements\n"
        "preferred\tnice to have\n"
        "company\tabout us\tabout *\n"
        "benefits\tbenefits\n"
        "legal\t* is an equal opportunity employer...\n"
        "apply\thow to apply\n";
    struct skidx_taxonomy *t;
    struct skidx_compiled *c;
    struct skidx_worker w;
    model_open(SKILLS, strlen(SKILLS), SECTIONS, &t, &c, &w);
    assert_int_equal(t->sections.n, 7);
    assert_int_not_equal(t->hash, T->hash);

    struct skidx_posting p;
    struct skidx_posting_result r;
    unsigned skip;
    memset(&p, 0, sizeof(p));
    pset(&p, SKIDX_P_TITLE, SKIDX_V_STRING, "Go Developer");
    pset(&p, SKIDX_P_DESCRIPTION, SKIDX_V_STRING,
         "We ship golang daily.\nAbout Acme Corp\nWe run on AWS and Go.\n"
         "Requirements:\n- SQL\nBenefits\n- free Python course\n\n"
         "Acme Corp is an equal opportunity employer. AWS.\n");
    for (int eng = 0; eng < 2; eng++)
        for (int want = 0; want < 2; want++) {
            assert_int_equal(skidx_posting_process(c, &w, &p, "USD", want,
                                                   (enum skidx_engine)eng, &r,
                                                   &skip),
                             SKIDX_OK);
            /* Go from the title and the intro; SQL from the requirements;
             * not AWS (company, legal) nor Python (benefits) */
            assert_int_equal(r.n_skills, 2);
            assert_int_equal(r.skills[0], S_GO);
            assert_int_equal(r.skills[1], S_SQL);
            /* counting looks for no legal lead-in after Benefits: in text
             * that does not count, it would change no count */
            assert_int_equal(w.sections.n, want ? 4 : 3);
            if (!want)
                continue;
            /* title Go; golang none; AWS, Go company; SQL requirements;
             * Python benefits; AWS legal */
            static const int kinds[] = {-1, SKIDX_SEC_NONE, SKIDX_SEC_COMPANY,
                                        SKIDX_SEC_COMPANY,
                                        SKIDX_SEC_REQUIREMENTS,
                                        SKIDX_SEC_BENEFITS, SKIDX_SEC_LEGAL};
            assert_int_equal(w.skills.n_hits, 7);
            for (size_t i = 0; i < w.skills.n_hits; i++)
                assert_int_equal(skidx_posting_hit_section(&w, &r, i),
                                 kinds[i]);
        }
    /* without excluded sections the description counts whole */
    pset(&p, SKIDX_P_DESCRIPTION, SKIDX_V_STRING,
         "Requirements\nAWS\nNice to have\nPython");
    assert_int_equal(skidx_posting_process(c, &w, &p, "USD", 0,
                                           SKIDX_ENGINE_WORDS, &r, &skip),
                     SKIDX_OK);
    assert_int_equal(r.n_skills, 3);
    /* a skill in the title counts even when the description names it only
     * in the company's text */
    pset(&p, SKIDX_P_DESCRIPTION, SKIDX_V_STRING, "About us\nWe use Go.");
    assert_int_equal(skidx_posting_process(c, &w, &p, "USD", 0,
                                           SKIDX_ENGINE_WORDS, &r, &skip),
                     SKIDX_OK);
    assert_int_equal(r.n_skills, 1);
    assert_int_equal(r.skills[0], S_GO);
    pset(&p, SKIDX_P_TITLE, SKIDX_V_STRING, "Barista");
    assert_int_equal(skidx_posting_process(c, &w, &p, "USD", 0,
                                           SKIDX_ENGINE_WORDS, &r, &skip),
                     SKIDX_OK);
    assert_int_equal(r.n_skills, 0);
    model_close(t, c, &w);
}

/* The sorted skill ids of a posting, from taxonomies of 1,000 skills
 * (16 words of the owner bitset: only the words that hold a skill are
 * visited) and 5,000 (79 words: every word up to the last owner), with
 * and without sections that do not count, on both engines and with and
 * without hits: the skills named outside the benefits, ascending, each
 * once, whichever word of the bitset they fall in. */
static void test_skill_ids_words(void **state)
{
    (void)state;
    static const char SECTIONS[] = "benefits\tbenefits\n";
    static const unsigned want_small[] = {0, 1, 63, 64, 127, 640, 999};
    static const unsigned want_big[] = {0, 63, 64, 2047, 4095, 4096, 4991,
                                        4999};
    for (int big = 0; big < 2; big++) {
        const size_t n_sk = big ? 5000 : 1000;
        const unsigned *want = big ? want_big : want_small;
        const size_t n_want = big ? sizeof(want_big) / sizeof(*want_big)
                                  : sizeof(want_small) / sizeof(*want_small);
        char *tsv = malloc(n_sk * 48);
        assert_non_null(tsv);
        size_t len = 0;
        for (size_t i = 0; i < n_sk; i++)
            len += (size_t)sprintf(tsv + len, "Skill %zu\tTools\tzq%zux\n",
                                   i, i);
        /* the wanted skills in reverse order, each twice; one more skill
         * named only under Benefits */
        char desc[1024];
        size_t dl = 0;
        for (size_t k = n_want; k-- > 0;)
            dl += (size_t)sprintf(desc + dl, "zq%ux and zq%ux. ", want[k],
                                  want[k]);
        dl += (size_t)sprintf(desc + dl, "\nBenefits\n- zq%zux\n",
                              n_sk / 2 + 1);
        for (int sec = 0; sec < 2; sec++) {
            struct skidx_taxonomy *t;
            struct skidx_compiled *c;
            struct skidx_worker w;
            model_open(tsv, len, sec ? SECTIONS : "", &t, &c, &w);
            assert_int_equal(t->n_skills, n_sk);
            struct skidx_posting p;
            struct skidx_posting_result r;
            unsigned skip;
            memset(&p, 0, sizeof(p));
            pset(&p, SKIDX_P_TITLE, SKIDX_V_STRING, "Developer");
            pset(&p, SKIDX_P_DESCRIPTION, SKIDX_V_STRING, desc);
            for (int eng = 0; eng < 2; eng++)
                for (int hits = 0; hits < 2; hits++) {
                    assert_int_equal(
                        skidx_posting_process(c, &w, &p, "USD", hits,
                                              (enum skidx_engine)eng, &r,
                                              &skip),
                        SKIDX_OK);
                    /* the Benefits skill counts only without sections */
                    assert_int_equal(r.n_skills, n_want + !sec);
                    size_t k = 0;
                    for (size_t i = 0; i < r.n_skills; i++) {
                        if (!sec && r.skills[i] == n_sk / 2 + 1)
                            continue;
                        assert_true(k < n_want);
                        assert_int_equal(r.skills[i], want[k]);
                        k++;
                    }
                    assert_int_equal(k, n_want);
                    for (size_t i = 1; i < r.n_skills; i++)
                        assert_true(r.skills[i - 1] < r.skills[i]);
                }
            model_close(t, c, &w);
        }
        free(tsv);
    }
}

/* The lead paragraphs of a "Company | Role | Place" post and the
 * company's own name do not count (core/section_lead.h); the hits there
 * report the company section. Same on both engines, with or without
 * hits, with or without section rules. */
static void test_company_lead(void **state)
{
    (void)state;
    static const char SECTIONS[] = "preferred\tnice to have\n"
                                   "benefits\tbenefits\n";
    struct skidx_taxonomy *t;
    struct skidx_compiled *c;
    struct skidx_worker w;
    model_open(SKILLS, strlen(SKILLS), SECTIONS, &t, &c, &w);
    struct {
        const char *company, *title, *desc;
        int n, skills[3];
    } cases[] = {
        /* the lead (AWS) does not count; the header line (Go) and the
         * paragraph that addresses the candidate (Python) do */
        {NULL, "", "Acme | Go Engineer | Remote\n\nAcme runs on AWS.\n"
                   "\nYou will write Python.", 2, {S_PYTHON, S_GO}},
        /* the lead ends at the first heading, even without a cue */
        {NULL, "", "Acme | Engineer | Remote\nAcme runs AWS.\nNice to "
                   "have\n- SQL", 1, {S_SQL}},
        /* the company's name (field or header) is no skill; the title
         * still counts */
        {"AWS", "", "Join AWS to write SQL.", 1, {S_SQL}},
        {"AWS Labs", "AWS Engineer", "Join AWS to write SQL.", 2,
         {S_AWS, S_SQL}},
        {NULL, "", "Golang | Engineer | Remote\nYou write SQL at golang.",
         1, {S_SQL}},
        /* not a header: all counts */
        {NULL, "", "Acme | Remote\n\nAcme runs on AWS.", 1, {S_AWS}},
    };
    struct skidx_posting p;
    struct skidx_posting_result r;
    unsigned skip;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
        for (int tax = 0; tax < 2; tax++)
            for (int eng = 0; eng < 2; eng++)
                for (int want = 0; want < 2; want++) {
                    if (k == 1 && !tax)
                        continue; /* no heading without section rules */
                    memset(&p, 0, sizeof(p));
                    pset(&p, SKIDX_P_TITLE, SKIDX_V_STRING, cases[k].title);
                    pset(&p, SKIDX_P_DESCRIPTION, SKIDX_V_STRING,
                         cases[k].desc);
                    if (cases[k].company)
                        pset(&p, SKIDX_P_COMPANY, SKIDX_V_STRING,
                             cases[k].company);
                    struct skidx_worker *wk = tax ? &w : &W;
                    assert_int_equal(skidx_posting_process(
                                         tax ? c : C, wk, &p, "USD", want,
                                         (enum skidx_engine)eng, &r, &skip),
                                     SKIDX_OK);
                    if (r.n_skills != (size_t)cases[k].n)
                        fail_msg("case %zu (tax %d, engine %d, hits %d): "
                                 "%zu skills, want %d", k, tax, eng, want,
                                 r.n_skills, cases[k].n);
                    for (int i = 0; i < cases[k].n; i++)
                        assert_int_equal(r.skills[i], cases[k].skills[i]);
                    if (!want)
                        continue;
                    /* every description hit of a skill that does not
                     * count reports the company section */
                    for (size_t i = r.title_hits; i < wk->skills.n_hits; i++) {
                        uint32_t o = wk->skills.hits[i].owner;
                        int counted = 0;
                        for (size_t j = 0; j < r.n_skills; j++)
                            counted |= r.skills[j] == o;
                        if (!counted)
                            assert_int_equal(
                                skidx_posting_hit_section(wk, &r, i),
                                SKIDX_SEC_COMPANY);
                    }
                }
    model_close(t, c, &w);
}

/* Counting alone splits the description only up to its last hit of a
 * skill the title does not name (the title's owners compared four at
 * once, or one by one past four), and the sorted ids come four a bitset
 * word at a time: with 0 to 7 title skills and skills spread over two
 * bitset words (up to 7 in one), the counts equal those of the hits mode,
 * which splits whole, and leave out the company section's skills. */
static void test_lazy_split(void **state)
{
    (void)state;
    static const char SECTIONS[] = "requirements\trequirements\n"
                                   "company\tabout us\n";
    char skills[80 * 24];
    size_t at = 0;
    for (int i = 0; i < 80; i++)
        at += (size_t)snprintf(skills + at, sizeof(skills) - at,
                               "Zq%02d\tlang\tzq%02d\n", i, i);
    struct skidx_taxonomy *t;
    struct skidx_compiled *c;
    struct skidx_worker w;
    model_open(skills, at, SECTIONS, &t, &c, &w);
    static const char DESC[] =
        "We use zq10, zq01 and zq03.\nAbout us\n"
        "We run zq11, zq02, zq12 and zq70.\nRequirements\n- zq65 and zq05\n";
    for (int nt = 0; nt <= 7; nt++) {
        char title[128] = "Developer";
        size_t tl = strlen(title);
        for (int i = 0; i < nt; i++) /* zq00 .. zq06 */
            tl += (size_t)snprintf(title + tl, sizeof(title) - tl, " zq%02d",
                                   i);
        struct skidx_posting p;
        struct skidx_posting_result r;
        unsigned skip;
        memset(&p, 0, sizeof(p));
        pset(&p, SKIDX_P_TITLE, SKIDX_V_STRING, title);
        pset(&p, SKIDX_P_DESCRIPTION, SKIDX_V_STRING, DESC);
        uint32_t ids[2][16];
        size_t n[2];
        for (int want = 1; want >= 0; want--) {
            assert_int_equal(skidx_posting_process(c, &w, &p, "USD", want,
                                                   SKIDX_ENGINE_WORDS, &r,
                                                   &skip),
                             SKIDX_OK);
            assert_true(r.n_skills <= 16);
            n[want] = r.n_skills;
            memcpy(ids[want], r.skills, r.n_skills * sizeof(uint32_t));
        }
        if (n[0] != n[1] || memcmp(ids[0], ids[1], n[0] * sizeof(uint32_t)))
            fail_msg("%d title skills: %zu skills counting, %zu with hits",
                     nt, n[0], n[1]);
        /* the title's, zq01 zq03 zq10 before the company section (zq02
         * in it counts when the title names it), zq05 zq65 after */
        uint32_t want_ids[16];
        size_t k = 0;
        for (uint32_t s = 0; s < 80; s++) {
            const int title_skill = s < (uint32_t)nt;
            if (title_skill || s == 1 || s == 3 || s == 5 || s == 10 ||
                s == 65)
                want_ids[k++] = s;
        }
        assert_int_equal(n[0], k);
        for (size_t i = 0; i < k; i++)
            assert_int_equal(ids[0][i], want_ids[i]);
    }
    model_close(t, c, &w);
}

/* The word loop passes over the text well inside the sections that do
 * not count (skidx_posting_set_skip): the skills counted, and those named
 * only in preferred sections, equal those of the lazy split that scans
 * every word, on random descriptions whose skills, negatives, regexes
 * and leads ("#zqnet") lie at every distance from the headings, among
 * them a negative that reaches from a section that does not count into
 * one that does ("xx. Requirements: zqa") and a word-window regex match
 * that reaches back across a heading to its gate word ("abcd. Benefits:
 * zqwin"); and the skipping did pass over words (fewer probes). */
static void test_skip_ranges(void **state)
{
    (void)state;
    static const char SKILLS_S[] =
        "Zqa\tlang\tzqa\t!non zqa\t!xx. requirements: zqa\n"
        "Zqb\tlang\tzqb\tzqb data platform\t!zqb benefits\n"
        "Zqnet\tlang\t#zqnet\tzq net\n"
        "Zqlong\tlang\tzq long skill name with many words\n"
        "Zqr\tlang\t/\\bzqr[a-z]{1,6}ing\\b/\t!/\\bzqrstring\\b/\n"
        "Zqabout\tlang\tabout zqc\n"
        "Zqc\tlang\tzqc\t!zqc perks\n"
        "Zqd\tlang\tzqd\n"
        "Zqwin\tlang\t/\\b[a-z]{2,8}\\. [a-z]{2,8}: zqwin\\b/\n";
    static const char SECTIONS_S[] = "requirements\trequirements\n"
                                     "preferred\tnice to have\n"
                                     "company\tabout us\n"
                                     "benefits\tbenefits\tperks\n"
                                     "legal\tequal opportunity\n";
    static const char *const WORDS[] = {
        "zqa", "zqb", "#zqnet", "zq", "net", "long", "skill", "name", "with",
        "many", "words", "zqrabcing", "zqrstring", "about", "zqc", "perks",
        "zqd", "non", "xx.", "requirements:", "data", "platform",
        "benefits", "we", "offer", "the", "team", "and", "a", "of",
        "zqbenefits", "us", "x", "build", "great", "things", "-", "/",
        "zqa,", "(zqb)", "zqd.", "zqwin", "xx. Requirements: zqa"};
    static const char *const HEADS[] = {
        "Requirements", "Nice to have", "About us", "Benefits", "Perks",
        "Equal opportunity"};
    struct skidx_taxonomy *t;
    struct skidx_compiled *c;
    struct skidx_worker w;
    model_open(SKILLS_S, strlen(SKILLS_S), SECTIONS_S, &t, &c, &w);
    uint64_t rng = 0x5eed5eedull, probes[2] = {0, 0};
    char desc[4096];
    int differ = 0;
    for (int it = 0; it < 3000 && !differ; it++) {
        size_t at = 0;
        const int lines = 2 + (int)(rng % 14);
        /* in half of them, once: the word-window match, the only way
         * to Zqwin */
        const int once = (int)(rng >> 40 & 1) ? (int)(rng >> 44) % lines : -1;
        for (int l = 0; l < lines; l++) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            const unsigned r = (unsigned)(rng >> 33);
            if (l == once)
                at += (size_t)snprintf(desc + at, sizeof(desc) - at,
                                       "x abcd. Benefits: zqwin ");
            if (r % 4 == 0) /* a heading line */
                at += (size_t)snprintf(desc + at, sizeof(desc) - at, "%s\n",
                                       HEADS[(r >> 3) % 6]);
            const int nw = (int)((r >> 6) % 40);
            for (int k = 0; k < nw && at + 80 < sizeof(desc); k++) {
                rng = rng * 6364136223846793005ull + 1442695040888963407ull;
                const unsigned q = (unsigned)(rng >> 33);
                if (q % 37 == 0) /* a heading within the line */
                    at += (size_t)snprintf(desc + at, sizeof(desc) - at,
                                           ". %s: ", HEADS[(q >> 8) % 6]);
                else
                    at += (size_t)snprintf(
                        desc + at, sizeof(desc) - at, "%s%s",
                        WORDS[(q >> 8) % (sizeof(WORDS) / sizeof(*WORDS))],
                        k + 1 < nw ? " " : "");
            }
            if (at + 2 < sizeof(desc))
                desc[at++] = '\n';
            desc[at] = '\0';
        }
        struct skidx_posting p;
        struct skidx_posting_result r;
        unsigned skip;
        memset(&p, 0, sizeof(p));
        pset(&p, SKIDX_P_TITLE, SKIDX_V_STRING, "Developer");
        pset(&p, SKIDX_P_DESCRIPTION, SKIDX_V_STRING, desc);
        for (int pref = 0; pref <= 1; pref++) {
            uint32_t ids[2][16], pids[2][16];
            size_t n[2], np[2];
            w.want_pref = pref;
            for (int on = 0; on <= 1; on++) {
                skidx_posting_set_skip(on);
                const uint64_t p0 = w.skills.probes;
                assert_int_equal(skidx_posting_process(c, &w, &p, "USD", 0,
                                                       SKIDX_ENGINE_WORDS, &r,
                                                       &skip),
                                 SKIDX_OK);
                probes[on] += w.skills.probes - p0;
                assert_true(r.n_skills <= 16 && r.n_pref <= 16);
                n[on] = r.n_skills;
                np[on] = r.n_pref;
                if (r.n_skills)
                    memcpy(ids[on], r.skills, r.n_skills * sizeof(uint32_t));
                if (r.n_pref)
                    memcpy(pids[on], r.pref, r.n_pref * sizeof(uint32_t));
            }
            if (n[0] != n[1] || np[0] != np[1] ||
                memcmp(ids[0], ids[1], n[0] * sizeof(uint32_t)) ||
                memcmp(pids[0], pids[1], np[0] * sizeof(uint32_t))) {
                print_message("differs (want_pref %d): %zu/%zu skills, "
                              "%zu/%zu preferred, on:\n%s\n",
                              pref, n[0], n[1], np[0], np[1], desc);
                differ = 1;
            }
        }
    }
    skidx_posting_set_skip(1);
    w.want_pref = 0;
    assert_false(differ);
    /* the skipping happened */
    assert_true(probes[1] < probes[0]);
    model_close(t, c, &w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_paths),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_classify_hostile),
        cmocka_unit_test(test_classify_memo),
        cmocka_unit_test(test_posting_classify_memo),
        cmocka_unit_test(test_classify_memo_parts),
        cmocka_unit_test(test_classify_memo_room),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_salaries),
        cmocka_unit_test(test_types_and_skips),
        cmocka_unit_test(test_dedup),
        cmocka_unit_test(test_known_dup),
        cmocka_unit_test(test_index_repeats),
        cmocka_unit_test(test_skills_once),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_skill_ids_words),
        cmocka_unit_test(test_company_lead),
        cmocka_unit_test(test_lazy_split),
        cmocka_unit_test(test_skip_ranges),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
