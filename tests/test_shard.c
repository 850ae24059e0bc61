/*
 * test_shard.c - io/shard: listing shards, reading plain, zstd and gzip
 * shards as chunks of whole lines, and every way a shard can be broken.
 *
 * Fixtures are made at run time in a temporary directory with libzstd and
 * zlib, so
 * each test states exactly which bytes it feeds. The central check,
 * read_all(), concatenates every chunk and checks each chunk's invariants
 * (whole lines, line numbers, offsets, size bound) on the way.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "io/shard.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

static char tmpdir[256];

/* Internal test hook of shard.c: the line counter's SIMD path for an enum
 * skidx_simd_mode (1: SSE2); returns 1 when AVX2 is in use afterwards. */
int skidx_shard_simd_mode_(int mode);

/* ---- fixture helpers ---- */

struct buf {
    char *p;
    size_t len, cap;
};

static void buf_add(struct buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void buf_addf(struct buf *b, const char *fmt, ...)
{
    char tmp[4096];
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof(tmp));
    buf_add(b, tmp, (size_t)n);
}

static void buf_free(struct buf *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

static char *path_of(const char *name)
{
    static char paths[8][512];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 512, "%s/%s", tmpdir, name);
    return p;
}

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (n)
        assert_int_equal(fwrite(p, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* Append one zstd frame of src[0..n) (with a content checksum) to out. */
static void add_frame(struct buf *out, const void *src, size_t n, int level)
{
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    assert_non_null(cc);
    assert_false(ZSTD_isError(
        ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, level)));
    assert_false(
        ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1)));
    const size_t bound = ZSTD_compressBound(n);
    char *dst = malloc(bound);
    assert_non_null(dst);
    const size_t z = ZSTD_compress2(cc, dst, bound, src, n);
    assert_false(ZSTD_isError(z));
    buf_add(out, dst, z);
    free(dst);
    ZSTD_freeCCtx(cc);
}

/* Append a skippable frame (magic 0x184D2A50 + nibble) with `n` bytes. */
static void add_skippable(struct buf *out, unsigned nibble, size_t n)
{
    const uint32_t magic = 0x184D2A50u + (nibble & 15);
    unsigned char h[8];
    for (int i = 0; i < 4; i++) {
        h[i] = (unsigned char)(magic >> (8 * i));
        h[4 + i] = (unsigned char)((uint32_t)n >> (8 * i));
    }
    buf_add(out, h, 8);
    for (size_t i = 0; i < n; i++)
        buf_add(out, "S", 1);
}

/* Compress text into frames cut at the given points (ascending). */
static void add_frames(struct buf *out, const struct buf *text,
                       const size_t *cuts, size_t n_cuts)
{
    size_t at = 0;
    for (size_t i = 0; i <= n_cuts; i++) {
        const size_t end = i < n_cuts ? cuts[i] : text->len;
        add_frame(out, text->p + at, end - at, 3);
        at = end;
    }
}

/* Deterministic pseudo-random numbers (xorshift). */
static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* JSON-looking lines of varied length, numbered from 1. */
static void make_lines(struct buf *b, size_t n_lines, size_t max_pad)
{
    for (size_t i = 1; i <= n_lines; i++) {
        buf_addf(b, "{\"n\":%zu,\"t\":\"", i);
        const size_t pad = max_pad ? rnd() % max_pad : 0;
        for (size_t k = 0; k < pad; k++)
            buf_add(b, &"abcdefghij klmnop"[k % 17], 1);
        buf_add(b, "\"}\n", 3);
    }
}

/* ---- reading a whole shard ---- */

struct result {
    skidx_status st;
    struct skidx_error err;
    struct buf data;        /* all chunks concatenated */
    uint64_t lines;         /* total n_lines */
    uint64_t long_lines[64];
    size_t n_long;
    size_t max_cap;         /* largest chunk->cap seen */
    size_t chunks;
    int is_zstd, named_zstd;
    uint64_t bytes_in, bytes_out;
};

static uint64_t count_nl(const char *p, size_t n)
{
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += p[i] == '\n';
    return k;
}

static void expect_views_agree(const char *path, size_t chunk_bytes,
                               size_t max_rec, const struct result *want);

/* Read `path` to the end (or the first error), checking each chunk; then
 * read it again through views and expect the same. */
static void read_all(const char *path, size_t chunk_bytes, size_t max_rec,
                     struct result *res)
{
    memset(res, 0, sizeof(*res));
    skidx_error_clear(&res->err);
    const struct skidx_reader_opts opts = {chunk_bytes, max_rec, NULL, 0, 0};
    struct skidx_shard_reader *r = NULL;
    res->st = skidx_shard_reader_open(path, &opts, &r, &res->err);
    if (res->st != SKIDX_OK) {
        assert_null(r);
        return;
    }
    res->is_zstd = skidx_shard_reader_is_zstd(r);
    res->named_zstd = skidx_shard_reader_named_zstd(r);
    struct skidx_chunk c = {0};
    uint64_t next_line = 1;
    for (;;) {
        res->st = skidx_shard_reader_next(r, &c, &res->err);
        if (res->st != SKIDX_OK)
            break;
        if (c.cap > res->max_cap)
            res->max_cap = c.cap;
        assert_int_equal(c.first_line, next_line);
        if (c.n_lines == 0) {
            assert_int_equal(c.len, 0);
            /* the end is sticky */
            assert_int_equal(skidx_shard_reader_next(r, &c, &res->err),
                             SKIDX_OK);
            assert_int_equal(c.n_lines, 0);
            break;
        }
        res->chunks++;
        assert_true(c.len > 0 && c.len <= c.cap);
        assert_int_equal(c.data[c.len - 1], '\n');
        assert_int_equal(count_nl(c.data, c.len), c.n_lines);
        /* a chunk is within its target unless it is a single line */
        const size_t target = chunk_bytes ? chunk_bytes : (1u << 20);
        assert_true(c.len <= target || c.n_lines == 1);
        /* without long lines, offsets are those of the input bytes */
        if (res->n_long == 0 && c.n_long == 0)
            assert_int_equal(c.offset, res->data.len);
        for (size_t i = 0; i < c.n_long; i++) {
            assert_true(c.long_lines[i] >= c.first_line &&
                        c.long_lines[i] < c.first_line + c.n_lines);
            if (i > 0)
                assert_true(c.long_lines[i] > c.long_lines[i - 1]);
            assert_true(res->n_long < 64);
            res->long_lines[res->n_long++] = c.long_lines[i];
        }
        buf_add(&res->data, c.data, c.len);
        res->lines += c.n_lines;
        next_line += c.n_lines;
    }
    res->bytes_in = skidx_shard_reader_bytes_in(r);
    res->bytes_out = skidx_shard_reader_bytes_out(r);
    if (res->st != SKIDX_OK) {
        /* errors are sticky too */
        struct skidx_error e2;
        assert_int_equal(skidx_shard_reader_next(r, &c, &e2), res->st);
        assert_int_equal(e2.offset, res->err.offset);
    }
    skidx_chunk_release(&c);
    assert_null(c.data);
    skidx_shard_reader_close(r);
    expect_views_agree(path, chunk_bytes, max_rec, res);
}

static void result_free(struct result *res) { buf_free(&res->data); }

static void *view_spare;

/* The same shard read through views (skidx_shard_reader_view): each view's
 * invariants on the way, long lines emptied as next() gives them. */
static void read_all_views(const char *path, size_t chunk_bytes,
                           size_t max_rec, struct result *res)
{
    memset(res, 0, sizeof(*res));
    skidx_error_clear(&res->err);
    /* every reader takes the buffers the last one left (opts.spare), as
     * the indexer's readers do: nothing may carry over but the memory */
    const struct skidx_reader_opts opts = {chunk_bytes, max_rec, &view_spare, 0, 0};
    struct skidx_shard_reader *r = NULL;
    res->st = skidx_shard_reader_open(path, &opts, &r, &res->err);
    if (res->st != SKIDX_OK)
        return;
    struct skidx_chunk v;
    uint64_t next_line = 1;
    for (;;) {
        res->st = skidx_shard_reader_view(r, &v, &res->err);
        if (res->st != SKIDX_OK)
            break;
        assert_int_equal(v.borrowed, 1);
        assert_int_equal(v.first_line, next_line);
        if (v.n_lines == 0) {
            assert_int_equal(v.len, 0);
            assert_int_equal(skidx_shard_reader_view(r, &v, &res->err),
                             SKIDX_OK);
            assert_int_equal(v.n_lines, 0);
            break;
        }
        res->chunks++;
        assert_int_equal(v.data[v.len - 1], '\n');
        assert_int_equal(count_nl(v.data, v.len), v.n_lines);
        if (res->n_long == 0 && v.n_long == 0)
            assert_int_equal(v.offset, res->data.len);
        size_t li = 0;
        const char *p = v.data, *e = v.data + v.len;
        for (uint64_t line = v.first_line; p < e; line++) {
            const char *nl = memchr(p, '\n', (size_t)(e - p));
            assert_non_null(nl);
            if (li < v.n_long && v.long_lines[li] == line) {
                assert_true(res->n_long < 64);
                res->long_lines[res->n_long++] = line;
                buf_add(&res->data, "\n", 1);
                li++;
            } else {
                buf_add(&res->data, p, (size_t)(nl + 1 - p));
            }
            p = nl + 1;
        }
        assert_int_equal(li, v.n_long); /* listed lines are in the view */
        res->lines += v.n_lines;
        next_line += v.n_lines;
        skidx_chunk_release(&v); /* a view: releases nothing */
        assert_null(v.data);
    }
    res->bytes_in = skidx_shard_reader_bytes_in(r);
    res->bytes_out = skidx_shard_reader_bytes_out(r);
    if (res->st != SKIDX_OK) {
        struct skidx_error e2;
        assert_int_equal(skidx_shard_reader_view(r, &v, &e2), res->st);
        assert_int_equal(e2.offset, res->err.offset);
    }
    skidx_shard_reader_close(r);
}

/* Views give what next() gives: the same text, lines, long lines, errors
 * (message and byte); after a fault, both hand out a prefix of the text. */
static void expect_views_agree(const char *path, size_t chunk_bytes,
                               size_t max_rec, const struct result *want)
{
    struct result got;
    read_all_views(path, chunk_bytes, max_rec, &got);
    assert_int_equal(got.st, want->st);
    if (want->st != SKIDX_OK) {
        assert_string_equal(got.err.msg, want->err.msg);
        assert_int_equal(got.err.offset, want->err.offset);
        const size_t n = got.data.len < want->data.len ? got.data.len
                                                       : want->data.len;
        if (n)
            assert_memory_equal(got.data.p, want->data.p, n);
    } else {
        assert_int_equal(got.data.len, want->data.len);
        if (got.data.len)
            assert_memory_equal(got.data.p, want->data.p, got.data.len);
        assert_int_equal(got.lines, want->lines);
        assert_int_equal(got.n_long, want->n_long);
        for (size_t i = 0; i < got.n_long; i++)
            assert_int_equal(got.long_lines[i], want->long_lines[i]);
        assert_int_equal(got.bytes_out, want->bytes_out);
        assert_int_equal(got.bytes_in, want->bytes_in);
    }
    result_free(&got);
}

/* Expect `path` to read back exactly as `text` at several chunk sizes. */
static void expect_text(const char *path, const struct buf *text,
                        int is_zstd)
{
    static const size_t sizes[] = {1, 7, 64, 1000, 65536, 0};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
        struct result res;
        read_all(path, sizes[i], 0, &res);
        assert_int_equal(res.st, SKIDX_OK);
        assert_int_equal(res.is_zstd, is_zstd);
        assert_int_equal(res.data.len, text->len);
        assert_memory_equal(res.data.p, text->p, text->len);
        assert_int_equal(res.lines, count_nl(text->p, text->len));
        assert_int_equal(res.n_long, 0);
        assert_int_equal(res.bytes_out, text->len);
        result_free(&res);
    }
}

/* ---- tests: plain and zstd content ---- */

static void test_plain(void **state)
{
    (void)state;
    struct buf text = {0};
    make_lines(&text, 500, 300);
    write_file(path_of("plain.jsonl"), text.p, text.len);
    expect_text(path_of("plain.jsonl"), &text, 0);
    struct result res;
    read_all(path_of("plain.jsonl"), 0, 0, &res);
    assert_int_equal(res.bytes_in, text.len);
    assert_int_equal(res.named_zstd, 0);
    assert_int_equal(res.chunks, 1);
    result_free(&res);
    buf_free(&text);
}

/* Runs of blank lines (tens of thousands of '\n' in a row) between records,
 * plain and zstd, with each line counter: every chunk and view counts its
 * lines exactly (the SSE2 counter once wrapped a byte lane at 256 and
 * miscounted such runs). */
static void test_blank_runs(void **state)
{
    (void)state;
    struct buf text = {0}, z = {0};
    make_lines(&text, 50, 100);
    for (int i = 0; i < 40000; i++)
        buf_add(&text, "\n", 1);
    make_lines(&text, 50, 100);
    for (int i = 0; i < 20017; i++)
        buf_add(&text, "\n", 1);
    make_lines(&text, 50, 100);
    write_file(path_of("blank.jsonl"), text.p, text.len);
    add_frame(&z, text.p, text.len, 3);
    write_file(path_of("blank.jsonl.zst"), z.p, z.len);
    /* BEST (AVX-512 where the CPU has it), SCALAR (SSE2), AVX2 */
    for (int mode = 0; mode <= 2; mode++) {
        const int path = skidx_shard_simd_mode_(mode);
        if (mode == 1)
            assert_int_equal(path, 0); /* SCALAR: SSE2 */
        if (mode == 2)
            assert_true(path <= 1); /* AVX2 at most */
        expect_text(path_of("blank.jsonl"), &text, 0);
        expect_text(path_of("blank.jsonl.zst"), &text, 1);
    }
    skidx_shard_simd_mode_(0);
    buf_free(&text);
    buf_free(&z);
}

static void test_zstd_single_frame(void **state)
{
    (void)state;
    struct buf text = {0}, z = {0};
    make_lines(&text, 2000, 400);
    add_frame(&z, text.p, text.len, 3);
    write_file(path_of("one.jsonl.zst"), z.p, z.len);
    expect_text(path_of("one.jsonl.zst"), &text, 1);
    struct result res;
    read_all(path_of("one.jsonl.zst"), 4096, 0, &res);
    assert_int_equal(res.bytes_in, z.len);
    assert_int_equal(res.named_zstd, 1);
    assert_true(res.chunks > 10);
    result_free(&res);
    buf_free(&text);
    buf_free(&z);
}

/* Frames cut mid-line, on line ends, with skippable frames anywhere, and
 * empty frames: the text comes out whole. */
static void test_zstd_multi_frame(void **state)
{
    (void)state;
    struct buf text = {0}, z = {0};
    make_lines(&text, 300, 100);
    add_skippable(&z, 0, 5); /* file starts with a skippable frame */
    size_t at = 0;
    for (int i = 0; at < text.len; i++) {
        size_t n = 1 + rnd() % 700;
        if (n > text.len - at)
            n = text.len - at;
        add_frame(&z, text.p + at, n, 1 + i % 5);
        if (i % 3 == 0)
            add_skippable(&z, (unsigned)i, (size_t)i % 20);
        if (i % 7 == 0)
            add_frame(&z, "", 0, 3);
        at += n;
    }
    write_file(path_of("multi.ndjson.zst"), z.p, z.len);
    expect_text(path_of("multi.ndjson.zst"), &text, 1);

    /* a frame ending exactly on each line end */
    struct buf z2 = {0};
    size_t start = 0;
    for (size_t i = 0; i < text.len; i++)
        if (text.p[i] == '\n') {
            add_frame(&z2, text.p + start, i + 1 - start, 3);
            start = i + 1;
        }
    write_file(path_of("perline.jsonl.zst"), z2.p, z2.len);
    expect_text(path_of("perline.jsonl.zst"), &text, 1);
    buf_free(&text);
    buf_free(&z);
    buf_free(&z2);
}

/* Random texts, random frame cuts, random chunk sizes. */
static void test_random_roundtrip(void **state)
{
    (void)state;
    for (int round = 0; round < 40; round++) {
        struct buf text = {0}, z = {0};
        const size_t n = rnd() % 4000;
        for (size_t i = 0; i < n; i++) {
            const unsigned r = (unsigned)(rnd() % 20);
            const char ch = r == 0 ? '\n' : r == 1 ? '\r' : (char)('a' + r);
            buf_add(&text, &ch, 1);
        }
        size_t cuts[8], nc = 0;
        for (size_t i = 0; i < 8 && text.len > 0; i++) {
            const size_t cpos = rnd() % (text.len + 1);
            if (nc == 0 || cpos >= cuts[nc - 1])
                cuts[nc++] = cpos;
        }
        add_frames(&z, &text, cuts, nc);
        write_file(path_of("rand.zst"), z.p, z.len);
        write_file(path_of("rand.txt"), text.p, text.len);
        const size_t chunk = 1 + rnd() % 300;
        for (int which = 0; which < 2; which++) {
            struct result res;
            read_all(path_of(which ? "rand.zst" : "rand.txt"), chunk, 0, &res);
            assert_int_equal(res.st, SKIDX_OK);
            /* expected: the text, plus '\n' if it lacks a final one */
            const int add = text.len > 0 && text.p[text.len - 1] != '\n';
            assert_int_equal(res.data.len, text.len + (size_t)add);
            if (text.len)
                assert_memory_equal(res.data.p, text.p, text.len);
            result_free(&res);
        }
        buf_free(&text);
        buf_free(&z);
    }
}

static void test_no_final_newline(void **state)
{
    (void)state;
    static const char text[] = "{\"a\":1}\n{\"b\":2}";
    struct buf z = {0};
    add_frame(&z, text, strlen(text), 3);
    write_file(path_of("nonl.jsonl"), text, strlen(text));
    write_file(path_of("nonl.jsonl.zst"), z.p, z.len);
    for (int which = 0; which < 2; which++)
        for (size_t chunk = 1; chunk < 20; chunk += 3) {
            struct result res;
            read_all(path_of(which ? "nonl.jsonl.zst" : "nonl.jsonl"), chunk,
                     0, &res);
            assert_int_equal(res.st, SKIDX_OK);
            assert_int_equal(res.lines, 2);
            assert_int_equal(res.data.len, strlen(text) + 1);
            assert_string_equal(res.data.p, "{\"a\":1}\n{\"b\":2}\n");
            /* bytes_out counts the shard's bytes, not the added '\n' */
            assert_int_equal(res.bytes_out, strlen(text));
            result_free(&res);
        }
    /* a file holding a single line without '\n' */
    write_file(path_of("one.jsonl"), "x", 1);
    struct result res;
    read_all(path_of("one.jsonl"), 0, 0, &res);
    assert_int_equal(res.lines, 1);
    assert_string_equal(res.data.p, "x\n");
    result_free(&res);
    buf_free(&z);
}

static void test_crlf_untouched(void **state)
{
    (void)state;
    static const char text[] = "{\"a\":1}\r\n\r\n{\"b\":\"x\ry\"}\r\n\n\r";
    struct buf z = {0};
    add_frame(&z, text, strlen(text), 3);
    write_file(path_of("crlf.jsonl.zst"), z.p, z.len);
    for (size_t chunk = 1; chunk < 40; chunk += 5) {
        struct result res;
        read_all(path_of("crlf.jsonl.zst"), chunk, 0, &res);
        assert_int_equal(res.st, SKIDX_OK);
        assert_int_equal(res.lines, 5);
        assert_int_equal(res.data.len, strlen(text) + 1);
        assert_memory_equal(res.data.p, text, strlen(text));
        result_free(&res);
    }
    buf_free(&z);
}

static void test_empty(void **state)
{
    (void)state;
    write_file(path_of("empty.jsonl"), "", 0);
    struct buf z = {0};
    add_frame(&z, "", 0, 3);
    add_skippable(&z, 3, 4);
    write_file(path_of("emptyframe.jsonl.zst"), z.p, z.len);
    struct result res;
    read_all(path_of("empty.jsonl"), 0, 0, &res);
    assert_int_equal(res.st, SKIDX_OK);
    assert_int_equal(res.lines, 0);
    assert_int_equal(res.data.len, 0);
    assert_int_equal(res.is_zstd, 0);
    result_free(&res);
    read_all(path_of("emptyframe.jsonl.zst"), 0, 0, &res);
    assert_int_equal(res.st, SKIDX_OK);
    assert_int_equal(res.is_zstd, 1);
    assert_int_equal(res.lines, 0);
    assert_int_equal(res.bytes_in, z.len);
    result_free(&res);
    buf_free(&z);
}

/* Data compressed with a format skidx does not read is recognised by its
 * magic number under any name, never read as text; an empty file is an
 * empty shard under a text name and a truncated frame under *.zst(d). */
static void test_other_compression(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        size_t n;
        const char *msg;
    } cases[] = {
        {"BZh91AY&SY", 10, "bzip2 data is not supported"},
        {"\xFD" "7zXZ\x00\x00\x04", 8, "xz data is not supported"},
        {"\x04\x22\x4D\x18\x64\x40", 6, "lz4 data is not supported"},
        {"PK\x03\x04\x14\x00", 6, "zip data is not supported"},
    };
    static const char *const names[] = {"x.jsonl.zst", "x.jsonl", "x"};
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        for (size_t k = 0; k < 3; k++) {
            write_file(path_of(names[k]), cases[i].bytes, cases[i].n);
            struct result res;
            read_all(path_of(names[k]), 0, 0, &res);
            assert_int_equal(res.st, SKIDX_ERR_CORRUPT);
            assert_string_equal(res.err.msg, cases[i].msg);
            assert_string_equal(res.err.path, path_of(names[k]));
            result_free(&res);
        }
    /* text that merely starts like one is text: "BZh" without a digit */
    write_file(path_of("bz.jsonl"), "BZhx\n", 5);
    struct result res;
    read_all(path_of("bz.jsonl"), 0, 0, &res);
    assert_int_equal(res.st, SKIDX_OK);
    assert_int_equal(res.lines, 1);
    result_free(&res);
    /* empty: text is fine, *.zst and *.zstd are truncated frames */
    write_file(path_of("e.jsonl"), "", 0);
    read_all(path_of("e.jsonl"), 0, 0, &res);
    assert_int_equal(res.st, SKIDX_OK);
    assert_int_equal(res.lines, 0);
    result_free(&res);
    write_file(path_of("e.jsonl.zstd"), "", 0);
    read_all(path_of("e.jsonl.zstd"), 0, 0, &res);
    assert_int_equal(res.st, SKIDX_ERR_CORRUPT);
    assert_non_null(strstr(res.err.msg, "truncated zstd frame"));
    result_free(&res);
}

/* A plain or zstd shard cut or grown while it is read is a read error
 * naming both sizes, on next() and on views. */
static void test_changed_while_reading(void **state)
{
    (void)state;
    struct buf text = {0}, z = {0};
    make_lines(&text, 60000, 60); /* about 3.6 MB: several reads */
    add_frame(&z, text.p, text.len, 3);
    for (int zstd = 0; zstd < 2; zstd++)
        for (int grow = 0; grow < 2; grow++)
            for (int views = 0; views < 2; views++) {
                const struct buf *src = zstd ? &z : &text;
                const char *path = path_of(zstd ? "chg.jsonl.zst" : "chg.jsonl");
                write_file(path, src->p, src->len);
                const struct skidx_reader_opts opts = {64 << 10, 0, NULL, 0, 0};
                struct skidx_shard_reader *r = NULL;
                struct skidx_error err;
                skidx_error_clear(&err);
                assert_int_equal(skidx_shard_reader_open(path, &opts, &r, &err),
                                 SKIDX_OK);
                struct skidx_chunk c = {0};
                assert_int_equal(views ? skidx_shard_reader_view(r, &c, &err)
                                       : skidx_shard_reader_next(r, &c, &err),
                                 SKIDX_OK);
                assert_true(c.n_lines > 0);
                if (grow) {
                    FILE *f = fopen(path, "ab");
                    assert_non_null(f);
                    assert_int_equal(fwrite(src->p, 1, 100, f), 100);
                    fclose(f);
                } else {
                    assert_int_equal(truncate(path, (off_t)(src->len * 3 / 4)), 0);
                }
                skidx_status st;
                do
                    st = views ? skidx_shard_reader_view(r, &c, &err)
                               : skidx_shard_reader_next(r, &c, &err);
                while (st == SKIDX_OK && c.n_lines > 0);
                if (zstd) {
                    /* a cut frame or bytes after it: the decoder may
                     * find them first */
                    assert_int_not_equal(st, SKIDX_OK);
                } else {
                    assert_int_equal(st, SKIDX_ERR_IO);
                    assert_non_null(strstr(err.msg, "file changed while reading"));
                    char want[64];
                    snprintf(want, sizeof(want), "size %zu at open", src->len);
                    assert_non_null(strstr(err.msg, want));
                }
                if (!views)
                    skidx_chunk_release(&c);
                skidx_shard_reader_close(r);
            }
    /* a zstd shard cut exactly at a frame boundary: only the size says so */
    struct buf f1 = {0};
    add_frame(&f1, text.p, 1000, 3);
    const size_t b1 = f1.len;
    add_frame(&f1, text.p + 1000, 1000, 3);
    write_file(path_of("cut.jsonl.zst"), f1.p, f1.len);
    struct skidx_shard_reader *r = NULL;
    struct skidx_error err;
    skidx_error_clear(&err);
    assert_int_equal(skidx_shard_reader_open(path_of("cut.jsonl.zst"), NULL,
                                             &r, &err),
                     SKIDX_OK);
    assert_int_equal(truncate(path_of("cut.jsonl.zst"), (off_t)b1), 0);
    struct skidx_chunk c = {0};
    skidx_status st;
    do
        st = skidx_shard_reader_next(r, &c, &err);
    while (st == SKIDX_OK && c.n_lines > 0);
    assert_int_equal(st, SKIDX_ERR_IO);
    assert_non_null(strstr(err.msg, "file changed while reading"));
    skidx_chunk_release(&c);
    skidx_shard_reader_close(r);
    buf_free(&f1);
    buf_free(&text);
    buf_free(&z);
}

/* ---- tests: broken shards ---- */

/* Cut a two-frame file at every byte: a cut on a frame boundary is a valid
 * shorter shard, any other cut is a truncated frame reported at the cut. */
static void test_truncated(void **state)
{
    (void)state;
    static const char t1[] = "{\"first\":1}\n{\"sec";
    static const char t2[] = "ond\":2}\n{\"third\":3}\n";
    struct buf z = {0};
    add_frame(&z, t1, strlen(t1), 3);
    const size_t b1 = z.len;
    add_frame(&z, t2, strlen(t2), 3);
    for (size_t cut = 0; cut < z.len; cut++) {
        write_file(path_of("trunc.jsonl.zst"), z.p, cut);
        struct result res;
        read_all(path_of("trunc.jsonl.zst"), 7, 0, &res);
        if (cut == 0) {
            /* an empty *.zst is a truncated frame, as `zstd -t` says */
            assert_int_equal(res.st, SKIDX_ERR_CORRUPT);
            assert_int_equal(res.err.offset, 0);
            assert_non_null(strstr(res.err.msg, "truncated zstd frame"));
            assert_non_null(strstr(res.err.msg, "empty"));
        } else if (cut == b1) {
            assert_int_equal(res.st, SKIDX_OK);
            assert_int_equal(res.lines, 2);
            assert_string_equal(res.data.p, "{\"first\":1}\n{\"sec\n");
        } else {
            assert_int_equal(res.st, SKIDX_ERR_CORRUPT);
            assert_int_equal(res.is_zstd, 1); /* even a 1-byte prefix */
            assert_string_equal(res.err.msg, "truncated zstd frame");
            assert_int_equal(res.err.offset, cut);
            assert_string_equal(res.err.path, path_of("trunc.jsonl.zst"));
        }
        result_free(&res);
    }
    buf_free(&z);
}

/* Flip each bit of a small checksummed frame: never silently accepted. */
static void test_bit_flips(void **state)
{
    (void)state;
    struct buf text = {0}, z = {0};
    make_lines(&text, 30, 20);
    add_frame(&z, text.p, text.len, 19);
    size_t bad = 0, harmless = 0;
    for (size_t i = 0; i < z.len; i++)
        for (int bit = 0; bit < 8; bit++) {
            z.p[i] ^= (char)(1 << bit);
            write_file(path_of("flip.jsonl.zst"), z.p, z.len);
            z.p[i] ^= (char)(1 << bit);
            if (i == 4 && bit == 4)
                continue; /* the frame header's "unused" bit: ignored */
            struct result res;
            read_all(path_of("flip.jsonl.zst"), 64, 0, &res);
            if (i < 4) {
                /* the magic itself: no longer zstd, or a skippable frame
                 * eating the rest, or an error; never the text */
                assert_false(res.st == SKIDX_OK && res.is_zstd &&
                             res.data.len > 0);
            } else {
                /* A flip either breaks the frame, or hits a bit the
                 * decoder does not use (padding) and the output, checked
                 * by the content checksum, is the original text. */
                if (res.st == SKIDX_OK) {
                    assert_int_equal(res.data.len, text.len);
                    assert_memory_equal(res.data.p, text.p, text.len);
                    harmless++;
                } else {
                    assert_int_equal(res.st, SKIDX_ERR_CORRUPT);
                    assert_true(res.err.offset <= z.len);
                    bad++;
                }
                /* the payload's last bytes and the checksum always count */
                if (i >= z.len - 8)
                    assert_int_equal(res.st, SKIDX_ERR_CORRUPT);
            }
            result_free(&res);
        }
    assert_true(harmless * 50 < bad);
    buf_free(&text);
    buf_free(&z);
}

/* Damage in a large frame (several input buffers) is reported at the byte
 * where zstd can see it: a flipped literal at the content checksum (the
 * frame's last byte), a broken block header at that header. */
static void test_corrupt_offset(void **state)
{
    (void)state;
    struct buf text = {0}, z = {0};
    /* random words: several MB compressed, many blocks */
    for (size_t i = 1; i <= 100000; i++) {
        buf_addf(&text, "{\"n\":%zu,\"t\":\"", i);
        for (int w = 0; w < 12; w++)
            buf_addf(&text, "%c%llx ", 'a' + (int)(rnd() % 26),
                     (unsigned long long)(rnd() % 100000));
        buf_add(&text, "\"}\n", 3);
    }
    add_frame(&z, text.p, text.len, 1);
    assert_true(z.len > 3 * (1u << 20)); /* > 3 input buffers */

    /* Walk the frame (zstd_compression_format.md) to a block header past
     * the middle. */
    const unsigned char *u = (const unsigned char *)z.p;
    const unsigned fhd = u[4];
    static const size_t did_size[4] = {0, 1, 2, 4};
    static const size_t fcs_size[4] = {0, 2, 4, 8};
    const int single = (fhd >> 5) & 1;
    size_t pos = 5 + (single ? 0 : 1) + did_size[fhd & 3] +
                 ((fhd >> 6) == 0 ? (size_t)single : fcs_size[fhd >> 6]);
    for (;;) {
        const uint32_t h = u[pos] | (uint32_t)u[pos + 1] << 8 |
                           (uint32_t)u[pos + 2] << 16;
        assert_false(h & 1); /* not yet the last block */
        if (pos > z.len / 2)
            break;
        const size_t type = (h >> 1) & 3, size = h >> 3;
        pos += 3 + (type == 1 ? 1 : size);
    }
    struct result res;
    const char saved = z.p[pos];
    z.p[pos] |= 6; /* block type 3: reserved */
    write_file(path_of("corrupt.jsonl.zst"), z.p, z.len);
    read_all(path_of("corrupt.jsonl.zst"), 0, 0, &res);
    assert_int_equal(res.st, SKIDX_ERR_CORRUPT);
    assert_non_null(strstr(res.err.msg, "cannot decompress: "));
    assert_true(res.err.offset >= pos && res.err.offset < pos + 3);
    /* everything before the damaged block was delivered */
    assert_true(res.data.len > text.len / 3);
    assert_memory_equal(res.data.p, text.p, res.data.len);
    result_free(&res);
    z.p[pos] = saved;

    /* a flipped byte inside a block: only the checksum can tell */
    const size_t at = z.len / 2 + 12345;
    z.p[at] ^= 0x01;
    write_file(path_of("corrupt.jsonl.zst"), z.p, z.len);
    read_all(path_of("corrupt.jsonl.zst"), 0, 0, &res);
    assert_int_equal(res.st, SKIDX_ERR_CORRUPT);
    assert_non_null(strstr(res.err.msg, "checksum"));
    assert_int_equal(res.err.offset, z.len - 1);
    result_free(&res);
    buf_free(&text);
    buf_free(&z);
}

static void test_trailing_garbage(void **state)
{
    (void)state;
    struct buf text = {0}, z = {0};
    make_lines(&text, 100, 50);
    add_frame(&z, text.p, text.len / 2, 3);
    add_frame(&z, text.p + text.len / 2, text.len - text.len / 2, 3);
    const size_t g = z.len;
    buf_add(&z, "garbage!\n", 9);
    write_file(path_of("garbage.jsonl.zst"), z.p, z.len);
    for (size_t chunk = 7; chunk < 100000; chunk *= 13) {
        struct result res;
        read_all(path_of("garbage.jsonl.zst"), chunk, 0, &res);
        assert_int_equal(res.st, SKIDX_ERR_CORRUPT);
        assert_int_equal(res.err.offset, g);
        assert_non_null(strstr(res.err.msg, "cannot decompress: "));
        /* what came before the garbage was delivered intact */
        assert_true(res.data.len <= text.len);
        assert_memory_equal(res.data.p, text.p, res.data.len);
        result_free(&res);
    }
    /* garbage after a skippable frame, and garbage shorter than a magic */
    struct buf z2 = {0};
    add_frame(&z2, text.p, text.len, 3);
    add_skippable(&z2, 9, 3);
    const size_t g2 = z2.len;
    buf_add(&z2, "\x01\x02", 2);
    write_file(path_of("garbage2.jsonl.zst"), z2.p, z2.len);
    struct result res;
    read_all(path_of("garbage2.jsonl.zst"), 0, 0, &res);
    assert_int_equal(res.st, SKIDX_ERR_CORRUPT);
    assert_int_equal(res.err.offset, g2);
    result_free(&res);
    buf_free(&text);
    buf_free(&z);
    buf_free(&z2);
}

static void test_name_vs_content(void **state)
{
    (void)state;
    struct buf text = {0}, z = {0};
    make_lines(&text, 50, 30);
    write_file(path_of("liar.jsonl.zst"), text.p, text.len);
    struct result res;
    read_all(path_of("liar.jsonl.zst"), 0, 0, &res);
    assert_int_equal(res.st, SKIDX_OK);
    assert_int_equal(res.named_zstd, 1);
    assert_int_equal(res.is_zstd, 0);
    assert_int_equal(res.data.len, text.len);
    assert_memory_equal(res.data.p, text.p, text.len);
    result_free(&res);

    add_frame(&z, text.p, text.len, 3);
    write_file(path_of("hidden.jsonl"), z.p, z.len);
    read_all(path_of("hidden.jsonl"), 0, 0, &res);
    assert_int_equal(res.st, SKIDX_OK);
    assert_int_equal(res.named_zstd, 0);
    assert_int_equal(res.is_zstd, 1);
    assert_int_equal(res.data.len, text.len);
    assert_memory_equal(res.data.p, text.p, text.len);
    result_free(&res);
    buf_free(&text);
    buf_free(&z);
}

static void test_missing_file(void **state)
{
    (void)state;
    struct result res;
    read_all(path_of("nope.jsonl"), 0, 0, &res);
    assert_int_equal(res.st, SKIDX_ERR_IO);
    assert_string_equal(res.err.path, path_of("nope.jsonl"));
    assert_non_null(strstr(res.err.msg, strerror(ENOENT)));
    result_free(&res);
    /* a directory opens but can't be read */
    read_all(tmpdir, 0, 0, &res);
    assert_int_equal(res.st, SKIDX_ERR_IO);
    result_free(&res);
}

/* ---- tests: long lines ---- */

/* Build lines numbered 1..n, where the lines in `longs` are `long_len`
 * bytes long; check they are replaced by "\n", listed, and that every other
 * line keeps its number and its bytes. */
static void check_long_lines(const char *name, int zstd, size_t n,
                             const size_t *longs, size_t n_longs,
                             size_t long_len, size_t max_rec, int final_nl)
{
    struct buf text = {0}, expect = {0};
    for (size_t i = 1; i <= n; i++) {
        int is_long = 0;
        for (size_t k = 0; k < n_longs; k++)
            is_long |= longs[k] == i;
        struct buf line = {0};
        buf_addf(&line, "{\"n\":%zu,\"t\":\"", i);
        const size_t target = is_long ? long_len : (size_t)(rnd() % max_rec);
        while (line.len + 2 < target)
            buf_add(&line, "x", 1);
        buf_add(&line, "\"}", 2);
        buf_add(&text, line.p, line.len);
        if (i < n || final_nl)
            buf_add(&text, "\n", 1);
        if (is_long)
            assert_true(line.len > max_rec);
        else if (line.len <= max_rec)
            buf_add(&expect, line.p, line.len);
        else
            fail_msg("short line %zu too long for the test", i);
        buf_add(&expect, "\n", 1);
        buf_free(&line);
    }
    struct buf file = {0};
    if (zstd)
        add_frame(&file, text.p, text.len, 3);
    else
        buf_add(&file, text.p, text.len);
    write_file(path_of(name), file.p, file.len);
    static const size_t chunks[] = {1, 7, 100, 333, 4096, 0};
    for (size_t ci = 0; ci < sizeof(chunks) / sizeof(*chunks); ci++) {
        struct result res;
        read_all(path_of(name), chunks[ci], max_rec, &res);
        assert_int_equal(res.st, SKIDX_OK);
        assert_int_equal(res.lines, n);
        assert_int_equal(res.n_long, n_longs);
        for (size_t k = 0; k < n_longs; k++)
            assert_int_equal(res.long_lines[k], longs[k]);
        assert_int_equal(res.data.len, expect.len);
        assert_memory_equal(res.data.p, expect.p, expect.len);
        /* line i of the output is line i of the input */
        const char *p = res.data.p;
        for (size_t i = 1; i <= n; i++) {
            const char *e = memchr(p, '\n', res.data.len - (size_t)(p - res.data.p));
            assert_non_null(e);
            if (e > p) {
                size_t num = 0;
                assert_int_equal(sscanf(p, "{\"n\":%zu", &num), 1);
                assert_int_equal(num, i);
            }
            p = e + 1;
        }
        assert_int_equal(res.bytes_out, text.len);
        result_free(&res);
    }
    buf_free(&text);
    buf_free(&expect);
    buf_free(&file);
}

static void test_long_lines(void **state)
{
    (void)state;
    const size_t mid[] = {5};
    check_long_lines("long1.jsonl", 0, 12, mid, 1, 500, 100, 1);
    check_long_lines("long1.jsonl.zst", 1, 12, mid, 1, 500, 100, 1);
    const size_t many[] = {1, 2, 7, 8, 20};
    check_long_lines("long2.jsonl", 0, 20, many, 5, 101, 100, 0);
    check_long_lines("long2.jsonl.zst", 1, 20, many, 5, 3000, 100, 0);
    check_long_lines("long3.jsonl.zst", 1, 40, many, 5, 150, 100, 1);
    /* lines longer than the chunk but not than max_record are kept */
    const size_t none[] = {0};
    check_long_lines("long4.jsonl", 0, 30, none, 0, 0, 900, 1);
    /* a long line ends exactly at max_record + 1 */
    const size_t edge[] = {3};
    check_long_lines("long5.jsonl", 0, 6, edge, 1, 65, 64, 1);
}

/* A 64 MB line under the default 4 MiB limit: skipped, and the reader never
 * holds it (the chunk buffer stays near chunk + max_record). */
static void test_huge_line_memory(void **state)
{
    (void)state;
    const size_t huge = (size_t)64 << 20;
    struct buf text = {0}, z = {0};
    buf_add(&text, "{\"n\":1}\n", 8);
    char *big = malloc(huge);
    assert_non_null(big);
    memset(big, 'y', huge);
    buf_add(&text, big, huge);
    free(big);
    buf_add(&text, "\n{\"n\":3}\n", 9);
    add_frame(&z, text.p, text.len, 1);
    write_file(path_of("huge.jsonl.zst"), z.p, z.len);
    const size_t bound = ((size_t)4 << 20) + ((size_t)1 << 20);
    struct result res;
    read_all(path_of("huge.jsonl.zst"), 0, 0, &res);
    assert_int_equal(res.st, SKIDX_OK);
    assert_int_equal(res.lines, 3);
    assert_int_equal(res.n_long, 1);
    assert_int_equal(res.long_lines[0], 2);
    assert_string_equal(res.data.p, "{\"n\":1}\n\n{\"n\":3}\n");
    assert_true(res.max_cap <= bound);
    result_free(&res);
    /* same as plain text, with a smaller chunk */
    write_file(path_of("huge.jsonl"), text.p, text.len);
    read_all(path_of("huge.jsonl"), 4096, 0, &res);
    assert_int_equal(res.st, SKIDX_OK);
    assert_int_equal(res.n_long, 1);
    assert_string_equal(res.data.p, "{\"n\":1}\n\n{\"n\":3}\n");
    assert_true(res.max_cap <= bound);
    result_free(&res);
    unlink(path_of("huge.jsonl"));
    buf_free(&text);
    buf_free(&z);
}

/* ---- tests: listing ---- */

/* ---- gzip ---- */

/* Append one gzip member of src[0..n) to out. */
static void add_gzip(struct buf *out, const void *src, size_t n)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
                                  Z_DEFAULT_STRATEGY),
                     Z_OK);
    const size_t bound = deflateBound(&z, (uLong)n) + 32;
    unsigned char *dst = malloc(bound);
    assert_non_null(dst);
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)n;
    z.next_out = dst;
    z.avail_out = (uInt)bound;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    buf_add(out, dst, bound - z.avail_out);
    deflateEnd(&z);
    free(dst);
}

static int reader_is_gzip(const char *path)
{
    struct skidx_shard_reader *r = NULL;
    struct skidx_error err;
    if (skidx_shard_reader_open(path, NULL, &r, &err))
        return -1;
    const int g = skidx_shard_reader_is_gzip(r);
    skidx_shard_reader_close(r);
    return g;
}

/* Several members one after another read as one stream, under any name,
 * through next() and views, with small and default chunks. */
static void test_gzip_members(void **state)
{
    (void)state;
    struct buf text = {0}, g = {0};
    make_lines(&text, 30000, 80);
    const size_t cuts[] = {0, 17, text.len / 3, text.len / 3 + 1, text.len};
    for (size_t i = 0; i + 1 < sizeof(cuts) / sizeof(*cuts); i++)
        add_gzip(&g, text.p + cuts[i], cuts[i + 1] - cuts[i]); /* one empty */
    static const char *const names[] = {"m.jsonl.gz", "m.jsonl", "m.csv"};
    for (size_t k = 0; k < 3; k++) {
        write_file(path_of(names[k]), g.p, g.len);
        assert_int_equal(reader_is_gzip(path_of(names[k])), 1);
        for (size_t chunk = 0; chunk <= 4096; chunk += 4096) {
            struct result res;
            read_all(path_of(names[k]), chunk, 0, &res);
            assert_int_equal(res.st, SKIDX_OK);
            assert_int_equal(res.lines, 30000);
            assert_int_equal(res.data.len, text.len);
            assert_memory_equal(res.data.p, text.p, text.len);
            assert_int_equal(res.bytes_in, g.len);
            assert_int_equal(res.bytes_out, text.len);
            result_free(&res);
        }
    }
    buf_free(&text);
    buf_free(&g);
}

/* Cut at every byte: a shard fault at the file's end, never a shorter
 * shard read as whole, except right after a member. */
static void test_gzip_truncated(void **state)
{
    (void)state;
    static const char t1[] = "{\"first\":1}\n{\"sec";
    static const char t2[] = "ond\":2}\n{\"third\":3}\n";
    struct buf g = {0};
    add_gzip(&g, t1, strlen(t1));
    const size_t b1 = g.len;
    add_gzip(&g, t2, strlen(t2));
    for (size_t cut = 0; cut < g.len; cut++) {
        write_file(path_of("trunc.jsonl.gz"), g.p, cut);
        struct result res;
        read_all(path_of("trunc.jsonl.gz"), 7, 0, &res);
        if (cut == b1) {
            assert_int_equal(res.st, SKIDX_OK);
            assert_int_equal(res.lines, 2);
            assert_string_equal(res.data.p, "{\"first\":1}\n{\"sec\n");
        } else {
            assert_int_equal(res.st, SKIDX_ERR_CORRUPT);
            assert_non_null(strstr(res.err.msg, "truncated gzip member"));
            assert_int_equal(res.err.offset, cut);
            assert_string_equal(res.err.path, path_of("trunc.jsonl.gz"));
            /* never more than the whole lines before the cut */
            assert_true(res.lines <= 2);
        }
        result_free(&res);
    }
    buf_free(&g);
}

/* Each byte changed: a fault naming a byte inside the file, or exactly the
 * original text (gzip does not check its header's time and OS bytes), or,
 * when the magic number is changed, text. */
static void test_gzip_corrupt(void **state)
{
    (void)state;
    struct buf text = {0}, g = {0};
    make_lines(&text, 40, 30);
    add_gzip(&g, text.p, text.len);
    for (size_t i = 0; i < g.len; i++) {
        struct buf c = {0};
        buf_add(&c, g.p, g.len);
        c.p[i] ^= 0x55;
        write_file(path_of("bad.jsonl.gz"), c.p, c.len);
        struct result res;
        read_all(path_of("bad.jsonl.gz"), 0, 0, &res);
        if (i < 2) {
            /* no magic number: not gzip, read as text (as for zstd) */
            assert_int_equal(reader_is_gzip(path_of("bad.jsonl.gz")), 0);
        } else if (res.st == SKIDX_OK) {
            assert_int_equal(res.data.len, text.len);
            assert_memory_equal(res.data.p, text.p, text.len);
        } else {
            assert_int_equal(res.st, SKIDX_ERR_CORRUPT);
            assert_true(res.err.offset <= c.len);
            assert_string_equal(res.err.path, path_of("bad.jsonl.gz"));
        }
        result_free(&res);
        buf_free(&c);
    }
    /* garbage after a member: a fault at its first byte */
    write_file(path_of("junk.jsonl.gz"), g.p, g.len);
    FILE *f = fopen(path_of("junk.jsonl.gz"), "ab");
    assert_non_null(f);
    assert_int_equal(fwrite("junk\n", 1, 5, f), 5);
    assert_int_equal(fclose(f), 0);
    struct result res;
    read_all(path_of("junk.jsonl.gz"), 0, 0, &res);
    assert_int_equal(res.st, SKIDX_ERR_CORRUPT);
    assert_int_equal(res.err.offset, g.len);
    assert_non_null(strstr(res.err.msg, "cannot decompress gzip"));
    assert_int_equal(res.lines, 40); /* the member before it was read */
    result_free(&res);
    /* an empty *.gz is a truncated member; one byte 1F too */
    write_file(path_of("e.jsonl.gz"), "", 0);
    read_all(path_of("e.jsonl.gz"), 0, 0, &res);
    assert_int_equal(res.st, SKIDX_ERR_CORRUPT);
    assert_non_null(strstr(res.err.msg, "truncated gzip member"));
    result_free(&res);
    write_file(path_of("one.jsonl"), "\x1F", 1);
    read_all(path_of("one.jsonl"), 0, 0, &res);
    assert_int_equal(res.st, SKIDX_ERR_CORRUPT);
    assert_non_null(strstr(res.err.msg, "truncated gzip member"));
    result_free(&res);
    buf_free(&text);
    buf_free(&g);
}

static void test_format_of(void **state)
{
    (void)state;
    assert_int_equal(skidx_shard_format_of("a/b.csv"), SKIDX_FORMAT_CSV);
    assert_int_equal(skidx_shard_format_of("b.CSV.gz"), SKIDX_FORMAT_CSV);
    assert_int_equal(skidx_shard_format_of("b.csv.zst"), SKIDX_FORMAT_CSV);
    assert_int_equal(skidx_shard_format_of("b.tsv.zstd"), SKIDX_FORMAT_TSV);
    assert_int_equal(skidx_shard_format_of("b.tab"), SKIDX_FORMAT_TSV);
    assert_int_equal(skidx_shard_format_of("b.jsonl.gz"), SKIDX_FORMAT_JSONL);
    assert_int_equal(skidx_shard_format_of("csv"), SKIDX_FORMAT_JSONL);
    assert_int_equal(skidx_shard_format_of("b.csv.gz.bak"),
                     SKIDX_FORMAT_JSONL);
    assert_int_equal(skidx_shard_format_of("/dev/stdin"), SKIDX_FORMAT_JSONL);
}

static void test_list_directory(void **state)
{
    (void)state;
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/corpus", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);
    static const char *const keep[] = {
        "A.jsonl", "a.jsonl.zst", "b.jsonl", "b_2.ndjson", "c.ndjson.zst",
        "d.csv", "e.jsonl.gz", "f.tsv.gz",
    };
    static const char *const skip[] = {
        "d.json", "f.zst", "g.jsonl.zst.bak", ".hidden.jsonl", "jsonl",
        "README", "h.csv.bz2", "x.gz",
    };
    char p[1024];
    for (size_t i = 0; i < sizeof(keep) / sizeof(*keep); i++) {
        snprintf(p, sizeof(p), "%s/%s", dir, keep[i]);
        write_file(p, "0123456789", i + 1); /* size i + 1 */
    }
    for (size_t i = 0; i < sizeof(skip) / sizeof(*skip); i++) {
        snprintf(p, sizeof(p), "%s/%s", dir, skip[i]);
        write_file(p, "x\n", 2);
    }
    snprintf(p, sizeof(p), "%s/sub.jsonl", dir); /* a directory */
    assert_int_equal(mkdir(p, 0755), 0);

    struct skidx_shard_list list = {0};
    struct skidx_error err;
    skidx_error_clear(&err);
    assert_int_equal(skidx_shard_list_add(&list, dir, &err), SKIDX_OK);
    assert_int_equal(list.n, 8);
    for (size_t i = 0; i < 8; i++) {
        snprintf(p, sizeof(p), "%s/%s", dir, keep[i]);
        assert_string_equal(list.paths[i], p);
        assert_int_equal(list.sizes[i], i + 1);
    }
    /* an explicit file with any name, then the directory again with '/' */
    snprintf(p, sizeof(p), "%s/README", dir);
    assert_int_equal(skidx_shard_list_add(&list, p, &err), SKIDX_OK);
    assert_int_equal(list.n, 9);
    assert_string_equal(list.paths[8], p);
    assert_int_equal(list.sizes[8], 2);
    snprintf(p, sizeof(p), "%s/", dir);
    assert_int_equal(skidx_shard_list_add(&list, p, &err), SKIDX_OK);
    assert_int_equal(list.n, 17);
    snprintf(p, sizeof(p), "%s/A.jsonl", dir);
    assert_string_equal(list.paths[9], p);
    skidx_shard_list_release(&list);
    assert_null(list.paths);
    assert_int_equal(list.n, 0);
}

static void test_list_errors(void **state)
{
    (void)state;
    char dir[512], p[1024];
    snprintf(dir, sizeof(dir), "%s/emptydir", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);
    struct skidx_shard_list list = {0};
    struct skidx_error err;
    skidx_error_clear(&err);
    assert_int_equal(skidx_shard_list_add(&list, dir, &err),
                     SKIDX_ERR_NOTFOUND);
    assert_non_null(strstr(err.msg, dir));
    assert_int_equal(list.n, 0);
    /* only non-shards: still nothing found */
    snprintf(p, sizeof(p), "%s/notes.txt", dir);
    write_file(p, "x", 1);
    assert_int_equal(skidx_shard_list_add(&list, dir, &err),
                     SKIDX_ERR_NOTFOUND);
    /* missing path */
    snprintf(p, sizeof(p), "%s/missing", tmpdir);
    skidx_error_clear(&err);
    assert_int_equal(skidx_shard_list_add(&list, p, &err), SKIDX_ERR_IO);
    assert_non_null(strstr(err.msg, strerror(ENOENT)));
    assert_string_equal(err.path, p);
    assert_int_equal(list.n, 0);
    /* unreadable file (skipped when running as root, who reads anyway) */
    if (geteuid() != 0) {
        snprintf(p, sizeof(p), "%s/secret.jsonl", tmpdir);
        write_file(p, "x\n", 2);
        assert_int_equal(chmod(p, 0), 0);
        assert_int_equal(skidx_shard_list_add(&list, p, &err), SKIDX_ERR_IO);
        assert_non_null(strstr(err.msg, strerror(EACCES)));
    }
    skidx_shard_list_release(&list);
}

/* Empty regular files only: nothing to share among threads. A file with
 * bytes, one that grew after listing, or a FIFO (listed as 0 bytes, but
 * it may carry anything) is not empty. */
static void test_list_all_empty(void **state)
{
    (void)state;
    char dir[512], p[1024];
    snprintf(dir, sizeof(dir), "%s/empties", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);
    struct skidx_shard_list list = {0};
    struct skidx_error err;
    skidx_error_clear(&err);
    assert_int_equal(skidx_shard_list_all_empty(&list), 1);
    snprintf(p, sizeof(p), "%s/a.jsonl", dir);
    write_file(p, "", 0);
    snprintf(p, sizeof(p), "%s/b.csv.zst", dir);
    write_file(p, "", 0);
    assert_int_equal(skidx_shard_list_add(&list, dir, &err), SKIDX_OK);
    assert_int_equal(list.n, 2);
    assert_int_equal(skidx_shard_list_all_empty(&list), 1);
    write_file(p, "{}\n", 3); /* grew after listing */
    assert_int_equal(skidx_shard_list_all_empty(&list), 0);
    write_file(p, "", 0);
    assert_int_equal(skidx_shard_list_all_empty(&list), 1);
    snprintf(p, sizeof(p), "%s/fifo", tmpdir);
    assert_int_equal(mkfifo(p, 0600), 0);
    assert_int_equal(skidx_shard_list_add(&list, p, &err), SKIDX_OK);
    assert_int_equal(list.sizes[2], 0);
    assert_int_equal(skidx_shard_list_all_empty(&list), 0);
    skidx_shard_list_release(&list);
    snprintf(p, sizeof(p), "%s/c.jsonl", dir);
    write_file(p, "{}\n", 3);
    assert_int_equal(skidx_shard_list_add(&list, p, &err), SKIDX_OK);
    assert_int_equal(skidx_shard_list_all_empty(&list), 0);
    skidx_shard_list_release(&list);
}

/* A small corpus (one thread by default): regular files of at most the
 * limit in all, counted by their size now or at listing, whichever is
 * larger, over the range asked; a FIFO or a vanished file is not small. */
static void test_list_small(void **state)
{
    (void)state;
    char dir[512], p[1024], big[1024];
    snprintf(dir, sizeof(dir), "%s/smalls", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);
    struct skidx_shard_list list = {0};
    struct skidx_error err;
    skidx_error_clear(&err);
    assert_int_equal(skidx_shard_list_small(&list, 0, 0, 0), 1);
    snprintf(p, sizeof(p), "%s/a.jsonl", dir);
    write_file(p, "0123456789\n", 11);
    snprintf(big, sizeof(big), "%s/b.jsonl", dir);
    write_file(big, "0123456789012345678\n", 20);
    assert_int_equal(skidx_shard_list_add(&list, dir, &err), SKIDX_OK);
    assert_int_equal(list.n, 2);
    assert_int_equal(skidx_shard_list_small(&list, 0, 2, 31), 1);
    assert_int_equal(skidx_shard_list_small(&list, 0, 2, 30), 0);
    assert_int_equal(skidx_shard_list_small(&list, 0, 1, 11), 1);
    assert_int_equal(skidx_shard_list_small(&list, 1, 2, 19), 0);
    assert_int_equal(skidx_shard_list_small(&list, 1, 2, 20), 1);
    write_file(big, "01234567890123456789012345678\n", 30); /* grew */
    assert_int_equal(skidx_shard_list_small(&list, 0, 2, 31), 0);
    assert_int_equal(skidx_shard_list_small(&list, 0, 2, 41), 1);
    write_file(big, "0\n", 2); /* shrank: the listed size counts */
    assert_int_equal(skidx_shard_list_small(&list, 0, 2, 30), 0);
    assert_int_equal(skidx_shard_list_small(&list, 0, 2, 31), 1);
    assert_int_equal(unlink(p), 0);
    assert_int_equal(skidx_shard_list_small(&list, 0, 2, 1000), 0);
    assert_int_equal(skidx_shard_list_small(&list, 1, 2, 1000), 1);
    skidx_shard_list_release(&list);
    snprintf(p, sizeof(p), "%s/small-fifo", tmpdir);
    assert_int_equal(mkfifo(p, 0600), 0);
    assert_int_equal(skidx_shard_list_add(&list, p, &err), SKIDX_OK);
    assert_int_equal(list.sizes[0], 0);
    assert_int_equal(skidx_shard_list_small(&list, 0, 1, UINT64_MAX), 0);
    skidx_shard_list_release(&list);
}

/* ---- setup ---- */

static int rm_rf(const char *path)
{
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
    return system(cmd);
}

static int setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/test_shard.XXXXXX", t ? t : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    skidx_shard_reader_spare_free(view_spare);
    view_spare = NULL;
    return rm_rf(tmpdir) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_blank_runs),
        cmocka_unit_test(test_zstd_single_frame),
        cmocka_unit_test(test_zstd_multi_frame),
        cmocka_unit_test(test_random_roundtrip),
        cmocka_unit_test(test_no_final_newline),
        cmocka_unit_test(test_crlf_untouched),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_other_compression),
        cmocka_unit_test(test_changed_while_reading),
        cmocka_unit_test(test_bit_flips),
        cmocka_unit_test(test_corrupt_offset),
        cmocka_unit_test(test_trailing_garbage),
        cmocka_unit_test(test_name_vs_content),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_huge_line_memory),
        cmocka_unit_test(test_gzip_members),
        cmocka_unit_test(test_gzip_truncated),
        cmocka_unit_test(test_gzip_corrupt),
        cmocka_unit_test(test_format_of),
        cmocka_unit_test(test_list_directory),
        cmocka_unit_test(test_list_errors),
        cmocka_unit_test(test_list_all_empty),
        cmocka_unit_test(test_list_small),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
