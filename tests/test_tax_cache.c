/*
 * test_tax_cache.c - the compiled-taxonomy cache image (src/core/
 * tax_cache.c and the matcher's serialization): a loaded image matches
 * exactly as the compiled taxonomy does; an image of another key or
 * version, truncated, or with any bit flipped is refused; and one whose
 * checksum was forged after a flip is refused or loads, never reads out
 * of bounds (run under ASan); a Hyperscan database of such an image,
 * rebuilt only when first scanned, fails that scan and marks its matcher
 * damaged; running out of memory while rebuilding one damages nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "build/indexer.h"
#include "core/blob.h"
#include "core/count.h"
#include "core/hash.h"
#include "core/match.h"
#include "core/posting.h"
#include "core/section.h"
#include "core/simd.h"
#include "core/tax_cache.h"
#include "core/taxonomy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const TEXTS[] = {
    "Senior ML Engineer: Python, PyTorch, TensorFlow, AWS and Kubernetes; "
    "k8s, sklearn, C++17, C#, Go (golang), R, SQL and Apache Spark.",
    "We use llama.cpp, not C++; R&D budget. Experience with CI/CD, "
    "GitHub Actions, Terraform, Azure DevOps and Microsoft Azure.",
    "数据分析 und Maschinelles Lernen; ＰｙＴｏｒｃｈ and https://aws.amazon.com/"
    " and data-science / machine_learning, A/B testing, Node.js, .NET",
    "Responsibilities\n- Build LLM agents with LangChain and RAG\n"
    "Requirements\n- 3+ years of Python3, Pandas, NumPy, Excel, Tableau",
};

struct fixture {
    struct skidx_taxonomy_files f;
    struct skidx_taxonomy *tax;
    struct skidx_compiled *comp;
    struct skidx_tcache_key key;
    unsigned char *img;
    size_t len;
};

static struct fixture F;

/* copies of the image kept for reuse (fill(), below) */
static struct {
    unsigned char *p;
    size_t n;
} spare[2];

static int setup(void **state)
{
    struct skidx_error err;
    memset(&err, 0, sizeof(err));
    (void)state;
    if (skidx_taxonomy_read(SKIDX_SOURCE_DIR "/taxonomy", &F.f, &err) ||
        skidx_taxonomy_parse_files("taxonomy", &F.f, &F.tax, &err) ||
        skidx_compiled_create(F.tax, &F.comp, &err) ||
        skidx_tcache_key(&F.f, &F.key) ||
        skidx_tcache_save(F.comp, &F.key, &F.f, &F.img, &F.len))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(spare[0].p);
    free(spare[1].p);
    free(F.img);
    skidx_compiled_free(F.comp);
    skidx_taxonomy_free(F.tax);
    skidx_taxonomy_files_release(&F.f);
    return 0;
}

/* An aligned copy of the first n bytes of the image, as the CLI reads. */
static unsigned char *copy_image(size_t n)
{
    void *p = NULL;
    assert_int_equal(posix_memalign(&p, SKIDX_BLOB_ALIGN, n ? n : 1), 0);
    memcpy(p, F.img, n);
    return p;
}

/* The loops below load hundreds of damaged copies of the 10 MB image.
 * Each copy is made in a buffer kept for the next one (spare[k], exactly
 * n bytes, as copy_image makes it, so ASan's redzones are where they
 * were), filled again from F.img before each load. A load that refuses
 * leaves its buffer the caller's (core/tax_cache.h); one that succeeds
 * makes it its taxonomy's (image->buf, core/blob.h), and free_loaded()
 * takes it back before freeing the rest. Under ASan each new 10 MB buffer
 * is a fresh mapping whose pages, and their shadow, fault in one by one:
 * a buffer per load made those faults most of this test's time. */
static unsigned char *fill(int k, size_t n)
{
    if (spare[k].p && spare[k].n == n) {
        memcpy(spare[k].p, F.img, n);
        return spare[k].p;
    }
    free(spare[k].p);
    spare[k].p = copy_image(n);
    spare[k].n = n;
    return spare[k].p;
}

static int is_spare(const unsigned char *buf)
{
    return buf && (buf == spare[0].p || buf == spare[1].p);
}

/* buf after a refused load: a spare stays for the next copy, any other
 * buffer is freed. */
static void release(unsigned char *buf)
{
    if (!is_spare(buf))
        free(buf);
}

/* Free what a load built; its image buffer too, unless it is a spare. */
static void free_loaded(struct skidx_compiled *c, struct skidx_taxonomy *t)
{
    skidx_compiled_free(c);
    if (t->image && is_spare(t->image->buf))
        t->image->buf = NULL;
    skidx_taxonomy_free(t);
}

/* Load buf; on success free what was loaded (and buf with it). */
static skidx_status try_load(unsigned char *buf, size_t n)
{
    struct skidx_taxonomy *t;
    struct skidx_compiled *c;
    skidx_status st =
        skidx_tcache_load(buf, n, &F.key, "taxonomy", &F.f, &t, &c);
    if (st) {
        assert_null(t);
        assert_null(c);
        release(buf);
    } else {
        free_loaded(c, t);
    }
    return st;
}

/* As try_load, and on success every database rebuilt too. */
static skidx_status try_load_all(unsigned char *buf, size_t n)
{
    struct skidx_taxonomy *t;
    struct skidx_compiled *c;
    skidx_status st =
        skidx_tcache_load(buf, n, &F.key, "taxonomy", &F.f, &t, &c);
    if (st) {
        release(buf);
        return st;
    }
    const struct skidx_matcher *m[4] = {c->skills, c->roles, c->levels,
                                        c->level_fields};
    for (int i = 0; i < 4 && !st; i++) {
        assert_false(skidx_matcher_damaged(m[i]));
        st = skidx_matcher_load_all(m[i]);
        assert_int_equal(skidx_matcher_damaged(m[i]), st != SKIDX_OK);
    }
    free_loaded(c, t);
    return st;
}

static void hits_of(const struct skidx_matcher *m, const char *text,
                    struct skidx_hit **out, size_t *n)
{
    struct skidx_match_scratch s;
    assert_int_equal(skidx_match_scratch_init(&s, m), SKIDX_OK);
    s.sort_hits = 1;
    s.keep_masked = 1;
    skidx_match_reset(&s);
    assert_int_equal(skidx_match_text(m, &s, text, strlen(text),
                                      SKIDX_ENGINE_WORDS),
                     SKIDX_OK);
    *n = s.n_hits;
    *out = malloc((s.n_hits ? s.n_hits : 1) * sizeof(**out));
    if (s.n_hits)
        memcpy(*out, s.hits, s.n_hits * sizeof(**out));
    skidx_match_scratch_release(&s);
}

static void same_hits(const struct skidx_matcher *a,
                      const struct skidx_matcher *b, const char *text)
{
    struct skidx_hit *ha, *hb;
    size_t na, nb;
    hits_of(a, text, &ha, &na);
    hits_of(b, text, &hb, &nb);
    assert_int_equal(na, nb);
    if (na)
        assert_memory_equal(ha, hb, na * sizeof(*ha));
    free(ha);
    free(hb);
}

/* A load of a whole copy of the image, which must succeed. */
static void load_whole(struct skidx_taxonomy **t, struct skidx_compiled **c)
{
    unsigned char *buf = copy_image(F.len);
    assert_int_equal(
        skidx_tcache_load(buf, F.len, &F.key, "taxonomy", &F.f, t, c),
        SKIDX_OK);
}

static void test_round_trip(void **state)
{
    (void)state;
    struct skidx_taxonomy *t;
    struct skidx_compiled *c;
    load_whole(&t, &c);
    assert_non_null(t->image);
    assert_true(t->hash == F.tax->hash);
    assert_int_equal(t->n_skills, F.tax->n_skills);
    assert_int_equal(t->skills.n, F.tax->skills.n);
    assert_int_equal(t->sections.n, F.tax->sections.n);
    assert_string_equal(t->skill_name[t->n_skills - 1],
                        F.tax->skill_name[F.tax->n_skills - 1]);
    assert_string_equal(t->skills_path, "taxonomy/skills.tsv");
    struct skidx_matcher_stats s0, s1;
    skidx_matcher_get_stats(F.comp->skills, &s0);
    skidx_matcher_get_stats(c->skills, &s1);
    assert_int_equal(s0.heads, s1.heads);
    assert_int_equal(s0.candidates, s1.candidates);
    assert_int_equal(s0.hs_bytes, s1.hs_bytes);
    assert_true(s1.hs_bytes > 0);
    assert_int_equal(s0.neg_groups, s1.neg_groups);
    for (size_t i = 0; i < sizeof(TEXTS) / sizeof(TEXTS[0]); i++) {
        same_hits(F.comp->skills, c->skills, TEXTS[i]);
        same_hits(F.comp->roles, c->roles, TEXTS[i]);
        same_hits(F.comp->levels, c->levels, TEXTS[i]);
        same_hits(F.comp->level_fields, c->level_fields, TEXTS[i]);
    }
    /* the image saved again from the loaded form is the same bytes */
    unsigned char *again;
    size_t n2;
    assert_int_equal(skidx_tcache_save(c, &F.key, &F.f, &again, &n2),
                     SKIDX_OK);
    assert_int_equal(n2, F.len);
    assert_memory_equal(again, F.img, F.len);
    free(again);
    skidx_compiled_free(c);
    skidx_taxonomy_free(t);
}

/* The section rules travel in the image as parsed: the same rules,
 * tables and word index, a new id (the heading memo's key), and the same
 * sections for texts with headings, lead-ins and colons. */
static void test_sections(void **state)
{
    (void)state;
    struct skidx_taxonomy *t;
    struct skidx_compiled *c;
    load_whole(&t, &c);
    const struct skidx_section_rules *a = &F.tax->sections, *b = &t->sections;
    assert_true(a->n > 100);
    assert_int_equal(b->in_image, 1);
    assert_int_equal(a->in_image, 0);
    assert_true(a->id != b->id);
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->n_lead, b->n_lead);
    assert_int_equal(a->wmask, b->wmask);
    assert_memory_equal(a->first, b->first, sizeof(a->first));
    assert_memory_equal(a->pf, b->pf, sizeof(a->pf));
    assert_memory_equal(a->pf_nz, b->pf_nz, sizeof(a->pf_nz));
    assert_memory_equal(a->fw, b->fw, sizeof(a->fw));
    assert_memory_equal(a->start, b->start, sizeof(a->start));
    assert_memory_equal(a->line_ok, b->line_ok, sizeof(a->line_ok));
    assert_memory_equal(a->canon_stop, b->canon_stop, sizeof(a->canon_stop));
    assert_memory_equal(a->anchor, b->anchor, sizeof(a->anchor));
    assert_memory_equal(a->wtab, b->wtab,
                        ((size_t)a->wmask + 1) * sizeof(*a->wtab));
    assert_memory_equal(a->widx, b->widx,
                        (a->n - a->n_lead) * sizeof(*a->widx));
    for (size_t i = 0; i < a->n; i++) {
        assert_string_equal(a->r[i].text, b->r[i].text);
        assert_int_equal(a->r[i].len, b->r[i].len);
        assert_int_equal(a->r[i].kind, b->r[i].kind);
        assert_int_equal(a->r[i].flags, b->r[i].flags);
        assert_int_equal(a->r[i].seq, b->r[i].seq);
        assert_memory_equal(a->r[i].text8, b->r[i].text8,
                            sizeof(a->r[i].text8));
    }
    static const char *const texts[] = {
        "We build search.\n\nRequirements\n* Python\n\nBenefits\n* Gym\n",
        "About us: a bank.<br><br>What you'll need:<br>* SQL<br>Nice to "
        "have: Go<br>Acme Corp is an equal opportunity employer.",
        "公司介绍：我们是一家银行。\n任职要求：\n1、熟悉Java\n福利待遇：五险一金",
        "Ihre Aufgaben\n- Entwicklung\nIhr Profil\n- Python\nWir bieten\n- Obst"};
    for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++)
        for (int mode = 0; mode <= 2; mode++) {
            struct skidx_sections x = {0}, y = {0};
            assert_int_equal(skidx_sections_split_mode(a, texts[k],
                                                       strlen(texts[k]), &x,
                                                       SKIDX_SIMD_BEST, mode),
                             SKIDX_OK);
            assert_int_equal(skidx_sections_split_mode(b, texts[k],
                                                       strlen(texts[k]), &y,
                                                       SKIDX_SIMD_BEST, mode),
                             SKIDX_OK);
            assert_true(x.n > 0 || mode == 0);
            assert_int_equal(x.n, y.n);
            assert_int_equal(x.excluded, y.excluded);
            for (size_t i = 0; i < x.n; i++) {
                assert_int_equal(x.s[i].start, y.s[i].start);
                assert_int_equal(x.s[i].kind, y.s[i].kind);
            }
            skidx_sections_release(&x);
            skidx_sections_release(&y);
        }
    skidx_compiled_free(c);
    skidx_taxonomy_free(t);
}

/* An image is proven before it is handed out to be written: loaded
 * back, its taxonomy must hash as the compiled one does (loads then take
 * the stored hash). A compiled taxonomy whose hash does not match what
 * its image loads as (here: its hash changed under it) gives no image. */
static void test_save_proves(void **state)
{
    (void)state;
    unsigned char *img = (unsigned char *)"untouched";
    size_t n = 7;
    const uint64_t h = F.tax->hash;
    F.tax->hash ^= 1;
    assert_int_equal(skidx_tcache_save(F.comp, &F.key, &F.f, &img, &n),
                     SKIDX_ERR_CORRUPT);
    F.tax->hash = h;
    assert_null(img);
    assert_int_equal(n, 0);
    assert_int_equal(skidx_tcache_save(F.comp, &F.key, &F.f, &img, &n),
                     SKIDX_OK);
    assert_int_equal(n, F.len);
    assert_memory_equal(img, F.img, n);
    free(img);
}

static void test_key(void **state)
{
    (void)state;
    struct skidx_tcache_key k2;
    struct skidx_taxonomy_files g = F.f;
    /* any byte of any file changes the key */
    char *copy = malloc(g.len[2]);
    memcpy(copy, g.buf[2], g.len[2]);
    copy[g.len[2] / 2] ^= 1;
    g.buf[2] = copy;
    assert_int_equal(skidx_tcache_key(&g, &k2), SKIDX_OK);
    assert_memory_not_equal(k2.digest, F.key.digest, 16);
    assert_string_not_equal(k2.name, F.key.name);
    g.buf[2] = F.f.buf[2];
    g.has_sections = 0;
    assert_int_equal(skidx_tcache_key(&g, &k2), SKIDX_OK);
    assert_memory_not_equal(k2.digest, F.key.digest, 16);
    free(copy);
    /* the same files, the same key */
    assert_int_equal(skidx_tcache_key(&F.f, &k2), SKIDX_OK);
    assert_memory_equal(k2.digest, F.key.digest, 16);
    assert_int_equal(strncmp(k2.name, "taxonomy-", 9), 0);
    assert_int_equal(strlen(k2.name), 9 + 32 + 4);

    /* an image under another key is refused */
    struct skidx_tcache_key other = F.key;
    other.digest[7] ^= 0x40;
    unsigned char *buf = copy_image(F.len);
    struct skidx_taxonomy *t;
    struct skidx_compiled *c;
    assert_int_equal(
        skidx_tcache_load(buf, F.len, &other, "taxonomy", &F.f, &t, &c),
        SKIDX_ERR_CORRUPT);
    /* another version */
    buf[8] = (unsigned char)(SKIDX_TCACHE_VERSION + 1);
    assert_int_equal(
        skidx_tcache_load(buf, F.len, &F.key, "taxonomy", &F.f, &t, &c),
        SKIDX_ERR_VERSION);
    free(buf);
    /* an unaligned buffer is the caller's mistake */
    unsigned char *wide = copy_image(F.len + 1);
    memmove(wide + 1, F.img, F.len);
    assert_int_equal(skidx_tcache_load(wide + 1, F.len, &F.key, "taxonomy",
                                       &F.f, &t, &c),
                     SKIDX_ERR_USAGE);
    free(wide);
}

static void test_truncated(void **state)
{
    (void)state;
    /* every length of the header and the start, then a sample of the rest */
    for (size_t n = 0; n < F.len; n += n < 4096 ? 1 : n / 16 + 4099)
        assert_int_equal(try_load(copy_image(n), n), SKIDX_ERR_CORRUPT);
    assert_int_equal(try_load(copy_image(F.len - 1), F.len - 1),
                     SKIDX_ERR_CORRUPT);
}

static uint64_t next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static uint64_t rd64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Where the image's third part (the Hyperscan databases) starts. */
static size_t dbs_start(void)
{
    return SKIDX_TCACHE_HEADER + (size_t)rd64(F.img + 64);
}

/* A flip in the first two parts is refused by the load; one in the third
 * (the databases, each with its own checksum, read when first scanned)
 * by the first scan of its database: the load succeeds, and rebuilding
 * every database fails with SKIDX_ERR_CORRUPT (damaged). */
static void test_bit_flips(void **state)
{
    (void)state;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    int third = 0;
    for (int i = 0; i < 400; i++) {
        const size_t at = i < (int)SKIDX_TCACHE_HEADER ? (size_t)i
                          : i < 360      ? next(&x) % F.len
                                         : dbs_start() +
                                               next(&x) % (F.len - dbs_start());
        unsigned char *buf = fill(0, F.len);
        buf[at] ^= (unsigned char)(1u << (next(&x) % 8));
        const skidx_status st = try_load_all(buf, F.len);
        assert_true(st == SKIDX_ERR_CORRUPT || st == SKIDX_ERR_VERSION);
        if (at >= dbs_start()) {
            third++;
            buf = fill(0, F.len);
            buf[at] ^= 0x01;
            assert_int_equal(try_load(buf, F.len), SKIDX_OK);
        }
    }
    assert_true(third >= 30);
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int b = 0; b < 8; b++)
        p[b] = (unsigned char)(v >> (8 * b));
}

/* XXH3-64 (the format's seed) of a[0..na) followed by b[0..nb). */
static uint64_t sum2(const unsigned char *a, size_t na,
                     const unsigned char *b, size_t nb)
{
    XXH3_state_t st;
    XXH3_INITSTATE(&st);
    XXH3_64bits_reset_withSeed(&st, SKIDX_HASH_SEED);
    XXH3_64bits_update(&st, a, na);
    XXH3_64bits_update(&st, b, nb);
    return XXH3_64bits_digest(&st);
}

/* Forge both checksums of image buf[0..F.len) after a change, as
 * docs/FORMAT.md describes them: the matchers' tables' over payload
 * [T, M) at 56, the header's over bytes [0, 120) and payload [0, T) at
 * 120. */
static void forge(unsigned char *buf)
{
    const size_t h = SKIDX_TCACHE_HEADER, part = (size_t)rd64(buf + 48),
                 tables = (size_t)rd64(buf + 64);
    put64(buf + 56, sum2(NULL, 0, buf + h + part, tables - part));
    put64(buf + 120, sum2(buf, 120, buf + h, part));
}

/* The record (offset, length, checksum; docs/FORMAT.md) in the tables of
 * F.img of the stored database that holds byte `at` of the third part:
 * its position in the image, and the database's offset and length. The
 * records are found in order, as the databases lie: each is the first
 * place after the previous record that holds the next offset, a length
 * that ends at the next database's magic (or the part's end) and the
 * checksum of those bytes. */
static size_t db_record(size_t at, size_t *off, size_t *len)
{
    static const unsigned char magic[4] = {0xdb, 0xdb, 0xdb, 0xdb};
    const unsigned char *p3 = F.img + dbs_start();
    const size_t n3 = F.len - dbs_start();
    size_t want = 0, i = SKIDX_TCACHE_HEADER + (size_t)rd64(F.img + 48);
    for (; i + 24 <= dbs_start() && want < n3; i++) {
        const uint64_t o = rd64(F.img + i), n = rd64(F.img + i + 8);
        if (o != want || !n || n > n3 - o || memcmp(p3 + o, magic, 4) ||
            (o + n < n3 && (n3 - o - n < 4 || memcmp(p3 + o + n, magic, 4))) ||
            rd64(F.img + i + 16) != sum2(p3 + o, (size_t)n, NULL, 0))
            continue;
        if (at < o + n) {
            *off = (size_t)o;
            *len = (size_t)n;
            return i;
        }
        want = (size_t)(o + n);
        i += 23;
    }
    fail_msg("no database record for byte %zu of the third part", at);
    return 0;
}

/* After a change to byte `at` of the third part of buf (a copy of F.img),
 * forge its database's checksum, then the image's. */
static void forge_db(unsigned char *buf, size_t at)
{
    size_t off = 0, len = 0;
    const size_t rec = db_record(at, &off, &len);
    put64(buf + rec + 16, sum2(buf + dbs_start() + off, len, NULL, 0));
    forge(buf);
}

/* The checksum cannot stop a file made on purpose: flip, then forge the
 * checksum. The load must then refuse or succeed without reading out of
 * bounds or crashing; what it can check (offsets, ids, the taxonomy
 * hash) it refuses, and Hyperscan's own CRC refuses a database when it
 * is rebuilt (skidx_matcher_load_all here; test_lazy_damaged). */
static void test_forged(void **state)
{
    (void)state;
    uint64_t x = 0x2545f4914f6cdd1dull;
    int refused = 0;
    for (int i = 0; i < 300; i++) {
        const size_t at = SKIDX_TCACHE_HEADER +
                          next(&x) % (F.len - SKIDX_TCACHE_HEADER);
        unsigned char *buf = fill(0, F.len);
        buf[at] ^= (unsigned char)(1u << (next(&x) % 8));
        if (at >= dbs_start() && i % 4 == 0)
            forge_db(buf, at - dbs_start()); /* then Hyperscan's CRC */
        else
            forge(buf);
        const skidx_status r = try_load_all(buf, F.len);
        assert_true(r == SKIDX_OK || r == SKIDX_ERR_CORRUPT);
        refused += r != SKIDX_OK;
    }
    /* most bytes are checked by something */
    assert_true(refused > 0);
}

/* The image checksum has an AVX2 path and a portable one (SKIDX_SIMD
 * narrows to the latter): an image written on either is the same bytes
 * and loads on either. */
static void test_checksum_paths(void **state)
{
    (void)state;
    static const char *const mode[2] = {"scalar", "best"};
    unsigned char *img[2];
    size_t n[2];
    for (int i = 0; i < 2; i++) {
        assert_int_equal(setenv("SKIDX_SIMD", mode[i], 1), 0);
        assert_int_equal(
            skidx_tcache_save(F.comp, &F.key, &F.f, &img[i], &n[i]),
            SKIDX_OK);
    }
    assert_int_equal(n[0], F.len);
    assert_int_equal(n[1], F.len);
    assert_memory_equal(img[0], F.img, F.len);
    assert_memory_equal(img[1], F.img, F.len);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(setenv("SKIDX_SIMD", mode[i], 1), 0);
        assert_int_equal(try_load(copy_image(F.len), F.len), SKIDX_OK);
        /* and a flipped byte is refused on each path: in the tables by
         * the load, in a database by its first rebuild */
        unsigned char *bad = copy_image(F.len);
        bad[dbs_start() - 100] ^= 0x10;
        assert_int_equal(try_load(bad, F.len), SKIDX_ERR_CORRUPT);
        bad = copy_image(F.len);
        bad[F.len - 5] ^= 0x10;
        assert_int_equal(try_load_all(bad, F.len), SKIDX_ERR_CORRUPT);
    }
    assert_int_equal(unsetenv("SKIDX_SIMD"), 0);
    free(img[0]);
    free(img[1]);
}

/* An alias text with a NUL inside (shorter as a C string than its
 * length says) or without its final NUL is refused, checksum forged or
 * not: the aliases' texts are used in place as C strings. */
static void test_alias_text_nul(void **state)
{
    (void)state;
    static const char word[] = "sklearn";
    const unsigned char *at = NULL;
    for (size_t i = SKIDX_TCACHE_HEADER; !at && i + sizeof(word) <= F.len;
         i++)
        if (F.img[i - 1] == '\0' && !memcmp(F.img + i, word, sizeof(word)))
            at = F.img + i; /* a whole text: NUL before, NUL after */
    assert_non_null(at);
    const size_t off = (size_t)(at - F.img);
    for (int c = 0; c < 2; c++) {
        unsigned char *buf = copy_image(F.len);
        if (c == 0)
            buf[off + 3] = '\0'; /* inside */
        else
            buf[off + sizeof(word) - 1] = 'x'; /* its end */
        forge(buf);
        assert_int_equal(try_load(buf, F.len), SKIDX_ERR_CORRUPT);
    }
    /* the same place changed to another letter loads (only the NULs are
     * checked), so the refusals above are the NUL checks' */
    unsigned char *buf = copy_image(F.len);
    buf[off + 3] = 'K';
    forge(buf);
    assert_int_equal(try_load(buf, F.len), SKIDX_OK);
}

/* The image with its first database (the skills' positive regexes)
 * spoilt behind forged checksums (a byte of its bytecode flipped: only
 * Hyperscan's CRC sees it), loaded: *t and *c the caller's. */
static void load_spoilt(struct skidx_taxonomy **t, struct skidx_compiled **c)
{
    /* the serialized form starts with Hyperscan's magic, at an aligned
     * offset */
    static const unsigned char magic[4] = {0xdb, 0xdb, 0xdb, 0xdb};
    const size_t at = dbs_start();
    assert_memory_equal(F.img + at, magic, 4);
    unsigned char *buf = copy_image(F.len);
    buf[at + 200] ^= 0x10;
    forge_db(buf, 200);
    assert_int_equal(
        skidx_tcache_load(buf, F.len, &F.key, "taxonomy", &F.f, t, c),
        SKIDX_OK);
}

/* Index options for the runs below: `threads` threads, the defaults. */
static void run_opts(struct skidx_index_opts *o, int threads)
{
    memset(o, 0, sizeof(*o));
    o->threads = threads;
    o->currency = "USD";
    o->format = -1;
    o->max_examples = 5;
    skidx_jsonl_keys_default(&o->keys);
}

/* A Hyperscan database is rebuilt from the image on its first scan, not
 * at load: one spoilt behind forged checksums (its own and the image's)
 * loads, then fails each
 * scan that needs it (SKIDX_ERR_HYPERSCAN, never a crash or a wrong
 * hit), and its matcher is damaged from then on; the others match as the
 * compiled taxonomy does. A compiled matcher is never damaged. */
static void test_lazy_damaged(void **state)
{
    (void)state;
    struct skidx_taxonomy *t;
    struct skidx_compiled *c;
    load_spoilt(&t, &c);
    assert_false(skidx_matcher_damaged(c->skills));
    struct skidx_match_scratch s;
    assert_int_equal(skidx_match_scratch_init(&s, c->skills), SKIDX_OK);
    /* (today the database is scanned on every text; each scan that
     * needs it fails, the first and every later one) */
    int failed[2] = {0, 0};
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < sizeof(TEXTS) / sizeof(TEXTS[0]); i++) {
            skidx_match_reset(&s);
            const skidx_status st = skidx_match_text(
                c->skills, &s, TEXTS[i], strlen(TEXTS[i]),
                SKIDX_ENGINE_WORDS);
            assert_true(st == SKIDX_OK || st == SKIDX_ERR_HYPERSCAN);
            failed[round] += st == SKIDX_ERR_HYPERSCAN;
        }
    assert_true(failed[0] > 0);
    assert_int_equal(failed[0], failed[1]);
    skidx_match_scratch_release(&s);
    assert_true(skidx_matcher_damaged(c->skills));
    assert_int_equal(skidx_matcher_load_all(c->skills), SKIDX_ERR_CORRUPT);
    for (size_t i = 0; i < sizeof(TEXTS) / sizeof(TEXTS[0]); i++) {
        same_hits(F.comp->roles, c->roles, TEXTS[i]);
        same_hits(F.comp->levels, c->levels, TEXTS[i]);
    }
    assert_false(skidx_matcher_damaged(c->roles));
    assert_false(skidx_matcher_damaged(c->levels));
    assert_false(skidx_matcher_damaged(F.comp->skills));
    assert_int_equal(skidx_matcher_load_all(F.comp->skills), SKIDX_OK);
    skidx_compiled_free(c);
    skidx_taxonomy_free(t);
}

/* A run over a corpus whose posting cannot be matched (a database of the
 * image spoilt behind forged checksums, loaded without
 * skidx_matcher_load_all, as a library user may) fails with the scan's
 * status, naming the shard and the line of the first such posting, at
 * one thread and at two: not "out of memory", and keep_going does not
 * make it a lost shard. */
static void test_run_damaged(void **state)
{
    (void)state;
    struct skidx_taxonomy *t;
    struct skidx_compiled *c;
    load_spoilt(&t, &c);
    char path[] = "tc-run-XXXXXX.jsonl";
    const int fd = mkstemps(path, 6);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    /* a blank line first: the posting is on line 2, its description the
     * texts of test_lazy_damaged (some need the database), JSON-escaped */
    fputs("\n{\"id\":\"1\",\"title\":\"Python developer\","
          "\"description\":\"", fp);
    for (size_t i = 0; i < sizeof(TEXTS) / sizeof(TEXTS[0]); i++) {
        for (const char *q = TEXTS[i]; *q; q++)
            fputs(*q == '\n' ? "\\n" : (char[2]){*q, 0}, fp);
        fputs("\\n", fp);
    }
    fputs("\"}\n{\"id\":\"2\",\"title\":\"Data engineer\"}\n", fp);
    assert_int_equal(fclose(fp), 0);
    for (int round = 0; round < 3; round++) {
        struct skidx_index_opts o;
        run_opts(&o, round == 1 ? 2 : 1);
        o.keep_going = round == 2;
        struct skidx_shard_list sl = {0};
        struct skidx_error err;
        struct skidx_model m;
        struct skidx_index_summary sum;
        skidx_error_clear(&err);
        assert_int_equal(skidx_shard_list_add(&sl, path, &err), SKIDX_OK);
        assert_int_equal(skidx_model_init(&m, t, "test", "USD"), SKIDX_OK);
        assert_int_equal(skidx_run_index(&sl, c, &o, &m, &sum, &err),
                         SKIDX_ERR_HYPERSCAN);
        assert_int_equal(err.status, SKIDX_ERR_HYPERSCAN);
        assert_string_equal(err.path, path);
        assert_int_equal(err.line, 2);
        assert_non_null(strstr(err.msg, "cannot match the posting"));
        assert_null(strstr(err.msg, "memory"));
        assert_int_equal(sum.shards_failed, 0);
        assert_int_equal(m.n_lost, 0);
        skidx_model_release(&m);
        skidx_shard_list_release(&sl);
    }
    unlink(path);
    assert_true(skidx_matcher_damaged(c->skills));
    skidx_compiled_free(c);
    skidx_taxonomy_free(t);
}

/* posix_memalign as the library sees it: this test is linked with
 * --wrap=posix_memalign (CMakeLists.txt), so that test_lazy_nomem can make
 * it fail. */
static int memalign_fails;
int __real_posix_memalign(void **p, size_t align, size_t n);
int __wrap_posix_memalign(void **p, size_t align, size_t n)
{
    if (memalign_fails)
        return ENOMEM;
    return __real_posix_memalign(p, align, n);
}

/* Out of memory while a database is rebuilt on its first scan: that scan
 * fails with SKIDX_ERR_NOMEM (not SKIDX_ERR_HYPERSCAN, which names a
 * damaged cache), the matcher is not damaged, skidx_matcher_load_all()
 * says SKIDX_ERR_NOMEM too, and once memory is back the same matcher
 * rebuilds and matches as the compiled taxonomy does. */
static void test_lazy_nomem(void **state)
{
    (void)state;
    struct skidx_taxonomy *t;
    struct skidx_compiled *c;
    load_whole(&t, &c);
    struct skidx_match_scratch s;
    assert_int_equal(skidx_match_scratch_init(&s, c->skills), SKIDX_OK);
    memalign_fails = 1;
    for (int round = 0; round < 2; round++) {
        skidx_match_reset(&s);
        assert_int_equal(skidx_match_text(c->skills, &s, TEXTS[0],
                                          strlen(TEXTS[0]),
                                          SKIDX_ENGINE_WORDS),
                         SKIDX_ERR_NOMEM);
        assert_false(skidx_matcher_damaged(c->skills));
    }
    assert_int_equal(skidx_matcher_load_all(c->skills), SKIDX_ERR_NOMEM);
    assert_false(skidx_matcher_damaged(c->skills));
    memalign_fails = 0;
    skidx_match_reset(&s);
    assert_int_equal(skidx_match_text(c->skills, &s, TEXTS[0],
                                      strlen(TEXTS[0]), SKIDX_ENGINE_WORDS),
                     SKIDX_OK);
    skidx_match_scratch_release(&s);
    for (size_t i = 0; i < sizeof(TEXTS) / sizeof(TEXTS[0]); i++)
        same_hits(F.comp->skills, c->skills, TEXTS[i]);
    assert_int_equal(skidx_matcher_load_all(c->skills), SKIDX_OK);
    assert_false(skidx_matcher_damaged(c->skills));
    skidx_compiled_free(c);
    skidx_taxonomy_free(t);
}

/* Two taxonomies with the same names, categories and alias sets (the
 * parts an index records and the model's tables are built from). */
static void same_sets(const struct skidx_alias_set *a,
                      const struct skidx_alias_set *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_string_equal(a->a[i].text, b->a[i].text);
        assert_int_equal(a->a[i].owner, b->a[i].owner);
        assert_int_equal(a->a[i].flags, b->a[i].flags);
    }
}

static void same_taxonomy(const struct skidx_taxonomy *a,
                          const struct skidx_taxonomy *b)
{
    assert_int_equal(a->hash, b->hash);
    assert_string_equal(a->name, b->name);
    assert_string_equal(a->version, b->version);
    assert_int_equal(a->n_skills, b->n_skills);
    assert_int_equal(a->n_cats, b->n_cats);
    assert_int_equal(a->n_roles, b->n_roles);
    assert_int_equal(a->n_levels, b->n_levels);
    for (uint32_t i = 0; i < a->n_skills; i++) {
        assert_string_equal(a->skill_name[i], b->skill_name[i]);
        assert_int_equal(a->skill_cat[i], b->skill_cat[i]);
    }
    for (uint32_t i = 0; i < a->n_cats; i++)
        assert_string_equal(a->cat_name[i], b->cat_name[i]);
    for (uint32_t i = 0; i < a->n_roles; i++)
        assert_string_equal(a->role_name[i], b->role_name[i]);
    for (uint32_t i = 0; i < a->n_levels; i++)
        assert_string_equal(a->level_name[i], b->level_name[i]);
    same_sets(&a->skills, &b->skills);
    same_sets(&a->roles, &b->roles);
    same_sets(&a->levels, &b->levels);
    same_sets(&a->level_fields, &b->level_fields);
    assert_int_equal(a->esco.n_owners, b->esco.n_owners);
    assert_int_equal(a->esco.first[a->esco.n_owners],
                     b->esco.first[b->esco.n_owners]);
    for (uint32_t i = 0; i < a->esco.first[a->esco.n_owners]; i++)
        assert_string_equal(a->esco.v[i], b->esco.v[i]);
}

/* Load the first part buf[0..n); on success compare it with the compiled
 * taxonomy, and free it (and buf with it). */
static skidx_status try_load_first(unsigned char *buf, size_t n)
{
    struct skidx_taxonomy *t;
    struct skidx_compiled *c;
    skidx_status st = skidx_tcache_load_taxonomy(buf, n, &F.key, "taxonomy",
                                                 &F.f, &t, &c);
    if (st) {
        assert_null(t);
        assert_null(c);
        release(buf);
        return st;
    }
    assert_ptr_equal(c->tax, t);
    assert_null(c->skills);
    assert_null(c->roles);
    assert_null(c->levels);
    assert_null(c->level_fields);
    same_taxonomy(F.tax, t);
    free_loaded(c, t);
    return st;
}

/* The first part (header and taxonomy) loads alone into the taxonomy the
 * whole image holds, without matchers; its length comes from the header,
 * which must agree with the file's length; it is not a whole image, nor
 * the whole image a first part. */
static void test_first_part(void **state)
{
    (void)state;
    const size_t n = skidx_tcache_taxonomy_bytes(F.img, F.len);
    assert_true(n > SKIDX_TCACHE_HEADER && n < F.len);
    assert_int_equal(n, SKIDX_TCACHE_HEADER + rd64(F.img + 48));
    assert_int_equal(skidx_tcache_taxonomy_bytes(F.img, F.len - 1), 0);
    assert_int_equal(skidx_tcache_taxonomy_bytes(F.img, F.len + 1), 0);
    unsigned char *h = copy_image(SKIDX_TCACHE_HEADER);
    h[0] ^= 1;
    assert_int_equal(skidx_tcache_taxonomy_bytes(h, F.len), 0);
    h[0] ^= 1;
    h[8]++;
    assert_int_equal(skidx_tcache_taxonomy_bytes(h, F.len), 0);
    h[8]--;
    put64(h + 48, F.len); /* longer than the payload */
    assert_int_equal(skidx_tcache_taxonomy_bytes(h, F.len), 0);
    free(h);

    assert_int_equal(try_load_first(copy_image(n), n), SKIDX_OK);
    assert_int_equal(try_load_first(copy_image(F.len), F.len),
                     SKIDX_ERR_CORRUPT);
    assert_int_equal(try_load(copy_image(n), n), SKIDX_ERR_CORRUPT);
    /* truncated, or under another key */
    for (size_t k = 0; k < n; k += k < 1024 ? 1 : k / 8 + 1021)
        assert_int_equal(try_load_first(copy_image(k), k), SKIDX_ERR_CORRUPT);
    struct skidx_tcache_key other = F.key;
    other.digest[3] ^= 1;
    struct skidx_taxonomy *t;
    struct skidx_compiled *c;
    unsigned char *buf = copy_image(n);
    assert_int_equal(skidx_tcache_load_taxonomy(buf, n, &other, "taxonomy",
                                                &F.f, &t, &c),
                     SKIDX_ERR_CORRUPT);
    free(buf);
}

/* Each part has its own checksum: a flip in the first part is refused by
 * both loads; one in the matchers' part by the whole load only, and the
 * first part, which never reads those bytes, loads the same taxonomy. A
 * forged first part is refused or loads, never reads out of bounds. */
static void test_first_part_alone(void **state)
{
    (void)state;
    const size_t n = skidx_tcache_taxonomy_bytes(F.img, F.len);
    uint64_t x = 0x243f6a8885a308d3ull;
    /* (64 whole loads: the test runs under ASan too) */
    for (int i = 0; i < 64; i++) {
        const size_t at = i < 8 ? n - 4 + (size_t)i % 8 : next(&x) % F.len;
        const unsigned char bit = (unsigned char)(1u << (next(&x) % 8));
        unsigned char *buf = fill(0, F.len);
        buf[at] ^= bit;
        const skidx_status first = try_load_first(buf, n);
        buf = fill(1, F.len); /* the same flipped image, untouched */
        buf[at] ^= bit;
        const skidx_status full = try_load_all(buf, F.len);
        assert_true(full == SKIDX_ERR_CORRUPT || full == SKIDX_ERR_VERSION);
        if (at < n)
            assert_true(first == SKIDX_ERR_CORRUPT ||
                        first == SKIDX_ERR_VERSION);
        else
            assert_int_equal(first, SKIDX_OK);
    }
    int refused = 0;
    for (int i = 0; i < 200; i++) {
        const size_t at =
            SKIDX_TCACHE_HEADER + next(&x) % (n - SKIDX_TCACHE_HEADER);
        unsigned char *buf = fill(0, n);
        buf[at] ^= (unsigned char)(1u << (next(&x) % 8));
        put64(buf + 120, sum2(buf, 120, buf + SKIDX_TCACHE_HEADER,
                              n - SKIDX_TCACHE_HEADER));
        struct skidx_taxonomy *t;
        struct skidx_compiled *c;
        const skidx_status r = skidx_tcache_load_taxonomy(
            buf, n, &F.key, "taxonomy", &F.f, &t, &c);
        assert_true(r == SKIDX_OK || r == SKIDX_ERR_CORRUPT);
        refused += r != SKIDX_OK;
        if (r)
            release(buf);
        else
            free_loaded(c, t);
    }
    assert_true(refused > 0);
}

/* A taxonomy without matchers indexes empty shards (the run scans no
 * text), and only those: a shard with a record is refused before the
 * run, and one that was empty at listing but is not when read (a file
 * of /proc: its size is 0, its reads are not) fails the run, never
 * reaching a matcher. */
static void test_first_part_runs(void **state)
{
    (void)state;
    const size_t n = skidx_tcache_taxonomy_bytes(F.img, F.len);
    struct skidx_taxonomy *t;
    struct skidx_compiled *c;
    assert_int_equal(skidx_tcache_load_taxonomy(copy_image(n), n, &F.key,
                                                "taxonomy", &F.f, &t, &c),
                     SKIDX_OK);
    char path[] = "tc-empty-XXXXXX.jsonl";
    const int fd = mkstemps(path, 6);
    assert_true(fd >= 0);
    close(fd);
    struct skidx_index_opts o;
    run_opts(&o, 1);
    o.allow_empty = 1;
    const char *const corpus[3] = {path, "/proc/self/status", NULL};
    for (int round = 0; round < 3; round++) {
        struct skidx_shard_list sl = {0};
        struct skidx_error err;
        struct skidx_model m;
        struct skidx_index_summary sum;
        skidx_error_clear(&err);
        if (round == 1) { /* a record in the shard */
            FILE *fp = fopen(path, "w");
            assert_non_null(fp);
            fputs("{\"id\":\"1\",\"title\":\"Python developer\"}\n", fp);
            fclose(fp);
        }
        assert_int_equal(
            skidx_shard_list_add(&sl, corpus[round == 2], &err), SKIDX_OK);
        assert_int_equal(skidx_model_init(&m, t, "test", "USD"), SKIDX_OK);
        const skidx_status st = skidx_run_index(&sl, c, &o, &m, &sum, &err);
        if (round == 0) {
            assert_int_equal(st, SKIDX_OK);
            assert_int_equal(m.counts.stats[SKIDX_STAT_POSTINGS], 0);
            assert_int_equal(m.taxonomy_hash, F.tax->hash);
        } else if (round == 1) {
            assert_int_equal(st, SKIDX_ERR_USAGE);
        } else {
            assert_int_equal(st, SKIDX_ERR_CORRUPT);
            assert_non_null(strstr(err.msg, "empty when the run started"));
        }
        skidx_model_release(&m);
        skidx_shard_list_release(&sl);
    }
    unlink(path);
    skidx_compiled_free(c);
    skidx_taxonomy_free(t);
}

/* The image as the CLI loads it from its file (skidx_tcache_load_file):
 * the first two parts read at the start, each database read from the
 * file, and checked, on its first scan. */
struct file_load {
    char path[32];
    int fd;
    struct skidx_taxonomy *t;
    struct skidx_compiled *c;
};

static void write_file(const char *path, const unsigned char *p, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(p, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
}

/* Open and load fl->path (written by the caller); the status of the load.
 * On failure fl->fd is still open (the caller's) and closed here. */
static skidx_status file_load(struct file_load *fl)
{
    struct stat sb;
    unsigned char hdr[SKIDX_TCACHE_HEADER];
    fl->t = NULL;
    fl->c = NULL;
    fl->fd = open(fl->path, O_RDONLY | O_CLOEXEC);
    assert_true(fl->fd >= 0);
    assert_int_equal(fstat(fl->fd, &sb), 0);
    assert_int_equal(pread(fl->fd, hdr, sizeof(hdr), 0), sizeof(hdr));
    size_t n = skidx_tcache_tables_bytes(hdr, (uint64_t)sb.st_size);
    if (!n) /* a length that disagrees: the first two parts of F.img */
        n = skidx_tcache_tables_bytes(F.img, F.len);
    if ((uint64_t)sb.st_size < n)
        n = (size_t)sb.st_size;
    unsigned char *buf = copy_image(n);
    assert_int_equal(pread(fl->fd, buf, n, 0), (ssize_t)n);
    const skidx_status st = skidx_tcache_load_file(
        buf, n, fl->fd, &F.key, "taxonomy", &F.f, &fl->t, &fl->c);
    if (st) {
        assert_null(fl->t);
        assert_null(fl->c);
        free(buf);
        /* the fd stays the caller's */
        assert_int_equal(fcntl(fl->fd, F_GETFD) >= 0, 1);
        close(fl->fd);
    }
    return st;
}

/* Free a file load: its file is closed with it. */
static void file_free(struct file_load *fl)
{
    skidx_compiled_free(fl->c);
    skidx_taxonomy_free(fl->t);
    errno = 0;
    assert_int_equal(fcntl(fl->fd, F_GETFD), -1);
    assert_int_equal(errno, EBADF);
}

/* Scan TEXTS with every matcher of a loaded c: how many scans failed
 * (SKIDX_ERR_HYPERSCAN; any other failure fails the test). */
static int scans_failed(const struct skidx_compiled *c)
{
    const struct skidx_matcher *m[4] = {c->skills, c->roles, c->levels,
                                        c->level_fields};
    int failed = 0;
    for (int k = 0; k < 4; k++) {
        struct skidx_match_scratch s;
        assert_int_equal(skidx_match_scratch_init(&s, m[k]), SKIDX_OK);
        for (size_t i = 0; i < sizeof(TEXTS) / sizeof(TEXTS[0]); i++) {
            skidx_match_reset(&s);
            const skidx_status st = skidx_match_text(
                m[k], &s, TEXTS[i], strlen(TEXTS[i]), SKIDX_ENGINE_WORDS);
            assert_true(st == SKIDX_OK || st == SKIDX_ERR_HYPERSCAN);
            failed += st != SKIDX_OK;
        }
        skidx_match_scratch_release(&s);
    }
    return failed;
}

static void test_file(void **state)
{
    (void)state;
    struct file_load fl;
    snprintf(fl.path, sizeof(fl.path), "tc-file-%d.skc", (int)getpid());
    const size_t n = skidx_tcache_tables_bytes(F.img, F.len);
    assert_int_equal(n, dbs_start());
    assert_true(n > skidx_tcache_taxonomy_bytes(F.img, F.len) && n < F.len);
    assert_int_equal(skidx_tcache_tables_bytes(F.img, F.len - 1), 0);
    assert_int_equal(skidx_tcache_tables_bytes(F.img, F.len + 1), 0);

    /* loads, matches as compiled, rebuilds every database */
    write_file(fl.path, F.img, F.len);
    assert_int_equal(file_load(&fl), SKIDX_OK);
    for (size_t i = 0; i < sizeof(TEXTS) / sizeof(TEXTS[0]); i++) {
        same_hits(F.comp->skills, fl.c->skills, TEXTS[i]);
        same_hits(F.comp->roles, fl.c->roles, TEXTS[i]);
        same_hits(F.comp->levels, fl.c->levels, TEXTS[i]);
        same_hits(F.comp->level_fields, fl.c->level_fields, TEXTS[i]);
    }
    assert_int_equal(skidx_matcher_load_all(fl.c->skills), SKIDX_OK);
    /* saved again from the loaded form (its databases read from the
     * file): the same bytes */
    unsigned char *again;
    size_t n2;
    assert_int_equal(skidx_tcache_save(fl.c, &F.key, &F.f, &again, &n2),
                     SKIDX_OK);
    assert_int_equal(n2, F.len);
    assert_memory_equal(again, F.img, F.len);
    free(again);
    file_free(&fl);

    /* a file shorter or longer than its header says is refused at load */
    write_file(fl.path, F.img, F.len - 1);
    assert_int_equal(file_load(&fl), SKIDX_ERR_CORRUPT);
    unsigned char *longer = copy_image(F.len + 1);
    longer[F.len] = 0;
    write_file(fl.path, longer, F.len + 1);
    free(longer);
    assert_int_equal(file_load(&fl), SKIDX_ERR_CORRUPT);
    unsigned char b1[1];
    assert_int_equal(skidx_tcache_load_file(b1, 1, -1, &F.key, "taxonomy",
                                            &F.f, &fl.t, &fl.c),
                     SKIDX_ERR_USAGE);

    /* truncated after the load (by something else: skidx only ever
     * renames a whole file into place): the databases not yet read fail
     * their scans, and the matchers are damaged; no signal, no hit */
    write_file(fl.path, F.img, F.len);
    assert_int_equal(file_load(&fl), SKIDX_OK);
    assert_int_equal(truncate(fl.path, (off_t)(dbs_start() + 10)), 0);
    assert_true(scans_failed(fl.c) > 0);
    assert_true(skidx_matcher_damaged(fl.c->skills));
    file_free(&fl);

    /* changed in place after the load, one byte of a database: its
     * checksum fails when it is read (forged or not) */
    for (int forged = 0; forged < 2; forged++) {
        write_file(fl.path, F.img, F.len);
        assert_int_equal(file_load(&fl), SKIDX_OK);
        unsigned char *buf = copy_image(F.len);
        buf[dbs_start() + 300] ^= 0x08;
        if (forged)
            forge_db(buf, 300);
        const int fd = open(fl.path, O_WRONLY);
        assert_true(fd >= 0);
        assert_int_equal(pwrite(fd, buf, F.len, 0), (ssize_t)F.len);
        close(fd);
        free(buf);
        assert_int_equal(skidx_matcher_load_all(fl.c->skills),
                         SKIDX_ERR_CORRUPT);
        assert_true(skidx_matcher_damaged(fl.c->skills));
        file_free(&fl);
    }

    /* replaced after the load by a rename, as skidx writes: the load
     * keeps reading the file it opened */
    write_file(fl.path, F.img, F.len);
    assert_int_equal(file_load(&fl), SKIDX_OK);
    char other[40];
    snprintf(other, sizeof(other), "%s.new", fl.path);
    unsigned char *zero = calloc(1, F.len);
    assert_non_null(zero);
    write_file(other, zero, F.len);
    free(zero);
    assert_int_equal(rename(other, fl.path), 0);
    assert_int_equal(scans_failed(fl.c), 0);
    for (size_t i = 0; i < sizeof(TEXTS) / sizeof(TEXTS[0]); i++)
        same_hits(F.comp->skills, fl.c->skills, TEXTS[i]);
    assert_int_equal(skidx_matcher_load_all(fl.c->skills), SKIDX_OK);
    file_free(&fl);
    unlink(fl.path);
}

/* The growable buffer the image, the index writer and the segment
 * encoder share: zeroed room to fill in, padding, little-endian values,
 * and growth that keeps what was written. */
static void test_wblob(void **state)
{
    (void)state;
    struct skidx_wblob w = {0};
    skidx_wblob_put(&w, "ab", 2);
    unsigned char *p = skidx_wblob_grow(&w, 5);
    assert_non_null(p);
    assert_int_equal(w.n, 7);
    for (int i = 0; i < 5; i++)
        assert_int_equal(p[i], 0);
    p[4] = 'x';
    skidx_wblob_pad(&w, 8);
    assert_int_equal(w.n, 8);
    skidx_wblob_pad(&w, 8);
    assert_int_equal(w.n, 8);
    skidx_wblob_u32(&w, 0x01020304u);
    skidx_wblob_u64(&w, 0x0102030405060708ull);
    assert_int_equal(w.n, 20);
    assert_memory_equal(w.p, "ab\0\0\0\0x\0\4\3\2\1\10\7\6\5\4\3\2\1", 20);
    /* far past the first capacity: the bytes so far stay, the new are 0 */
    p = skidx_wblob_grow(&w, 100000);
    assert_non_null(p);
    assert_int_equal(w.n, 100020);
    assert_true(w.cap >= w.n);
    assert_memory_equal(w.p, "ab\0\0\0\0x\0", 8);
    for (size_t i = 0; i < 100000; i += 997)
        assert_int_equal(p[i], 0);
    skidx_wblob_pad(&w, 64);
    assert_int_equal(w.n % 64, 0);
    assert_false(w.oom);
    free(w.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wblob),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_save_proves),
        cmocka_unit_test(test_key),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_bit_flips),
        cmocka_unit_test(test_forged),
        cmocka_unit_test(test_checksum_paths),
        cmocka_unit_test(test_alias_text_nul),
        cmocka_unit_test(test_lazy_damaged),
        cmocka_unit_test(test_run_damaged),
        cmocka_unit_test(test_lazy_nomem),
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_first_part),
        cmocka_unit_test(test_first_part_alone),
        cmocka_unit_test(test_first_part_runs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
