/*
 * fuzz_jsonl.c - libFuzzer target for the JSON field extractor.
 *
 * Each input is one line. It is parsed with the default keys on the AVX2 and
 * on the portable scanners (results must be identical), then once with
 * remapped keys. Checked invariants: the result is a known cause; a fault
 * column lies inside the line; returned strings are valid UTF-8 and lie in
 * the line or in the scratch; other values lie in the line and start with
 * the byte their type implies.
 *
 * Build (from the repository root):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *     tests/fuzz/fuzz_jsonl.c src/io/jsonl.c src/core/status.c -o fuzz_jsonl
 *   ./fuzz_jsonl -max_total_time=120 tests/fuzz/corpus_jsonl
 */
#include "io/jsonl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Internal hook of jsonl.c: 1 forces the portable scanners. */
int skidx_jsonl_force_scalar_(int on);

static int valid_utf8(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const unsigned c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k;
        unsigned long cp;
        if ((c & 0xE0) == 0xC0) {
            k = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (i + k >= n)
            return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((p[i + j] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + j] & 0x3F);
        }
        static const unsigned long min[4] = {0, 0x80, 0x800, 0x10000};
        if (cp < min[k] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

static int inside(const char *p, size_t n, const char *lo, size_t size)
{
    return p && lo && p >= lo && n <= size && (size_t)(p - lo) <= size - n;
}

static void check(const char *line, size_t size, unsigned r, size_t col,
                  const struct skidx_jsonl_record *rec,
                  const struct skidx_jbuf *scratch)
{
    if (r > SKIDX_CAUSE_COUNT)
        abort(); /* allocation failure: not expected at these sizes */
    if (r < SKIDX_CAUSE_COUNT) {
        if (skidx_cause_is_fix(r) || col > size)
            abort();
        for (unsigned i = 0; i < SKIDX_F_COUNT; i++)
            if (rec->f[i].type != SKIDX_J_ABSENT)
                abort();
        return;
    }
    for (unsigned i = 0; i < SKIDX_F_COUNT; i++) {
        const struct skidx_jvalue *v = &rec->f[i];
        switch (v->type) {
        case SKIDX_J_ABSENT:
            break;
        case SKIDX_J_STRING:
            if (v->len == 0)
                break;
            if (!inside(v->ptr, v->len, line, size) &&
                !inside(v->ptr, v->len, scratch->data, scratch->len))
                abort();
            if (!valid_utf8((const unsigned char *)v->ptr, v->len))
                abort();
            break;
        default: {
            static const char first[] = "\0\0-tfn{[";
            if (!inside(v->ptr, v->len, line, size) || v->len == 0)
                abort();
            const char c = v->ptr[0];
            if (v->type == SKIDX_J_NUMBER ? !(c == '-' || (c >= '0' && c <= '9'))
                                          : c != first[v->type])
                abort();
            if (v->type == SKIDX_J_OBJECT && v->ptr[v->len - 1] != '}')
                abort();
            if (v->type == SKIDX_J_ARRAY && v->ptr[v->len - 1] != ']')
                abort();
        }
        }
    }
}

static int same(const struct skidx_jsonl_record *a,
                const struct skidx_jsonl_record *b)
{
    if (a->fixes != b->fixes)
        return 0;
    for (unsigned i = 0; i < SKIDX_F_COUNT; i++) {
        if (a->f[i].type != b->f[i].type || a->f[i].len != b->f[i].len)
            return 0;
        if (a->f[i].len && memcmp(a->f[i].ptr, b->f[i].ptr, a->f[i].len))
            return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct skidx_jsonl_keys keys, remapped;
    static struct skidx_jbuf s1, s2;
    static int ready;
    if (!ready) {
        skidx_jsonl_keys_default(&keys);
        skidx_jsonl_keys_default(&remapped);
        if (skidx_jsonl_keys_remap(&remapped, "title=job_title", NULL) ||
            skidx_jsonl_keys_remap(&remapped, "description=x", NULL) ||
            skidx_jsonl_keys_remap(&remapped, "company=title", NULL))
            abort();
        ready = 1;
    }
    const char *line = (const char *)data;
    struct skidx_jsonl_record a, b;
    size_t ca = 0, cb = 0;

    skidx_jsonl_force_scalar_(0);
    const unsigned ra = skidx_jsonl_parse(&keys, line, size, &a, &s1, &ca);
    check(line, size, ra, ca, &a, &s1);
    skidx_jsonl_force_scalar_(1);
    const unsigned rb = skidx_jsonl_parse(&keys, line, size, &b, &s2, &cb);
    check(line, size, rb, cb, &b, &s2);
    if (ra != rb || (ra < SKIDX_CAUSE_COUNT && ca != cb) || !same(&a, &b))
        abort();
    skidx_jsonl_force_scalar_(0);

    const unsigned rc = skidx_jsonl_parse(&remapped, line, size, &b, &s2, &cb);
    check(line, size, rc, cb, &b, &s2);
    /* the keys change what is extracted, never whether the line is good */
    if (rc != ra || (ra < SKIDX_CAUSE_COUNT && cb != ca))
        abort();
    if (ra == SKIDX_CAUSE_COUNT && a.f[SKIDX_F_ID].type != b.f[SKIDX_F_ID].type)
        abort();

    /* the input as the text of a chunk: its first line (up to the first
     * '\n'), found by skidx_jsonl_parse_first(), is what
     * skidx_jsonl_parse() makes of that line */
    const char *nl = size ? memchr(line, '\n', size) : NULL;
    const size_t n = nl ? (size_t)(nl - line) : size;
    const unsigned rd = skidx_jsonl_parse(&keys, line, n, &a, &s1, &ca);
    size_t len = SIZE_MAX;
    const unsigned re =
        skidx_jsonl_parse_first(&keys, line, size, SIZE_MAX, &b, &s2, &cb, &len);
    check(line, n, re, cb, &b, &s2);
    if (len != n || rd != re || (rd < SKIDX_CAUSE_COUNT && ca != cb) ||
        !same(&a, &b))
        abort();
    return 0;
}
