/*
 * test_match.c - the alias matcher (src/core/match.c): word boundaries,
 * alias forms, negatives, Unicode neighbours and exact hit offsets on a
 * small hand-written taxonomy; WORDS == ORACLE on hand cases, on random
 * texts over a random taxonomy and (when present) on the sample corpus;
 * the count-only owner shortcut; and the SIMD word-mask paths against each
 * other and against a byte-by-byte definition.
 *
 * Every text is copied into a heap buffer of exactly its length, so that
 * AddressSanitizer catches a read past the end of the text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/match.h"
#include "core/blob.h"
#include <hs/hs.h>
#include "core/taxonomy.h"
#include "core/utf8.h"

#include <dirent.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

static const char ROLES[] = "role\tOther\t0\nlevel\tMid\t0\n";

/* ---- a fixed-seed PRNG (splitmix64) ---- */

static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static uint32_t rndn(uint32_t n) { return (uint32_t)(rnd() % n); }

/* A text of tokens, each followed by a separator, drawn with rnd(), into
 * buf (cap bytes, not NUL-terminated), of 1 to cap - 40 bytes wanted;
 * returns its length. */
static size_t token_text(const char *const *tok, size_t ntok,
                          const char *const *sep, size_t nsep, char *buf,
                          size_t cap)
{
    size_t len = 0, want = 1 + rndn((uint32_t)(cap - 40));
    while (len < want) {
        const char *t = tok[rndn((uint32_t)ntok)];
        const char *s = sep[rndn((uint32_t)nsep)];
        if (len + strlen(t) + strlen(s) >= cap)
            break;
        memcpy(buf + len, t, strlen(t));
        len += strlen(t);
        memcpy(buf + len, s, strlen(s));
        len += strlen(s);
    }
    return len;
}

/* ---- an environment: taxonomy + skills matcher + scratch ---- */

struct env {
    struct skidx_taxonomy *tax;
    struct skidx_matcher *m;
    struct skidx_match_scratch s;
};

static struct env *env_new(const char *skills)
{
    struct env *e = calloc(1, sizeof(*e));
    struct skidx_error err;
    skidx_error_clear(&err);
    assert_non_null(e);
    skidx_status st = skidx_taxonomy_parse("mem", skills, strlen(skills),
                                           ROLES, strlen(ROLES), &e->tax, &err);
    if (st)
        fprintf(stderr, "parse: %s:%llu: %s\n", err.path,
                (unsigned long long)err.line, err.msg);
    assert_int_equal(st, SKIDX_OK);
    st = skidx_matcher_create(&e->tax->skills, e->tax->n_skills, &e->m, &err);
    if (st)
        fprintf(stderr, "matcher: %s\n", err.msg);
    assert_int_equal(st, SKIDX_OK);
    assert_int_equal(skidx_match_scratch_init(&e->s, e->m), SKIDX_OK);
    e->s.sort_hits = 1;
    return e;
}

static void env_free(struct env *e)
{
    if (!e)
        return;
    skidx_match_scratch_release(&e->s);
    skidx_matcher_free(e->m);
    skidx_taxonomy_free(e->tax);
    free(e);
}

/* Scan text[0..len) (copied to an exact-size buffer) with one engine;
 * return a malloc'd copy of the hits, *n their count, and the owners in
 * *owners (malloc'd, sorted) / *n_owners. */
static struct skidx_hit *scan(struct env *e, const char *text, size_t len,
                              enum skidx_engine eng, size_t *n,
                              uint32_t **owners, size_t *n_owners)
{
    char *buf = malloc(len ? len : 1);
    assert_non_null(buf);
    if (len)
        memcpy(buf, text, len);
    skidx_match_reset(&e->s);
    assert_int_equal(skidx_match_text(e->m, &e->s, buf, len, eng), SKIDX_OK);
    free(buf);
    struct skidx_hit *h = malloc((e->s.n_hits ? e->s.n_hits : 1) * sizeof(*h));
    assert_non_null(h);
    if (e->s.n_hits)
        memcpy(h, e->s.hits, e->s.n_hits * sizeof(*h));
    *n = e->s.n_hits;
    if (owners) {
        uint32_t *o = malloc((e->s.n_owners ? e->s.n_owners : 1) * sizeof(*o));
        assert_non_null(o);
        for (size_t i = 0; i < e->s.n_owners; i++) {
            /* insertion sort; also checks the owners are distinct */
            size_t j = i;
            uint32_t v = e->s.owners[i];
            while (j && o[j - 1] > v) {
                o[j] = o[j - 1];
                j--;
            }
            o[j] = v;
        }
        for (size_t i = 1; i < e->s.n_owners; i++)
            assert_true(o[i - 1] < o[i]);
        *owners = o;
        *n_owners = e->s.n_owners;
    }
    return h;
}

static void dump_hits(const char *what, const struct env *e,
                      const struct skidx_hit *h, size_t n)
{
    fprintf(stderr, "  %s (%zu):", what, n);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, " '%s'[%u,%u)", e->tax->skills.a[h[i].alias].text,
                h[i].start, h[i].end);
    fputc('\n', stderr);
}

/* WORDS and ORACLE must agree exactly (hits and owners); returns the
 * number of hits. With count_only also checks that mode's owner set. */
static size_t check_engines(struct env *e, const char *text, size_t len)
{
    size_t nw, no, ow, oo;
    uint32_t *w_own, *o_own;
    struct skidx_hit *hw = scan(e, text, len, SKIDX_ENGINE_WORDS, &nw, &w_own,
                                &ow);
    struct skidx_hit *ho = scan(e, text, len, SKIDX_ENGINE_ORACLE, &no, &o_own,
                                &oo);
    int same = nw == no && !memcmp(hw, ho, nw * sizeof(*hw)) && ow == oo &&
               !memcmp(w_own, o_own, ow * sizeof(*w_own));
    if (!same) {
        fprintf(stderr, "engines differ on %zu bytes: '", len);
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)text[i];
            if (c >= 0x20 && c < 0x7F)
                fputc(c, stderr);
            else
                fprintf(stderr, "\\x%02X", c);
        }
        fputs("'\n", stderr);
        dump_hits("words", e, hw, nw);
        dump_hits("oracle", e, ho, no);
    }
    assert_true(same);
    /* negative regexes scanned on every text: the same hits as behind the
     * gate (only owners with a positive hit) */
    size_t ng;
    skidx_match_set_regex_gate(0);
    struct skidx_hit *hg = scan(e, text, len, SKIDX_ENGINE_WORDS, &ng, NULL,
                                NULL);
    skidx_match_set_regex_gate(1);
    assert_int_equal(ng, nw);
    assert_memory_equal(hg, hw, nw * sizeof(*hw));
    free(hg);
    /* count-only: the same owner set, whatever hits are kept */
    e->s.count_only = 1;
    size_t nc, oc;
    uint32_t *c_own;
    struct skidx_hit *hc = scan(e, text, len, SKIDX_ENGINE_WORDS, &nc, &c_own,
                                &oc);
    e->s.count_only = 0;
    assert_int_equal(oc, oo);
    assert_memory_equal(c_own, o_own, oo * sizeof(*c_own));
    free(hc);
    free(c_own);
    free(hw);
    free(ho);
    free(w_own);
    free(o_own);
    return no;
}

static int n_modes(int *modes);

/* "Skill[start,end) ..." for the hits of `text` (masked ones marked "~"),
 * engines cross-checked, the same on every SIMD path. */
static char *describe(struct env *e, const char *text)
{
    static char out[4096];
    char first[4096];
    int modes[3];
    int nm = n_modes(modes);
    for (int mi = 0; mi < nm; mi++) {
        size_t n, k = 0;
        skidx_match_set_simd(modes[mi]);
        check_engines(e, text, strlen(text));
        struct skidx_hit *h = scan(e, text, strlen(text), SKIDX_ENGINE_WORDS,
                                   &n, NULL, NULL);
        out[0] = '\0';
        for (size_t i = 0; i < n; i++)
            k += (size_t)snprintf(out + k, sizeof(out) - k, "%s%s%s[%u,%u)",
                                  i ? " " : "",
                                  (h[i].flags & SKIDX_HIT_MASKED) ? "~" : "",
                                  e->tax->skill_name[h[i].owner], h[i].start,
                                  h[i].end);
        free(h);
        if (mi == 0)
            memcpy(first, out, sizeof(first));
        else
            assert_string_equal(out, first);
    }
    skidx_match_set_simd(0);
    return out;
}

#define EXPECT(e, text, want) assert_string_equal(describe(e, text), want)

/* ---- the hand-written taxonomy ---- */

static const char HAND[] =
    "# name\tcategory\taliases\n"
    "Java\tlang\tjava\n"
    "JavaScript\tlang\tjavascript\tjs\n"
    "Python\tlang\tpython\n"
    "AWS\tcloud\taws\tamazon web services\n"
    "Kubernetes\tops\tkubernetes\tk8s\n"
    "C++\tlang\tc++\n"
    "C#\tlang\tc#\n"
    "C\tlang\t=C\t!C++\t!C#\n"
    ".NET\tlang\t.net\n"
    "ASP.NET\tweb\tasp.net\n"
    "Node.js\tweb\tnode.js\n"
    "Go\tlang\t=Go\tgolang\n"
    "R\tlang\t=R\t!R&D\n"
    "TF\tml\t=TF\t!TF-IDF\n"
    "Machine Learning\tml\tmachine learning\t/\\bml\\b/\n"
    "Deep Learning\tml\t/deep[- ]?learning/\n"
    "Google\tcloud\tgoogle\n"
    "Google Cloud\tcloud\tgoogle cloud\tgoogle cloud platform\tgcp\n"
    "X\tmisc\tx\n"
    "Beta\tmisc\t(beta)\n"
    "Sharp\tmisc\t#hashtag#\n"
    "Umlaut\tmisc\tmüller\n"
    "Kafka\tdata\tkafka\n"
    "Tableau\tbi\ttableau\n"
    "Power BI\tbi\tpower bi\n"
    "Monday.com\tpm\tmonday.com\n"
    "llama.cpp\tml\tllama.cpp\n";

static struct env *HENV;

static int hand_setup(void **state)
{
    (void)state;
    HENV = env_new(HAND);
    return 0;
}

static int hand_teardown(void **state)
{
    (void)state;
    env_free(HENV);
    HENV = NULL;
    return 0;
}

static void test_boundaries(void **state)
{
    (void)state;
    struct env *e = HENV;
    EXPECT(e, "Java", "Java[0,4)");
    EXPECT(e, "JavaScript", "JavaScript[0,10)");
    EXPECT(e, "Java/JavaScript", "Java[0,4) JavaScript[5,15)");
    EXPECT(e, "Java8 Java_8 xJava Java-8", "Java[19,23)");
    EXPECT(e, "Python,", "Python[0,6)");
    EXPECT(e, "I like python.", "Python[7,13)");
    EXPECT(e, "Pythonic pythons", "");
    EXPECT(e, "(AWS)", "AWS[1,4)");
    EXPECT(e, "k8s/Kubernetes", "Kubernetes[0,3) Kubernetes[4,14)");
    EXPECT(e, "K8S,KUBERNETES", "Kubernetes[0,3) Kubernetes[4,14)");
    EXPECT(e, "amazon web services", "AWS[0,19)");
    EXPECT(e, "Amazon  Web Services", ""); /* one space in the alias */
    EXPECT(e, "amazon\tweb services", "");
    EXPECT(e, "machine learning; Machine Learning!",
           "Machine Learning[0,16) Machine Learning[18,34)");
    EXPECT(e, "machine learnings", "");
    EXPECT(e, "a machine", "");
}

static void test_symbols(void **state)
{
    (void)state;
    struct env *e = HENV;
    EXPECT(e, "C++ and C", "C++[0,3) C[8,9)");
    EXPECT(e, "c++", "C++[0,3)");
    EXPECT(e, "C++11", "C++[0,3)"); /* no boundary after '+' */
    EXPECT(e, "xC++", "");            /* boundary before 'c' */
    EXPECT(e, "C#, C", "C#[0,2) C[4,5)");
    EXPECT(e, "C+", "C[0,1)");
    EXPECT(e, "c", "");               /* =C is case-sensitive */
    EXPECT(e, "C/C++", "C[0,1) C++[2,5)");
    EXPECT(e, ".NET", ".NET[0,4)");
    EXPECT(e, "ASP.NET", "ASP.NET[0,7) .NET[3,7)");
    EXPECT(e, "asp.net core", "ASP.NET[0,7) .NET[3,7)");
    EXPECT(e, "ASP.NETCore", "");
    EXPECT(e, "VB.NET", ".NET[2,6)");
    EXPECT(e, "Node.js", "Node.js[0,7) JavaScript[5,7)");
    EXPECT(e, "node.jsx", "");
    EXPECT(e, "xnode.js", "JavaScript[6,8)");
    EXPECT(e, "a(beta)b", "Beta[1,7)");
    EXPECT(e, "(BETA", "");
    EXPECT(e, "x#hashtag#y", "X[0,1) Sharp[1,10)");
    EXPECT(e, "#hashtag", "");
}

static void test_case_and_negatives(void **state)
{
    (void)state;
    struct env *e = HENV;
    EXPECT(e, "Go, go, GO, Golang, GOLANG", "Go[0,2) Go[12,18) Go[20,26)");
    EXPECT(e, "Google Go", "Google[0,6) Go[7,9)");
    EXPECT(e, "Gopher", "");
    EXPECT(e, "R&D", "");
    EXPECT(e, "R and R&D", "R[0,1)");
    EXPECT(e, "r&d R", "R[4,5)");
    EXPECT(e, "R&Dx R", "R[0,1) R[5,6)"); /* "R&Dx" is not !R&D */
    EXPECT(e, "TF-IDF", "");
    EXPECT(e, "TF-IDF and TF", "TF[11,13)");
    EXPECT(e, "tf-idf TF tf", "TF[7,9)");
    EXPECT(e, "TF-IDFs TF", "TF[0,2) TF[8,10)");
    EXPECT(e, "ML and html", "Machine Learning[0,2)");
    EXPECT(e, "deep-learning, Deep Learning, deeplearning",
           "Deep Learning[0,13) Deep Learning[15,28) Deep Learning[30,42)");
}

static void test_shared_head(void **state)
{
    (void)state;
    struct env *e = HENV;
    EXPECT(e, "Google Cloud Platform",
           "Google[0,6) Google Cloud[0,12) Google Cloud[0,21)");
    EXPECT(e, "google cloudy", "Google[0,6)");
    EXPECT(e, "google cloud platforms", "Google[0,6) Google Cloud[0,12)");
    EXPECT(e, "google", "Google[0,6)");
    EXPECT(e, "GCP, google  cloud", "Google Cloud[0,3) Google[5,11)");
    /* each skill once however many aliases and positions */
    size_t n, no;
    uint32_t *own;
    const char *t = "google cloud platform google cloud gcp GCP";
    struct skidx_hit *h = scan(e, t, strlen(t), SKIDX_ENGINE_WORDS, &n, &own,
                               &no);
    assert_int_equal(n, 7);
    assert_int_equal(no, 2);
    assert_string_equal(e->tax->skill_name[own[0]], "Google");
    assert_string_equal(e->tax->skill_name[own[1]], "Google Cloud");
    free(h);
    free(own);
}

static void test_one_byte_and_edges(void **state)
{
    (void)state;
    struct env *e = HENV;
    EXPECT(e, "x", "X[0,1)");
    EXPECT(e, "X-ray x86 a x b", "X[0,1) X[12,13)");
    EXPECT(e, "", "");
    EXPECT(e, " ", "");
    EXPECT(e, "python", "Python[0,6)");
    EXPECT(e, "pytho", "");
    EXPECT(e, "java python", "Java[0,4) Python[5,11)");
    /* a text of every length ending with the alias, and starting with it */
    char buf[200];
    for (size_t pad = 0; pad < 150; pad++) {
        memset(buf, ' ', pad);
        memcpy(buf + pad, "python", 7);
        size_t n;
        struct skidx_hit *h = scan(e, buf, pad + 6, SKIDX_ENGINE_WORDS, &n,
                                   NULL, NULL);
        assert_int_equal(n, 1);
        assert_int_equal(h[0].start, pad);
        assert_int_equal(h[0].end, pad + 6);
        free(h);
        memcpy(buf, "python", 6);
        memset(buf + 6, pad % 2 ? '.' : 'y', pad);
        h = scan(e, buf, 6 + pad, SKIDX_ENGINE_WORDS, &n, NULL, NULL);
        assert_int_equal(n, pad == 0 || pad % 2 ? 1 : 0);
        free(h);
        check_engines(e, buf, 6 + pad);
    }
}

static void test_long_words(void **state)
{
    (void)state;
    struct env *e = HENV;
    size_t big = 100000;
    char *t = malloc(big + 64);
    assert_non_null(t);
    memset(t, 'a', big);
    memcpy(t + big, " python", 7);
    size_t n;
    struct skidx_hit *h = scan(e, t, big + 7, SKIDX_ENGINE_WORDS, &n, NULL,
                               NULL);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].start, big + 1);
    free(h);
    /* a long word that merely contains aliases */
    memcpy(t + 500, "python", 6);
    memcpy(t + big - 6, "google", 6);
    h = scan(e, t, big, SKIDX_ENGINE_WORDS, &n, NULL, NULL);
    assert_int_equal(n, 0);
    free(h);
    assert_int_equal(check_engines(e, t, 3000), 0);
    /* a long word made of an alias repeated */
    for (size_t i = 0; i + 4 <= 4000; i += 4)
        memcpy(t + i, "java", 4);
    h = scan(e, t, 4000, SKIDX_ENGINE_WORDS, &n, NULL, NULL);
    assert_int_equal(n, 0);
    free(h);
    free(t);
}

/* Aliases whose lead or tail is longer than 255 bytes keep their lengths
 * outside the probe's 32-byte candidate (C_LONG): they match as the
 * oracle says, flexible separators and case included, and fail on one
 * wrong byte at their very end. */
static void long_alias_checks(struct env *e, const char *tail,
                              const char *dots)
{
    char text[2048];
    /* as written, upper case, other separators */
    snprintf(text, sizeof(text), "x alpha%s y", tail);
    assert_int_equal(check_engines(e, text, strlen(text)), 1);
    for (size_t i = 0; text[i]; i++)
        text[i] = text[i] == ' ' && i > 2 && text[i + 1] != 'y'
                      ? "-_/"[i % 3]
                      : (char)toupper((unsigned char)text[i]);
    assert_int_equal(check_engines(e, text, strlen(text)), 1);
    text[strlen(text) - 3] = 'X'; /* the last byte of the alias */
    assert_int_equal(check_engines(e, text, strlen(text)), 0);
    /* case-sensitive */
    snprintf(text, sizeof(text), "GAMMA%s", tail);
    assert_int_equal(check_engines(e, text, strlen(text)), 1);
    text[strlen(text) - 1] = 'A';
    assert_int_equal(check_engines(e, text, strlen(text)), 0);
    snprintf(text, sizeof(text), "GAMMA%s", tail);
    text[strlen(text) - 5] = '-'; /* a flexible separator, past 64 */
    assert_int_equal(check_engines(e, text, strlen(text)), 1);
    text[strlen(text) - 5] = '.';
    assert_int_equal(check_engines(e, text, strlen(text)), 0);
    /* the long lead */
    snprintf(text, sizeof(text), "a %snet b", dots);
    assert_int_equal(check_engines(e, text, strlen(text)), 1);
    snprintf(text, sizeof(text), "a %snet b", dots + 1);
    assert_int_equal(check_engines(e, text, strlen(text)), 0);
}

static void test_long_aliases(void **state)
{
    (void)state;
    enum { REP = 60 };
    char tsv[4096], tail[512];
    size_t o = 0;
    for (int i = 0; i < REP; i++)
        o += (size_t)snprintf(tail + o, sizeof(tail) - o, " beta");
    char dots[300];
    memset(dots, '.', 280);
    dots[280] = '\0';
    snprintf(tsv, sizeof(tsv),
             "# name\tcategory\taliases\n"
             "Longtail\tx\talpha%s\n"
             "Longcase\tx\t=GAMMA%s\n"
             "Longlead\tx\t%snet\n",
             tail, tail, dots);
    struct env *e = env_new(tsv);
    long_alias_checks(e, tail, dots);
    /* and so does the matcher loaded from its cache image */
    struct skidx_wblob w = {0}, wdb = {0};
    assert_int_equal(skidx_matcher_serialize(e->m, &w, &wdb), SKIDX_OK);
    unsigned char *img = aligned_alloc(64, (w.n + 63) & ~(size_t)63);
    assert_non_null(img);
    memcpy(img, w.p, w.n);
    struct skidx_rblob r = {img, w.n, 0, 0};
    struct skidx_arena arena = {0};
    struct skidx_tcache_dbs dbs = {wdb.p, -1, 0, wdb.n, 0};
    struct skidx_matcher *compiled = e->m, *loaded = NULL;
    assert_int_equal(skidx_matcher_deserialize(&e->tax->skills,
                                               e->tax->n_skills, &r, &arena,
                                               &dbs, &loaded),
                     SKIDX_OK);
    /* the skip margins: computed while the image is checked, the same
     * as the compiled matcher's (the lead of 280 dots is the reach
     * back) */
    struct skidx_matcher_stats sc, sl;
    skidx_matcher_get_stats(compiled, &sc);
    skidx_matcher_get_stats(loaded, &sl);
    assert_int_equal(sc.skip_back, 280);
    assert_int_equal(sl.skip_back, sc.skip_back);
    assert_int_equal(sl.skip_fwd, sc.skip_fwd);
    assert_int_equal(sl.skip_pre, sc.skip_pre);
    assert_int_equal(sl.skip_ok, sc.skip_ok);
    assert_true(sc.skip_fwd >= 3 + 5 * REP); /* "alpha" and the tail */
    skidx_match_scratch_release(&e->s);
    e->m = loaded;
    assert_int_equal(skidx_match_scratch_init(&e->s, e->m), SKIDX_OK);
    e->s.sort_hits = 1;
    long_alias_checks(e, tail, dots);
    skidx_match_scratch_release(&e->s);
    skidx_matcher_free(loaded);
    e->m = compiled;
    assert_int_equal(skidx_match_scratch_init(&e->s, e->m), SKIDX_OK);
    skidx_arena_release(&arena);
    free(img);
    free(w.p);
    free(wdb.p);
    env_free(e);
}

/* The word loop decides words in batches of about 512 and a word's filter
 * test needs the word after it: a multi-word alias whose head ends one
 * batch and whose second word starts the next must still be found. */
static void test_batch_seams(void **state)
{
    (void)state;
    struct env *e = HENV;
    size_t cap = 8000;
    char *t = malloc(cap);
    assert_non_null(t);
    for (size_t run = 0; run < 64 * 24; run++) {
        size_t pad = run % 64, before = 500 + run / 64, k = pad;
        memset(t, ' ', pad);
        for (size_t i = 0; i < before; i++) {
            memcpy(t + k, i % 3 ? "zz " : "q, ", 3);
            k += 3;
        }
        size_t at = k;
        /* heads with multi-word aliases only: the filter passes them on
         * the next word alone */
        memcpy(t + k, "Amazon Web Services machine learning", 36);
        k += 36;
        size_t n;
        struct skidx_hit *h = scan(e, t, k, SKIDX_ENGINE_WORDS, &n, NULL,
                                   NULL);
        assert_int_equal(n, 2);
        assert_int_equal(h[0].start, at);
        assert_int_equal(h[1].end, k);
        free(h);
        assert_int_equal(check_engines(e, t, k), 2);
        memcpy(t + k, " java go", 8);
        assert_true(check_engines(e, t, k + 8) >= 3);
    }
    free(t);
}

static void test_unicode_neighbours(void **state)
{
    (void)state;
    struct env *e = HENV;
    EXPECT(e, "Python\xC3\xA4", "");                 /* Pythonä */
    EXPECT(e, "\xC3\xA4Python", "");                 /* äPython */
    EXPECT(e, "\xE6\x95\xB0\xE6\x8D\xAEPython", "Python[6,12)"); /* 数据Python */
    EXPECT(e, "Python\xEF\xBD\x98", "");             /* fullwidth x */
    EXPECT(e, "\xE2\x80\x94Python\xE2\x80\x94", "Python[3,9)"); /* em dash */
    EXPECT(e, "\xE2\x80\x9CPython\xE2\x80\x9D", "Python[3,9)"); /* quotes */
    EXPECT(e, "\xC2\xA0Python\xC2\xA0", "Python[2,8)");         /* nbsp */
    EXPECT(e, "\xE2\x80\xAFPython", "Python[3,9)");     /* narrow nbsp */
    EXPECT(e, "\xE3\x80\x82Python\xE3\x80\x81", "Python[3,9)"); /* 。、 */
    EXPECT(e, "Python\xC3\x97Java\xC3\xB7", "Python[0,6) Java[8,12)");
    EXPECT(e, "\xC2\xABPython\xC2\xBB", "Python[2,8)"); /* «» */
    EXPECT(e, "Python\xE2\x80\xA6", "Python[0,6)");      /* … */
    EXPECT(e, "Python\xEF\xBF\xBD", "Python[0,6)");      /* U+FFFD */
    /* invalid UTF-8 neighbours count as non-word characters */
    EXPECT(e, "Python\xFF", "Python[0,6)");
    EXPECT(e, "\xFFPython\xC3", "Python[1,7)");
    EXPECT(e, "\x80Python\x80", "Python[1,7)");
    EXPECT(e, "\xC3\xA4\x80Python", "Python[3,9)");
    EXPECT(e, "\xE6\x95Python", "Python[2,8)"); /* truncated sequence */
    /* a non-ASCII letter inside an alias */
    EXPECT(e, "M\xC3\xBCller, m\xC3\xBCller", "Umlaut[0,7) Umlaut[9,16)");
    EXPECT(e, "M\xC3\x9Cller", ""); /* only ASCII is folded */
    EXPECT(e, "M\xC3\xBCller\xC3\xA9", "");
    EXPECT(e, "xm\xC3\xBCller", "");
}

/* Word characters by script: letters of scripts written with spaces are
 * word characters, Han, Kana, Hangul, Thai, ... and every punctuation
 * mark and symbol are not. */
static void test_scripts(void **state)
{
    (void)state;
    struct env *e = HENV;
    /* the examples of issue 11 */
    EXPECT(e, "熟悉Kafka）", "Kafka[6,11)");
    EXPECT(e, "Python，Java", "Python[0,6) Java[9,13)");
    EXPECT(e, "Python을", "Python[0,6)");
    EXPECT(e, "使用Tableau或Power BI", "Tableau[6,13) Power BI[16,24)");
    /* other scripts written without spaces */
    EXPECT(e, "パイソンPythonエンジニア", "Python[12,18)"); /* Katakana */
    EXPECT(e, "ใช้Pythonได้", "Python[9,15)");                 /* Thai */
    EXPECT(e, "ខ្មែរJava", "Java[15,19)");                      /* Khmer */
    EXPECT(e, "①Python②Java", "Python[3,9) Java[12,16)"); /* bullets */
    EXPECT(e, "Python🚀Java", "Python[0,6) Java[10,14)"); /* emoji */
    EXPECT(e, "Python【Java】", "Python[0,6) Java[9,13)");
    EXPECT(e, "Python・Java", "Python[0,6) Java[9,13)"); /* katakana dot */
    EXPECT(e, "Python、Java。", "Python[0,6) Java[9,13)");
    EXPECT(e, "“Python”‘Java’", "Python[3,9) Java[15,19)");
    /* scripts written with spaces: their letters still glue */
    EXPECT(e, "Pythonα", "");  /* Greek */
    EXPECT(e, "жPython", "");  /* Cyrillic */
    EXPECT(e, "Pythonא", "");  /* Hebrew */
    EXPECT(e, "Pythonب", "");  /* Arabic */
    EXPECT(e, "Pythonक", "");  /* Devanagari */
    EXPECT(e, "Pythonա", "");  /* Armenian */
    EXPECT(e, "Pythonें", ""); /* a Devanagari vowel sign (a mark) */
    EXPECT(e, "Python١", "");  /* Arabic-Indic digit */
    EXPECT(e, "Pythonｘ", ""); /* full-width letter */
    EXPECT(e, "Python²", "Python[0,6)"); /* superscript: a number, No */
    /* the table itself at block edges */
    static const struct {
        uint32_t cp;
        int word;
    } cps[] = {
        {0x7F, 0},    {0xA0, 0},    {0xAA, 1},    {0xB5, 1},   {0xC0, 1},
        {0xD7, 0},    {0xF7, 0},    {0xFF, 1},    {0x300, 1},  {0x3B1, 1},
        {0x430, 1},   {0x5D0, 1},   {0x628, 1},   {0x660, 1},  {0x915, 1},
        {0x94D, 1},   {0xE01, 0},   {0xE81, 0},   {0x1000, 0}, {0x1100, 0},
        {0x1780, 0},  {0x1E00, 1},  {0x2000, 0},  {0x2014, 0}, {0x2026, 0},
        {0x20AC, 0},  {0x2460, 0},  {0x3000, 0},  {0x3001, 0}, {0x3042, 0},
        {0x30A2, 0},  {0x4E00, 0},  {0x9FFF, 0},  {0xAC00, 0}, {0xD7A3, 0},
        {0xFE31, 0},  {0xFF01, 0},  {0xFF08, 0},  {0xFF0C, 0}, {0xFF10, 1},
        {0xFF21, 1},  {0xFF41, 1},  {0xFF5B, 0},  {0xFF61, 0}, {0xFF71, 0},
        {0xFFFD, 0},  {0x1F680, 0}, {0x20000, 0}, {0x10400, 1},
        {0x10FFFF, 0},
    };
    for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++)
        if (skidx_cp_is_word(cps[i].cp) != cps[i].word)
            fail_msg("U+%04X: word %d, want %d", cps[i].cp,
                     skidx_cp_is_word(cps[i].cp), cps[i].word);
}

/* ---- the text model: full-width folding, masked spans, separators ---- */

static const char TEXT[] =
    "GitHub\tdev\tgithub\n"
    "PHP\tlang\tphp\n"
    "HTML\tweb\thtml\n"
    ".NET\tlang\t.net\tasp.net\n"
    "Node.js\tweb\tnode.js\t=Node\n"
    "Vue.js\tweb\tvue.js\tvue\n"
    "Python\tlang\tpython\n"
    "Java\tlang\tjava\n"
    "C#\tlang\tc#\n"
    "Image Processing\tcv\timage processing\n"
    "AWS\tcloud\tamazon web services\n"
    "Ruby on Rails\tweb\truby on rails\n"
    "CI\tops\tcontinuous integration\n"
    "WebSockets\tweb\tweb sockets\n"
    "Front-end\tweb\tfront end\n"
    "Time Series\tml\t+time series\n"
    "Big Data\tdata\t+=Big Data\n"
    "Machine Learning\tml\tmachine learning\n"
    "Go-to-market\tbiz\t~go to market\n"
    "Scikit-learn\tml\tscikit-learn\n"
    "CI/CD\tops\tci/cd\n"
    "TF-IDF\tml\ttf-idf\n"
    "Power BI\tbi\tpower bi\n"
    "Monday.com\tpm\tmonday.com\n"
    "llama.cpp\tml\tllama.cpp\n";

static struct env *TENV;

static void test_fullwidth(void **state)
{
    (void)state;
    struct env *e = TENV = env_new(TEXT);
    /* offsets are in the text as given */
    EXPECT(e, "Ｐｙｔｈｏｎ", "Python[0,18)");
    EXPECT(e, "ｐｙｔｈｏｎ，ｊａｖａ", "Python[0,18) Java[21,33)");
    EXPECT(e, "（Ｊａｖａ）", "Java[3,15)");
    EXPECT(e, "ＰＹthon", "Python[0,10)");
    EXPECT(e, "Power　BI", "Power BI[0,10)"); /* ideographic space */
    EXPECT(e, "熟悉Ｊａｖａ和Python", "Java[6,18) Python[21,27)");
    EXPECT(e, "Ｃ＃", "C#[0,6)");
    EXPECT(e, "Ｐｙｔｈｏｎ３", ""); /* a full-width digit glues too */
    EXPECT(e, "ｇｉｔｈｕｂ．ｃｏｍ／ａｃｍｅ", ""); /* masked after folding */
    /* only U+FF01-FF5E and U+3000 fold: U+FF5F (a bracket) and a
     * truncated sequence do not */
    EXPECT(e, "\xEF\xBD\x9FJava", "Java[3,7)");
    EXPECT(e, "Java\xEF\xBC", "Java[0,4)");
}

static void test_nbsp_hyphens(void **state)
{
    (void)state;
    struct env *e = TENV; /* test_fullwidth made it */
    /* the no-break space U+00A0 is a space, the hyphen U+2010 and the
     * non-breaking hyphen U+2011 are '-'; offsets in the text as given */
    EXPECT(e, "Power\xC2\xA0" "BI", "Power BI[0,9)");
    EXPECT(e, "machine\xC2\xA0learning", "Machine Learning[0,17)");
    EXPECT(e, "front\xE2\x80\x91" "end, Python", "Front-end[0,11) Python[13,19)");
    EXPECT(e, "ruby\xE2\x80\x90on\xE2\x80\x90rails",
           "Ruby on Rails[0,17)");
    EXPECT(e, "scikit\xE2\x80\x91learn", "Scikit-learn[0,14)");
    /* with curly quotes and an en dash (not folded) in the same text */
    EXPECT(e, "\xE2\x80\x9Cpower\xC2\xA0" "bi\xE2\x80\x9D \xE2\x80\x93 tf\xE2\x80\x91idf",
           "Power BI[3,12) TF-IDF[20,28)");
    /* other U+20xx and U+00xx characters do not fold: the en dash is no
     * separator, and C2 A9 (the copyright sign) is no space */
    EXPECT(e, "front\xE2\x80\x93" "end", "");
    EXPECT(e, "Power\xC2\xA9" "BI", "");
    /* a truncated sequence at the end folds nothing */
    EXPECT(e, "Java\xC2", "Java[0,4)");
    EXPECT(e, "Java\xE2\x80", "Java[0,4)");
}

/* A literal alias is read as text is: written with full-width forms, an
 * ideographic or no-break space or a U+2010 hyphen, it is folded to ASCII
 * as the text is, so it matches both forms; before, `lora，` (a
 * full-width comma) could never match, the text's comma being folded.
 * Regexes are not folded. */
static void test_folded_aliases(void **state)
{
    (void)state;
    struct env *e = env_new("LoRA\tml\t=lora\xef\xbc\x8c\n"
                            "GRU\tml\t=\xef\xbc\x8cgru\n"
                            "Wide\tx\t\xef\xbd\x97ide\xe3\x80\x80tool\n"
                            "Dash\tx\tfront\xe2\x80\x90" "end kit\n");
    for (size_t i = 0; i < e->tax->skills.n; i++) {
        const struct skidx_alias *a = &e->tax->skills.a[i];
        for (uint32_t k = 0; k < a->len; k++)
            assert_true((unsigned char)a->text[k] < 0x80);
    }
    EXPECT(e, "熟悉lora，微调", "LoRA[6,13)");
    EXPECT(e, "熟悉lora,微调", "LoRA[6,11)");
    EXPECT(e, "rnn，gru", "GRU[3,9)");
    EXPECT(e, "a wide tool", "Wide[2,11)");
    EXPECT(e, "ｗｉｄｅ\xe3\x80\x80ｔｏｏｌ", "Wide[0,27)");
    EXPECT(e, "front-end kit", "Dash[0,13)");
    env_free(e);
}

static void test_markdown_escapes(void **state)
{
    (void)state;
    struct env *e = TENV; /* test_fullwidth made it */
    /* a backslash before ASCII punctuation is read as the punctuation;
     * offsets are in the text as given */
    EXPECT(e, "C\\#, front\\-end", "C#[0,3) Front-end[5,15)");
    EXPECT(e, "image\\-processing", "Image Processing[0,17)");
    EXPECT(e, "CI\\/CD", "CI/CD[0,6)");
    EXPECT(e, "\\(Python\\)", "Python[2,8)");
    /* before a letter or a digit, or alone at the end, nothing folds */
    EXPECT(e, "\\python", "Python[1,7)"); /* '\\' is no word character */
    EXPECT(e, "java\\", "Java[0,4)");
    EXPECT(e, "java\\nPython", "Java[0,4)");
    /* with full-width forms in the same text */
    EXPECT(e, "Ｃ＃ and C\\#", "C#[0,6) C#[11,14)");
    /* masked after folding */
    EXPECT(e, "github\\.com\\/acme", "");
}

/* Each folding form at every offset from 0 to 300 in texts of the
 * characters the fold search looks at and leaves (curly quotes, U+00A9,
 * U+3002, U+FF5F, a backslash before a letter), so that it lies in each
 * part of a 128- and a 32-byte block, across their ends, at the text's
 * end, and in texts shorter and longer than a block: the hit where the
 * offsets say, on every path (describe()). */
static void test_fold_offsets(void **state)
{
    (void)state;
    struct env *e = TENV; /* test_fullwidth made it */
    static const struct {
        const char *text, *skill;
        size_t flen; /* folded form's length in the text */
    } forms[] = {
        {"\xEF\xBC\xB0\xEF\xBD\x99\xEF\xBD\x94\xEF\xBD\x88\xEF\xBD\x8F"
         "\xEF\xBD\x8E", "Python", 18},
        {"power\xC2\xA0" "bi", "Power BI", 9},
        {"Power\xE3\x80\x80" "BI", "Power BI", 10},
        {"front\xE2\x80\x91" "end", "Front-end", 11},
        {"C\\#", "C#", 3},
    };
    static const char *const filler[] = {
        "\xE2\x80\x99", "\xE2\x80\x9C", "\xC2\xA9", "\xE3\x80\x82",
        "\xEF\xBD\x9F", "\\q", " ", "x", "\xE2\x80\x92"};
    char text[512], want[64];
    rng_state = 2026;
    for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
        for (size_t k = 0; k <= 300; k++) {
            for (int tail = 0; tail < 3; tail++) {
                /* k bytes of filler, the form after a space, maybe more;
                 * tail 2: the filler is ASCII after one curly quote, and
                 * 130 bytes follow (the 128-byte blocks without a byte
                 * >= 0x80 or a '\\' are passed over by their first
                 * bytes: the form lies in each part of one) */
                size_t n = 0;
                while (n < k) {
                    const char *u = filler[rndn(sizeof(filler) /
                                                sizeof(filler[0]))];
                    if (tail == 2)
                        u = n ? (n % 5 ? "x" : " ") : "\xE2\x80\x99";
                    size_t ul = strlen(u);
                    if (n + ul > k)
                        u = " ", ul = 1;
                    memcpy(text + n, u, ul);
                    n += ul;
                }
                text[n++] = ' ';
                memcpy(text + n, forms[f].text, strlen(forms[f].text));
                n += strlen(forms[f].text);
                for (size_t j = 0; j < (tail == 1 ? 40u : tail ? 130u : 0u);
                     j++)
                    text[n++] = j % 3 ? 'y' : ' ';
                text[n] = '\0';
                snprintf(want, sizeof(want), "%s[%zu,%zu)", forms[f].skill,
                         k + 1, k + 1 + forms[f].flen);
                if (strcmp(describe(e, text), want))
                    fail_msg("form %zu at %zu (tail %d): %s, want %s", f, k,
                             tail, describe(e, text), want);
            }
        }
    }
}

static const char *spans_of(const char *text)
{
    static char out[1024];
    uint32_t sp[32];
    size_t n = skidx_match_spans(text, strlen(text), sp, 16), k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && i < 16; i++)
        k += (size_t)snprintf(out + k, sizeof(out) - k, "%s%.*s",
                              i ? "|" : "", (int)(sp[2 * i + 1] - sp[2 * i]),
                              text + sp[2 * i]);
    return out;
}

/* Each kind of span at every offset from 0 to 330 (so its '@', dots and
 * slashes fall on each byte of a 64-bit mask word and of a group of four,
 * the last ones included, and the span crosses them), after text of
 * words and non-ASCII characters, with or without triggers that open no
 * span ("e.g", "</li>"), and before the text's end, a space, U+3002 or a
 * comma: the same span on every path. */
static void test_span_offsets(void **state)
{
    (void)state;
    static const char *const forms[] = {
        "https://github.com/acme/x", "jobs@acme.net", "index.php",
        "/usr/lib/python3", "www.python.org", "http://localhost:8080/api",
        "https:&#x2F;&#x2F;github.com&#x2F;acme&#x2F;x"};
    static const char *const ends[] = {"", " and more", "\xE3\x80\x82",
                                       ", ok", "\xE2\x80\x99s"};
    static const char *const filler[] = {
        "word", " ", "\xE2\x80\x99", "\xC3\xA9", "\xE3\x80\x82", "x",
        "\xE5\xAD\x98", "e.g", "</li>"}; /* the last two: with noise */
    int modes[3];
    const int nm = n_modes(modes);
    char text[512];
    rng_state = 64;
    for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++)
        for (size_t k = 0; k <= 330; k++)
            for (size_t e = 0; e < 2 * sizeof(ends) / sizeof(ends[0]); e++) {
                const uint32_t units = sizeof(filler) / sizeof(filler[0]) -
                                       (e % 2 ? 0 : 2);
                size_t n = 0;
                while (n < k) {
                    const char *u = filler[rndn(units)];
                    size_t ul = strlen(u);
                    if (n + ul > k)
                        u = " ", ul = 1;
                    memcpy(text + n, u, ul);
                    n += ul;
                }
                snprintf(text + n, sizeof(text) - n, " %s%s", forms[f],
                         ends[e / 2]);
                for (int m = 0; m < nm; m++) {
                    skidx_match_set_simd(modes[m]);
                    if (strcmp(spans_of(text), forms[f]))
                        fail_msg("mode %d, '%s': '%s', want '%s'", modes[m],
                                 text, spans_of(text), forms[f]);
                }
            }
    skidx_match_set_simd(0);
}

/* find_spans() rejects a '/' that opens a run of word bytes ending
 * before a non-URL byte ("</li>") by the word mask's bits, without the
 * token test: such a token (word bytes alone, '_' too) has no span,
 * while one whose run goes on with a URL byte ('.', '/', '_' then a
 * slash) is still tested, and a '/' after a URL byte ("//host") is not
 * taken by the shortcut. Every offset of the '/' in a 64-bit word, runs
 * of 1 to 70 bytes across the word's end, on every path. */
static void test_span_word_runs(void **state)
{
    (void)state;
    static const char *const ends[][2] = {
        {">", ""},         {" ", ""},          {"", ""},
        {"_9>", ""},       {".pdf>", ".pdf"},  {"/x/y>", "/x/y"},
        {"_z/q/r>", "_z/q/r"}, {".xyz ", ""}};
    int modes[3];
    const int nm = n_modes(modes);
    char text[256], want[256], name[80];
    for (size_t k = 0; k < 130; k++)
        for (size_t l = 1; l <= 70; l++)
            for (size_t e = 0; e < sizeof(ends) / sizeof(ends[0]); e++) {
                for (size_t i = 0; i < l; i++)
                    name[i] = "aB3x"[(i + k) % 4];
                name[l] = '\0';
                memset(text, 'w', k);
                if (k)
                    text[k - 1] = k % 3 ? '<' : ' ';
                snprintf(text + k, sizeof(text) - k, "/%s%s", name,
                         ends[e][0]);
                if (*ends[e][1])
                    snprintf(want, sizeof(want), "/%s%s", name, ends[e][1]);
                else
                    want[0] = '\0';
                for (int m = 0; m < nm; m++) {
                    skidx_match_set_simd(modes[m]);
                    if (strcmp(spans_of(text), want))
                        fail_msg("mode %d, '%s': '%s', want '%s'", modes[m],
                                 text, spans_of(text), want);
                }
            }
    skidx_match_set_simd(0);
    /* after a URL byte the '/' is not the shortcut's */
    assert_string_equal(spans_of("see //host now"), "//host");
    assert_string_equal(spans_of("<//li>"), "//li");
}

static void test_masked_spans(void **state)
{
    (void)state;
    struct env *e = TENV;
    /* what is masked */
    assert_string_equal(spans_of("see https://github.com/acme/x."),
                        "https://github.com/acme/x");
    assert_string_equal(spans_of("(http://localhost:8080/api)"),
                        "http://localhost:8080/api");
    assert_string_equal(spans_of("at www.python.org, or"), "www.python.org");
    assert_string_equal(spans_of("code on github.com/acme/tool."),
                        "github.com/acme/tool");
    assert_string_equal(spans_of("Visit Amazon.com today"), "Amazon.com");
    assert_string_equal(spans_of("mail jobs@acme.net; or"), "jobs@acme.net");
    assert_string_equal(spans_of("<first.last+cv@mail.acme.co.uk>"),
                        "first.last+cv@mail.acme.co.uk");
    assert_string_equal(spans_of("edit index.php and guide.html"),
                        "index.php|guide.html");
    assert_string_equal(spans_of("send Resume.PDF"), "Resume.PDF");
    /* the lists' words whole: not a prefix or an extension of one */
    assert_string_equal(spans_of("a.cs b.css c.csss d.wav e.WA f.wavs"),
                        "b.css|d.wav");
    assert_string_equal(spans_of("x.gov/a y.go/a z.govs/a w.io/a v.i/a"),
                        "x.gov/a|w.io/a");
    assert_string_equal(spans_of("site acme.edu, acme.ed, acme.xyz"),
                        "acme.edu");
    assert_string_equal(spans_of("run src/main/App.java now"),
                        "src/main/App.java");
    assert_string_equal(spans_of("in /usr/lib/python3 or ~/bin/x"),
                        "/usr/lib/python3|~/bin/x");
    assert_string_equal(spans_of("./scripts/run.sh"), "./scripts/run.sh");
    /* slashes written as HTML references (the Hacker News API's links):
     * the same spans; a ';' that ends no such reference ends a token */
    assert_string_equal(
        spans_of("<a href=\"https:&#x2F;&#x2F;neon.tech&#x2F;blog&#x2F;paxos\" "
                 "rel=\"nofollow\">https:&#x2F;&#x2F;neon.tech&#x2F;blog</a>"),
        "https:&#x2F;&#x2F;neon.tech&#x2F;blog&#x2F;paxos|"
        "https:&#x2F;&#x2F;neon.tech&#x2F;blog");
    assert_string_equal(spans_of("code on github.com&#x2F;acme&#x2F;tool."),
                        "github.com&#x2F;acme&#x2F;tool");
    assert_string_equal(spans_of("see http:&#47;&#47;host.io&#47;a now"),
                        "http:&#47;&#47;host.io&#47;a");
    assert_string_equal(spans_of("in &#x2F;usr&#x2F;lib&#x2F;libc.so or"),
                        "&#x2F;usr&#x2F;lib&#x2F;libc.so");
    /* (found by a dot or an '@' in it, as a host name is: a path of
     * references and letters alone is not) */
    assert_string_equal(spans_of("in &#x2F;usr&#x2F;lib or"), "");
    assert_string_equal(spans_of("a;b.com x &amp; y &#x2F; z"), "b.com");
    assert_string_equal(spans_of("acme.com&#x2F;jobs&#x2F;cv.pdf"),
                        "acme.com&#x2F;jobs&#x2F;cv.pdf");
    /* a '/' opening letters and digits alone is no span; with a dot or
     * a second slash after it, it may be */
    assert_string_equal(spans_of("<li>Go</li> </LI2> </b>"), "");
    assert_string_equal(spans_of("</index.html> </usr/lib/x>"),
                        "/index.html|/usr/lib/x");
    assert_string_equal(spans_of("a /x9 and </a>b.pdf"), "b.pdf");
    assert_string_equal(spans_of("x </li"), "");
    assert_string_equal(spans_of("</a-b/c.txt>"), "/a-b/c.txt");
    assert_string_equal(spans_of("/ab9#x/y"), "/ab9#x/y");
    /* after punctuation of any width a path starts, after a letter of any
     * script it does not: a Chinese list of tools is no path */
    assert_string_equal(spans_of("目录（/usr/lib/python3）"),
                        "/usr/lib/python3");
    assert_string_equal(spans_of("见 /usr/lib/python3"), "/usr/lib/python3");
    /* what is not */
    static const char *const plain[] = {
        "Node.js", "Vue.js, Next.js and D3.js", ".NET", "ASP.NET Core",
        "VB.NET", "ASP.NET/MVC", "C#/.NET", "C#", "e.g. Python", "i.e. Java.",
        "Python 3.10", "React/Node.js", "Python/Java/Go", "CI/CD", "and/or",
        "socket.io", "Socket.IO/WebSockets", "acme.io", "U.S. based",
        "Ph.D. or M.Sc.", "user@localhost", "@mention", "50/hour",
        "$120k/year", "time: 10:30", "Java.Net", "TCP/IP", "R&D",
        "KV存储/Druid/Kylin/Presto", "数据库/Redis/MongoDB", "Daten/Spark/Kafka",
        "Ввод/Python/Java"};
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
        if (strcmp(spans_of(plain[i]), ""))
            fail_msg("'%s' masked '%s'", plain[i], spans_of(plain[i]));
    /* hits inside are dropped, other hits stay */
    EXPECT(e, "github.com/acme", "");
    EXPECT(e, "jobs@acme.net", "");
    EXPECT(e, "index.php", "");
    EXPECT(e, "guide.html or HTML", "HTML[14,18)");
    EXPECT(e, "https://python.org/java", "");
    EXPECT(e, "Node.js, ASP.NET, .NET, Vue.js, C#, e.g. Java",
           "Node.js[0,4) Node.js[0,7) .NET[9,16) .NET[12,16) .NET[18,22) "
           "Vue.js[24,27) Vue.js[24,30) C#[32,34) Java[41,45)");
    /* a hit that holds a whole span names it (an alias written with the
     * dot): it counts; in part of a longer span it does not */
    EXPECT(e, "Monday.com and llama.cpp", "Monday.com[0,10) llama.cpp[15,24)");
    EXPECT(e, "https://monday.com/pricing", "");
    EXPECT(e, "www.monday.com or monday.com/x", "");
    EXPECT(e, "jobs@monday.com", "");
    EXPECT(e, "src/llama.cpp", "");
    /* kept and flagged on request, owning nothing */
    e->s.keep_masked = 1;
    EXPECT(e, "github.com/x and GitHub", "~GitHub[0,6) GitHub[17,23)");
    size_t n, no;
    uint32_t *own;
    struct skidx_hit *h = scan(e, "see github.com/x", 16, SKIDX_ENGINE_WORDS,
                               &n, &own, &no);
    assert_int_equal(n, 1);
    assert_true(h[0].flags & SKIDX_HIT_MASKED);
    assert_int_equal(no, 0);
    free(h);
    free(own);
    e->s.keep_masked = 0;
}

/* On random texts of aliases, URL-like tokens and punctuation, every hit
 * is flagged masked exactly when it overlaps a span of the text as
 * skidx_match_spans() finds them that it does not hold whole, masked hits
 * are dropped unless kept, and the owners are those of the unmasked
 * hits. */
static void test_span_random(void **state)
{
    (void)state;
    struct env *e = TENV;
    static const char *const tok[] = {
        "GitHub", "github.com/acme/x", "PHP", "index.php", "HTML",
        "guide.html", "jobs@acme.net", ".NET", "ASP.NET", "Node.js",
        "Vue.js", "Java", "Python", "www.python.org", "/usr/lib/python3",
        "e.g.", "CI/CD", "and/or", "</li>", "<li>", "C#", "https://x.io/a",
        "python.org/java", "a.b", "@acme", "x@y.z", "Python.", "Java,",
        "ok", "the", "data", "Monday.com", "monday.com/x", "llama.cpp"};
    static const char *const sep[] = {" ", " ", " ", ", ", ".", "/", "\n",
                                      "", "-", "(", ")", ":"};
    char text[600];
    uint32_t sp[256];
    size_t masked = 0, total = 0;
    rng_state = 77;
    for (int round = 0; round < 4000; round++) {
        size_t n = 0;
        const uint32_t k = 1 + rndn(24);
        for (uint32_t i = 0; i < k; i++) {
            const char *a = tok[rndn(sizeof(tok) / sizeof(tok[0]))];
            const char *b = sep[rndn(sizeof(sep) / sizeof(sep[0]))];
            if (n + strlen(a) + strlen(b) >= sizeof(text))
                break;
            memcpy(text + n, a, strlen(a));
            n += strlen(a);
            memcpy(text + n, b, strlen(b));
            n += strlen(b);
        }
        const size_t ns = skidx_match_spans(text, n, sp, 128);
        assert_true(ns <= 128);
        for (int keep = 0; keep < 2; keep++) {
            e->s.keep_masked = keep;
            size_t nh, no;
            uint32_t *own;
            struct skidx_hit *h =
                scan(e, text, n, SKIDX_ENGINE_WORDS, &nh, &own, &no);
            for (size_t i = 0; i < nh; i++) {
                int in = 0;
                for (size_t j = 0; j < ns; j++)
                    in |= sp[2 * j] < h[i].end && h[i].start < sp[2 * j + 1] &&
                          (sp[2 * j] < h[i].start || sp[2 * j + 1] > h[i].end);
                if (in != !!(h[i].flags & SKIDX_HIT_MASKED))
                    fail_msg("'%.*s': hit [%u,%u) masked %d, in a span %d",
                             (int)n, text, h[i].start, h[i].end,
                             !!(h[i].flags & SKIDX_HIT_MASKED), in);
                if (in && !keep)
                    fail_msg("'%.*s': masked hit [%u,%u) kept", (int)n, text,
                             h[i].start, h[i].end);
                if (keep) {
                    masked += in;
                    total++;
                }
                /* its owner is counted unless it is masked */
                int owned = 0;
                for (size_t j = 0; j < no; j++)
                    owned |= own[j] == h[i].owner;
                if (!in && !owned)
                    fail_msg("'%.*s': owner of [%u,%u) not counted", (int)n,
                             text, h[i].start, h[i].end);
            }
            /* and no owner without an unmasked hit */
            for (size_t j = 0; j < no; j++) {
                int seen = 0;
                for (size_t i = 0; i < nh; i++)
                    seen |= h[i].owner == own[j] &&
                            !(h[i].flags & SKIDX_HIT_MASKED);
                if (!seen)
                    fail_msg("'%.*s': owner %u counted from masked hits only",
                             (int)n, text, own[j]);
            }
            free(h);
            free(own);
        }
    }
    e->s.keep_masked = 0;
    /* both kinds occur: the test sees masked and unmasked hits */
    assert_true(masked > 500);
    assert_true(total - masked > 5000);
}

static void test_separators(void **state)
{
    (void)state;
    struct env *e = TENV;
    /* ' ', '-', '_', '/' match each other between the words */
    EXPECT(e, "image-processing", "Image Processing[0,16)");
    EXPECT(e, "image_processing", "Image Processing[0,16)");
    EXPECT(e, "Image/Processing", "Image Processing[0,16)");
    EXPECT(e, "Amazon-Web-Services", "AWS[0,19)");
    EXPECT(e, "amazon_web services", "AWS[0,19)");
    EXPECT(e, "amazon web_services", "AWS[0,19)");
    EXPECT(e, "amazon-web_services", "AWS[0,19)");
    EXPECT(e, "#ruby-on-rails", "Ruby on Rails[1,14)");
    EXPECT(e, "continuous-integration", "CI[0,22)");
    EXPECT(e, "Web-Sockets", "WebSockets[0,11)");
    EXPECT(e, "Front End, front-end", "Front-end[0,9) Front-end[11,20)");
    EXPECT(e, "machine_learning_engineer", "");   /* glued on by '_' */
    EXPECT(e, "image-processingx", "");
    EXPECT(e, "image--processing", ""); /* one separator, as one space */
    EXPECT(e, "image - processing", "");
    EXPECT(e, "imageprocessing", ""); /* joined only when marked '+' */
    /* '+': also the words written together */
    EXPECT(e, "timeseries, TimeSeries, time-series",
           "Time Series[0,10) Time Series[12,22) Time Series[24,35)");
    EXPECT(e, "BigData, Big_Data, bigdata", "Big Data[0,7) Big Data[9,17)");
    /* '~': separators as written */
    EXPECT(e, "go-to-market, go to market", "Go-to-market[14,26)");
    /* aliases without a space keep their separators */
    EXPECT(e, "scikit-learn, scikit learn, scikit_learn",
           "Scikit-learn[0,12)");
    EXPECT(e, "CI/CD, CI CD, CI-CD", "CI/CD[0,5)");
    EXPECT(e, "TF-IDF, TF IDF, tf/idf", "TF-IDF[0,6)");
    /* with scripts and full-width text around */
    EXPECT(e, "熟悉Power-BI，Time_Series", "Power BI[6,14) Time Series[17,28)");
    env_free(TENV);
    TENV = NULL;
}

/* A lower-to-upper case change may end an alias, when the taxonomy says
 * "@camel-split on" (off by default). */
static void test_camel_split(void **state)
{
    (void)state;
    static const char CAMEL[] =
        "Tableau\tbi\ttableau\n"
        "MySQL\tdb\tmysql\n"
        "Java\tlang\tjava\n"
        "JavaScript\tlang\tjavascript\n"
        "Git\tdev\tgit\n"
        "GitHub\tdev\tgithub\n"
        "PyTorch\tml\tpytorch\n"
        "Go\tlang\t=Go\n"
        "Big Data\tdata\t+big data\n"
        "SQL\tdb\tsql\t!sql server\n";
    struct env *e = env_new(CAMEL);
    EXPECT(e, "TableauExperience", ""); /* off by default */
    env_free(e);
    char buf[1024];
    snprintf(buf, sizeof(buf), "@camel-split\ton\n%s", CAMEL);
    e = env_new(buf);
    EXPECT(e, "TableauExperience", "Tableau[0,7)");
    EXPECT(e, "MySQLVisualization", "MySQL[0,5)");
    EXPECT(e, "Skills:PyTorchModels", "PyTorch[7,14)");
    /* camel-case names that are aliases are never split */
    EXPECT(e, "JavaScript GitHub PyTorch", "JavaScript[0,10) GitHub[11,17) "
                                           "PyTorch[18,25)");
    /* the last camel end where an alias ends wins */
    EXPECT(e, "JavaScriptDeveloper", "JavaScript[0,10)");
    EXPECT(e, "GitHubActions", "GitHub[0,6)");
    EXPECT(e, "BigDataEngineer", "Big Data[0,7)"); /* a joined form */
    /* the alias must start the word; a case-sensitive alias stays so */
    EXPECT(e, "MyTableauExperience", "");
    EXPECT(e, "GoLang", "Go[0,2)");
    EXPECT(e, "GOLang", "");
    EXPECT(e, "JAVAScript", "JavaScript[0,10)"); /* whole, caseless */
    EXPECT(e, "JAVAExperience", "Java[0,4)"); /* upper, upper, lower */
    /* what it breaks: a plural or an unknown compound of a name */
    EXPECT(e, "JavaScripts", "Java[0,4)");
    EXPECT(e, "tableauExperience", "Tableau[0,7)");
    EXPECT(e, "TableauEXPERIENCE", ""); /* no lower case after */
    EXPECT(e, "Tableau3D", "");
    env_free(e);
    /* a gate word of a gated regex ("m" of M.Sc.: the regex holds no
     * whole word outside a group, so it is searched from its gate words)
     * is a head of the word engine but no alias: a camel end after it
     * ("MAryland") took it for a hit of no alias (another skill's, or a
     * crash with the cache's image) */
    snprintf(buf, sizeof(buf),
             "@camel-split\ton\n%s"
             "Statistics\tmath\tstatistics\t"
             "/\\b(?:degree|BSc|M\\.Sc\\.)\\s(?:in|of)\\s"
             "[a-z ]{0,40}(?:statistics)\\b/\n",
             CAMEL);
    e = env_new(buf);
    EXPECT(e, "MAryland", "");
    EXPECT(e, "BScHolder TableauExperience", "Tableau[10,17)");
    /* the gate word still gates its regex */
    EXPECT(e, "M.Sc. in applied statistics", "Statistics[0,27) "
                                             "Statistics[17,27)");
    env_free(e);
}

/* ---- random taxonomies and texts ---- */

static const char *const FRAG[] = {
    "go",    "Go",    "java",  "script", "c",      "C",     "++",   "#",
    ".",     "net",   "NET",   "js",     "node",   "-",     "_",    "py",
    "thon",  "data",  " ",     "r",      "R",      "&",     "d",    "x",
    "1",     "8",     "ml",    "(",      ")",      "/",     "tf",   "idf",
    "\xC3\xA4",       "\xC3\xA9",        "\xE2\x80\x94",    "\xE6\x95\xB0",
    "\xC2\xA0",       "cloud", "google", "a",      "ab",    "abc",  "+",
    "k8s",   "spark", "SQL",   "sql",    "no",     "dejs",  "'",    ",",
    "，",    "（",    "을",    "数",     "Ｐ",     "ｙ",    "　",   "α",
};
#define NFRAG (sizeof(FRAG) / sizeof(FRAG[0]))

static int ascii_alnum(const char *s)
{
    for (; *s; s++)
        if ((*s >= '0' && *s <= '9') || ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z'))
            return 1;
    return 0;
}

static int folded_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        int x = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a;
        int y = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* A random alias text: 1..4 fragments, with an ASCII alnum, no leading or
 * trailing space, not starting with '!', '=' or '/'. */
static void random_alias(char *out, size_t cap)
{
    for (;;) {
        size_t k = 0;
        unsigned n = 1 + rndn(4);
        out[0] = '\0';
        for (unsigned i = 0; i < n; i++) {
            const char *f = FRAG[rndn(NFRAG)];
            size_t l = strlen(f);
            if (k + l + 1 >= cap)
                break;
            memcpy(out + k, f, l + 1);
            k += l;
        }
        if (!k || out[0] == ' ' || out[k - 1] == ' ' || out[0] == '/' ||
            out[0] == '!' || out[0] == '=' || out[0] == '+' ||
            out[0] == '~' || !ascii_alnum(out))
            continue;
        return;
    }
}

struct rtax {
    char *tsv;
    char **pos; /* positive alias texts, for building texts */
    size_t n_pos;
};

static void rtax_build(struct rtax *r, unsigned n_skills)
{
    size_t cap = 1 << 16, k = 0;
    char **texts = calloc(4096, sizeof(*texts));
    unsigned *owner = calloc(4096, sizeof(*owner));
    size_t n_texts = 0;
    r->tsv = malloc(cap);
    r->pos = calloc(4096, sizeof(*r->pos));
    r->n_pos = 0;
    assert_true(r->tsv && r->pos && texts && owner);
    for (unsigned s = 0; s < n_skills; s++) {
        k += (size_t)snprintf(r->tsv + k, cap - k, "S%u\tcat%u", s, s % 3);
        unsigned na = 1 + rndn(4), positives = 0;
        for (unsigned a = 0; a < na || !positives; a++) {
            char al[64];
            int neg = a > 0 && rndn(4) == 0;
            int cs = rndn(3) == 0;
            int rx = rndn(12) == 0 || (neg && positives && rndn(3) == 0);
            if (rx && neg && positives) {
                /* a negative regex around one of the skill's positive
                 * aliases (hex escapes: any byte is literal) */
                const char *p = texts[n_texts - 1 - rndn(positives)];
                size_t q = 0;
                int after = (int)rndn(2);
                if (!after)
                    q += (size_t)snprintf(al + q, sizeof(al) - q,
                                          "[a-z]+[ -]");
                for (; *p && q + 8 < 40; p++)
                    q += (size_t)snprintf(al + q, sizeof(al) - q, "\\x%02X",
                                          (unsigned char)*p);
                if (after)
                    snprintf(al + q, sizeof(al) - q, "[ -]?[a-z0-9]+");
            } else if (rx && !neg) {
                /* a simple regex: a word with optional digits */
                static const char *const W[] = {"foo", "bar", "spark", "go",
                                                "py", "data"};
                snprintf(al, sizeof(al), "\\b%s\\d*%s", W[rndn(6)],
                         rndn(2) ? "\\b" : "");
            } else {
                rx = 0;
                random_alias(al, sizeof(al));
            }
            if (!neg) {
                /* no positive alias may collide with another skill's */
                int clash = 0;
                for (size_t i = 0; i < n_texts && !clash; i++)
                    clash = owner[i] != s && folded_eq(texts[i], al);
                if (clash) {
                    a--;
                    continue;
                }
                texts[n_texts] = strdup(al);
                owner[n_texts++] = s;
                if (!rx)
                    r->pos[r->n_pos++] = strdup(al);
                positives++;
            } else if (!rx) {
                r->pos[r->n_pos++] = strdup(al); /* texts use negatives too */
            }
            /* separators as written ('~') or also joined ('+') */
            unsigned sep = rx ? 5 : rndn(6);
            k += (size_t)snprintf(r->tsv + k, cap - k, "\t%s%s%s%s%s%s",
                                  neg ? "!" : "", cs ? "=" : "",
                                  sep == 0 ? "~" : sep == 1 ? "+" : "",
                                  rx ? "/" : "", al, rx ? "/" : "");
            assert_true(k < cap - 256);
        }
        r->tsv[k++] = '\n';
        r->tsv[k] = '\0';
    }
    for (size_t i = 0; i < n_texts; i++)
        free(texts[i]);
    free(texts);
    free(owner);
}

static void rtax_free(struct rtax *r)
{
    for (size_t i = 0; i < r->n_pos; i++)
        free(r->pos[i]);
    free(r->pos);
    free(r->tsv);
}

static const char PUNCT[] = " ,.;:!?()[]{}<>/\\|-_+#&@'\"`~\t\n=*";

/* A random text of at most `cap` bytes; returns its length. */
static size_t random_text(const struct rtax *r, char *t, size_t cap)
{
    /* about 12 parts in a short buffer, thousands in a long one */
    size_t k = 0, parts = cap > 1000 ? cap / 4 : rndn(24);
    for (size_t p = 0; p < parts; p++) {
        const char *src;
        char tmp[8];
        size_t l;
        switch (rndn(7)) {
        case 0:
        case 1:
            src = r->pos[rndn((uint32_t)r->n_pos)];
            break;
        case 2:
            src = FRAG[rndn(NFRAG)];
            break;
        case 3:
            tmp[0] = PUNCT[rndn(sizeof(PUNCT) - 1)];
            tmp[1] = '\0';
            src = tmp;
            break;
        case 4:
            src = " ";
            break;
        case 5: /* random bytes, including invalid UTF-8 */
            l = 1 + rndn(3);
            for (size_t i = 0; i < l; i++)
                tmp[i] = (char)(rndn(3) ? 0x80 + rndn(0x80) : rndn(256));
            tmp[l] = '\0';
            src = tmp;
            break;
        default: /* a word character glued on */
            tmp[0] = "aZ0_9x"[rndn(6)];
            tmp[1] = '\0';
            src = tmp;
            break;
        }
        l = strlen(src);
        if (k + l > cap)
            break;
        memcpy(t + k, src, l);
        /* random case changes */
        if (rndn(3) == 0)
            for (size_t i = 0; i < l; i++) {
                unsigned char c = (unsigned char)t[k + i];
                if (((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && rndn(2))
                    t[k + i] = (char)(c ^ 0x20);
            }
        k += l;
    }
    return k;
}

static void test_engines_hand(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "Senior Java/JavaScript developer (AWS, k8s/Kubernetes), C++ and C#",
        "ASP.NET, .NET Core, Node.js, Go & Golang, R&D with R, TF-IDF vs TF",
        "machine learning, ML, deep learning at Google Cloud Platform (GCP)",
        "\xE2\x80\x94Python\xE2\x80\x94 \xC3\xA4Python Python\xC3\xA4",
        "C/C++/C#/.NET/VB.NET x X x86 (beta) #hashtag# m\xC3\xBCller",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        assert_true(check_engines(HENV, texts[i], strlen(texts[i])) > 0);
}

static void test_engines_random(void **state)
{
    (void)state;
    char text[400];
    size_t total_hits = 0, texts = 0;
    rng_state = 20260117;
    for (unsigned round = 0; round < 40; round++) {
        struct rtax r;
        rtax_build(&r, 3 + rndn(40));
        if (round % 2) { /* every other taxonomy splits camel case */
            char *t = malloc(strlen(r.tsv) + 32);
            assert_non_null(t);
            strcpy(t, "@camel-split\ton\n");
            strcat(t, r.tsv);
            free(r.tsv);
            r.tsv = t;
        }
        struct env *e = env_new(r.tsv);
        for (unsigned i = 0; i < 250; i++) {
            size_t len = random_text(&r, text, sizeof(text));
            total_hits += check_engines(e, text, len);
            texts++;
        }
        env_free(e);
        rtax_free(&r);
    }
    /* the test is worthless if almost nothing matched */
    assert_true(texts == 10000);
    assert_true(total_hits > 5000);
    /* long texts: thousands of words, so batch seams fall everywhere */
    size_t long_hits = 0;
    char *big = malloc(20000);
    assert_non_null(big);
    for (unsigned round = 0; round < 12; round++) {
        struct rtax r;
        rtax_build(&r, 3 + rndn(40));
        struct env *e = env_new(r.tsv);
        for (unsigned i = 0; i < 4; i++) {
            size_t len = random_text(&r, big, 20000);
            long_hits += check_engines(e, big, len);
        }
        env_free(e);
        rtax_free(&r);
    }
    free(big);
    assert_true(long_hits > 1000);
}

/* One head with many long-tail aliases: their key2s (the two bytes after
 * the head) outnumber the 64 bits of the head's signature, so groups
 * hold aliases of several key2s, each after a copy of the short-tail
 * ones (the head alone, case-sensitive, with a one-byte tail, a gate
 * for camel case). Every continuation of the head, its separators and
 * case mixed, gives the ORACLE's hits, on every SIMD path; the stats
 * count each candidate once. */
static void test_key2_groups(void **state)
{
    (void)state;
    static const char SEPS[] = " -/.+#&";
    char tsv[16384], alias[32];
    size_t k = 0, n_alias = 0; /* its alias forms */
    k += (size_t)snprintf(tsv + k, sizeof(tsv) - k,
                          "@camel-split\ton\nData\tx\tdata\t=DATA\tdata+\n");
    n_alias += 3;
    for (unsigned i = 0; i < 70; i++) {
        /* data<sep><letter><letter>..., some flexible (a space between
         * letters), some '~' (as written), some case-sensitive */
        const char sep = SEPS[i % (sizeof(SEPS) - 1)];
        const char c1 = (char)('a' + i % 26), c2 = (char)('a' + i * 7 % 26);
        const char *pre = i % 5 == 3 ? "=" : i % 7 == 4 ? "~" : "";
        if (sep == '#' || sep == '+' || sep == '.')
            snprintf(alias, sizeof(alias), "%sdata%c%c%c", pre, sep, c1, c2);
        else
            snprintf(alias, sizeof(alias), "%sdata%c%c%c lab", pre, sep, c1,
                     c2);
        if (!strcmp(pre, "="))
            alias[1] = 'D'; /* =Data... */
        k += (size_t)snprintf(tsv + k, sizeof(tsv) - k, "S%u\tx\t%s\n", i,
                              alias);
        /* a flexible one (a ' ', '-' or '/' before the letters, no '~')
         * has two more forms, its separators turned '_' one by one */
        n_alias += strchr(" -/", sep) && strcmp(pre, "~") ? 3 : 1;
    }
    assert_true(k < sizeof(tsv) - 1);
    struct env *e = env_new(tsv);
    struct skidx_matcher_stats st;
    skidx_matcher_get_stats(e->m, &st);
    assert_int_equal(st.candidates, n_alias);
    static const char *const TOK[] = {
        "data", "Data", "DATA", "dAta", " ", "-", "/", "_", ".", "+", "#", "&",
        "a", "b", "Ab", "ah", "lab", "Lab", "x", "hh", "oz", ",", "\n",
        "\xC3\xA4", "dataLab", "DataAb"};
    const size_t ntok = sizeof(TOK) / sizeof(TOK[0]);
    int modes[3];
    const int nm = n_modes(modes);
    size_t hits = 0;
    rng_state = 20261205;
    for (unsigned i = 0; i < 3000; i++) {
        char text[128];
        size_t len = 0;
        const unsigned nt = 1 + rndn(12);
        for (unsigned j = 0; j < nt; j++) {
            /* mostly the head, then what may follow it */
            const char *w = j % 2 ? TOK[4 + rndn((uint32_t)ntok - 4)]
                                  : TOK[rndn(4)];
            if (len + strlen(w) >= sizeof(text))
                break;
            memcpy(text + len, w, strlen(w));
            len += strlen(w);
        }
        skidx_match_set_simd(modes[i % (unsigned)nm]);
        hits += check_engines(e, text, len);
    }
    skidx_match_set_simd(0);
    /* every alias of the head must have been seen to mean anything */
    assert_true(hits > 3000);
    env_free(e);
}

/* ---- SIMD word mask ---- */

static int ref_mask(const unsigned char *t, size_t len, uint64_t *mask,
                    uint64_t *trig)
{
    int high = 0;
    for (size_t w = 0; w < (len + 63) / 64; w++)
        mask[w] = trig[w] = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = t[i];
        int word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                   (c >= 'A' && c <= 'Z') || c == '_';
        if (word)
            mask[i / 64] |= 1ull << (i % 64);
        if (c == '.' || c == '@' || c == ':' || c == '/')
            trig[i / 64] |= 1ull << (i % 64);
        high |= c >= 0xE3 ? 3 : c >= 0x80;
        high |= c == '\\' ? 4 : 0;
    }
    return high;
}

static int n_modes(int *modes)
{
    int n = 0;
    modes[n++] = 1; /* scalar */
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        modes[n++] = 2;
#endif
    modes[n++] = 0; /* best available */
    return n;
}

static const unsigned char EDGE_BYTES[] = {
    '/', '0', '9', ':', '@', 'A', 'Z', '[', '^', '_', '`', 'a', 'z', '{',
    0x7F, 0x80, 0xC0, 0xDA, 0xDF, 0xE0, 0xFA, 0xFF, 0x00, ' ', 0x10, 0x2F,
    0x40, 0x5B, 0x60, 0x7B, 0x8F, 0xB0, 0xAF, 0xD0, 0xF0, '\\'};

static void test_simd_wordmask(void **state)
{
    (void)state;
    int modes[3];
    int nm = n_modes(modes);
    const char *names[3];
    for (int i = 0; i < nm; i++)
        names[i] = skidx_match_set_simd(modes[i]);
    assert_string_equal(names[0], "scalar");
    rng_state = 77;
    unsigned char *pool = malloc(512);
    assert_non_null(pool);
    for (size_t len = 0; len <= 300; len++) {
        for (int rep = 0; rep < 6; rep++) {
            size_t off = rndn(64);
            for (size_t i = 0; i < 512; i++)
                pool[i] = rndn(2) ? EDGE_BYTES[rndn(sizeof(EDGE_BYTES))]
                                  : (unsigned char)rndn(256);
            /* an exact-size copy at an unaligned address */
            unsigned char *raw = malloc(len + off + 1);
            assert_non_null(raw);
            memcpy(raw + off, pool, len);
            const char *text = (const char *)raw + off;
            size_t nw = (len + 63) / 64;
            uint64_t ref[8], rtrig[8], got[3][9], gtrig[3][9];
            int high = ref_mask((const unsigned char *)text, len, ref, rtrig);
            for (int m = 0; m < nm; m++) {
                skidx_match_set_simd(modes[m]);
                for (size_t w = 0; w < 9; w++)
                    got[m][w] = gtrig[m][w] = 0xA5A5A5A5A5A5A5A5ull; /* canary */
                assert_int_equal(
                    skidx_match_wordmask(text, len, got[m], gtrig[m]), high);
                assert_memory_equal(got[m], ref, nw * sizeof(uint64_t));
                assert_memory_equal(gtrig[m], rtrig, nw * sizeof(uint64_t));
                assert_true(got[m][nw] == 0xA5A5A5A5A5A5A5A5ull);
                assert_true(gtrig[m][nw] == 0xA5A5A5A5A5A5A5A5ull);
            }
            free(raw);
        }
    }
    free(pool);
    skidx_match_set_simd(0);
}

/* Word edges at every density a 64-byte mask word can hold (none, a few,
 * 16, 24, all 64: one-letter words), before and around aliases: every
 * path finds the same hits, and the alias after the padding. */
static void test_simd_dense_edges(void **state)
{
    (void)state;
    int modes[3];
    int nm = n_modes(modes);
    char text[512];
    for (size_t pad = 0; pad <= 200; pad++) {
        size_t len = 0, at[3];
        static const char *const word[3] = {"python", "k8s", "golang"};
        for (int w = 0; w < 3; w++) {
            /* "q q q ..." (an edge at every byte) or a long run */
            size_t np = w == 0 ? pad : w == 1 ? (pad * 7) % 90 : 61;
            for (size_t i = 0; i < np; i++)
                text[len++] = pad % 3 == 2 && w == 0 ? (char)('a' + i % 7)
                                                    : (i % 2 ? ' ' : 'q');
            text[len++] = ' ';
            at[w] = len;
            len += (size_t)snprintf(text + len, sizeof(text) - len, "%s ",
                                    word[w]);
        }
        struct skidx_hit *h0 = NULL;
        size_t n0 = 0;
        /* vector paths first: the stack a path leaves holds no edges
         * of this text for the next one */
        for (int m = nm - 1; m >= 0; m--) {
            size_t n;
            skidx_match_set_simd(modes[m]);
            struct skidx_hit *h = scan(HENV, text, len, SKIDX_ENGINE_WORDS,
                                       &n, NULL, NULL);
            if (m == nm - 1) {
                h0 = h;
                n0 = n;
                for (int w = 0; w < 3; w++) {
                    int found = 0;
                    for (size_t i = 0; i < n; i++)
                        found |= h[i].start == at[w] &&
                                 h[i].end == at[w] + strlen(word[w]);
                    assert_true(found);
                }
                continue;
            }
            assert_int_equal(n, n0);
            assert_memory_equal(h, h0, n0 * sizeof(*h0));
            free(h);
        }
        free(h0);
    }
    skidx_match_set_simd(0);
}

static void test_simd_hits(void **state)
{
    (void)state;
    int modes[3];
    int nm = n_modes(modes);
    char text[700];
    rng_state = 4242;
    struct rtax r;
    rtax_build(&r, 60);
    struct env *e = env_new(r.tsv);
    size_t total = 0;
    for (unsigned i = 0; i < 1500; i++) {
        size_t len = random_text(&r, text, sizeof(text));
        if (i % 3 == 0) /* longer texts cross several mask words */
            len += random_text(&r, text + len, sizeof(text) - len);
        struct skidx_hit *h[3];
        size_t n[3];
        for (int m = 0; m < nm; m++) {
            skidx_match_set_simd(modes[m]);
            h[m] = scan(e, text, len, SKIDX_ENGINE_WORDS, &n[m], NULL, NULL);
        }
        for (int m = 1; m < nm; m++) {
            assert_int_equal(n[m], n[0]);
            assert_memory_equal(h[m], h[0], n[0] * sizeof(*h[0]));
        }
        total += n[0];
        for (int m = 0; m < nm; m++)
            free(h[m]);
    }
    skidx_match_set_simd(0);
    assert_true(total > 500);
    env_free(e);
    rtax_free(&r);
    /* the hand taxonomy too, on a long text of every alias */
    const char *t = "Java, JavaScript; python (AWS) k8s/Kubernetes C++ C# C "
                    ".NET ASP.NET Node.js Go golang R R&D TF TF-IDF machine "
                    "learning Google Cloud Platform x (beta) #hashtag# "
                    "m\xC3\xBCller \xE2\x80\x94Python\xE2\x80\x94 end";
    size_t n0 = 0;
    for (int m = 0; m < nm; m++) {
        size_t n;
        skidx_match_set_simd(modes[m]);
        struct skidx_hit *h = scan(HENV, t, strlen(t), SKIDX_ENGINE_WORDS, &n,
                                   NULL, NULL);
        if (m == 0)
            n0 = n;
        assert_int_equal(n, n0);
        free(h);
    }
    assert_true(n0 >= 20);
    skidx_match_set_simd(0);
    /* mixed-script texts: CJK, Hangul, full-width forms, other scripts
     * and random code points around the aliases, every path the same
     * hits as the others and as the oracle */
    static const uint32_t RANGES[][2] = {
        {0x20, 0x7E},     {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3},
        {0xFF01, 0xFF5E}, {0x3000, 0x303F}, {0x2000, 0x206F},
        {0x400, 0x4FF},   {0xC0, 0x24F},    {0xE00, 0xE7F},
        {0x1F300, 0x1F6FF}, {0x80, 0x10FFFF},
    };
    static const char *const WORDS[] = {
        "Java", "python", "Kafka", "Tableau", "Power BI", "k8s", "C++",
        "C#", ".NET", "Node.js", "AWS", "Go", "R", "x", "m\xC3\xBCller"};
    char *mixed = malloc(2048);
    assert_non_null(mixed);
    size_t mixed_hits = 0;
    rng_state = 9191;
    for (unsigned i = 0; i < 600; i++) {
        size_t len = 0, target = 16 + rndn(1500);
        while (len + 16 < target) {
            if (rndn(3) == 0) {
                const char *w = WORDS[rndn(sizeof(WORDS) / sizeof(WORDS[0]))];
                memcpy(mixed + len, w, strlen(w));
                len += strlen(w);
                continue;
            }
            const uint32_t *rg = RANGES[rndn(sizeof(RANGES) / sizeof(RANGES[0]))];
            uint32_t cp = rg[0] + rndn(rg[1] - rg[0] + 1);
            if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = 0x3002;
            if (cp < 0x80) {
                mixed[len++] = (char)cp;
            } else if (cp < 0x800) {
                mixed[len++] = (char)(0xC0 | cp >> 6);
                mixed[len++] = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                mixed[len++] = (char)(0xE0 | cp >> 12);
                mixed[len++] = (char)(0x80 | (cp >> 6 & 0x3F));
                mixed[len++] = (char)(0x80 | (cp & 0x3F));
            } else {
                mixed[len++] = (char)(0xF0 | cp >> 18);
                mixed[len++] = (char)(0x80 | (cp >> 12 & 0x3F));
                mixed[len++] = (char)(0x80 | (cp >> 6 & 0x3F));
                mixed[len++] = (char)(0x80 | (cp & 0x3F));
            }
        }
        struct skidx_hit *h[3];
        size_t n[3];
        for (int m = 0; m < nm; m++) {
            skidx_match_set_simd(modes[m]);
            h[m] = scan(HENV, mixed, len, SKIDX_ENGINE_WORDS, &n[m], NULL,
                        NULL);
            mixed_hits += check_engines(HENV, mixed, len);
        }
        for (int m = 1; m < nm; m++) {
            assert_int_equal(n[m], n[0]);
            assert_memory_equal(h[m], h[0], n[0] * sizeof(*h[0]));
        }
        for (int m = 0; m < nm; m++)
            free(h[m]);
    }
    free(mixed);
    skidx_match_set_simd(0);
    assert_true(mixed_hits > 1000);
}

/* The vector word loop takes the first (and, past 8 bytes, the last) 8
 * bytes of eight words at a time out of the 128 text bytes at the first
 * word's start when they all lie there, else gathers them: words of 1 to
 * 30 bytes with gaps up to 140 bytes cross that limit both ways, the
 * texts end at or near an alias (the window's loads are cut at the end),
 * and 64-byte block edges fall anywhere. Every path must find the same
 * hits as the oracle. */
static void test_simd_key_windows(void **state)
{
    (void)state;
    static const char *const ALIASES[] = {
        "javascript", "kubernetes", "python", "k8s", "aws", "java",
        "machine learning", "google cloud platform", "c++", ".net",
        "Amazon Web Services", "power bi", "tableau"};
    const size_t na = sizeof(ALIASES) / sizeof(ALIASES[0]);
    int modes[3];
    int nm = n_modes(modes);
    char text[1200];
    size_t total = 0;
    rng_state = 20261205;
    for (unsigned i = 0; i < 3000; i++) {
        size_t len = 0, target = 1 + rndn(i % 4 ? 300 : 1000);
        while (len + 40 < target) {
            unsigned kind = rndn(4);
            if (kind == 0) { /* an alias */
                const char *a = ALIASES[rndn((uint32_t)na)];
                memcpy(text + len, a, strlen(a));
                len += strlen(a);
            } else if (kind == 1) { /* a filler word of 1..30 bytes */
                size_t w = 1 + rndn(30);
                for (size_t q = 0; q < w; q++)
                    text[len++] = "zqxv_09"[rndn(7)];
            }
            /* a gap: mostly one byte, sometimes long */
            size_t g = rndn(8) ? 1 + rndn(3) : 1 + rndn(140);
            if (len + g + 40 >= sizeof(text))
                break;
            for (size_t q = 0; q < g; q++)
                text[len++] = " ,.;/-("[rndn(7)];
        }
        if (rndn(2)) { /* end the text with an alias, cut or whole */
            const char *a = ALIASES[rndn((uint32_t)na)];
            size_t al = strlen(a), cut = rndn(3) ? al : 1 + rndn((uint32_t)al);
            memcpy(text + len, a, cut);
            len += cut;
        }
        struct skidx_hit *h[3];
        size_t n[3];
        for (int m = 0; m < nm; m++) {
            skidx_match_set_simd(modes[m]);
            h[m] = scan(HENV, text, len, SKIDX_ENGINE_WORDS, &n[m], NULL,
                        NULL);
        }
        for (int m = 1; m < nm; m++) {
            assert_int_equal(n[m], n[0]);
            assert_memory_equal(h[m], h[0], n[0] * sizeof(*h[0]));
        }
        total += check_engines(HENV, text, len); /* best path vs oracle */
        for (int m = 0; m < nm; m++)
            free(h[m]);
    }
    skidx_match_set_simd(0);
    assert_true(total > 10000);
}

/* ---- errors and limits ---- */

static void test_regex_error(void **state)
{
    (void)state;
    static const char sk[] = "A\tx\tfoo\nB\ty\tbar\t/ba(r/\n";
    struct skidx_taxonomy *t = NULL;
    struct skidx_matcher *m = NULL;
    struct skidx_error err;
    skidx_error_clear(&err);
    assert_int_equal(skidx_taxonomy_parse("d", sk, strlen(sk), ROLES,
                                          strlen(ROLES), &t, &err),
                     SKIDX_OK);
    assert_int_equal(skidx_matcher_create(&t->skills, t->n_skills, &m, &err),
                     SKIDX_ERR_TAXONOMY);
    assert_null(m);
    assert_string_equal(err.path, "d/skills.tsv");
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.msg, "ba(r"));
    skidx_taxonomy_free(t);
}

/* Positive regexes behind gate words: the WORDS engine scans them only from
 * each gate word on (windows merged), the ORACLE engine and the gate off
 * over the whole text; check_engines compares all three. */
static const char GATED[] =
    "Degree: CS\tedu\t=/\\b(?:(?i:degree|bachelor'?s?|master\xE2\x80\x99s)|"
    "BS|B\\.S\\.|MSc|Ph\\.D\\.)(?:\\s(?i:degree))?\\s(?i:in|of)\\s"
    "[^;:\\n0-9!?]{0,20}\\b(?:(?i:computer science|informatique|"
    "inform(?:\xC3\xA1|a)tica))\\b/\n"
    "Degree: Math\tedu\t/\\b(?:major|majoring)\\s(?:in\\s)?[^.]{0,10}"
    "\\bmath\\b/\n"
    "Statistics\tx\tstatistics\tdegree\n"
    "Zh\tedu\t/\xE8\xAE\xA1\xE7\xAE\x97\xE6\x9C\xBA[^\\n]{0,30}"
    "\xE7\x9B\xB8\xE5\x85\xB3/\n"
    "Kernel\tx\t/Linux\xE5\x86\x85\xE6\xA0\xB8/\n"
    "STM32\tx\t/\\bstm32[a-z0-9]*\\b/\n"
    "Open end\tx\t/\\b(?:ab|cd)/\n"
    "Word class\tx\t/\\b(?:ef|gh)\\w+/\n"
    "No boundary\tx\t/(?:\\bij|kl)\\s/\n"
    "Unbounded\tx\t/\\bfoo\\s.*bar\\b/\n"
    "Top alternation\tx\t/\\bqq|rr\\b/\n"
    "High in group\tx\t/(?:\xE8\xAE\xA1|abc)def/\n"
    "Short\tx\t/\\b(?:zq|zq\\sin\\scs)\\b/\n";

/* The hits of e's regex aliases in text[0..len) by one Hyperscan scan of
 * the whole text (leftmost start), as skidx scanned them before gates:
 * must equal the matcher's hits of those aliases. Masked spans aside
 * (the texts here have none). */
struct whole {
    struct skidx_hit h[256];
    size_t n;
};

static int whole_hit(unsigned id, unsigned long long from,
                     unsigned long long to, unsigned flags, void *ctx)
{
    struct whole *w = ctx;
    (void)flags;
    assert_true(w->n < 256);
    w->h[w->n++] = (struct skidx_hit){(uint32_t)id, 0, (uint32_t)from,
                                      (uint32_t)to, 0};
    return 0;
}

/* The whole-text database of the env check_whole last saw, compiled once
 * (whole_reset() before that env is freed). */
static struct env *whole_env;
static hs_database_t *whole_db;
static hs_scratch_t *whole_hs;

static void whole_reset(void)
{
    hs_free_scratch(whole_hs);
    hs_free_database(whole_db);
    whole_hs = NULL;
    whole_db = NULL;
    whole_env = NULL;
}

static void check_whole(struct env *e, const char *text, size_t len)
{
    const struct skidx_alias_set *set = &e->tax->skills;
    if (whole_env != e) {
        const char *expr[64];
        unsigned flags[64], ids[64], n = 0;
        for (size_t i = 0; i < set->n && n < 64; i++) {
            const struct skidx_alias *a = &set->a[i];
            if (!(a->flags & SKIDX_ALIAS_REGEX) ||
                (a->flags & SKIDX_ALIAS_NEG))
                continue;
            expr[n] = a->text;
            flags[n] = HS_FLAG_SOM_LEFTMOST |
                       ((a->flags & SKIDX_ALIAS_CASE) ? 0 : HS_FLAG_CASELESS);
            ids[n++] = (unsigned)i;
        }
        whole_reset();
        hs_compile_error_t *ce = NULL;
        assert_int_equal(hs_compile_multi(expr, flags, ids, n, HS_MODE_BLOCK,
                                          NULL, &whole_db, &ce), HS_SUCCESS);
        assert_int_equal(hs_alloc_scratch(whole_db, &whole_hs), HS_SUCCESS);
        whole_env = e;
    }
    struct whole w = {.n = 0};
    assert_int_equal(hs_scan(whole_db, text, (unsigned)len, 0, whole_hs,
                             whole_hit, &w),
                     HS_SUCCESS);
    size_t nm;
    struct skidx_hit *hm = scan(e, text, len, SKIDX_ENGINE_WORDS, &nm, NULL,
                                NULL);
    size_t k = 0;
    for (size_t i = 0; i < nm; i++) {
        if (!(set->a[hm[i].alias].flags & SKIDX_ALIAS_REGEX))
            continue;
        int found = 0;
        for (size_t j = 0; j < w.n && !found; j++)
            found = w.h[j].alias == hm[i].alias &&
                    w.h[j].start == hm[i].start && w.h[j].end == hm[i].end;
        assert_true(found);
        k++;
    }
    assert_int_equal(k, w.n);
    free(hm);
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof(*(a)))

/* `rounds` random texts of tokens and separators (token_text) in
 * text[0..cap), each checked by check_engines() and, when `whole`, by
 * check_whole(): the hits, summed. */
static size_t random_texts(struct env *e, const char *const *tok, size_t ntok,
                           const char *const *sep, size_t nsep,
                           unsigned rounds, char *text, size_t cap, int whole)
{
    size_t hits = 0;
    for (unsigned i = 0; i < rounds; i++) {
        size_t len = token_text(tok, ntok, sep, nsep, text, cap);
        hits += check_engines(e, text, len);
        if (whole)
            check_whole(e, text, len);
    }
    return hits;
}

static void test_gated_regexes(void **state)
{
    (void)state;
    struct env *e = env_new(GATED);
    struct skidx_matcher_stats st;
    skidx_matcher_get_stats(e->m, &st);
    assert_int_equal(st.regexes, 12);
    assert_int_equal(st.gated, 2);    /* Degree: CS, Short */
    /* Degree: Math, around "math"; Unbounded, from "foo" to the end */
    assert_int_equal(st.windowed, 2);
    assert_int_equal(st.high, 2);  /* Zh, Kernel */
    EXPECT(e, "BS in Computer Science", "Degree: CS[0,22)");
    EXPECT(e, "bs in computer science", ""); /* BS is case-sensitive */
    EXPECT(e, "B.S. in Computer Sciences.", "");
    EXPECT(e, "a Ph.D. degree of Inform\xC3\xA1tica",
           "Degree: CS[2,30) Statistics[8,14)");
    EXPECT(e, "master\xE2\x80\x99s in\n\ninformatique", "");
    EXPECT(e, "master\xE2\x80\x99s in informatique!",
           "Degree: CS[0,26)");
    /* the gap: at most 20 bytes, none of ;:\n digits ! ? */
    EXPECT(e, "degree in aaaaaaaaaaaaaaaaaaa computer science",
           "Statistics[0,6) Degree: CS[0,46)");
    EXPECT(e, "degree in aaaaaaaaaaaaaaaaaaaa computer science",
           "Statistics[0,6)");
    EXPECT(e, "degree in 1 computer science", "Statistics[0,6)");
    /* the leftmost start of overlapping matches, across gate words */
    EXPECT(e, "degree in bachelor of computer science",
           "Statistics[0,6) Degree: CS[0,38)");
    /* \b is ASCII: a non-ASCII letter before BS does not glue */
    EXPECT(e, "\xC3\xA9" "BS in computer science", "Degree: CS[2,24)");
    /* a gate word at the end, alone, twice */
    EXPECT(e, "degree", "Statistics[0,6)");
    EXPECT(e, "BS BS", "");
    EXPECT(e, "majoring in applied math, major math",
           "Degree: Math[0,24) Degree: Math[26,36)");
    EXPECT(e, "Linux\xE5\x86\x85\xE6\xA0\xB8", "Kernel[0,11)");
    EXPECT(e, "STM32F4 stm32 ab abc ef efg ij kl ", "STM32[0,7) STM32[8,13) "
           "Open end[14,16) Open end[17,19) Word class[24,27) "
           "No boundary[28,31) No boundary[31,34)");
    /* the longest matches, at every length around the window's; and a
     * gate word cut by a window's end (zq|zqx): a match in the window,
     * not in the text */
    char text[600];
    size_t hits = 0;
    for (size_t k = 0; k < 120; k++) {
        static const char *const pre[] = {"bachelor's degree in ", "zq ",
                                          "BS in "};
        static const char *const post[] = {" computer science",
                                           " computer science!",
                                           " computer sciences", " zqx",
                                           " zq"};
        for (size_t a = 0; a < 3; a++)
            for (size_t b = 0; b < 5; b++) {
                size_t len = (size_t)snprintf(text, sizeof(text), "%s%.*s%s",
                                              pre[a], (int)k,
                                              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                                              post[b]);
                hits += check_engines(e, text, len);
                check_whole(e, text, len);
            }
    }
    assert_true(hits > 500);
    /* a longest match without a second gate word in it */
    struct env *e1 =
        env_new("Long\tx\t/\\b(?:zq|zr)\\s(?:in|on)\\s[a-z ]{0,9}cs\\b/\n");
    skidx_matcher_get_stats(e1->m, &st);
    assert_int_equal(st.gated, 1);
    for (size_t k = 0; k < 20; k++) {
        size_t len = (size_t)snprintf(text, sizeof(text), "zq in %.*s cs!",
                                      (int)k, "aaaaaaaaaaaaaaaaaaaa");
        hits += check_engines(e1, text, len);
        check_whole(e1, text, len);
    }
    EXPECT(e1, "zq in aaaaaaaa cs!", "Long[0,17)");
    whole_reset();
    env_free(e1);
    /* an alternation at the top after the gate word is closed: a match
     * need not start with the word, so the regex has no gate words (it
     * had, and "zw" was found only by the ORACLE engine) */
    e1 = env_new("Alt\tx\t/\\bzq\\b|zw/\n");
    skidx_matcher_get_stats(e1->m, &st);
    assert_int_equal(st.gated, 0);
    EXPECT(e1, "a zw b", "Alt[2,4)");
    EXPECT(e1, "a zq b", "Alt[2,4)");
    check_engines(e1, "zq zw", 5);
    whole_reset();
    env_free(e1);
    /* windows at every distance from each other and from the text's end:
     * random texts of gate words, gap bytes and field names */
    static const char *const tok[] = {
        "degree", "Degree", "BS", "bs", "B.S.", "MSc", "Ph.D.", "bachelor",
        "bachelor's", "bachelors", "master\xE2\x80\x99s", "in", "of", "IN",
        "computer science", "Computer Sciences", "informatique",
        "inform\xC3\xA1tica", "x", "yy", ";", "1", "\n", "!", "\xC3\xA9",
        "major", "majoring", "math", ".", "-", "_", "computer_science"};
    static const char *const sep[] = {" ", " ", " ", "  ", "", "\t"};
    rng_state = 20261204;
    hits = random_texts(e, tok, ARRAY_LEN(tok), sep, ARRAY_LEN(sep),
                        3000, text, sizeof(text), 1);
    assert_true(hits > 3000);
    whole_reset();
    env_free(e);
}

/* The unspaced scripts' database is scanned only on texts that hold one
 * of its lead bytes: 0xE5 or 0xE6 here (of 数据分析 and Linux内核), and
 * 0xE0 once a Thai alias joins. s.regex_scans counts the scans; the
 * hits always equal a whole-text scan's (check_whole). */
static const char UNSPACED[] =
    "Data analysis\tx\t\xE6\x95\xB0\xE6\x8D\xAE\xE5\x88\x86\xE6\x9E\x90\n"
    "Kernel\tx\t/Linux\xE5\x86\x85\xE6\xA0\xB8/\n"
    "Python\tlang\tpython\n";
static const char THAI[] = /* การเขียนโปรแกรม, "programming" */
    "\xE0\xB8\x81\xE0\xB8\xB2\xE0\xB8\xA3\xE0\xB9\x80\xE0\xB8\x82\xE0\xB8"
    "\xB5\xE0\xB8\xA2\xE0\xB8\x99\xE0\xB9\x82\xE0\xB8\x9B\xE0\xB8\xA3\xE0"
    "\xB9\x81\xE0\xB8\x81\xE0\xB8\xA3\xE0\xB8\xA1";

/* Match text with the WORDS engine; the regex scans it took, and in
 * *bytes (when not NULL) the bytes they read. */
static uint64_t scans_of_bytes(struct env *e, const char *text,
                               uint64_t *bytes)
{
    const uint64_t scans = e->s.regex_scans, read = e->s.regex_bytes;
    skidx_match_reset(&e->s);
    assert_int_equal(skidx_match_text(e->m, &e->s, text, strlen(text),
                                      SKIDX_ENGINE_WORDS),
                     SKIDX_OK);
    if (bytes)
        *bytes = e->s.regex_bytes - read;
    return e->s.regex_scans - scans;
}

static uint64_t scans_of(struct env *e, const char *text)
{
    return scans_of_bytes(e, text, NULL);
}

/* A skill whose negative regexes are all written in Chinese (each holds a
 * CJK lead byte in every match) has them scanned only on texts holding
 * one of those lead bytes; a group with one regex of another script is
 * scanned wherever its owner has a hit. Same hits as with every group
 * scanned (check_engines). */
static void test_group_leads(void **state)
{
    (void)state;
    struct env *e = env_new(
        "Doctorate\tx\tPhD\t\xE5\x8D\x9A\xE5\xA3\xAB\t"
        "!/\xE5\x9B\xA2\xE9\x98\x9F[^\\n]{0,20}\xE5\x8D\x9A\xE5\xA3\xAB/\t"
        "!/\xE5\x8D\x9A\xE5\xA3\xAB\xE5\x90\x8E/\n"
        "Monitoring\tx\tmonitoring\t!/\xE8\xA7\x86\xE9\xA2\x91"
        "\xE7\x9B\x91\xE6\x8E\xA7/\t!/(?:patient|clinical) monitoring/\n");
    static const char *const texts[] = {
        "PhD required",
        "\xE5\x8D\x9A\xE5\xA3\xAB\xE5\xAD\xA6\xE5\x8E\x86",  /* 博士学历 */
        "\xE5\x8D\x9A\xE5\xA3\xAB\xE5\x90\x8E PhD",            /* 博士后 PhD */
        "\xE5\x9B\xA2\xE9\x98\x9F\xE7\x94\xB1\xE5\x8D\x9A\xE5\xA3\xAB",
        "caf\xC3\xA9 PhD \xE2\x80\x94 ok",
        "patient monitoring and monitoring",
        "\xE8\xA7\x86\xE9\xA2\x91\xE7\x9B\x91\xE6\x8E\xA7 monitoring"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        check_engines(e, texts[i], strlen(texts[i]));
    EXPECT(e, "PhD required", "Doctorate[0,3)");
    EXPECT(e, "\xE5\x8D\x9A\xE5\xA3\xAB\xE5\x90\x8E PhD",
           "Doctorate[10,13)");
    EXPECT(e, "patient monitoring and monitoring", "Monitoring[23,33)");
    /* an English text: the Chinese negatives are not scanned */
    assert_int_equal(scans_of(e, "PhD required"), 0);
    assert_int_equal(scans_of(e, "caf\xC3\xA9 PhD \xE2\x80\x94 ok"), 0);
    skidx_match_set_regex_gate(0);
    assert_true(scans_of(e, "PhD required") > 0);
    skidx_match_set_regex_gate(1);
    /* a CJK text: scanned */
    assert_true(scans_of(e, "\xE5\x8D\x9A\xE5\xA3\xAB PhD") > 0);
    /* the mixed group: scanned on an English text with its owner's hit */
    assert_true(scans_of(e, "monitoring tools") > 0);
    env_free(e);

    /* a group of a twin (the text of a gated positive regex, found by its
     * scans) and a Chinese negative: the twin is in none of the group's
     * databases, so only the Chinese one's lead byte decides (the
     * default taxonomy's Statistics beside Degree: Statistics) */
    e = env_new(
        "Deg\tx\t/\\b(?:degree|diploma)\\s(?:in|of)\\s[a-z ]{0,20}"
        "stats\\b/\n"
        "Stats\tx\tstats\t!/\\b(?:degree|diploma)\\s(?:in|of)\\s"
        "[a-z ]{0,20}stats\\b/\t"
        "!/\xE7\xBB\x9F\xE8\xAE\xA1[^\\n]{0,20}\xE4\xB8\x93\xE4\xB8\x9A/\n");
    struct skidx_matcher_stats st;
    skidx_matcher_get_stats(e->m, &st);
    assert_int_equal(st.neg_twins, 1);
    static const char *const texts2[] = {
        "stats and more stats",
        "degree in applied stats, stats",
        "\xE7\xBB\x9F\xE8\xAE\xA1\xE5\xAD\xA6\xE4\xB8\x93\xE4\xB8\x9A stats",
        "\xE7\xBB\x9F\xE8\xAE\xA1 stats \xE4\xB8\x93\xE4\xB8\x9A",
        "caf\xC3\xA9 stats \xF0\x9F\x98\x80"};
    for (size_t i = 0; i < sizeof(texts2) / sizeof(texts2[0]); i++)
        check_engines(e, texts2[i], strlen(texts2[i]));
    EXPECT(e, "degree in applied stats, stats", "Deg[0,23) Stats[25,30)");
    EXPECT(e, "\xE7\xBB\x9F\xE8\xAE\xA1 stats \xE4\xB8\x93\xE4\xB8\x9A", "");
    /* an English text with Stats hits and no degree word: no scan */
    assert_int_equal(scans_of(e, "stats and more stats"), 0);
    assert_int_equal(scans_of(e, "caf\xC3\xA9 stats \xF0\x9F\x98\x80"), 0);
    /* a degree word: its gated scan alone */
    assert_int_equal(scans_of(e, "degree in applied stats, stats"), 1);
    /* a CJK text: the Chinese negative is scanned */
    assert_true(scans_of(e, "\xE7\xBB\x9F\xE8\xAE\xA1 stats") > 0);
    env_free(e);
}

static void test_unspaced_gate(void **state)
{
    (void)state;
    struct env *e = env_new(UNSPACED);
    EXPECT(e, "we do \xE6\x95\xB0\xE6\x8D\xAE\xE5\x88\x86\xE6\x9E\x90 daily",
           "Data analysis[6,18)");
    assert_int_equal(scans_of(e, "\xE6\x95\xB0\xE6\x8D\xAE\xE5\x88\x86\xE6"
                                 "\x9E\x90"), 1);
    EXPECT(e, "Linux\xE5\x86\x85\xE6\xA0\xB8 and python",
           "Kernel[0,11) Python[16,22)");
    /* Latin accents, dashes and quotes: no lead byte of the database */
    assert_int_equal(scans_of(e, "caf\xC3\xA9 \xE2\x80\x94 na\xC3\xAFve "
                                 "\xE2\x80\x99python\xE2\x80\x99"), 0);
    /* bytes >= 0xE3 but none of its lead bytes: Hangul, an emoji */
    assert_int_equal(scans_of(e, "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4 "
                                 "\xF0\x9F\x98\x80"), 0);
    /* a lead byte of the database, no match: scanned */
    assert_int_equal(scans_of(e, "\xE6\x97\xA5\xE6\x9C\xAC"), 1);
    assert_int_equal(scans_of(e, "plain ASCII"), 0);
    env_free(e);

    /* a Thai alias: its lead byte 0xE0 is below 0xE3, so texts with any
     * non-ASCII byte are looked at, at every offset and length */
    char sk[512], text[256];
    snprintf(sk, sizeof(sk), "%sThai\tx\t%s\n", UNSPACED, THAI);
    e = env_new(sk);
    assert_int_equal(scans_of(e, "caf\xC3\xA9 \xE2\x80\x94"), 0);
    for (int k = 0; k < 20; k++) {
        int n = snprintf(text, sizeof(text), "%.*s%s%.*s", k,
                         "aaaaaaaaaaaaaaaaaaaa", THAI, k % 9,
                         " \xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9");
        assert_int_equal(scans_of(e, text), 1);
        assert_int_equal(e->s.n_hits, 1);
        assert_int_equal(e->s.hits[0].start, (uint32_t)k);
        check_whole(e, text, (size_t)n);
        /* the same bytes without the Thai lead byte: skipped */
        snprintf(text, sizeof(text), "%.*s\xC3\xA9%.*s", k,
                 "aaaaaaaaaaaaaaaaaaaa", k % 9, "\xE2\x80\x94\xC3\xA9xxxxxx");
        assert_int_equal(scans_of(e, text), 0);
    }
    /* a lead byte (of 分析) at each offset from 0 to 200 of texts of
     * bytes >= 0xE3 that are none (Hangul, an emoji, U+3002) and other
     * non-ASCII bytes, shorter and longer than a vector block, the end
     * included: scanned, and without it not, on every path */
    static const char *const fill[] = {
        "\xED\x95\x9C", "\xF0\x9F\x98\x80", "\xE3\x80\x82",
        "\xE2\x80\x99", "\xC3\xA9", "a", " "};
    int modes[3];
    const int nm = n_modes(modes);
    char big[320];
    rng_state = 1205;
    for (size_t k = 0; k <= 200; k++)
        for (int tail = 0; tail < 3; tail++) {
            size_t n = 0;
            while (n < k) {
                const char *u = fill[rndn(sizeof(fill) / sizeof(*fill))];
                size_t ul = strlen(u);
                if (n + ul > k)
                    u = " ", ul = 1;
                memcpy(big + n, u, ul);
                n += ul;
            }
            const size_t at = n;
            memcpy(big + n, "\xE5\x88\x86\xE6\x9E\x90", 6);
            n += 6;
            for (size_t j = 0; j < (size_t)tail * 37; j++)
                big[n++] = j % 5 ? 'y' : ' ';
            big[n] = '\0';
            for (int mi = 0; mi < nm; mi++) {
                skidx_match_set_simd(modes[mi]);
                if (scans_of(e, big) != 1)
                    fail_msg("mode %d: lead at %zu of %zu not seen",
                             modes[mi], at, n);
                big[at] = ' '; /* 0xE5 gone: 0xE6 still leads */
                if (scans_of(e, big) != 1)
                    fail_msg("mode %d: lead at %zu of %zu not seen",
                             modes[mi], at + 3, n);
                big[at + 3] = ' ';
                if (scans_of(e, big) != 0)
                    fail_msg("mode %d: no lead, %zu bytes: scanned",
                             modes[mi], n);
                big[at] = '\xE5';
                big[at + 3] = '\xE6';
            }
            skidx_match_set_simd(0);
        }
    /* random texts of the scripts around: the same hits as a whole scan */
    static const char *const tok[] = {
        "\xE6\x95\xB0\xE6\x8D\xAE", "\xE5\x88\x86\xE6\x9E\x90", "Linux",
        "\xE5\x86\x85\xE6\xA0\xB8", "\xE0\xB8\x81\xE0\xB8\xB2", THAI,
        "\xC3\xA9", "\xE2\x80\x94", "\xED\x95\x9C", "\xF0\x9F\x98\x80", "x",
        "python", " "};
    rng_state = 20261205;
    for (unsigned i = 0; i < 2000; i++) {
        size_t len = 0, want = 1 + rndn(200);
        while (len < want) {
            const char *t = tok[rndn(sizeof(tok) / sizeof(*tok))];
            if (len + strlen(t) >= sizeof(text))
                break;
            memcpy(text + len, t, strlen(t));
            len += strlen(t);
        }
        check_engines(e, text, len);
        check_whole(e, text, len);
    }
    whole_reset();
    env_free(e);
}

/* Negative regexes of bounded length are scanned only in windows around
 * their owner's positive hits; check_engines compares every text with the
 * gate off (each negative database over the whole text). */
static const char NEGWIN[] =
    "R\tlang\t=R\t!=/\\w\\(R\\)/\t!=/R&D [a-z ]{0,12}team/\n"
    "Ops\tx\tops\t!/\\bdev ops\\b/\t!/\\bops\\s.*\\bend\\b/\n"
    "Long\tx\t/foo[a-z]{0,30}bar/\t!/oba/\t!/o foo/\n"
    "Python\tlang\tpython\n";

static void test_negative_windows(void **state)
{
    (void)state;
    struct env *e = env_new(NEGWIN);
    struct skidx_matcher_stats st;
    skidx_matcher_get_stats(e->m, &st);
    assert_int_equal(st.neg_groups, 3);
    assert_int_equal(st.neg_windowed, 3); /* Ops: one of its two */
    EXPECT(e, "Skills: R, Python", "R[8,9) Python[11,17)");
    EXPECT(e, "Foo(R) and R", "R[11,12)");
    EXPECT(e, "our R&D analytics team uses R", "R[28,29)");
    EXPECT(e, "our R&D analytics data team, R", "R[4,5) R[29,30)");
    EXPECT(e, "dev ops, ops", "Ops[9,12)");
    EXPECT(e, "ops to the very end", "");
    EXPECT(e, "foobar fooxbar", "Long[0,6) Long[7,14)");
    EXPECT(e, "do foo foobar", "Long[7,13)");
    /* no negative scan without a positive hit (the one scan is Long's
     * positive regex, on every text); a window per hit far apart */
    const uint64_t base = scans_of(e, "python only");
    assert_int_equal(base, 1);
    assert_int_equal(scans_of(e, "R"), base + 1);
    char text[640];
    memset(text, 'x', sizeof(text));
    memcpy(text, "R ", 2);
    memcpy(text + 300, " R ", 3);
    memcpy(text + 600, " R", 3);
    assert_int_equal(scans_of(e, text), base + 3);
    /* random texts: hits at every distance from each other and the ends */
    static const char *const tok[] = {
        "R", "(R)", "x(R)", "R&D", "team", "analytics", "dev", "ops", "end",
        "foo", "bar", "oba", "o", "zz", "python", "(", ")", "&"};
    static const char *const sep[] = {" ", " ", "", "\n", "-"};
    rng_state = 20261206;
    size_t hits = random_texts(e, tok, ARRAY_LEN(tok), sep, ARRAY_LEN(sep),
                               3000, text, sizeof(text), 0);
    assert_true(hits > 3000);
    env_free(e);
    /* only unbounded negatives: none windowed */
    e = env_new("Ops\tx\tops\t!/\\bops\\s.*\\bend\\b/\n");
    skidx_matcher_get_stats(e->m, &st);
    assert_int_equal(st.neg_groups, 1);
    assert_int_equal(st.neg_windowed, 0);
    EXPECT(e, "ops to the very end", "");
    env_free(e);
}

/* Positive regexes scanned only around a whole word every match holds
 * (Storm, Air, Doc), or only on texts holding a literal run every match
 * holds (STM32: "32"), or from gate words read through classes (Opt:
 * optimise, optimize, ...); a negative regex only from its gate words
 * near its skill's hits. check_engines compares them with the ORACLE
 * engine and the gate off (whole texts), check_whole with one scan. */
static const char REQ[] =
    "Storm\tx\t=/[,\\/] ?Storm ?[,\\/]/\n"
    "Air\tx\t/[,:\\/] ?airflow\\b/\n"
    "Doc\tx\t/\\b(?:analy[sz]e|design)(?:,\\s[a-z]{3,15}){0,3},?\\s"
    "(?:and\\s)?document\\b/\n"
    "STM32\tx\t/\\bstm32[a-z0-9]{0,40}\\b/\n"
    "Opt\tx\t/\\boptimi[sz](?:e|ed)\\s(?:code|queries)\\b/\n"
    "Stat\tx\tstatistics\tdegree\t!/\\b(?:degree|diploma)\\s(?:in|of)\\s"
    "[^;\\n]{0,30}\\bstatistics\\b/\n"
    "Dip\tx\tdiploma\n";

/* Unbounded negatives whose only unbounded parts are \s, \w or a class
 * of either's bytes repeated: on a text with no run of white-space or
 * word bytes longer than 30 their bounded forms are scanned around the
 * owner's hits; on other texts (a longer run at any distance) the
 * regexes as written over the whole text. check_engines compares with
 * the gate off (every group, as written, over the whole text). */
static uint64_t bytes_of(struct env *e, const char *text);

static void test_negative_runs(void **state)
{
    (void)state;
    struct env *e = env_new(
        "Ms\tx\t=MS\t!=/\\bMS\\s+(?:Excel|Word)\\b/\n"
        "Rep\tx\treporting\t!/\\breporting (?:and [a-z]+ )?(?:team|unit)\\b/\n"
        "Ray\tx\t=Ray\t!=/\\bRay (?:[A-Z][a-z])[a-z]*/\n"
        "Ai\tx\t=AI\t!=/\\bcompany in [\\w-]+ AI\\b/\t"
        "!=/\\bAI\\s*\\w*\\s*lab\\b/\n"
        /* bounded, too large for Hyperscan: scanned as written */
        "Zz\tx\tzz\t!/\\bzz (?:[a-z]+ ){0,5}[a-z]+ yy/\n"
        /* narrow enough to bound, but the bounded form too large for
         * Hyperscan: the group's regexes as written (and the bounded
         * forms freed) */
        "Nw\tx\tnetworking\t"
        "!/\\bnetworking(?:,\\s[A-Za-z]+){0,4},?\\s(?:and\\s)?[A-Za-z]+"
        "\\steams\\b/\n");
    struct skidx_matcher_stats st;
    skidx_matcher_get_stats(e->m, &st);
    assert_int_equal(st.neg_groups, 6);
    assert_int_equal(st.neg_windowed, 4);
    EXPECT(e, "zz a b c d e f yy zz", "Zz[18,20)");
    EXPECT(e, "the networking, security, QA and data teams; networking",
           "Nw[45,55)");
    EXPECT(e, "MS Excel, MS  \t Word, MS", "Ms[22,24)");
    EXPECT(e, "reporting and finance team; reporting", "Rep[28,37)");
    EXPECT(e, "Ray Dalio, Ray", "Ray[11,14)");
    EXPECT(e, "a company in x-y AI, AI  research lab, AI", "Ai[39,41)");
    char text[700];
    /* a run of 40 blanks: the regex as written, over the whole text */
    size_t n = (size_t)snprintf(text, sizeof(text), "MS%40sWord, MS", "");
    assert_int_equal(bytes_of(e, text), n);
    EXPECT(e, text, "Ms[48,50)");
    n = (size_t)snprintf(text, sizeof(text), "MS%29sWord%s", "",
                         " x x x x x x x x x x x x x x x x x x x x x x x x");
    assert_int_equal(scans_of(e, text), 1);
    assert_true(bytes_of(e, text) < n / 2); /* a window */
    EXPECT(e, text, "");
    n = (size_t)snprintf(text, sizeof(text), "Ray Ab%s", /* 40 letters */
                         "cdefghijklmnopqrstuvwxyzabcdefghijklmn Ray");
    assert_int_equal(bytes_of(e, text), n);
    EXPECT(e, text, "Ray[45,48)");
    /* a run of 29 to 33 blanks across a 64-byte block's edge */
    for (int off = 0; off < 64; off++)
        for (int run = 29; run <= 33; run++) {
            n = (size_t)snprintf(text, sizeof(text), "%.*sMS%*sWord, MS",
                                 off, "x x x x x x x x x x x x x x x x x x x x"
                                      " x x x x x x x x x x x x x x x x x x x x"
                                      " x x x x x x x x x x x x",
                                 run, "");
            check_engines(e, text, n);
        }
    /* random texts: runs of every length around 30 at every distance */
    static const char *const tok[] = {
        "MS", "Excel", "Word", "reporting", "and", "finance", "team", "unit",
        "Ray", "Rays", "Dalio", "company", "in", "x-y", "AI", "lab",
        "                              ", "                             ",
        "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t", "abcdefghijklmnopqrstuvwxyzabcd",
        "abcdefghijklmnopqrstuvwxyzabc", "Q", ".", ",", "\n", "zz", "yy"};
    static const char *const sep[] = {" ", " ", "", "\n", "  ", "\t"};
    rng_state = 20261218;
    size_t hits = random_texts(e, tok, ARRAY_LEN(tok), sep, ARRAY_LEN(sep),
                               3000, text, sizeof(text), 0);
    assert_true(hits > 3000);
    env_free(e);
}

static void test_required_words(void **state)
{
    (void)state;
    struct env *e = env_new(REQ);
    struct skidx_matcher_stats st;
    skidx_matcher_get_stats(e->m, &st);
    assert_int_equal(st.windowed, 3); /* Storm, Air, Doc */
    assert_int_equal(st.lit, 1);      /* STM32 */
    assert_int_equal(st.gated, 1);    /* Opt */
    assert_int_equal(st.neg_gated, 1);
    /* the word once, at the text's start or end, and twice */
    EXPECT(e, "Storm/,Storm,", "Storm[6,13)");
    EXPECT(e, "a,Storm,", "Storm[1,8)");
    EXPECT(e, ",Storm", "");
    EXPECT(e, ",STORM,", ""); /* case-sensitive: the gate word is not */
    EXPECT(e, ":airflow", "Air[0,8)");
    EXPECT(e, "x: airflow", "Air[1,10)");
    EXPECT(e, "airflow, airflow", "Air[7,16)");
    EXPECT(e, "x:airflowy", "");
    /* a full-width comma, folded: the hit in the text's own offsets */
    EXPECT(e, "\xEF\xBC\x8C" "airflow", "Air[0,10)");
    EXPECT(e, "analyze, design, document", "Doc[0,25)");
    EXPECT(e, "design document, analyse and document", "Doc[0,15) Doc[17,37)");
    EXPECT(e, "document design", "");
    EXPECT(e, "STM32F4 and stm32, 32", "STM32[0,7) STM32[12,17)");
    EXPECT(e, "Stm32x", "STM32[0,6)");
    EXPECT(e, "optimised code, Optimize queries", "Opt[0,14) Opt[16,32)");
    /* the negative hides both of Stat's hits inside it */
    EXPECT(e, "degree in applied statistics", "");
    EXPECT(e, "diploma in statistics", "Dip[0,7)");
    EXPECT(e, "statistics degree", "Stat[0,10) Stat[11,17)");
    /* no scan without the word, the run or a gate word; one per window;
     * a negative scan only from a gate word before the skill's hit */
    assert_int_equal(scans_of(e, "python only, storms, x3 2"), 0);
    assert_int_equal(scans_of(e, "a,Storm,"), 1);
    assert_int_equal(scans_of(e, "a,Storm, and ,Storm,"), 1); /* merged */
    char text[640];
    memset(text, ' ', sizeof(text));
    memcpy(text, ",Storm, ", 8);
    memcpy(text + 300, " ,Storm, ", 9);
    text[sizeof(text) - 1] = '\0';
    assert_int_equal(scans_of(e, text), 2);
    assert_int_equal(scans_of(e, "stm32"), 1);
    assert_int_equal(scans_of(e, "statistics and a diploma"), 0);
    assert_int_equal(scans_of(e, "diploma in statistics"), 1);
    /* the word only inside a masked span (a URL): found, then masked */
    check_engines(e, "see https://ex.com/a/airflow/x/y.html now", 41);
    /* random texts: words at every distance from each other and the ends */
    static const char *const tok[] = {
        "Storm", "storm", "STORM", ",", "x/", ":", "airflow", "Airflow",
        "analyze", "analyse", "design", "document", "and", "stm32", "STM32f4",
        "32", "optimise", "optimized", "code", "queries", "degree",
        "diploma", "in", "statistics", ";", "x", "xairflow"};
    /* a '/' only after a letter: no path, which would be masked (the
     * whole-text scan knows no masks) */
    static const char *const sep[] = {" ", " ", "", ",", "\n", ", "};
    rng_state = 20261207;
    size_t hits = random_texts(e, tok, ARRAY_LEN(tok), sep, ARRAY_LEN(sep),
                               3000, text, sizeof(text), 1);
    assert_true(hits > 3000);
    whole_reset();
    env_free(e);
    /* no whole word: the run at the regex's start, or a word byte beside
     * it; anchors: none is windowed, each is scanned on every text */
    static const char *const every[] = {
        "A\tx\t/Storm ?,/\n", "A\tx\t/,Storm\\w/\n", "A\tx\t/,Storm,$/\n",
        "A\tx\t/,Storm[,a]/\n", "A\tx\t/(?:,|a)Storm,/\n",
        "A\tx\t/(?:, ?|a ?)Storm,/\n", "A\tx\t/,(?:Storm| ?)Storm,/\n"};
    for (size_t i = 0; i < sizeof(every) / sizeof(*every); i++) {
        e = env_new(every[i]);
        skidx_matcher_get_stats(e->m, &st);
        assert_int_equal(st.windowed + st.lit + st.gated, 0);
        env_free(e);
    }
    /* a group whose alternatives end with an optional byte after a
     * non-word one (`, ?`): the word after it is still whole */
    e = env_new("Asm\tx\t=/\\b(?:C|C\\+\\+|Java)(?:, ?| and | or |\\/)"
                "Assembly\\b/\n"
                "Ada\tx\t=/\\bAda(?:, ?| and |\\/)(?:Fortran|C)\\b/\n");
    skidx_matcher_get_stats(e->m, &st);
    assert_int_equal(st.windowed, 2);
    EXPECT(e, "C, Assembly and Ada,C", "Asm[0,11) Ada[16,21)");
    EXPECT(e, "Java/Assembly, C,Assembly", "Asm[0,13) Asm[15,25)");
    EXPECT(e, "C ,Assembly", "");
    EXPECT(e, "C,  Assembly", "");
    assert_int_equal(scans_of(e, "C, Java and C++"), 0);
    static const char *const tok3[] = {"C", "C++", "Java", "Assembly",
                                       "assembly", "Ada", "Fortran", "and",
                                       "or", "x", "Assemblyx", "Adas"};
    static const char *const sep3[] = {" ", ", ", ",", "/", " and ", "",
                                       "  "};
    rng_state = 20261208;
    hits += random_texts(e, tok3, ARRAY_LEN(tok3), sep3, ARRAY_LEN(sep3),
                         3000, text, 300, 1);
    whole_reset();
    env_free(e);
    /* a negative whose gate word no literal alias has is windowed */
    e = env_new("Stat\tx\tstatistics\t!/\\bwith\\s[a-z]{0,9}\\s?statistics/\n");
    skidx_matcher_get_stats(e->m, &st);
    assert_int_equal(st.neg_gated, 0);
    assert_int_equal(st.neg_windowed, 1);
    EXPECT(e, "with the statistics", "");
    env_free(e);
    /* a negative of a gated positive regex's text: found by its scans */
    e = env_new("Deg\tx\t/\\b(?:degree|diploma)\\s(?:in|of)\\s[a-z ]{0,20}"
                "stats\\b/\n"
                "Stats\tx\tstats\t!/\\b(?:degree|diploma)\\s(?:in|of)\\s"
                "[a-z ]{0,20}stats\\b/\n");
    skidx_matcher_get_stats(e->m, &st);
    assert_int_equal(st.neg_twins, 1);
    assert_int_equal(st.neg_gated + st.neg_windowed, 0);
    EXPECT(e, "degree in applied stats, stats", "Deg[0,23) Stats[25,30)");
    assert_int_equal(scans_of(e, "degree in stats"), 1);
    static const char *const tok2[] = {"degree", "in", "stats", "a", "x",
                                       "diploma", "of", "xstats"};
    static const char *const sep2[] = {" ", " ", "", ",", "\n"};
    hits += random_texts(e, tok2, ARRAY_LEN(tok2), sep2, ARRAY_LEN(sep2),
                         2000, text, 200, 0);
    env_free(e);
}

/* Positive regexes with a whole word or gate words whose matches are
 * unbounded (a [a-z]+ or \S+ between words): scanned only on the texts
 * holding one of those words, over the text from the gate word on (Prod)
 * or from the text's start to the word's window end (Pipe) or over the
 * whole text (Val: unbounded after the word); an anchored one on every
 * text. check_engines compares them with the ORACLE engine and the gate
 * off, check_whole with one scan. */
static const char WIDE[] =
    "Val\tx\t/\\bvalidation\\sof\\s(?:[a-z]+\\s){0,2}models\\b/\n"
    "Prod\tx\t/\\bproductioni[sz](?:e|es|ed|ing)\\s(?:[a-z]+\\s){0,2}"
    "models\\b/\n"
    "Opt\tx\t/\\boptimierst\\s(?:\\S+\\s){0,3}Prozesse\\b/\n"
    "Pipe\tx\t/[a-z]+ing\\s+pipelines\\b/\n"
    "Py\tx\tpython\n";

static void test_wide_words(void **state)
{
    (void)state;
    struct env *e = env_new(WIDE);
    struct skidx_matcher_stats st;
    skidx_matcher_get_stats(e->m, &st);
    assert_int_equal(st.windowed, 4);
    assert_int_equal(st.gated + st.lit + st.high, 0);
    EXPECT(e, "validation of our  models", "");
    EXPECT(e, "validation of our new models", "Val[0,28)");
    EXPECT(e, "x validation of models, productionized ml models",
           "Val[2,22) Prod[24,48)");
    EXPECT(e, "Productionising supercalifragilisticexpialidocious models",
           "Prod[0,57)");
    EXPECT(e, "optimierst du die Prozesse", "Opt[0,26)");
    EXPECT(e, "we do building  pipelines and python", "Pipe[6,25) Py[30,36)");
    /* no scan without one of the words; one scan, from the first word */
    assert_int_equal(scans_of(e, "python only, models, pipeline"), 0);
    uint64_t bytes;
    assert_int_equal(scans_of_bytes(e, "our productionized models", &bytes),
                     1);
    assert_int_equal(bytes, 21);
    assert_int_equal(scans_of_bytes(e, "a pipelines b", &bytes), 1);
    assert_int_equal(bytes, 11);
    /* a window only where a lead word of its regex starts a match: Val's
     * "validation" must be followed by " of " */
    assert_int_equal(scans_of(e, "validation models, validation"), 0);
    assert_int_equal(scans_of(e, "validation of models, validation of"), 1);
    static const char *const tok[] = {
        "validation", "Validation", "of", "models", "Models", "our", "new",
        "productionize", "productionised", "productionizing", "ml",
        "optimierst", "die", "Prozesse", "a-b", "building", "pipelines",
        "pipeline", "python", "x", "xmodels", "ofx"};
    static const char *const sep[] = {" ", " ", "", ",", "\n", "  "};
    char text[640];
    rng_state = 20261217;
    size_t hits = random_texts(e, tok, ARRAY_LEN(tok), sep, ARRAY_LEN(sep),
                               3000, text, sizeof(text), 1);
    assert_true(hits > 3000);
    whole_reset();
    env_free(e);
    /* the leads before the window's word: a verb, maybe a list after
     * it, then "document" */
    e = env_new("Doc\tx\t/\\b(?:design|test|build)(?:,\\s[a-z]{3,15}){0,3},?"
                "\\s(?:and\\s)?document\\b/\n"
                "Req\tx\t/\\b(?:gather|define)s?\\s(?:(?:the|user)\\s){0,2}"
                "requirements\\b/\n"
                "Req2\tx\t/\\brequirements,?\\s(?:and|then)\\s(?:map|turn)"
                "\\s(?:them|it)\\b/\n");
    skidx_matcher_get_stats(e->m, &st);
    assert_int_equal(st.windowed, 3);
    EXPECT(e, "design, build and document", "Doc[0,26)");
    EXPECT(e, "Test document", "Doc[0,13)");
    EXPECT(e, "gather the user requirements and map them",
           "Req[0,28) Req2[16,41)");
    assert_int_equal(scans_of(e, "we document it"), 0);
    assert_int_equal(scans_of(e, "design the document"), 0);
    assert_int_equal(scans_of(e, "design, then document"), 1);
    assert_int_equal(scans_of(e, "the requirements are"), 0);
    assert_int_equal(scans_of(e, "define requirements"), 1);
    assert_int_equal(scans_of(e, "requirements, then map"), 1);
    static const char *const tok2[] = {
        "design", "Design", "test", "tests", "build", "and", "document",
        "documents", "the", "user", "gather", "gathers", "define",
        "requirements", "then", "map", "turn", "them", "it", "xdesign",
        "a-b", "verylongwordindeed"};
    static const char *const sep2[] = {" ", " ", ", ", ",", "\n", "  ", ""};
    rng_state = 20261206;
    hits = random_texts(e, tok2, ARRAY_LEN(tok2), sep2, ARRAY_LEN(sep2), 3000,
                        text, sizeof(text), 1);
    assert_true(hits > 500);
    whole_reset();
    env_free(e);
    /* anchored: scanned on every text */
    e = env_new("A\tx\t/^\\s*validation\\s(?:[a-z]+\\s)*models\\b/\n"
                "B\tx\t/\\bvalidation\\s(?:[a-z]+\\s)*models\\b$/\n");
    skidx_matcher_get_stats(e->m, &st);
    assert_int_equal(st.windowed + st.gated + st.lit, 0);
    assert_int_equal(scans_of(e, "python"), 1);
    env_free(e);
}

static uint64_t bytes_of(struct env *e, const char *text)
{
    uint64_t bytes;
    (void)scans_of_bytes(e, text, &bytes);
    return bytes;
}

/* The gated regexes in classes of the same gate words: a word is scanned
 * for its own classes only, each over that class's longest match; a word
 * of two classes (MS) for both. Past 24 classes the last takes the rest.
 * check_engines compares them with every word start and every class (the
 * ORACLE engine, the gate off), check_whole with one whole-text scan. */
static void test_gate_classes(void **state)
{
    (void)state;
    struct env *e = env_new(
        "Deg\tx\t/\\b(?:degree|MS)\\s(?:in|of)\\s[a-z ]{0,80}stats\\b/\n"
        "Deg2\tx\t/\\b(?:degree|MS)\\s(?:in|of)\\s[a-z ]{0,9}maths\\b/\n"
        "Opt\tx\t/\\boptimi[sz](?:e|ed)\\s(?:code|queries)\\b/\n"
        "Ms\tx\t=/\\b(?:MS|MSFT)\\s(?:Excel|Word)\\b/\n");
    struct skidx_matcher_stats st;
    skidx_matcher_get_stats(e->m, &st);
    assert_int_equal(st.gated, 4);
    EXPECT(e, "MS in stats, MS Word, optimized queries",
           "Deg[0,11) Ms[13,20) Opt[22,39)");
    EXPECT(e, "degree in maths and stats", "Deg2[0,15) Deg[0,25)");
    /* one scan from the verb, over Opt's longest match and a byte, not
     * the degree regexes' 90 */
    char text[700];
    memset(text, ' ', sizeof(text));
    memcpy(text, "optimised code", 14);
    text[300] = '\0';
    assert_int_equal(scans_of(e, text), 1);
    assert_true(bytes_of(e, text) <= 20);
    /* MS gates both classes; the bytes after it (follow filters) rule
     * out one of them */
    assert_int_equal(scans_of(e, "MS in stats"), 1);
    assert_int_equal(scans_of(e, "MS Word"), 1);
    assert_int_equal(scans_of(e, "degree in stats"), 1);
    static const char *const tok[] = {
        "MS", "ms", "degree", "in", "of", "stats", "maths", "a", "bb",
        "optimised", "optimize", "optimized", "code", "queries", "Excel",
        "Word", "xstats", ",", "1", "MSFT"};
    static const char *const sep[] = {" ", " ", "", "\n", "  "};
    rng_state = 20261209;
    size_t hits = random_texts(e, tok, ARRAY_LEN(tok), sep, ARRAY_LEN(sep),
                               3000, text, 400, 1);
    assert_true(hits > 1000);
    whole_reset();
    env_free(e);
    /* 30 sets of gate words: classes 23.. share a database */
    char sk[4096];
    size_t n = 0;
    for (int k = 0; k < 30; k++)
        n += (size_t)snprintf(sk + n, sizeof(sk) - n,
                              "G%d\tx\t/\\bg%c(?:x|y)\\s(?:z|zz%c)\\b/\n", k,
                              'a' + k % 26, 'a' + k / 26);
    e = env_new(sk);
    skidx_matcher_get_stats(e->m, &st);
    assert_int_equal(st.gated, 30);
    EXPECT(e, "gax z gzy zza gxx zza",
           "G0[0,5) G26[0,5) G25[6,13) G23[14,21)");
    static const char *const tok2[] = {"gax", "gay", "gbx", "gwy", "gxx",
                                       "gyy", "gzx", "gzy", "z", "zza",
                                       "zzb", "q"};
    hits += random_texts(e, tok2, ARRAY_LEN(tok2), sep, ARRAY_LEN(sep),
                         3000, text, 300, 1);
    whole_reset();
    env_free(e);
}

/* Follow filters: a gated class is scanned from a gate word only where
 * the bytes after the word begin one of the strings a match of the class
 * can continue with (its first 8 bytes, letters caseless, white space as
 * one): optional parts, classes of a few bytes, a non-ASCII apostrophe,
 * a repeat or a wide class ending the strings, words with no byte after
 * them in some match (never filtered). check_engines compares with every word
 * start and every class (ORACLE, the gate off), check_whole with one
 * whole-text scan. */
static void test_follow_filters(void **state)
{
    (void)state;
    struct env *e = env_new(
        "Deg\tx\t/\\b(?:degree|bachelor'?s?|bachelor\xE2\x80\x99s|MS|M\\.Sc\\.)"
        "(?:\\s(?i:degree|diploma))?\\s(?:in|of)\\s[^;\\n]{0,20}\\b(?:stats|maths)\\b/\n"
        "Ana\tx\t/\\banaly[sz](?:e|es|ing)\\s(?:and\\s)?(?:large|raw)\\s"
        "[a-z]{0,9}\\s?(?:data|sets)\\b/\n"
        "Opt\tx\t=/\\boptimi[sz]e\\s(?:my\\s)?q{0,3}ueries/\n"
        "End\tx\t/\\b(?:tune|tuning)\\b(?:\\sup)?/\n"
        "Dig\tx\t/\\b(?:zz|zy)\\b\\s?\\d/\n");
    struct skidx_matcher_stats st;
    skidx_matcher_get_stats(e->m, &st);
    assert_int_equal(st.gated, 5);
    EXPECT(e, "MS in stats, Bachelor's Degree of stats",
           "Deg[0,11) Deg[13,39)");
    EXPECT(e, "analyse raw x data; analyzes and LARGE\tdata",
           "Ana[0,18) Ana[20,43)");
    EXPECT(e, "optimize  queries, optimize queries", "Opt[19,35)");
    EXPECT(e, "tune, tuning", "End[0,4) End[6,12)");
    EXPECT(e, "zz 1 zy 2, zz3", "Dig[0,4) Dig[5,9)");
    /* no scan where the bytes after the word begin no match */
    assert_int_equal(scans_of(e, "a degree or two, MS Office, M.Sc. x"), 0);
    assert_int_equal(scans_of(e, "analysed data; analyze it"), 0);
    assert_int_equal(scans_of(e, "optimise\tqueries"), 1);
    assert_int_equal(scans_of(e, "optimise-code"), 0);
    assert_int_equal(scans_of(e, "optimise code"), 0); /* q{0,3}: q, u */
    assert_int_equal(scans_of(e, "optimise qqq"), 1);
    assert_int_equal(scans_of(e, "bachelor\xE2\x80\x99s in x"), 1);
    assert_int_equal(scans_of(e, "degree\nDIPLOMA"), 1);
    assert_int_equal(scans_of(e, "degree diplom"), 0); /* the text ends */
    /* unfiltered: words a match may end with */
    assert_int_equal(scans_of(e, "tune it"), 1);
    assert_int_equal(scans_of(e, "zz top"), 1);
    static const char *const tok[] = {
        "degree", "Degree", "bachelor", "bachelor's", "bachelors",
        "bachelor\xE2\x80\x99s", "bachelor'", "MS", "M.Sc.", "M.Sc", "ms",
        "diploma", "DIPLOMA", "in", "of", "stats", "analyse", "analyze",
        "analyzes", "analysing", "and", "large", "raw", "data", "optimise",
        "optimize", "queries", "ueries", "my", "tune", "tuning", "up", "zz",
        "zy", "1", "x",
        ";", "\n", "\t", "'", "s"};
    static const char *const sep[] = {" ", " ", " ", "", "\t", "  ", "\n"};
    char text[400];
    rng_state = 20261205;
    size_t hits = random_texts(e, tok, ARRAY_LEN(tok), sep, ARRAY_LEN(sep),
                               4000, text, sizeof(text), 1);
    assert_true(hits > 1000);
    whole_reset();
    env_free(e);
}

static void test_stats_and_reset(void **state)
{
    (void)state;
    struct env *e = HENV;
    struct skidx_matcher_stats st;
    skidx_matcher_get_stats(e->m, &st);
    assert_int_equal(st.regexes, 2);
    assert_int_equal(st.negatives, 4);
    assert_int_equal(st.literals, e->tax->skills.n - 2);
    assert_true(st.hs_bytes > 0);
    /* hits accumulate across texts until reset; owners stay distinct */
    skidx_match_reset(&e->s);
    assert_int_equal(skidx_match_text(e->m, &e->s, "python", 6,
                                      SKIDX_ENGINE_WORDS), SKIDX_OK);
    assert_int_equal(skidx_match_text(e->m, &e->s, "Python java", 11,
                                      SKIDX_ENGINE_WORDS), SKIDX_OK);
    assert_int_equal(e->s.n_hits, 3);
    assert_int_equal(e->s.n_owners, 2);
    skidx_match_reset(&e->s);
    assert_int_equal(e->s.n_hits, 0);
    assert_int_equal(e->s.n_owners, 0);
    assert_int_equal(skidx_match_text(e->m, &e->s, "python", 6,
                                      SKIDX_ENGINE_ORACLE), SKIDX_OK);
    assert_int_equal(e->s.n_owners, 1);
}

/* ---- optional: the default taxonomy on the sample corpus ---- */

/* The oracle takes about 0.2 s a posting with the 15,000 aliases of the
 * default taxonomy: every CORPUS_STRIDE-th line of the sample is compared
 * (60 of 2,400), every QUICK_STRIDE-th under SKIDX_TEST_QUICK=1 (the
 * sanitizer run). */
#define CORPUS_STRIDE 40
#define QUICK_STRIDE 160

static size_t corpus_dir(struct env *e, const char *dir, size_t *hits);

static void test_engines_corpus(void **state)
{
    (void)state;
    struct skidx_taxonomy *t = NULL;
    struct skidx_error err;
    skidx_error_clear(&err);
    /* the default taxonomy when it is there, else the end-to-end one */
    int is_default =
        !skidx_taxonomy_load(SKIDX_SOURCE_DIR "/taxonomy", &t, &err);
    if (!is_default &&
        skidx_taxonomy_load(SKIDX_SOURCE_DIR "/tests/e2e/taxonomy", &t,
                            &err)) {
        skip();
        return;
    }
    struct env e;
    memset(&e, 0, sizeof(e));
    e.tax = t;
    assert_int_equal(skidx_matcher_create(&t->skills, t->n_skills, &e.m, &err),
                     SKIDX_OK);
    assert_int_equal(skidx_match_scratch_init(&e.s, e.m), SKIDX_OK);
    e.s.sort_hits = 1;
    size_t hits = 0;
    size_t lines = corpus_dir(&e, SKIDX_SOURCE_DIR "/corpora/sample", &hits) +
                   corpus_dir(&e, SKIDX_SOURCE_DIR "/tests/e2e/corpus", &hits);
    /* The word filter lets few words through to a table probe: with the
     * default taxonomy (15,000 single keys, 25,000 pairs) a filter of one
     * bit a key in 256 Kbit passed 27 % of these words, most of them
     * falsely; the blocked filter passes under 10 % (8.9 %; with
     * taxonomy 2026.12.10 10.0 % in 512 Kbit, 7.7 % in 2 Mbit). */
    const uint64_t words = e.s.words, probes = e.s.probes;
    /* Two properties of the default taxonomy that its regexes can take
     * away unnoticed, each worth 6-15 % of the instructions of indexing
     * the generated corpus (taxonomy 2026.12.13 lost both for a while):
     * every word window reaches a bounded way back (a repeat such as
     * "[ ,/]+" before the window's word reaches to the text's start and
     * turns off passing over the sections that do not count: skip_ok);
     * and the non-ASCII database is gated by CJK, kana or Hangul lead
     * bytes only (a regex that needs "é" outside a group puts 0xC3 in
     * the gate, and the database is scanned on every text with an
     * accent). */
    struct skidx_matcher_stats ms;
    skidx_matcher_get_stats(e.m, &ms);
    if (is_default) {
        assert_true(ms.skip_ok);
        if (ms.high_leads & SKIDX_LEADS_BELOW_CJK)
            fail_msg("the non-ASCII database is gated by lead bytes below "
                     "0xE3 (%016llx): a positive regex needs a Latin, Greek "
                     "or Cyrillic character outside a group",
                     (unsigned long long)ms.high_leads);
    }
    skidx_match_scratch_release(&e.s);
    skidx_matcher_free(e.m);
    skidx_taxonomy_free(t);
    if (!lines)
        skip();
    assert_true(hits > lines);
    print_message("word filter: %llu of %llu words probed (%.1f %%)\n",
                  (unsigned long long)probes, (unsigned long long)words,
                  words ? 100.0 * (double)probes / (double)words : 0.0);
    if (is_default)
        assert_true(probes * 10 < words);
}

/* WORDS == ORACLE on every line of every *.jsonl(.zst) shard in dir (each
 * whole JSON line is a text, escapes and all). Returns the lines. */
static size_t corpus_dir(struct env *e, const char *dir, size_t *hits)
{
    DIR *d = opendir(dir);
    size_t lines = 0;
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            size_t nl = strlen(de->d_name);
            int zst = nl > 10 && !strcmp(de->d_name + nl - 10, ".jsonl.zst");
            if (!zst && !(nl > 6 && !strcmp(de->d_name + nl - 6, ".jsonl")))
                continue;
            char path[1024];
            snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
            FILE *fp = fopen(path, "rb");
            assert_non_null(fp);
            fseek(fp, 0, SEEK_END);
            long sz = ftell(fp);
            fseek(fp, 0, SEEK_SET);
            char *z = malloc((size_t)sz + 1);
            assert_non_null(z);
            assert_int_equal(fread(z, 1, (size_t)sz, fp), (size_t)sz);
            fclose(fp);
            /* stream-decompress the whole shard */
            ZSTD_DStream *ds = ZSTD_createDStream();
            size_t cap = 1 << 20, used = 0;
            char *raw = malloc(cap);
            assert_true(ds && raw);
            ZSTD_inBuffer in = {z, (size_t)sz, 0};
            if (!zst) {
                raw = realloc(raw, (size_t)sz + 1);
                assert_non_null(raw);
                memcpy(raw, z, (size_t)sz);
                used = (size_t)sz;
                in.pos = in.size;
            }
            while (in.pos < in.size) {
                if (cap - used < (1 << 17)) {
                    cap *= 2;
                    raw = realloc(raw, cap);
                    assert_non_null(raw);
                }
                ZSTD_outBuffer out = {raw + used, cap - used, 0};
                size_t r = ZSTD_decompressStream(ds, &out, &in);
                assert_false(ZSTD_isError(r));
                used += out.pos;
            }
            ZSTD_freeDStream(ds);
            free(z);
            /* each whole JSON line is a text: escapes and all; every
             * stride-th line, as the oracle is slow by design (the CLI test
             * compares the engines' indexes on more postings) */
            const char *quick = getenv("SKIDX_TEST_QUICK");
            size_t stride =
                quick && !strcmp(quick, "1") ? QUICK_STRIDE : CORPUS_STRIDE;
            size_t p = 0, no = 0;
            while (p < used) {
                const char *nlp = memchr(raw + p, '\n', used - p);
                size_t e_ = nlp ? (size_t)(nlp - raw) : used;
                if (no++ % stride == 0) {
                    *hits += check_engines(e, raw + p, e_ - p);
                    lines++;
                }
                p = e_ + 1;
            }
            free(raw);
        }
        closedir(d);
    }
    return lines;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boundaries),
        cmocka_unit_test(test_symbols),
        cmocka_unit_test(test_case_and_negatives),
        cmocka_unit_test(test_shared_head),
        cmocka_unit_test(test_one_byte_and_edges),
        cmocka_unit_test(test_long_words),
        cmocka_unit_test(test_batch_seams),
        cmocka_unit_test(test_unicode_neighbours),
        cmocka_unit_test(test_scripts),
        cmocka_unit_test(test_fullwidth),
        cmocka_unit_test(test_nbsp_hyphens),
        cmocka_unit_test(test_folded_aliases),
        cmocka_unit_test(test_markdown_escapes),
        cmocka_unit_test(test_fold_offsets),
        cmocka_unit_test(test_span_offsets),
        cmocka_unit_test(test_span_word_runs),
        cmocka_unit_test(test_masked_spans),
        cmocka_unit_test(test_span_random),
        cmocka_unit_test(test_separators),
        cmocka_unit_test(test_long_aliases),
        cmocka_unit_test(test_camel_split),
        cmocka_unit_test(test_engines_hand),
        cmocka_unit_test(test_engines_random),
        cmocka_unit_test(test_key2_groups),
        cmocka_unit_test(test_simd_wordmask),
        cmocka_unit_test(test_simd_hits),
        cmocka_unit_test(test_simd_dense_edges),
        cmocka_unit_test(test_simd_key_windows),
        cmocka_unit_test(test_regex_error),
        cmocka_unit_test(test_gated_regexes),
        cmocka_unit_test(test_unspaced_gate),
        cmocka_unit_test(test_group_leads),
        cmocka_unit_test(test_negative_windows),
        cmocka_unit_test(test_negative_runs),
        cmocka_unit_test(test_required_words),
        cmocka_unit_test(test_wide_words),
        cmocka_unit_test(test_gate_classes),
        cmocka_unit_test(test_follow_filters),
        cmocka_unit_test(test_stats_and_reset),
        cmocka_unit_test(test_engines_corpus),
    };
    return cmocka_run_group_tests(tests, hand_setup, hand_teardown);
}
